"""Upload rules for case documents: allowed types, size, safe names, content, checksums."""

import hashlib
import os
import re
import unicodedata
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# extension -> content type stored with the document (never the browser's claim)
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    ".pdf": ("application/pdf",),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",),
    ".odt": ("application/vnd.oasis.opendocument.text",),
    ".png": ("image/png",),
    ".jpg": ("image/jpeg",),
    ".jpeg": ("image/jpeg",),
    ".txt": ("text/plain",),
}
ACCEPT_ATTRIBUTE = ",".join(ALLOWED_TYPES)  # for <input type="file" accept="...">
_MAGIC = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}
# Office files are zip archives; these members tell which kind it really is.
_ZIP_MEMBERS = {
    ".docx": "word/document.xml",
    ".xlsx": "xl/workbook.xml",
}
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# Control characters that never occur in a text file (tab, LF, FF, CR are fine).
_BINARY_BYTES = set(range(0, 9)) | {11} | set(range(14, 32))


def sanitise_filename(name: str) -> str:
    """A safe file name: no directories, no control characters, ASCII, at most 110 chars.

    ``../../etc/passwd`` -> ``passwd``; ``Ansökan 2020.pdf`` -> ``Ansokan_2020.pdf``.
    """
    name = (name or "").replace("\\", "/").split("/")[-1]
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    name = _UNSAFE.sub("_", name).strip("._")
    stem, ext = os.path.splitext(name)
    if not stem and ext:  # ".pdf" alone
        stem, ext = ext.lstrip("."), ""
    stem = stem[:100] or "dokument"
    return f"{stem}{ext.lower()[:10]}"


def _content_error(ext: str) -> ValidationError:
    return ValidationError(
        _("Filens innehåll stämmer inte med filtypen %(ext)s.") % {"ext": ext},
        code="file_content",
    )


def _check_zip(uploaded, ext: str) -> None:
    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = set(archive.namelist())
            if ext == ".odt":
                if "mimetype" not in names or archive.read("mimetype").strip() != _ODT_MIMETYPE:
                    raise _content_error(ext)
            elif _ZIP_MEMBERS[ext] not in names:
                raise _content_error(ext)
    except (zipfile.BadZipFile, OSError, KeyError) as exc:
        raise _content_error(ext) from exc
    finally:
        uploaded.seek(0)


def _check_text(uploaded) -> None:
    sample = uploaded.read(64 * 1024)
    uploaded.seek(0)
    if any(byte in _BINARY_BYTES for byte in sample):
        raise ValidationError(_("Textfilen innehåller binära data."), code="file_content")


def validate_upload(uploaded) -> tuple[str, str]:
    """Check type, size and content of an uploaded file; return (extension, content type).

    The type is decided by the extension of the sanitised name and must match the
    file's content (magic numbers, the members of Office archives, text without
    binary bytes); what the browser claims is ignored.
    """
    safe_name = sanitise_filename(uploaded.name or "")
    ext = os.path.splitext(safe_name)[1].lower()
    if ext not in ALLOWED_TYPES:
        raise ValidationError(
            _("Filtypen är inte tillåten. Tillåtna typer: PDF, DOCX, XLSX, ODT, PNG, JPEG, TXT."),
            code="file_type",
        )
    max_size = settings.DOCUMENT_MAX_UPLOAD_SIZE
    if uploaded.size > max_size:
        raise ValidationError(
            _("Filen är för stor (%(size)s). Största tillåtna storlek är %(max)s.")
            % {"size": format_size(uploaded.size), "max": format_size(max_size)},
            code="file_size",
        )
    if uploaded.size == 0:
        raise ValidationError(_("Filen är tom."), code="file_empty")
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    magic = _MAGIC.get(ext)
    if magic and not any(head.startswith(m) for m in magic):
        raise _content_error(ext)
    if ext in _ZIP_MEMBERS or ext == ".odt":
        _check_zip(uploaded, ext)
    if ext == ".txt":
        _check_text(uploaded)
    return ext, ALLOWED_TYPES[ext][0]


def sha256_of(uploaded) -> str:
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


def format_size(size: int) -> str:
    """``1536`` -> ``1,5 kB``; ``20971520`` -> ``20 MB`` (Swedish decimal comma)."""
    if size < 1024:
        return f"{size} B"
    for unit in ("kB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            text = f"{size:.1f}".replace(".", ",")
            return f"{text.removesuffix(',0')} {unit}"
    return ""  # pragma: no cover
