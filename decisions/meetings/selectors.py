"""Reads of the meetings part: querysets with what each page needs."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Func, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from core import batch
from core.jobs import sha256_bytes
from core.seal import SealReport, verify_pdf
from decisions.meetings import notice_dates as notices
from decisions.meetings.models import (
    AgendaItem,
    Appeal,
    Body,
    BodyMember,
    DocumentJob,
    ExtractDispatch,
    GeneratedDocument,
    Meeting,
    MeetingStatus,
    Paragraph,
)


def body_list() -> QuerySet[Body]:
    return Body.objects.annotate(member_count=Count("members")).order_by("name")


def _count_per_meeting(queryset: QuerySet) -> Subquery:
    """The number of ``queryset``'s rows of the row's meeting, counted by its index."""
    rows = queryset.filter(meeting=OuterRef("pk")).order_by()
    # an aggregate without GROUP BY: one row, 0 when there are none
    return Subquery(rows.values(n=Func(F("pk"), function="COUNT")))


def meeting_list(*, body=None, status=None) -> QuerySet[Meeting]:
    """Meetings, newest first, with their numbers of agenda items and §§ (each counted
    on its own: counted over a join of both, a meeting's rows were items x §§)."""
    qs = Meeting.objects.select_related("body", "adjuster").annotate(
        paragraph_count=_count_per_meeting(Paragraph.objects.all()),
        item_count=_count_per_meeting(AgendaItem.objects.all()),
    )
    if body:
        qs = qs.filter(body=body)
    if status:
        qs = qs.filter(status__in=status if isinstance(status, tuple | list) else [status])
    return qs.order_by("-date", "-start_time")


# The meetings overview's lists: every planned meeting and every protocol not yet signed
# (up to this many each, the page saying when there are more), and the newest signed.
OVERVIEW_MOST = 100
OVERVIEW_SIGNED = 30


@dataclass
class MeetingOverview:
    planned: list  # soonest first
    in_progress: list  # held or out for signing, newest first
    signed: list  # the newest signed
    more_planned: bool
    more_in_progress: bool


def meeting_overview() -> MeetingOverview:
    """The meetings overview's three lists, each read on its own (a list of the newest
    meetings could leave out a protocol held long ago and still not signed), in one
    round trip."""
    planned = meeting_list(status=MeetingStatus.PLANNED).order_by("date", "start_time", "pk")
    planned = planned[: OVERVIEW_MOST + 1]
    unsigned = (MeetingStatus.HELD, MeetingStatus.SIGNING)
    in_progress = meeting_list(status=unsigned)[: OVERVIEW_MOST + 1]
    signed = meeting_list(status=MeetingStatus.SIGNED)[:OVERVIEW_SIGNED]
    batch.fetch_together(planned, in_progress, signed, prepare=True)
    return MeetingOverview(
        planned=list(planned)[:OVERVIEW_MOST],
        in_progress=list(in_progress)[:OVERVIEW_MOST],
        signed=list(signed),
        more_planned=len(planned) > OVERVIEW_MOST,
        more_in_progress=len(in_progress) > OVERVIEW_MOST,
    )


def meeting_detail(pk: int, preload=None) -> Meeting:
    """The meeting (one query), then its agenda, attendance, other attendees and
    signatures (as ``prefetch_related`` would fill them) with what ``preload(meeting)``
    adds ({name: queryset}, kept on the meeting: ``core.batch.loaded``) in one more."""
    meeting = batch.get(
        Meeting.objects.select_related("body", "adjuster", "chair", "secretary"), pk=pk
    )
    relations = {
        "relation:items": meeting.items.select_related("case", "paragraph").order_by("position"),
        "relation:attendance": meeting.attendance.select_related("member", "serving_for"),
        "relation:others": meeting.others.all(),
        "relation:signatures": meeting.signatures.select_related("member", "user"),
    }
    batch.load(meeting, {**relations, **(preload(meeting) if preload else {})}, prepare=True)
    return meeting


def meeting_paragraph_rows(meeting: Meeting) -> QuerySet[Paragraph]:
    """The meeting's paragraphs as its page lists them: numbers and outcome, no texts."""
    return meeting.paragraphs.only(
        "body_id",
        "year",
        "number",
        "meeting_id",
        "title",
        "dnr",
        "case_id",
        "decision_recorded_at",
        "outcome",
        "granted_amount",
    ).order_by("number")


def meeting_jobs_queryset(meeting: Meeting, limit: int = 20) -> QuerySet[DocumentJob]:
    return (
        DocumentJob.objects.filter(meeting=meeting)
        .select_related("paragraph", "document")
        .order_by("-created_at")[:limit]
    )


def meeting_jobs(meeting: Meeting, limit: int = 20) -> list[DocumentJob]:
    return list(meeting_jobs_queryset(meeting, limit))


def meeting_documents(meeting: Meeting) -> QuerySet[GeneratedDocument]:
    return (
        GeneratedDocument.objects.filter(meeting=meeting)
        .select_related("paragraph")
        .order_by("-created_at")
    )


def paragraph_detail(pk: int) -> Paragraph:
    return (
        Paragraph.objects.select_related(
            "body", "meeting__body", "meeting__adjuster", "case", "carried_motion", "agenda_item"
        )
        .prefetch_related(
            "motions__movers",
            "reservations__members",
            "reservations__in_favour_of__movers",
            "conflicts__member",
            "votes__member",
            "recipients",
        )
        .get(pk=pk)
    )


def case_paragraphs(case) -> QuerySet[Paragraph]:
    """The paragraphs that handled ``case``, with their extracts."""
    return (
        Paragraph.objects.filter(case=case)
        .select_related("body", "meeting")
        .prefetch_related(
            Prefetch(
                "documents",
                queryset=GeneratedDocument.objects.filter(kind="extract").order_by("-created_at"),
            )
        )
        .order_by("meeting__date", "number")
    )


def case_paragraphs_querysets(case) -> dict[str, QuerySet]:
    """The rows of ``case_paragraphs`` and their appeals as three querysets, to be read
    with other rows (``core.batch``) and joined by ``case_paragraphs_from``."""
    return {
        "meetings.paragraphs": Paragraph.objects.filter(case=case)
        .select_related("body", "meeting")
        .order_by("meeting__date", "number"),
        "meetings.extracts": GeneratedDocument.objects.filter(
            kind="extract", paragraph__case=case
        ).order_by("-created_at"),
        "meetings.appeals": Appeal.objects.filter(paragraph__case=case).order_by(
            "received_on", "pk"
        ),
    }


def case_paragraphs_from(paragraphs, extracts, appeals) -> list[Paragraph]:
    """``case_paragraphs`` from the rows of ``case_paragraphs_querysets``: each
    paragraph's ``documents`` (its extracts) and ``appeals`` read no rows."""
    by_paragraph: dict[int, dict[str, list]] = {}
    for paragraph in paragraphs:
        by_paragraph[paragraph.pk] = {"documents": [], "appeals": []}
    for document in extracts:
        by_paragraph[document.paragraph_id]["documents"].append(document)
    for appeal in appeals:
        by_paragraph[appeal.paragraph_id]["appeals"].append(appeal)
    for paragraph in paragraphs:
        for relation, rows in by_paragraph[paragraph.pk].items():
            batch.keep_rows(paragraph, relation, rows)
    return list(paragraphs)


def dispatch_log(meeting: Meeting) -> QuerySet[ExtractDispatch]:
    return (
        ExtractDispatch.objects.filter(document__meeting=meeting)
        .select_related("document__paragraph")
        .order_by("-sent_at")
    )


def documents_with_checksum(sha256: str) -> QuerySet[GeneratedDocument]:
    return GeneratedDocument.objects.filter(sha256=sha256.lower()).select_related(
        "meeting__body", "paragraph"
    )


@dataclass(frozen=True)
class DocumentCheck:
    """The verify page's answer: the stored documents with the checksum, and for an
    uploaded file, what its digital seal says (``seal`` is ``None`` for a checksum alone)."""

    checksum: str
    matches: list[GeneratedDocument]
    seal: SealReport | None = None


def document_check(*, checksum: str = "", content: bytes | None = None) -> DocumentCheck:
    """Check a copy by its checksum, or an uploaded file by its checksum and its seal."""
    if content is not None:
        checksum = sha256_bytes(content)
    return DocumentCheck(
        checksum=checksum,
        matches=list(documents_with_checksum(checksum)),
        seal=verify_pdf(content) if content is not None else None,
    )


def meeting_chair(meeting: Meeting) -> BodyMember | None:
    """Who chairs the meeting: the member set on it, else the body's active chair (read
    with the meeting page's rows when it kept ``body_chair_queryset`` as "body_chair")."""
    if meeting.chair_id:
        return meeting.chair
    chairs = batch.loaded(meeting, "body_chair", lambda: body_chair_queryset(meeting))
    return chairs[0] if chairs else None


def body_chair_queryset(meeting: Meeting) -> QuerySet[BodyMember]:
    """The body's active chair (at most one row), for a meeting without a chair of its own."""
    chairs = meeting.body.members.filter(role=BodyMember.MemberRole.CHAIR, active=True)
    return (chairs if chairs.ordered else chairs.order_by("pk"))[:1]  # as ``first()``


@dataclass(frozen=True)
class LegalStatus:
    """Whether a § may be carried out (kan verkställas, after justering) and whether it
    has won legal force (laga kraft: the appeal period ran out with no appeal pending or
    upheld), with the dates behind each."""

    signed_on: datetime.date | None
    posted_on: datetime.date | None
    appeal_ends_on: datetime.date | None
    executable: bool
    final: bool
    final_on: datetime.date | None
    appeals: tuple
    label: str

    @property
    def posted_late(self) -> bool:
        """The notice went up after its deadline (two days after the justering)."""
        return self.signed_on is not None and notices.posted_late(self.signed_on, self.posted_on)


def paragraph_legal_status(paragraph: Paragraph, today: datetime.date | None = None) -> LegalStatus:
    today = today or timezone.localdate()
    meeting = paragraph.meeting
    if paragraph.adjusted_at:
        signed_on = timezone.localdate(paragraph.adjusted_at)
        posted_on = paragraph.notice_posted_on
    elif meeting.status == MeetingStatus.SIGNED and meeting.signed_at:
        signed_on = timezone.localdate(meeting.signed_at)
        posted_on = meeting.notice_posted_on
    else:
        return LegalStatus(None, None, None, False, False, None, (), _("Inte justerad"))
    if "appeals" in getattr(paragraph, "_prefetched_objects_cache", {}):  # in that order
        appeals = tuple(paragraph.appeals.all())
    else:
        appeals = tuple(paragraph.appeals.order_by("received_on", "pk"))
    appeal_ends_on = notices.appeal_end_date(posted_on) if posted_on else None
    late = {a.pk for a in appeals if appeal_ends_on and a.received_on > appeal_ends_on}
    for appeal in appeals:
        setattr(appeal, "late", appeal.pk in late)  # noqa: B010 - shown on the § page
    # An appeal that came in after the last day does not stop the decision from winning
    # legal force: it was final when the period ran out (the court dismisses it as late).
    timely = [a for a in appeals if a.pk not in late]
    pending = any(a.status == Appeal.Status.PENDING for a in timely)
    annulled = any(a.status == Appeal.Status.ANNULLED for a in appeals)
    # The court's ruling can itself be appealed: final only when it is.
    awaiting = [a for a in timely if a.status == Appeal.Status.DISMISSED and not a.final_on]
    final_on = None
    if appeal_ends_on and not pending and not annulled and not awaiting:
        ended = [
            day
            for a in timely
            if (day := a.final_on if a.status == Appeal.Status.DISMISSED else a.decided_on)
        ]
        final_on = max([appeal_ends_on + datetime.timedelta(days=1), *ended])
    final = bool(final_on and today >= final_on)
    if annulled:
        label = _("Beslutet är upphävt efter överklagande")
    elif pending:
        label = _("Överklagat – prövas av förvaltningsrätten")
    elif awaiting:
        label = _(
            "Överklagandet avslogs; beslutet vinner laga kraft när förvaltningsrättens "
            "avgörande har gjort det"
        )
    elif final:
        label = _("Laga kraft sedan %(date)s") % {"date": f"{final_on:%Y-%m-%d}"}
    elif appeal_ends_on:
        label = _("Kan verkställas; laga kraft %(date)s om ingen överklagar") % {
            "date": f"{appeal_ends_on + datetime.timedelta(days=1):%Y-%m-%d}"
        }
    else:
        label = _("Kan verkställas; överklagandetiden börjar när justeringen anslås")
    return LegalStatus(
        signed_on, posted_on, appeal_ends_on, not annulled, final, final_on, appeals, label
    )
