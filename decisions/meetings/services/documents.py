"""Documents of a meeting: jobs that render protocols and extracts, storing and sending them."""

import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.access import require
from core.errors import Conflict
from core.jobs import (
    JobStatus,
    job_done,
    job_enqueue,
    job_fail,
    job_start,
    job_step,
    sha256_bytes,
)
from core.pdf import PdfRenderError
from core.seal import SealError
from decisions.meetings import documents, permissions, record_access
from decisions.meetings.models import (
    DocumentJob,
    ExtractDispatch,
    GeneratedDocument,
    Meeting,
    MeetingStatus,
    Paragraph,
)
from projects.models import Direction, Document, PartyKind
from projects.services import document_mark_sent, document_register_generated

logger = logging.getLogger(__name__)


@transaction.atomic
def document_job_request(
    *,
    user,
    meeting: Meeting,
    kind: str,
    paragraph: Paragraph | None = None,
    send: bool = False,
) -> DocumentJob:
    """Order a kallelse, protocol or extract; the PDF is rendered by a Celery task."""
    from decisions.meetings.tasks import generate_document

    if kind == GeneratedDocument.Kind.EXTRACT:
        if paragraph is None:
            raise ValidationError(_("Välj paragrafen som utdraget gäller."))
        require(
            permissions.can_send_extract(user, paragraph)
            if send
            else permissions.can_generate_extract(user, paragraph)
        )
    else:
        require(permissions.can_generate_documents(user, meeting))
        if kind not in GeneratedDocument.Kind.values:
            raise ValidationError(_("Okänd dokumenttyp."))
        paragraph = None
        send = False
    running = DocumentJob.objects.filter(
        meeting=meeting,
        kind=kind,
        paragraph=paragraph,
        send=send,
        status__in=[JobStatus.QUEUED, JobStatus.RUNNING],
    ).first()
    if running is not None:
        if running.broker_unavailable:  # ordered while the broker was down: try again now
            job_enqueue(running, generate_document)
        return running
    job = DocumentJob.objects.create(
        kind=kind, meeting=meeting, paragraph=paragraph, send=send, requested_by=user
    )
    job_enqueue(job, generate_document)
    return job


@transaction.atomic
def meeting_request_extracts(*, user, meeting: Meeting, send: bool = True) -> list[DocumentJob]:
    """One extract job per paragraph with recipients (or every paragraph when not sending)."""
    require(permissions.can_generate_documents(user, meeting))
    if meeting.status != MeetingStatus.SIGNED:
        raise ValidationError(_("Protokollsutdrag kan bara skapas när protokollet är justerat."))
    jobs = []
    for paragraph in meeting.paragraphs.order_by("number"):
        if send and not paragraph.recipients.exists():
            continue
        jobs.append(
            document_job_request(
                user=user,
                meeting=meeting,
                kind=GeneratedDocument.Kind.EXTRACT,
                paragraph=paragraph,
                send=send,
            )
        )
    if not jobs:
        raise ValidationError(_("Inga paragrafer har mottagare av protokollsutdrag."))
    return jobs


@transaction.atomic
def document_job_retry(*, user, job: DocumentJob) -> DocumentJob:
    from decisions.meetings.tasks import generate_document

    require(permissions.can_generate_documents(user, job.meeting))
    locked = DocumentJob.objects.select_for_update().get(pk=job.pk)
    if locked.status == JobStatus.DONE:
        raise Conflict(_("Dokumentet är redan klart."))
    if locked.status == JobStatus.RUNNING and not locked.is_stalled:
        raise Conflict(_("Dokumentet skapas just nu."))
    if locked.status == JobStatus.QUEUED and not locked.broker_unavailable:
        return locked
    locked.status = JobStatus.QUEUED
    locked.error = ""
    locked.progress = 0
    locked.save(update_fields=["status", "error", "progress"])
    job_enqueue(locked, generate_document)
    return locked


