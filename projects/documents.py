"""Upload rules for case documents: allowed types, size, safe names, content, checksums."""

import datetime
import hashlib
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from email import policy as email_policy
from email.parser import BytesParser

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
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


_UNSAFE_DISPLAY = re.compile(r'[\x00-\x1f\x7f<>:"|?*]+')


def display_filename(name: str) -> str:
    """The name to show and to send with a download: the user's own name (å, ä, ö and
    spaces kept) without directories or control characters, at most 150 chars.

    ``../Budget Vätgasdalen.xlsx`` -> ``Budget Vätgasdalen.xlsx``. The file is stored under
    ``sanitise_filename``'s ASCII name; this one only travels in ``Content-Disposition``
    (RFC 5987 ``filename*``).
    """
    name = (name or "").replace("\\", "/").split("/")[-1]
    name = unicodedata.normalize("NFC", name)
    name = _UNSAFE_DISPLAY.sub("_", name).strip(" .")
    stem, ext = os.path.splitext(name)
    if not stem:
        return sanitise_filename(name)
    return f"{stem[:140]}{ext.lower()[:10]}"


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


# --- Incoming e-mail ------------------------------------------------------------------

MAX_EMAIL_ATTACHMENTS = 20


@dataclass(frozen=True)
class EmailAttachment:
    filename: str
    content: bytes


@dataclass(frozen=True)
class ParsedEmail:
    subject: str
    sender: str
    party_kind: str  # "person" when the sender has a personal name, else "organisation"
    date: datetime.date | None
    text: str  # the headers that matter and the plain-text body, as registered
    attachments: list[EmailAttachment] = field(default_factory=list)


def parse_email(uploaded) -> ParsedEmail:
    """An uploaded .eml read with the standard library's parser (RFC 5322 / MIME).

    Refuses what is not a message (no From or Date header), more than
    ``MAX_EMAIL_ATTACHMENTS`` attachments, or a message over the upload size limit.
    """
    name = (uploaded.name or "").lower()
    if not name.endswith(".eml"):
        raise ValidationError({"file": _("Välj ett e-postmeddelande (.eml).")}, code="file_type")
    if uploaded.size > settings.DOCUMENT_MAX_UPLOAD_SIZE:
        raise ValidationError(
            {"file": _("Filen är för stor (%(size)s).") % {"size": format_size(uploaded.size)}},
            code="file_size",
        )
    uploaded.seek(0)
    raw = uploaded.read()
    uploaded.seek(0)
    try:
        message = BytesParser(policy=email_policy.default).parsebytes(raw)
        sender_header = message["From"]
        date_header = message["Date"]
    except (ValueError, TypeError, IndexError, LookupError) as exc:
        raise ValidationError({"file": _("E-postmeddelandet kan inte läsas.")}) from exc
    if not sender_header or not date_header:
        raise ValidationError(
            {"file": _("E-postmeddelandet saknar avsändare eller datum.")}, code="file_content"
        )
    addresses = getattr(sender_header, "addresses", ())
    display = addresses[0].display_name if addresses else ""
    address = addresses[0].addr_spec if addresses else str(sender_header)
    sender = f"{display} <{address}>" if display else address
    try:
        sent = getattr(date_header, "datetime", None)
        date = timezone.localdate(sent) if sent and sent.tzinfo else (sent.date() if sent else None)
    except (ValueError, OverflowError):
        date = None
    subject = str(message["Subject"] or "").strip()
    body_part = message.get_body(preferencelist=("plain", "html"))
    try:
        body = body_part.get_content() if body_part is not None else ""
    except (LookupError, ValueError):
        body = ""
    if body_part is not None and body_part.get_content_type() == "text/html":
        body = re.sub(r"<[^>]+>", "", body)
    text = "\n".join(
        [
            f"Från: {sender}",
            f"Till: {message['To'] or ''}",
            f"Datum: {message['Date']}",
            f"Ämne: {subject}",
            "",
            body,
        ]
    )
    attachments = []
    for part in message.iter_attachments():
        filename = part.get_filename() or ""
        if not filename:
            continue
        content = part.get_payload(decode=True) or b""
        attachments.append(EmailAttachment(filename=filename, content=content))
    if len(attachments) > MAX_EMAIL_ATTACHMENTS:
        raise ValidationError(
            {
                "file": _("E-postmeddelandet har fler än %(max)s bilagor.")
                % {"max": MAX_EMAIL_ATTACHMENTS}
            }
        )
    return ParsedEmail(
        subject=subject,
        sender=sender,
        # a private person until the officer says otherwise: the e-diarium masks a person's
        # name, and an address says nothing about who writes (anna.svensson@gmail.com)
        party_kind="person",
        date=date,
        text=text,
        attachments=attachments,
    )
