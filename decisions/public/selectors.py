"""Reads of the public pages: the notices on the board and in the archive, and the
e-diarium's register entries. Nothing here returns what the public may not see:
``public.policy`` decides what is masked or withheld."""

import datetime
import re
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.urls import reverse
from django.utils import timezone

from core.expressions import AnyOf
from core.renderers import choice_display
from decisions.meetings import notice_dates
from decisions.meetings.models import GeneratedDocument, Meeting, MeetingStatus, Paragraph
from decisions.public import policy
from projects.dnr import parse_dnr
from projects.models import (
    Case,
    Document,
    Organisation,
    PartyKind,
    Project,
    SecrecyMarking,
)

# A notice posted this many days ago or earlier is down whatever the holidays: the appeal
# period is 21 days and lag 1930:173 moves its end by at most a few days.
SURELY_DOWN_AFTER = datetime.timedelta(days=40)


@dataclass(frozen=True)
class Notice:
    """One anslag: a signed protocol's justering announced on the notice board, or that of
    one § justerad at once (omedelbar justering: its own notice and appeal period)."""

    meeting: Meeting
    dates: notice_dates.NoticeDates
    paragraph: Paragraph | None = None

    @property
    def pk(self) -> int:
        return self.paragraph.pk if self.paragraph is not None else self.meeting.pk

    def get_absolute_url(self) -> str:
        if self.paragraph is not None:
            return reverse("public:paragraph_notice_detail", args=[self.paragraph.pk])
        return reverse("public:notice_detail", args=[self.meeting.pk])

    def is_up(self, today: datetime.date) -> bool:
        """On the board from the posting day through the last day of appeal; taken down
        (into the archive) the day after."""
        return (
            self.dates.posted_on is not None
            and self.dates.removed_on is not None
            and self.dates.posted_on <= today < self.dates.removed_on
        )


def _posted_meetings() -> QuerySet[Meeting]:
    return Meeting.objects.filter(
        status=MeetingStatus.SIGNED, notice_posted_on__isnull=False
    ).select_related("body")


def _posted_paragraphs() -> QuerySet[Paragraph]:
    """The §§ justerade at once whose own notice is posted."""
    return Paragraph.objects.filter(
        adjusted_at__isnull=False, notice_posted_on__isnull=False
    ).select_related("meeting__body")


def _notice(meeting: Meeting) -> Notice:
    signed_on = timezone.localdate(meeting.signed_at)
    return Notice(meeting, notice_dates.notice_dates(signed_on, meeting.notice_posted_on))


def _paragraph_notice(paragraph: Paragraph) -> Notice:
    signed_on = timezone.localdate(paragraph.adjusted_at)
    return Notice(
        paragraph.meeting,
        notice_dates.notice_dates(signed_on, paragraph.notice_posted_on),
        paragraph,
    )


def _notices(meetings: QuerySet[Meeting], paragraphs: QuerySet[Paragraph]) -> list[Notice]:
    """The protocols' and the §§' notices, newest posting first."""
    notices = [_notice(m) for m in meetings] + [_paragraph_notice(p) for p in paragraphs]
    notices.sort(key=lambda n: (n.meeting.body.name, n.paragraph.number if n.paragraph else 0))
    notices.sort(key=lambda n: n.dates.posted_on or datetime.date.min, reverse=True)
    return notices


def notices_on_board(today: datetime.date | None = None) -> list[Notice]:
    """The notices up today: posted, and the appeal period not yet run out. Computed from
    the dates, so a notice comes down the day after its last day of appeal without any
    job having to run."""
    today = today or timezone.localdate()
    recent = {"notice_posted_on__lte": today, "notice_posted_on__gt": today - SURELY_DOWN_AFTER}
    notices = _notices(_posted_meetings().filter(**recent), _posted_paragraphs().filter(**recent))
    return [n for n in notices if n.is_up(today)]