def document_job_run(*, job_id: int) -> None:
    """The task's body: render, store with SHA-256, and send extracts when asked.

    Idempotent: a job already done does nothing; rendering the same signed protocol again
    yields the same bytes, and an identical stored file is reused instead of duplicated.
    """
    job = DocumentJob.objects.select_related("meeting__body", "paragraph").get(pk=job_id)
    if not job_start(job):
        return
    try:
        job_step(job, _("Skapar dokumentet"), 10)
        document = document_store(
            kind=job.kind, meeting=job.meeting, paragraph=job.paragraph, user=job.requested_by
        )
        job_step(job, _("Dokumentet är sparat"), 80)
        if job.send and job.kind == GeneratedDocument.Kind.EXTRACT:
            job_step(job, _("Skickar protokollsutdrag"), 85)
            dispatches = extract_send(user=job.requested_by, document=document)
            failed = [d for d in dispatches if d.status == ExtractDispatch.Status.FAILED]
            if failed:
                job.document = document
                DocumentJob.objects.filter(pk=job.pk).update(document=document)
                job_fail(
                    job,
                    _("Utskicket misslyckades till: %(names)s.")
                    % {"names": ", ".join(f"{d.name} ({d.error})" for d in failed)},
                )
                return
        job_done(job, document=document)
    except PdfRenderError as exc:
        job_fail(job, _("PDF kunde inte skapas: %(error)s") % {"error": exc})
    except SealError as exc:
        job_fail(job, str(exc))
    except documents.DocumentError as exc:
        job_fail(job, str(exc))


def final_protocol_request(*, meeting_id: int) -> DocumentJob | None:
    """Order the final protocol of a just signed meeting (as its secretary); nothing when
    it is already stored or ordered."""
    meeting = Meeting.objects.get(pk=meeting_id)
    if GeneratedDocument.objects.filter(
        meeting=meeting, kind=GeneratedDocument.Kind.PROTOCOL, final=True
    ).exists():
        return None
    return document_job_request(
        user=meeting.secretary, meeting=meeting, kind=GeneratedDocument.Kind.PROTOCOL
    )


def _is_final(kind: str, meeting: Meeting, paragraph: Paragraph | None) -> bool:
    """A protocol of a signed meeting, or an extract of a signed meeting or adjusted §."""
    if kind == GeneratedDocument.Kind.PROTOCOL:
        return meeting.status == MeetingStatus.SIGNED
    if kind == GeneratedDocument.Kind.EXTRACT:
        return meeting.status == MeetingStatus.SIGNED or bool(
            paragraph is not None and paragraph.adjusted_at
        )
    return False


