"""Upload rules for case documents: allowed types, size, safe names, checksums."""

import hashlib
import os
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# extension -> (accepted content types, magic-number check)
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
_MAGIC = {
    ".pdf": (b"%PDF",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def sanitise_filename(name: str) -> str:
    """A safe file name: no directories, no control characters, ASCII, at most 120 chars.

    ``../../etc/passwd`` -> ``passwd``; ``Ansökan 2020.pdf`` -> ``Ansokan_2020.pdf``.
    """
    name = name.replace("\\", "/").split("/")[-1]
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    name = _UNSAFE.sub("_", name).strip("._")
    stem, ext = os.path.splitext(name)
    stem = stem[:100] or "dokument"
    return f"{stem}{ext.lower()[:10]}"


def validate_upload(uploaded) -> tuple[str, str]:
    """Check type, content and size of an uploaded file; return (extension, content type)."""
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
            _("Filen är för stor (högst %(mb)s MB).") % {"mb": max_size // (1024 * 1024)},
            code="file_size",
        )
    if uploaded.size == 0:
        raise ValidationError(_("Filen är tom."), code="file_empty")
    head = uploaded.read(16)
    uploaded.seek(0)
    magic = _MAGIC.get(ext)
    if magic and not any(head.startswith(m) for m in magic):
        raise ValidationError(
            _("Filens innehåll stämmer inte med filtypen %(ext)s.") % {"ext": ext},
            code="file_content",
        )
    if ext == ".txt" and b"\x00" in head:
        raise ValidationError(_("Textfilen innehåller binära data."), code="file_content")
    return ext, ALLOWED_TYPES[ext][0]


def sha256_of(uploaded) -> str:
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()