def notice_archive(today: datetime.date | None = None, year: int | None = None) -> list[Notice]:
    """The notices taken down (their appeal period has run out), newest first; of one
    posting year when ``year`` is given."""
    today = today or timezone.localdate()
    posted: dict[str, object] = {"notice_posted_on__lte": today}
    if year:
        posted["notice_posted_on__year"] = year
    notices = _notices(_posted_meetings().filter(**posted), _posted_paragraphs().filter(**posted))
    return [n for n in notices if not n.is_up(today)]


def notice_archive_years(today: datetime.date | None = None) -> list[int]:
    today = today or timezone.localdate()
    years = set()
    for posted in (_posted_meetings(), _posted_paragraphs()):
        dates = posted.filter(notice_posted_on__lte=today).dates("notice_posted_on", "year")
        years |= {d.year for d in dates}
    return sorted(years, reverse=True)


def notice(pk: int, today: datetime.date | None = None) -> Notice:
    """The notice of a meeting, on the board or in the archive (a notice posted for a
    later day is not public yet). Raises ``Meeting.DoesNotExist``."""
    today = today or timezone.localdate()
    return _notice(_posted_meetings().get(pk=pk, notice_posted_on__lte=today))


def paragraph_notice(pk: int, today: datetime.date | None = None) -> Notice:
    """The notice of a § justerad at once (not public before its posting day). Raises
    ``Paragraph.DoesNotExist``."""
    today = today or timezone.localdate()
    return _paragraph_notice(_posted_paragraphs().get(pk=pk, notice_posted_on__lte=today))


def notice_extract(paragraph: Paragraph) -> GeneratedDocument | None:
    """The published record of a § justerad at once: its stored final extract, unless
    ``policy`` withholds it."""
    if policy.paragraph_withheld(paragraph):
        return None
    return GeneratedDocument.objects.filter(
        paragraph=paragraph, kind=GeneratedDocument.Kind.EXTRACT, final=True
    ).first()


def notice_protocol(meeting: Meeting) -> GeneratedDocument | None:
    """The published protocol: the stored final PDF, unless ``policy`` withholds it."""
    if policy.protocol_withheld(meeting):
        return None
    return GeneratedDocument.objects.filter(
        meeting=meeting, kind=GeneratedDocument.Kind.PROTOCOL, final=True, paragraph=None
    ).first()


# --- e-diarium -----------------------------------------------------------------------


@dataclass
class DiarySearch:
    """The e-diarium's search: every field optional."""

    dnr: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    text: str = ""
    party: str = ""


def _dnr_filter(dnr: str) -> Q:
    """A Dnr as the region writes it (``projects.dnr``: ``00052-2020``) or plainly
    (``52-2020``, ``52/2020``): number and year; a bare ``52`` or ``2020`` matches the
    number or the year."""
    parsed = parse_dnr(dnr)
    if parsed:
        return Q(number=parsed[0], year=parsed[1])
    cleaned = dnr.strip()
    if re.fullmatch(r"[0-9]{1,9}", cleaned):  # not str.isdigit: "²" is a digit, no number
        return Q(number=int(cleaned)) | Q(year=int(cleaned))
    return Q(pk__in=[])