def document_store(
    *, kind: str, meeting: Meeting, paragraph: Paragraph | None, user
) -> GeneratedDocument:
    """The document, stored with its SHA-256.

    A final document (the protocol of a signed meeting, an extract of it or of an
    immediately adjusted §) is made once, from the record taken at the justering, and
    from then on every request gets that stored file. Drafts and the kallelse render from
    the data as it is (an identical stored file is reused).
    """
    final = _is_final(kind, meeting, paragraph)
    if final:
        stored = GeneratedDocument.objects.filter(
            kind=kind, meeting=meeting, paragraph=paragraph, final=True
        ).first()
        if stored is not None:
            return stored
    pdf, filename = documents.render(kind=kind, meeting=meeting, paragraph=paragraph)
    digest = sha256_bytes(pdf)
    if not final:
        existing = GeneratedDocument.objects.filter(
            kind=kind, meeting=meeting, paragraph=paragraph, sha256=digest, final=False
        ).first()
        if existing is not None:
            return existing
    document = GeneratedDocument(
        kind=kind,
        meeting=meeting,
        paragraph=paragraph,
        filename=filename,
        sha256=digest,
        size=len(pdf),
        pages=documents.page_count(pdf),
        final=final,
        created_by=user,
    )
    document.file.save(filename, ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            document.save()
            if final:
                register_in_cases(document, pdf)
    except IntegrityError:  # another worker stored the final document first
        return GeneratedDocument.objects.get(
            kind=kind, meeting=meeting, paragraph=paragraph, final=True
        )
    return document


def _source_key(document: GeneratedDocument) -> str:
    # opened by the record's rule wherever it is registered (record_access.copy_refusal)
    return record_access.copy_key(document)


def register_in_cases(document: GeneratedDocument, pdf: bytes) -> None:
    """Register a final protocol in the registry of every case it decides, and a final
    extract in its §'s case, as drawn up (upprättad) by the meeting's secretary."""
    meeting = document.meeting
    body = meeting.body
    # A protocol is drawn up (upprättat, TF 2 kap. 10 §) when it is signed, whenever its
    # final PDF is made; an extract on the day it is made.
    drawn_up_on = None
    if document.kind == GeneratedDocument.Kind.PROTOCOL:
        paragraphs = list(meeting.paragraphs.filter(case__isnull=False).order_by("number"))
        title_prefix = _("Protokoll")
        if meeting.signed_at is not None:
            drawn_up_on = timezone.localdate(meeting.signed_at)
    elif document.kind == GeneratedDocument.Kind.EXTRACT and document.paragraph is not None:
        paragraphs = [document.paragraph] if document.paragraph.case_id else []
        title_prefix = _("Protokollsutdrag")
    else:
        return
    for paragraph in paragraphs:
        if paragraph.case is None:
            continue
        title = f"{title_prefix} {body.reference_name} {meeting.date:%Y-%m-%d} § {paragraph.number}"
        document_register_generated(
            case=paragraph.case,
            source_key=_source_key(document),
            title=title,
            filename=document.filename,
            content=pdf,
            direction=Direction.DRAWN_UP,
            kind=Document.Kind.DECISION_BASIS,
            user=document.created_by,
            party_kind=PartyKind.ORGANISATION,
            party_name=body.name,
            description=f"§ {paragraph.number} {paragraph.title}",
            document_date=drawn_up_on,
        )


def extract_message(paragraph: Paragraph, name: str, *, sha256: str) -> tuple[str, str]:
    """The subject and the text of the e-mail that carries an extract to ``name`` (the
    same text is shown for confirmation before anything is sent)."""
    subject = f"Protokollsutdrag {paragraph.reference}: {paragraph.title}"
    body = (
        "Till {name}\n\nHär är protokollsutdraget från {body} sammanträde {date}, "
        "§ {number} {title}.\n\nKontrollsumma (SHA-256): {sha}\n\n{secretary}\n{body_name}"
    ).format(
        name=name,
        body=paragraph.body.genitive.lower()[:1] + paragraph.body.genitive[1:],
        date=f"{paragraph.meeting.date:%Y-%m-%d}",
        number=paragraph.number,
        title=paragraph.title,
        sha=sha256,
        secretary=paragraph.meeting.secretary.get_full_name(),
        body_name=paragraph.body.name,
    )
    return subject, body


def extract_dispatch_preview(paragraphs) -> list[dict]:
    """What sending the extracts of ``paragraphs`` will do, for the confirmation page:
    per § the recipients, the message and the attachment (the stored extract if made)."""
    preview = []
    for paragraph in paragraphs:
        recipients = list(paragraph.recipients.all())
        if not recipients:
            continue
        stored = GeneratedDocument.objects.filter(
            kind=GeneratedDocument.Kind.EXTRACT, paragraph=paragraph, final=True
        ).first()
        sha = stored.sha256 if stored else _("(räknas fram när utdraget skapas)")
        subject, body = extract_message(paragraph, recipients[0].name, sha256=sha)
        preview.append(
            {
                "paragraph": paragraph,
                "recipients": recipients,
                "subject": subject,
                "body": body,
                "filename": documents.filename_for(
                    kind=GeneratedDocument.Kind.EXTRACT,
                    meeting=paragraph.meeting,
                    paragraph=paragraph,
                ),
                "document": stored,
            }
        )
    return preview


def extract_send(*, user, document: GeneratedDocument) -> list[ExtractDispatch]:
    """E-mail the extract to each recipient of its § and log every dispatch."""
    if document.kind != GeneratedDocument.Kind.EXTRACT or document.paragraph is None:
        raise ValidationError(_("Bara protokollsutdrag skickas till mottagare."))
    paragraph = document.paragraph
    require(permissions.can_send_extract(user, paragraph))
    with document.file.open("rb") as handle:
        pdf = handle.read()
    if sha256_bytes(pdf) != document.sha256:
        raise ValidationError(_("Den sparade filen stämmer inte med sin kontrollsumma."))
    dispatches = []
    with translation.override("sv"):
        for recipient in paragraph.recipients.all():
            subject, body = extract_message(paragraph, recipient.name, sha256=document.sha256)
            message = EmailMessage(subject=subject, body=body, to=[recipient.email])
            message.attach(document.filename, pdf, "application/pdf")
            try:
                message.send(fail_silently=False)
            except Exception as exc:  # noqa: BLE001 - any mail failure is logged, not raised
                logger.warning("extract %s to %s failed: %s", document.pk, recipient.email, exc)
                status, error = ExtractDispatch.Status.FAILED, f"{exc.__class__.__name__}: {exc}"
            else:
                status, error = ExtractDispatch.Status.SENT, ""
            dispatches.append(
                ExtractDispatch.objects.create(
                    document=document,
                    recipient=recipient,
                    name=recipient.name,
                    email=recipient.email,
                    sha256=document.sha256,
                    status=status,
                    error=error[:2000],
                    sent_at=timezone.now(),
                    sent_by=user,
                )
            )
    sent_to = [d.name for d in dispatches if d.status == ExtractDispatch.Status.SENT]
    if sent_to and paragraph.case is not None:
        document_mark_sent(
            case=paragraph.case,
            source_key=_source_key(document),
            recipients=", ".join(sent_to),
            user=user,
        )
    return dispatches
