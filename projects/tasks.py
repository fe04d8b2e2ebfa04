"""Celery tasks of the registry: reading the text of uploaded documents for the search."""

import logging
import subprocess
import zipfile

from celery import shared_task
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# Seconds pdftotext may take on one file.
PDFTOTEXT_TIMEOUT = 120
MAX_TEXT_CHARS = 500_000


def _pdf_text(path: str) -> str:
    result = subprocess.run(  # noqa: S603 - fixed program, the path is ours
        ["pdftotext", "-enc", "UTF-8", "-q", path, "-"],  # noqa: S607
        capture_output=True,
        timeout=PDFTOTEXT_TIMEOUT,
        check=False,
    )
    return result.stdout.decode("utf-8", "replace")


def _docx_text(path: str) -> str:
    import docx

    document = docx.Document(path)
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def extract_text(path: str, content_type: str) -> str:
    """The text of a PDF (pdftotext), DOCX (python-docx) or plain text file; else ""."""
    if content_type == "application/pdf":
        return _pdf_text(path)
    if content_type.endswith("wordprocessingml.document"):
        return _docx_text(path)
    if content_type == "text/plain":
        with open(path, "rb") as handle:
            return handle.read(MAX_TEXT_CHARS * 4).decode("utf-8", "replace")
    return ""


@shared_task(name="projects.document_extract_text", acks_late=True)
def document_extract_text(document_id: int) -> int:
    """Read a document's text into ``Document.text`` and refresh its case's search index.

    Idempotent (a redelivered task reads the same file again); an unreadable file is
    logged and marked read with no text, so it is not tried again and again."""
    from projects.models import Document
    from projects.services import case_refresh_search

    document = Document.objects.filter(pk=document_id).select_related("case").first()
    if document is None:
        return 0
    try:
        text = extract_text(document.file.path, document.content_type)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, subprocess.SubprocessError) as exc:
        logger.warning("document %s: text not readable: %s", document_id, exc)
        text = ""
    text = text.replace("\x00", "")[:MAX_TEXT_CHARS]
    with transaction.atomic():
        Document.objects.filter(pk=document.pk).update(text=text, text_extracted_at=timezone.now())
        case_refresh_search(case=document.case)
    return len(text)


def document_extract_enqueue(document_id: int) -> None:
    """Send the extraction once the upload commits; a broker that is down only delays it
    (``extract_pending_document_texts`` picks the document up later)."""

    def send():
        try:
            document_extract_text.apply_async(args=[document_id], retry=False)
        except Exception as exc:  # noqa: BLE001 - any broker failure
            logger.warning("broker unavailable for document text %s: %s", document_id, exc)

    transaction.on_commit(send)


@shared_task(name="projects.extract_pending_document_texts", acks_late=True)
def extract_pending_document_texts() -> int:
    """Send the documents whose text was never read (beat, every ten minutes)."""
    from projects.models import Document

    ids = list(
        Document.objects.filter(text_extracted_at__isnull=True).values_list("pk", flat=True)[:200]
    )
    for document_id in ids:
        document_extract_text.apply_async(args=[document_id], retry=False)
    return len(ids)


# The retention run's task lives in its package; imported here so autodiscovery finds it.
from projects.retention.tasks import prepare_retention_run  # noqa: E402,F401