def diary_cases(search: DiarySearch) -> QuerySet[Case]:
    """The register entries (cases with their documents) matching ``search``.

    Dnr; registration date (from, to); text in the case's title (ärendemening) or a
    document's title, except documents the policy masks; a party (the applicant, owner
    or a partner organisation, not private persons). One query for the cases (paginate
    it), one each for the documents and the parties.
    """
    cases = Case.objects.defer(*Case.SEARCH_FIELDS)
    if search.dnr:
        cases = cases.filter(_dnr_filter(search.dnr))
    if search.date_from:
        cases = cases.filter(registered_on__gte=search.date_from)
    if search.date_to:
        cases = cases.filter(registered_on__lte=search.date_to)
    # A case marked secret as a whole cannot be found by its title or parties.
    whole_case_secret = SecrecyMarking.objects.filter(
        case=OuterRef("pk"), document=None, field="", lifted_at__isnull=True
    )
    cases = cases.annotate(whole_case_secret=Exists(whole_case_secret))
    if search.text:
        # the text as a value the SQL wraps in %...% (and escapes): the query's compiled
        # SQL is the same for every text (core.sqlcache), its plan too
        text = Value(search.text)
        open_documents = (
            Document.objects.filter(confidential=False)
            .filter(Q(title__icontains=text) | Q(description__icontains=text))
            .values("case_id")
        )
        cases = cases.filter(
            # AnyOf: the title's trigram index and the documents' matches in one
            # BitmapOr, instead of testing every case against the documents' subquery.
            Q(title__icontains=text) | AnyOf("pk", open_documents),
            whole_case_secret=False,
        )
    if search.party:
        party = Value(search.party)  # as the text above: one compiled SQL for every name
        # organisations, not sole traders (a private person's name is not searchable)
        organisations = (
            Organisation.objects.filter(name__icontains=party)
            .filter(policy.organisation_not_private_person())
            .values("pk")
        )
        # A document's sender or recipient counts when it is an organisation (persons'
        # names are not searchable) and the document is not secret.
        by_document = Document.objects.filter(
            confidential=False,
            party_kind=PartyKind.ORGANISATION,
            party_name__icontains=party,
        ).values("case_id")
        # Each way a case names a party, as the keys its index is looked up by (AnyOf):
        # the cases one BitmapOr of index scans, with no join to filter. (Joined and
        # OR-ed, every case and project was read and the partners made it DISTINCT: at
        # 200 000 cases, 0.8 s.)
        partner_projects = Project.partners.through.objects.filter(organisation__in=organisations)
        cases = cases.filter(
            AnyOf("project", Project.objects.filter(applicant__in=organisations).values("pk"))
            | AnyOf("project", Project.objects.filter(owner__in=organisations).values("pk"))
            | AnyOf("project", partner_projects.values("project_id"))
            | AnyOf("pk", by_document),
            whole_case_secret=False,
        )
    return (
        cases.select_related("project__applicant", "project__owner")
        .prefetch_related(
            Prefetch(
                "documents",
                queryset=Document.objects.defer("text").order_by("registry_number", "pk"),
            ),
            Prefetch("project__partners", queryset=Organisation.objects.order_by("name")),
        )
        .order_by("-year", "-number")
    )


def diary_case(pk: int) -> Case:
    """One register entry. Raises ``Case.DoesNotExist``."""
    return diary_cases(DiarySearch()).get(pk=pk)


@dataclass(frozen=True)
class DiaryEntry:
    """A case as the public may see it: persons' names and secret fields masked."""

    case: Case
    secret: bool
    parties: list[str]
    documents: list[dict]


def diary_entry(case: Case) -> DiaryEntry:
    """Mask what the public may not see: a secret case's title and parties, a secret
    document's title, a private person's name. Officers and contact persons (persons)
    are never part of the entry."""
    secret = policy.case_is_secret(case)
    parties: list[str] = []
    if not secret:
        project = case.project
        organisations = [project.applicant, project.owner, *project.partners.all()]
        seen = set()
        for organisation in organisations:
            if organisation is None or organisation.pk in seen:
                continue
            seen.add(organisation.pk)
            parties.append(
                "" if policy.organisation_is_private_person(organisation) else organisation.name
            )
    documents = []
    for document in case.documents.all():
        # a case marked as a whole: every document of it is secret too
        hidden = secret or policy.document_is_secret(document)
        party = ""
        if not hidden and document.party_kind == PartyKind.ORGANISATION:
            party = document.party_name
        documents.append(
            {
                "secret": hidden,
                "number": f"{case.dnr}-{document.registry_number}",
                "title": "" if hidden else (document.description or document.title),
                "kind": choice_display(document, "kind"),
                "direction": choice_display(document, "direction"),
                "date": document.document_date,
                # A private person's name is personal data: shown as "Enskild person".
                "party": party,
                "party_is_person": document.party_kind == PartyKind.PERSON,
            }
        )
    return DiaryEntry(case=case, secret=secret, parties=parties, documents=documents)
