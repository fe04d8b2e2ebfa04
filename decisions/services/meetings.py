"""Meeting services: bodies, agenda, attendance, paragraphs, motions, votes, justering,
notices and documents.

Every write takes keyword-only arguments and the acting ``user``, runs in a transaction,
validates with ``full_clean`` and locks the meeting row, so a write cannot race the last
signature: a meeting out for signing or signed refuses every change with ``Conflict``
(HTTP 409). Corrections to a signed protocol are new decisions at a later meeting.
"""

import datetime
import logging
import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from decisions import notices, permissions
from decisions.constants import BodyCode
from decisions.models import (
    AgendaItem,
    Attendance,
    Body,
    BodyMember,
    ConflictOfInterest,
    DocumentJob,
    ExtractDispatch,
    ExtractRecipient,
    GeneratedDocument,
    Meeting,
    Motion,
    OtherAttendee,
    Paragraph,
    ParagraphCounter,
    Reservation,
    Signature,
    Vote,
)
from decisions.models.meetings import MeetingStatus
from norrbotten_cases.access import Access
from norrbotten_cases.errors import Conflict
from norrbotten_cases.jobs import (
    JobStatus,
    job_done,
    job_enqueue,
    job_fail,
    job_start,
    job_step,
    sha256_bytes,
)
from norrbotten_cases.links import absolute_url
from norrbotten_cases.money import AmountError, format_amount, parse_amount

logger = logging.getLogger(__name__)

# Project texts copied into "Ärendet" of a case paragraph, with the seed's headings.
MATTER_SECTIONS = (
    ("background", "Bakgrund"),
    ("purpose", "Syfte"),
    ("implementation", "Genomförande"),
    ("expected_results", "Förväntade resultat av projektet"),
    ("social_sustainability", "Social hållbarhet"),
    ("environmental_sustainability", "Miljömässig hållbarhet"),
    ("economic_sustainability", "Ekonomisk hållbarhet"),
)


def _require(access: Access) -> None:
    if not access:
        raise PermissionDenied(access.reason)


def frozen_message(meeting: Meeting) -> str:
    return _(
        "Protokollet från %(meeting)s är justerat och kan inte ändras. Rättelser görs som "
        "nya beslut vid ett senare sammanträde."
    ) % {"meeting": meeting}


def locked_message(meeting: Meeting) -> str | None:
    """Why the meeting's record cannot change now (None: it can)."""
    if meeting.status == MeetingStatus.SIGNED:
        return frozen_message(meeting)
    if meeting.status == MeetingStatus.SIGNING:
        return _(
            "Protokollet är ute för justering och kan inte ändras. Dra tillbaka det från "
            "justering, eller vänta på justerarnas svar."
        )
    return None


def ensure_editable(meeting: Meeting) -> None:
    """Raise Conflict when the meeting is out for signing or signed (no lock taken)."""
    message = locked_message(meeting)
    if message:
        raise Conflict(message)


def _lock_meeting(user, meeting: Meeting) -> Meeting:
    """Lock the meeting row and check that ``user`` may change it now.

    Raises PermissionDenied (not a secretary) or Conflict (out for signing, or signed).
    """
    _require(permissions.can_plan_meeting(user))
    locked = Meeting.objects.select_for_update().select_related("body").get(pk=meeting.pk)
    ensure_editable(locked)
    meeting.status = locked.status
    return locked


def _paragraph_meeting(user, paragraph: Paragraph) -> Meeting:
    return _lock_meeting(user, paragraph.meeting)


# --- Bodies and members -------------------------------------------------------------------

# The seven bodies, as the data migration 0003 creates them.
DEFAULT_BODIES = {
    BodyCode.AU: ("Arbetsutskottet", "Arbetsutskottets", "Arbetsutskottet beslutar att:", "AU"),
    BodyCode.FORUM: (
        "Utvecklingsforum",
        "Utvecklingsforums",
        "Utvecklingsforum rekommenderar att:",
        "UF",
    ),
    BodyCode.COUNCIL: (
        "Utvecklingsrådet",
        "Utvecklingsrådets",
        "Utvecklingsrådet beslutar att:",
        "UR",
    ),
    BodyCode.MANAGEMENT_GROUP: (
        "Ledningsgruppen",
        "Ledningsgruppens",
        "Ledningsgruppen beslutar att:",
        "LG",
    ),
    BodyCode.BOARD: ("Regionstyrelsen", "Regionstyrelsens", "Regionstyrelsen beslutar att:", "RS"),
    BodyCode.RUN: (
        "Regionala utvecklingsnämnden",
        "Regionala utvecklingsnämndens",
        "Regionala utvecklingsnämnden beslutar att:",
        "RUN",
    ),
    BodyCode.RUU: (
        "Regionutvecklingsutskottet",
        "Regionutvecklingsutskottets",
        "Regionutvecklingsutskottet beslutar att:",
        "RUU",
    ),
}


def body_get(code: str) -> Body:
    """The body with ``code``; created with its standard wording if it is missing."""
    name, genitive, intro, short = DEFAULT_BODIES[BodyCode(code)]
    body, _created = Body.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "genitive": genitive,
            "decision_intro": intro,
            "short_name": short,
            "default_place": "Regionhuset, Luleå",
        },
    )
    return body


@transaction.atomic
def body_update(*, user, body: Body, data: dict) -> Body:
    _require(permissions.can_manage_bodies(user, body))
    allowed = {"name", "genitive", "decision_intro", "short_name", "secretary", "default_place"}
    for field, value in data.items():
        if field not in allowed:
            raise ValidationError(_("Fältet %(field)s kan inte ändras här.") % {"field": field})
        setattr(body, field, value)
    body.full_clean()
    body.save()
    return body


@transaction.atomic
def body_member_add(
    *,
    user,
    body: Body,
    name: str,
    role: str,
    party: str = "",
    account=None,
    position: int | None = None,
) -> BodyMember:
    _require(permissions.can_manage_bodies(user, body))
    if position is None:
        position = (body.members.aggregate(m=Max("position"))["m"] or 0) + 1
    member = BodyMember(
        body=body,
        name=name.strip(),
        party=party.strip(),
        role=role,
        user=account,
        position=position,
    )
    _validate_member(member)
    member.save()
    return member


def _validate_member(member: BodyMember) -> None:
    member.full_clean(validate_constraints=False)
    if member.body.members.exclude(pk=member.pk).filter(name__iexact=member.name).exists():
        raise ValidationError(
            {"name": _("%(name)s finns redan i organet.") % {"name": member.name}}
        )
    if (
        member.role == BodyMember.MemberRole.CHAIR
        and member.active
        and member.body.members.exclude(pk=member.pk)
        .filter(role=BodyMember.MemberRole.CHAIR, active=True)
        .exists()
    ):
        raise ValidationError(
            {"role": _("Organet har redan en ordförande. Ändra den tidigare ordföranden först.")}
        )


@transaction.atomic
def body_member_update(*, user, member: BodyMember, data: dict) -> BodyMember:
    _require(permissions.can_manage_bodies(user, member.body))
    allowed = {"name", "party", "role", "user", "active", "position"}
    for field, value in data.items():
        if field not in allowed:
            raise ValidationError(_("Fältet %(field)s kan inte ändras här.") % {"field": field})
        setattr(member, field, value.strip() if isinstance(value, str) else value)
    _validate_member(member)
    member.save()
    return member


@transaction.atomic
def paragraph_counter_set_start(
    *, user, body: Body, year: int, first_number: int
) -> ParagraphCounter:
    """Let the body's year start at ``first_number`` (RUN 2020 continues at § 22)."""
    _require(permissions.can_manage_bodies(user, body))
    if first_number < 1:
        raise ValidationError({"first_number": _("Första paragrafnumret måste vara minst 1.")})
    ParagraphCounter.objects.get_or_create(body=body, year=year)
    counter = ParagraphCounter.objects.select_for_update().get(body=body, year=year)
    used = Paragraph.objects.filter(body=body, year=year).aggregate(m=Max("number"))["m"] or 0
    if first_number <= used:
        raise ValidationError(
            {
                "first_number": _(
                    "§ %(used)s är redan använd %(year)s. Nästa nummer kan inte vara lägre än "
                    "§ %(next)s."
                )
                % {"used": used, "year": year, "next": used + 1}
            }
        )
    counter.last_number = first_number - 1
    counter.save(update_fields=["last_number"])
    return counter


def next_paragraph_number(body: Body, year: int) -> int:
    counter = ParagraphCounter.objects.filter(body=body, year=year).first()
    return (counter.last_number if counter else 0) + 1


def _allocate_paragraph_number(body: Body, year: int) -> int:
    """The next § of the body's year, under a row lock on the year's counter.

    Concurrent writers queue on the lock, so numbers are consecutive and never given
    twice; the unique (body, year, number) constraint on Paragraph is the last guard.
    A rolled-back transaction rolls the counter back too: no gaps.
    """
    try:
        with transaction.atomic():
            ParagraphCounter.objects.get_or_create(body=body, year=year)
    except IntegrityError:  # created by a parallel writer between get and create
        pass
    counter = ParagraphCounter.objects.select_for_update().get(body=body, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


# --- Meetings -----------------------------------------------------------------------------

DEFAULT_ITEMS = (
    (AgendaItem.Kind.OPENING, "Sammanträdets öppnande"),
    (AgendaItem.Kind.ADJUSTER, "Val av protokolljusterare"),
    (AgendaItem.Kind.AGENDA, "Fastställande av slutlig föredragningslista"),
)


@transaction.atomic
def meeting_create(
    *,
    user,
    body: Body,
    date: datetime.date,
    start_time: datetime.time,
    place: str = "",
    end_time: datetime.time | None = None,
    with_formal_items: bool = True,
) -> Meeting:
    """Plan a meeting; its agenda starts with the formal items (opening, adjuster, agenda)."""
    _require(permissions.can_plan_meeting(user, body))
    meeting = Meeting(
        body=body,
        date=date,
        start_time=start_time,
        end_time=end_time,
        place=(place or body.default_place).strip(),
        secretary=body.secretary or user,
    )
    meeting.full_clean(validate_constraints=False)
    if Meeting.objects.filter(body=body, date=date, start_time=start_time).exists():
        raise ValidationError(
            _("%(body)s har redan ett sammanträde %(date)s kl. %(time)s.")
            % {"body": body, "date": f"{date:%Y-%m-%d}", "time": f"{start_time:%H:%M}"}
        )
    meeting.save()
    if with_formal_items:
        for position, (kind, title) in enumerate(DEFAULT_ITEMS, start=1):
            AgendaItem.objects.create(meeting=meeting, position=position, kind=kind, title=title)
    return meeting


MEETING_FIELDS = {"date", "start_time", "end_time", "place", "adjustment_place", "secretary"}


@transaction.atomic
def meeting_update(*, user, meeting: Meeting, data: dict) -> Meeting:
    locked = _lock_meeting(user, meeting)
    for field, value in data.items():
        if field not in MEETING_FIELDS:
            raise ValidationError(_("Fältet %(field)s kan inte ändras här.") % {"field": field})
        setattr(locked, field, value)
    if (
        "date" in data
        and locked.paragraphs.exists()
        and locked.date.year != (locked.paragraphs.first().year)
    ):
        raise ValidationError(
            {
                "date": _(
                    "Paragraferna är redan numrerade för ett annat år; datumet kan inte flyttas dit."
                )
            }
        )
    locked.full_clean(validate_constraints=False)
    if (
        Meeting.objects.filter(body=locked.body, date=locked.date, start_time=locked.start_time)
        .exclude(pk=locked.pk)
        .exists()
    ):
        raise ValidationError(_("Organet har redan ett sammanträde den dagen och tiden."))
    locked.save()
    meeting.refresh_from_db()
    return locked


@transaction.atomic
def meeting_mark_held(*, user, meeting: Meeting) -> Meeting:
    locked = _lock_meeting(user, meeting)
    if locked.status != MeetingStatus.PLANNED:
        raise Conflict(_("Sammanträdet är redan markerat som genomfört."))
    if locked.date > timezone.localdate():
        raise ValidationError(_("Ett sammanträde kan inte markeras som genomfört före sitt datum."))
    locked.status = MeetingStatus.HELD
    locked.save(update_fields=["status", "updated_at"])
    meeting.refresh_from_db()
    return locked


@transaction.atomic
def meeting_set_adjuster(*, user, meeting: Meeting, adjuster: BodyMember | None) -> Meeting:
    """The elected adjuster (protokolljusterare); the § for the election follows."""
    locked = _lock_meeting(user, meeting)
    if adjuster is not None:
        if adjuster.body_id != locked.body_id:
            raise ValidationError({"adjuster": _("Justeraren måste vara ledamot i organet.")})
        chair = meeting_chair(locked)
        if chair is not None and chair.pk == adjuster.pk:
            raise ValidationError({"adjuster": _("Ordföranden kan inte vara justerare.")})
    locked.adjuster = adjuster
    locked.save(update_fields=["adjuster", "updated_at"])
    for paragraph in locked.paragraphs.filter(kind=AgendaItem.Kind.ADJUSTER):
        paragraph.decision_text = _adjuster_decision(locked)
        paragraph.save(update_fields=["decision_text", "updated_at"])
    meeting.refresh_from_db()
    return locked


def meeting_chair(meeting: Meeting) -> BodyMember | None:
    if meeting.chair_id:
        return meeting.chair
    return meeting.body.members.filter(role=BodyMember.MemberRole.CHAIR, active=True).first()


# --- Agenda -------------------------------------------------------------------------------


@transaction.atomic
def agenda_item_add(
    *,
    user,
    meeting: Meeting,
    kind: str,
    title: str = "",
    case=None,
    dnr: str = "",
    presenter: str = "",
    note: str = "",
    delegation_decisions=(),
) -> AgendaItem:
    locked = _lock_meeting(user, meeting)
    if kind == AgendaItem.Kind.CASE and case is None:
        raise ValidationError({"case": _("Välj ärendet som ska behandlas.")})
    if case is not None and locked.items.filter(case=case).exists():
        raise ValidationError(
            {"case": _("Ärende %(dnr)s finns redan på föredragningslistan.") % {"dnr": case.dnr}}
        )
    if not title:
        if case is not None:
            title = case.title
        elif kind == AgendaItem.Kind.DELEGATION:
            title = _delegation_title(locked)
        elif kind in AgendaItem.Kind.values:
            title = str(AgendaItem.Kind(kind).label)
    position = (locked.items.aggregate(m=Max("position"))["m"] or 0) + 1
    item = AgendaItem(
        meeting=locked,
        position=position,
        kind=kind,
        title=title.strip(),
        case=case,
        dnr=dnr.strip(),
        presenter=presenter.strip(),
        note=note,
    )
    item.full_clean(validate_constraints=False)
    item.save()
    if delegation_decisions:
        if kind != AgendaItem.Kind.DELEGATION:
            raise ValidationError(
                _("Delegationsbeslut anmäls under en punkt för delegationsbeslut.")
            )
        item.delegation_decisions.set(delegation_decisions)
    return item


def _delegation_title(meeting: Meeting) -> str:
    return "Delegationsbeslut anmälda till {body} {date}".format(
        body=meeting.body.name_in_sentence,
        date=f"{meeting.date:%Y-%m-%d}",
    )


@transaction.atomic
def agenda_items_add_cases(*, user, meeting: Meeting, cases) -> list[AgendaItem]:
    """Put cases from the body's queue on the agenda, in the order given."""
    return [
        agenda_item_add(user=user, meeting=meeting, kind=AgendaItem.Kind.CASE, case=case)
        for case in cases
    ]


ITEM_FIELDS = {"title", "dnr", "presenter", "note", "kind"}


@transaction.atomic
def agenda_item_update(*, user, item: AgendaItem, data: dict) -> AgendaItem:
    _lock_meeting(user, item.meeting)
    delegation = data.pop("delegation_decisions", None)
    for field, value in data.items():
        if field not in ITEM_FIELDS:
            raise ValidationError(_("Fältet %(field)s kan inte ändras här.") % {"field": field})
        setattr(item, field, value.strip() if isinstance(value, str) else value)
    item.full_clean(validate_constraints=False)
    item.save()
    if delegation is not None:
        item.delegation_decisions.set(delegation)
    return item


@transaction.atomic
def agenda_item_remove(*, user, item: AgendaItem) -> None:
    _lock_meeting(user, item.meeting)
    if Paragraph.objects.filter(agenda_item=item).exists():
        raise Conflict(
            _("Punkten har redan blivit § %(number)s och kan inte tas bort.")
            % {"number": item.paragraph.number}
        )
    meeting = item.meeting
    item.delete()
    _renumber_positions(meeting)


def _renumber_positions(meeting: Meeting) -> None:
    for position, item in enumerate(meeting.items.order_by("position", "pk"), start=1):
        if item.position != position:
            AgendaItem.objects.filter(pk=item.pk).update(position=position)


@transaction.atomic
def agenda_item_move(*, user, item: AgendaItem, direction: str) -> AgendaItem:
    """Swap the item with its neighbour above (``up``) or below (``down``)."""
    meeting = _lock_meeting(user, item.meeting)
    if direction not in ("up", "down"):
        raise ValidationError(_("Okänd riktning."))
    items = list(meeting.items.order_by("position", "pk"))
    index = next(i for i, it in enumerate(items) if it.pk == item.pk)
    other_index = index - 1 if direction == "up" else index + 1
    if other_index < 0 or other_index >= len(items):
        return item
    other = items[other_index]
    if Paragraph.objects.filter(agenda_item__in=[item, other]).exists():
        raise Conflict(
            _("Punkter som redan har paragrafnummer kan inte flyttas: numren följer listan.")
        )
    a, b = items[index].position, other.position
    parked = max(i.position for i in items) + 1  # swap through a free position (unique)
    AgendaItem.objects.filter(pk=item.pk).update(position=parked)
    AgendaItem.objects.filter(pk=other.pk).update(position=a)
    AgendaItem.objects.filter(pk=item.pk).update(position=b)
    item.refresh_from_db()
    return item


# --- Attendance ---------------------------------------------------------------------------


@transaction.atomic
def attendance_set(*, user, meeting: Meeting, entries: list[dict]) -> list[Attendance]:
    """Replace the attendance: ``[{member, present, serving_for}]`` for the body's members.

    A substitute who serves must serve for an absent ordinary member of the same body; a
    member may be replaced by one substitute at most.
    """
    locked = _lock_meeting(user, meeting)
    by_member = {}
    for entry in entries:
        member = entry["member"]
        if member.body_id != locked.body_id:
            raise ValidationError(_("%(name)s är inte ledamot i organet.") % {"name": member})
        by_member[member.pk] = entry
    present = {pk for pk, e in by_member.items() if e.get("present")}
    errors = []
    served = set()
    for entry in by_member.values():
        member, serving_for = entry["member"], entry.get("serving_for")
        if serving_for is None:
            continue
        if not entry.get("present"):
            errors.append(
                _("%(name)s är inte närvarande och kan inte tjänstgöra.") % {"name": member}
            )
        elif not member.is_substitute:
            errors.append(
                _("%(name)s är ledamot och tjänstgör inte för någon annan.") % {"name": member}
            )
        elif serving_for.is_substitute or serving_for.body_id != locked.body_id:
            errors.append(
                _("%(name)s kan bara tjänstgöra för en ordinarie ledamot.") % {"name": member}
            )
        elif serving_for.pk in present:
            errors.append(
                _("%(name)s kan inte tjänstgöra för %(other)s som är närvarande.")
                % {"name": member, "other": serving_for}
            )
        elif serving_for.pk in served:
            errors.append(
                _("Mer än en ersättare tjänstgör för %(other)s.") % {"other": serving_for}
            )
        served.add(serving_for.pk if serving_for else None)
    if errors:
        raise ValidationError(errors)
    locked.attendance.all().delete()
    rows = [
        Attendance(
            meeting=locked,
            member=entry["member"],
            present=bool(entry.get("present")),
            serving_for=entry.get("serving_for"),
        )
        for entry in by_member.values()
    ]
    Attendance.objects.bulk_create(rows)
    return list(locked.attendance.select_related("member", "serving_for"))


@transaction.atomic
def other_attendee_add(
    *, user, meeting: Meeting, name: str, function: str = "", paragraphs: str = ""
) -> OtherAttendee:
    locked = _lock_meeting(user, meeting)
    position = (locked.others.aggregate(m=Max("position"))["m"] or 0) + 1
    other = OtherAttendee(
        meeting=locked,
        name=name.strip(),
        function=function.strip(),
        paragraphs=paragraphs.strip(),
        position=position,
    )
    other.full_clean()
    other.save()
    return other


@transaction.atomic
def other_attendee_remove(*, user, other: OtherAttendee) -> None:
    _lock_meeting(user, other.meeting)
    other.delete()


def voting_members(meeting: Meeting) -> list[BodyMember]:
    """Who takes part in decisions: present members and serving substitutes."""
    return [
        row.member
        for row in meeting.attendance.select_related("member").order_by(
            "member__position", "member__name"
        )
        if row.is_voting
    ]


def paragraph_voters(paragraph: Paragraph) -> list[BodyMember]:
    """The voting members minus those who declared jäv in this paragraph."""
    conflicted = set(paragraph.conflicts.values_list("member_id", flat=True))
    return [m for m in voting_members(paragraph.meeting) if m.pk not in conflicted]


# --- Paragraphs ---------------------------------------------------------------------------


def _adjuster_decision(meeting: Meeting) -> str:
    if meeting.adjuster_id is None:
        return ""
    return f"{meeting.body.name} beslutar att utse {meeting.adjuster.display_name} att jämte ordföranden justera dagens protokoll."


def _prefill(paragraph: Paragraph, item: AgendaItem, meeting: Meeting) -> None:
    body = meeting.body
    kind = item.kind
    if kind == AgendaItem.Kind.ADJUSTER:
        paragraph.decision_text = _adjuster_decision(meeting)
    elif kind == AgendaItem.Kind.AGENDA:
        paragraph.decision_text = f"{body.name} beslutar att fastställa föredragningslistan."
    elif kind == AgendaItem.Kind.DELEGATION:
        paragraph.decision_text = (
            f"{body.name} beslutar att lägga redovisade delegationsbeslut till handlingarna."
        )
    elif kind == AgendaItem.Kind.INFORMATION and item.note:
        paragraph.matter = [{"heading": "", "text": item.note}]
    if item.case_id is None:
        return
    case = item.case
    project = case.project
    paragraph.nyps_id = case.nyps_id or ""
    paragraph.summary = project.summary
    paragraph.matter = [
        {"heading": heading, "text": getattr(project, field)}
        for field, heading in MATTER_SECTIONS
        if getattr(project, field)
    ]
    from decisions.models import DecisionProposal

    proposal = DecisionProposal.objects.filter(case=case).first()
    if proposal is not None:
        paragraph.decision_points = points_from_list(proposal.decision_points)
        paragraph.statement = proposal.statement
        if proposal.summary:
            paragraph.summary = proposal.summary
        paragraph.special_conditions = [
            {"text": c.get("text", ""), "due_date": c.get("due_date")}
            for c in proposal.special_conditions or []
        ]
        # "4. Följande särskilda villkor ska följas:" gets the conditions as a), b) (seed § 38).
        for point in paragraph.decision_points:
            if point["text"].endswith(":") and not point["sub"]:
                point["sub"] = [c["text"] for c in paragraph.special_conditions if c["text"]]
                break
        if proposal.proposes_rejection:
            paragraph.outcome = ""
        elif proposal.proposed_amount is not None:
            paragraph.granted_amount = proposal.proposed_amount


@transaction.atomic
def paragraph_add(*, user, item: AgendaItem) -> Paragraph:
    """Make the agenda item a § with the next number of the body's year (gap-free)."""
    meeting = _lock_meeting(user, item.meeting)
    item = AgendaItem.objects.select_related("case__project").get(pk=item.pk)
    if Paragraph.objects.filter(agenda_item=item).exists():
        raise Conflict(_("Punkten är redan § %(number)s.") % {"number": item.paragraph.number})
    if not item.is_numbered:
        raise ValidationError(_("Sammanträdets öppnande får inget paragrafnummer."))
    earlier_unnumbered = (
        meeting.items.filter(position__lt=item.position)
        .exclude(kind__in=AgendaItem.UNNUMBERED)
        .filter(paragraph__isnull=True)
        .exists()
    )
    if earlier_unnumbered:
        raise ValidationError(
            _("Numrera punkterna i föredragningslistans ordning: en tidigare punkt saknar §.")
        )
    body = meeting.body
    year = meeting.date.year
    paragraph = Paragraph(
        body=body,
        year=year,
        number=1,  # replaced under the counter's lock below
        meeting=meeting,
        agenda_item=item,
        kind=item.kind,
        title=item.title,
        case=item.case,
        dnr=item.dnr_display,
        decision_intro=body.decision_intro,
    )
    _prefill(paragraph, item, meeting)
    paragraph.full_clean(exclude=["number"], validate_constraints=False)
    paragraph.number = _allocate_paragraph_number(body, year)
    try:
        with transaction.atomic():
            paragraph.save()
    except IntegrityError as exc:
        raise Conflict(
            _("§ %(number)s är redan använd för %(body)s %(year)s. Kontrollera paragrafräknaren.")
            % {"number": paragraph.number, "body": body, "year": year}
        ) from exc
    if item.kind == AgendaItem.Kind.DELEGATION:
        _mark_delegation_reported(user=user, item=item, paragraph=paragraph)
    return paragraph


def _mark_delegation_reported(*, user, item: AgendaItem, paragraph: Paragraph) -> None:
    decisions = list(item.delegation_decisions.all())
    if not decisions:
        return
    from decisions.services import workflow

    mark = getattr(workflow, "delegation_decision_mark_reported", None)
    if mark is None:  # pragma: no cover - the workflow part provides it
        raise ValidationError(_("Registret över delegationsbeslut är inte tillgängligt."))
    mark(
        user=user,
        decisions=decisions,
        reported_on=paragraph.meeting.date,
        reference=paragraph.reference,
    )
    lines = [
        "{date} {dnr} {text}".format(
            date=f"{d.decided_on:%Y-%m-%d}", dnr=d.case.dnr, text=d.decision_text
        )
        for d in decisions
    ]
    paragraph.matter = [
        {"heading": "", "text": "Följande delegationsbeslut redovisas:\n" + "\n".join(lines)}
    ]
    paragraph.save(update_fields=["matter", "updated_at"])


@transaction.atomic
def meeting_number_items(*, user, meeting: Meeting) -> list[Paragraph]:
    """Give every numbered agenda item without a § the next numbers, in agenda order."""
    _lock_meeting(user, meeting)
    created = []
    for item in meeting.items.order_by("position").filter(paragraph__isnull=True):
        if item.is_numbered:
            created.append(paragraph_add(user=user, item=item))
    return created


@transaction.atomic
def paragraph_remove(*, user, paragraph: Paragraph) -> None:
    """Remove the last § of the body's year (a mistake); other numbers would leave a gap."""
    _paragraph_meeting(user, paragraph)
    counter = ParagraphCounter.objects.select_for_update().get(
        body=paragraph.body, year=paragraph.year
    )
    if paragraph.number != counter.last_number:
        raise Conflict(
            _(
                "Bara den senaste paragrafen (§ %(last)s) kan tas bort; annars uppstår en lucka "
                "i numreringen."
            )
            % {"last": counter.last_number}
        )
    if paragraph.decision_recorded_at:
        raise Conflict(
            _("Beslutet i paragrafen är registrerat i ärendet; paragrafen kan inte tas bort.")
        )
    paragraph.delete()
    counter.last_number -= 1
    counter.save(update_fields=["last_number"])


PARAGRAPH_TEXT_FIELDS = {
    "title",
    "dnr",
    "nyps_id",
    "decision_intro",
    "decision_text",
    "decision_points",
    "statement",
    "summary",
    "matter",
    "financing_rows",
    "financing_heading",
    "decision_basis",
    "appendices",
    "protocol_notes",
    "proceedings_override",
    "granted_amount",
    "special_conditions",
}


@transaction.atomic
def paragraph_update(*, user, paragraph: Paragraph, data: dict) -> Paragraph:
    """Change the texts of a §. A recorded decision's points and amount stay as recorded."""
    _paragraph_meeting(user, paragraph)
    paragraph = Paragraph.objects.select_for_update().get(pk=paragraph.pk)
    for field, value in data.items():
        if field not in PARAGRAPH_TEXT_FIELDS:
            raise ValidationError(_("Fältet %(field)s kan inte ändras här.") % {"field": field})
        if (
            paragraph.decision_recorded_at
            and field
            in ("decision_points", "decision_text", "granted_amount", "special_conditions")
            and value != getattr(paragraph, field)
        ):
            raise Conflict(
                _(
                    "Beslutet i § %(number)s är redan registrerat i ärendet och kan inte ändras. "
                    "En rättelse blir ett nytt beslut."
                )
                % {"number": paragraph.number}
            )
        if field == "financing_rows":
            value = clean_financing_rows(value)
        if field == "decision_points":
            value = points_from_list(value)
        setattr(paragraph, field, value)
    paragraph.full_clean(validate_constraints=False)
    paragraph.save()
    return paragraph


def clean_financing_rows(rows) -> list[dict]:
    cleaned = []
    for index, row in enumerate(rows or [], start=1):
        financier = str(row.get("financier", "")).strip()
        if not financier:
            raise ValidationError(
                {"financing_rows": _("Rad %(n)s saknar finansiär.") % {"n": index}}
            )
        try:
            amount = parse_amount(row.get("amount", ""))
        except AmountError as exc:
            raise ValidationError(
                {"financing_rows": _("Rad %(n)s: %(error)s") % {"n": index, "error": exc}}
            ) from exc
        cleaned.append({"financier": financier, "amount": str(amount)})
    return cleaned


def points_from_list(points) -> list[dict]:
    """Normalise decision points to ``[{"text": str, "sub": [str]}]``."""
    out = []
    for point in points or []:
        if isinstance(point, dict):
            text = str(point.get("text", "")).strip()
            sub = [str(s).strip() for s in point.get("sub", []) if str(s).strip()]
        else:
            text, sub = str(point).strip(), []
        if text:
            out.append({"text": text, "sub": sub})
    return out


_SUB_MARK = re.compile(r"^\s*(?:[a-z]\)|-|–)\s*")
_POINT_MARK = re.compile(r"^\s*\d+[.)]\s*")


def points_from_text(text: str) -> list[dict]:
    """One point per line; lines starting with ``a)``, ``-`` or indented are sub-points."""
    points: list[dict] = []
    for raw in (text or "").splitlines():
        if not raw.strip():
            continue
        if (_SUB_MARK.match(raw) or raw[:1].isspace()) and points:
            points[-1]["sub"].append(_SUB_MARK.sub("", raw).strip())
        else:
            points.append({"text": _POINT_MARK.sub("", raw).strip(), "sub": []})
    return points


def points_to_text(points) -> str:
    lines = []
    for point in points_from_list(points):
        lines.append(point["text"])
        for index, sub in enumerate(point["sub"]):
            lines.append(f"  {chr(ord('a') + index)}) {sub}")
    return "\n".join(lines)


def matter_from_text(text: str) -> list[dict]:
    """``## Bakgrund`` lines start a section; text before the first heading has none."""
    sections: list[dict] = []
    current = {"heading": "", "lines": []}
    for line in (text or "").splitlines():
        if line.startswith("#"):
            if current["heading"] or "".join(current["lines"]).strip():
                sections.append(current)
            current = {"heading": line.lstrip("#").strip(), "lines": []}
        else:
            current["lines"].append(line)
    if current["heading"] or "".join(current["lines"]).strip():
        sections.append(current)
    return [{"heading": s["heading"], "text": "\n".join(s["lines"]).strip()} for s in sections]


def matter_to_text(matter) -> str:
    parts = []
    for section in matter or []:
        if section.get("heading"):
            parts.append(f"## {section['heading']}")
        parts.append(section.get("text", ""))
        parts.append("")
    return "\n".join(parts).strip()


def financing_from_text(text: str) -> list[dict]:
    """``Financier; amount`` per line (the amount as 1245497, 1 245 497 kr or 2 000 tkr)."""
    rows = []
    for index, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        financier, sep, amount = line.rpartition(";")
        if not sep:
            raise ValidationError(
                {"financing_rows": _("Rad %(n)s: skriv ”Finansiär; belopp”.") % {"n": index}}
            )
        rows.append({"financier": financier.strip(), "amount": amount.strip()})
    return clean_financing_rows(rows)


def financing_to_text(rows) -> str:
    return "\n".join(
        f"{row['financier']}; {format_amount(Decimal(row['amount']))}" for row in rows or []
    )


# --- Jäv, motions, propositions, votes, reservations ----------------------------------------


def _check_participant(paragraph: Paragraph, member: BodyMember, *, what: str) -> None:
    if member.body_id != paragraph.body_id:
        raise ValidationError(_("%(name)s är inte ledamot i organet.") % {"name": member})
    attendance = paragraph.meeting.attendance.filter(member=member).first()
    if paragraph.meeting.attendance.exists() and (attendance is None or not attendance.present):
        raise ValidationError(
            _("%(name)s är inte närvarande och kan inte %(what)s.") % {"name": member, "what": what}
        )
    if paragraph.conflicts.filter(member=member).exists():
        raise ValidationError(
            _("%(name)s har anmält jäv i § %(number)s och deltar inte i ärendet.")
            % {"name": member, "number": paragraph.number}
        )


@transaction.atomic
def conflict_declare(
    *, user, paragraph: Paragraph, member: BodyMember, reason: str = ""
) -> ConflictOfInterest:
    """Jäv: the member takes no part in the item; votes and motions by them are refused."""
    _paragraph_meeting(user, paragraph)
    if member.body_id != paragraph.body_id:
        raise ValidationError(_("%(name)s är inte ledamot i organet.") % {"name": member})
    if paragraph.conflicts.filter(member=member).exists():
        raise ValidationError(_("%(name)s har redan anmält jäv.") % {"name": member})
    if paragraph.votes.filter(member=member).exists():
        raise ValidationError(
            _("%(name)s har röstat i paragrafen. Ta bort omröstningen innan jäv anmäls.")
            % {"name": member}
        )
    if Motion.objects.filter(paragraph=paragraph, movers=member).exists():
        raise ValidationError(
            _("%(name)s har ett yrkande i paragrafen. Ta bort yrkandet innan jäv anmäls.")
            % {"name": member}
        )
    conflict = ConflictOfInterest(paragraph=paragraph, member=member, reason=reason.strip())
    conflict.full_clean()
    conflict.save()
    return conflict


@transaction.atomic
def conflict_remove(*, user, conflict: ConflictOfInterest) -> None:
    _paragraph_meeting(user, conflict.paragraph)
    conflict.delete()


@transaction.atomic
def motion_add(
    *, user, paragraph: Paragraph, movers: list[BodyMember], kind: str, text: str = ""
) -> Motion:
    _paragraph_meeting(user, paragraph)
    if not movers:
        raise ValidationError({"movers": _("Ange vem som yrkar.")})
    for member in movers:
        _check_participant(paragraph, member, what=_("yrka"))
    text = text.strip()
    if kind in (Motion.Kind.AMENDMENT, Motion.Kind.ADDITION) and not text:
        raise ValidationError({"text": _("Skriv vad yrkandet gäller.")})
    position = (paragraph.motions.aggregate(m=Max("position"))["m"] or 0) + 1
    motion = Motion(paragraph=paragraph, kind=kind, text=text, position=position)
    motion.full_clean()
    motion.save()
    motion.movers.set(movers)
    return motion


@transaction.atomic
def motion_remove(*, user, motion: Motion) -> None:
    paragraph = motion.paragraph
    _paragraph_meeting(user, paragraph)
    if paragraph.decision_recorded_at:
        raise Conflict(_("Beslutet är registrerat; yrkandena kan inte ändras."))
    if paragraph.carried_motion_id == motion.pk or paragraph.vote_no_motion_id == motion.pk:
        Paragraph.objects.filter(pk=paragraph.pk).update(carried_motion=None, vote_no_motion=None)
        Vote.objects.filter(paragraph=paragraph).delete()
        Paragraph.objects.filter(pk=paragraph.pk).update(vote_held=False)
    motion.delete()


@transaction.atomic
def paragraph_set_proposition(
    *,
    user,
    paragraph: Paragraph,
    put: bool,
    carried_motion: Motion | None = None,
    accepted_additions=(),
) -> Paragraph:
    """The propositionsordning: the chair put the proposals against each other and found
    that the main proposal (``carried_motion=None``) or a motion was carried.
    ``accepted_additions`` are tilläggsyrkanden the body also approved."""
    _paragraph_meeting(user, paragraph)
    paragraph = Paragraph.objects.select_for_update().get(pk=paragraph.pk)
    if paragraph.decision_recorded_at:
        raise Conflict(_("Beslutet är registrerat; propositionsordningen kan inte ändras."))
    if carried_motion is not None and carried_motion.paragraph_id != paragraph.pk:
        raise ValidationError(_("Yrkandet hör till en annan paragraf."))
    paragraph.proposition_put = put
    paragraph.carried_motion = carried_motion
    paragraph.save(update_fields=["proposition_put", "carried_motion", "updated_at"])
    accepted = {m.pk for m in accepted_additions}
    for motion in paragraph.motions.all():
        if motion.kind == Motion.Kind.ADDITION:
            outcome = Motion.Outcome.CARRIED if motion.pk in accepted else Motion.Outcome.LOST
        elif carried_motion is not None and motion.pk == carried_motion.pk:
            outcome = Motion.Outcome.CARRIED
        else:
            outcome = (
                Motion.Outcome.LOST
                if motion.kind != Motion.Kind.APPROVAL
                else (Motion.Outcome.CARRIED if carried_motion is None else Motion.Outcome.LOST)
            )
        if motion.outcome != outcome:
            motion.outcome = outcome
            motion.save(update_fields=["outcome"])
    return paragraph


@transaction.atomic
def vote_record(
    *,
    user,
    paragraph: Paragraph,
    votes: dict[int, str],
    no_motion: Motion | None,
) -> Paragraph:
    """Record an omröstning: ``votes`` maps member id -> ja/nej/avstår.

    Ja is for the main proposal (liggande förslaget), nej for ``no_motion``. Every voting
    member present, except those with jäv, must vote; members with jäv, absent members and
    substitutes not serving cannot. The result sets the propositionsordning: the side
    with more votes is carried; on a tie the chair's vote decides (utslagsröst).
    """
    meeting = _paragraph_meeting(user, paragraph)
    paragraph = Paragraph.objects.select_for_update().get(pk=paragraph.pk)
    if paragraph.decision_recorded_at:
        raise Conflict(_("Beslutet är registrerat; omröstningen kan inte ändras."))
    if no_motion is None or no_motion.paragraph_id != paragraph.pk:
        raise ValidationError({"no_motion": _("Välj yrkandet som nej-rösten gäller.")})
    if not meeting.attendance.exists():
        raise ValidationError(_("Registrera närvaron innan omröstningen."))
    voters = {m.pk: m for m in paragraph_voters(paragraph)}
    conflicted = set(paragraph.conflicts.values_list("member_id", flat=True))
    errors = []
    for member_id, choice in votes.items():
        if choice not in Vote.Choice.values:
            errors.append(_("Okänd röst: %(choice)s.") % {"choice": choice})
        elif member_id in conflicted:
            member = BodyMember.objects.get(pk=member_id)
            errors.append(_("%(name)s har anmält jäv och får inte rösta.") % {"name": member})
        elif member_id not in voters:
            member = BodyMember.objects.filter(pk=member_id).first()
            errors.append(
                _("%(name)s är inte tjänstgörande och får inte rösta.")
                % {"name": member or member_id}
            )
    missing = [m for pk, m in voters.items() if pk not in votes]
    if missing:
        errors.append(
            _("Röst saknas för: %(names)s.") % {"names": ", ".join(str(m) for m in missing)}
        )
    if errors:
        raise ValidationError(errors)
    paragraph.votes.all().delete()
    Vote.objects.bulk_create(
        [
            Vote(paragraph=paragraph, member=voters[pk], choice=choice)
            for pk, choice in votes.items()
        ]
    )
    totals = vote_totals(paragraph)
    if totals["yes"] > totals["no"]:
        carried = None
    elif totals["no"] > totals["yes"]:
        carried = no_motion
    else:
        chair = meeting_chair(meeting)
        chair_vote = votes.get(chair.pk) if chair else None
        if chair_vote not in (Vote.Choice.YES, Vote.Choice.NO):
            raise ValidationError(
                _("Lika röstetal: ordföranden har utslagsröst och måste rösta ja eller nej.")
            )
        carried = None if chair_vote == Vote.Choice.YES else no_motion
    paragraph.vote_held = True
    paragraph.vote_no_motion = no_motion
    paragraph.save(update_fields=["vote_held", "vote_no_motion", "updated_at"])
    return paragraph_set_proposition(
        user=user,
        paragraph=paragraph,
        put=True,
        carried_motion=carried,
        accepted_additions=paragraph.motions.filter(
            outcome=Motion.Outcome.CARRIED, kind=Motion.Kind.ADDITION
        ),
    )


def vote_totals(paragraph: Paragraph) -> dict:
    counts = {"yes": 0, "no": 0, "abstain": 0}
    for choice in paragraph.votes.values_list("choice", flat=True):
        counts[choice] += 1
    return counts


@transaction.atomic
def vote_clear(*, user, paragraph: Paragraph) -> None:
    _paragraph_meeting(user, paragraph)
    if paragraph.decision_recorded_at:
        raise Conflict(_("Beslutet är registrerat; omröstningen kan inte ändras."))
    paragraph.votes.all().delete()
    Paragraph.objects.filter(pk=paragraph.pk).update(vote_held=False, vote_no_motion=None)


@transaction.atomic
def reservation_add(
    *,
    user,
    paragraph: Paragraph,
    members: list[BodyMember],
    in_favour_of: Motion | None = None,
    text: str = "",
) -> Reservation:
    _paragraph_meeting(user, paragraph)
    if not members:
        raise ValidationError({"members": _("Ange vem som reserverar sig.")})
    for member in members:
        _check_participant(paragraph, member, what=_("reservera sig"))
        if Reservation.objects.filter(paragraph=paragraph, members=member).exists():
            raise ValidationError(_("%(name)s har redan reserverat sig.") % {"name": member})
    if in_favour_of is not None:
        if in_favour_of.paragraph_id != paragraph.pk:
            raise ValidationError(_("Yrkandet hör till en annan paragraf."))
        if in_favour_of.outcome == Motion.Outcome.CARRIED:
            raise ValidationError(
                _("Yrkandet bifölls; man kan inte reservera sig till förmån för det.")
            )
    reservation = Reservation(paragraph=paragraph, in_favour_of=in_favour_of, text=text.strip())
    reservation.full_clean()
    reservation.save()
    reservation.members.set(members)
    return reservation


@transaction.atomic
def reservation_remove(*, user, reservation: Reservation) -> None:
    _paragraph_meeting(user, reservation.paragraph)
    reservation.delete()


@transaction.atomic
def recipient_add(*, user, paragraph: Paragraph, name: str, email: str) -> ExtractRecipient:
    _paragraph_meeting(user, paragraph)
    position = (paragraph.recipients.aggregate(m=Max("position"))["m"] or 0) + 1
    recipient = ExtractRecipient(
        paragraph=paragraph, name=name.strip(), email=email.strip(), position=position
    )
    recipient.full_clean(validate_constraints=False)
    if paragraph.recipients.filter(name__iexact=recipient.name).exists():
        raise ValidationError(
            {"name": _("%(name)s är redan mottagare.") % {"name": recipient.name}}
        )
    recipient.save()
    return recipient


@transaction.atomic
def recipient_remove(*, user, recipient: ExtractRecipient) -> None:
    _paragraph_meeting(user, recipient.paragraph)
    recipient.delete()


# --- Recording the decision (fires the case's workflow) --------------------------------------


def decision_transitions(body: Body) -> list[str]:
    """The workflow transitions a meeting of ``body`` decides."""
    from decisions.models.workflow import BODY_TRANSITIONS

    return list(BODY_TRANSITIONS.get(BodyCode(body.code), []))


def _flat_points(paragraph: Paragraph) -> list[str]:
    out = []
    for point in paragraph.decision_points:
        text = point["text"]
        if point.get("sub"):
            text += " " + " ".join(
                f"{chr(ord('a') + i)}) {sub}" for i, sub in enumerate(point["sub"])
            )
        out.append(text)
    return out


@transaction.atomic
def paragraph_record_decision(
    *,
    user,
    paragraph: Paragraph,
    transition: str = "",
    amount: Decimal | None = None,
    reason: str = "",
    motivation: str = "",
    extra: dict | None = None,
    import_only: bool = False,
    notify: bool = True,
) -> Paragraph:
    """Record the body's decision in the §; for a case § fire the case's transition too.

    Both happen in this one transaction: if the workflow (or the financing app's check of
    the grant) refuses, nothing is saved and the § stays undecided. The transition log
    references the § (``RUN 2020-03-24 § 35``). ``extra`` adds transition data the body's
    transition needs (e.g. ``recommendation`` for utvecklingsforum).

    ``import_only`` records a historical protocol's decision without moving the case (demo
    data, protocols imported from the old system); it is not offered in the pages or API.
    """
    meeting = _paragraph_meeting(user, paragraph)
    paragraph = (
        Paragraph.objects.select_for_update().select_related("body", "meeting").get(pk=paragraph.pk)
    )
    if meeting.status != MeetingStatus.HELD:
        raise ValidationError(_("Markera sammanträdet som genomfört innan besluten registreras."))
    if paragraph.decision_recorded_at:
        raise Conflict(
            _("Beslutet i § %(number)s är redan registrerat.") % {"number": paragraph.number}
        )
    if not paragraph.has_decision:
        raise ValidationError(_("Skriv beslutet (beslutspunkter eller beslutstext) först."))
    paragraph.decision_recorded_at = timezone.now()
    paragraph.decision_recorded_by = user
    if paragraph.case_id is None:
        paragraph.outcome = Paragraph.Outcome.DECIDED
        paragraph.save()
        return paragraph
    allowed = decision_transitions(paragraph.body)
    if not transition:
        raise ValidationError({"transition": _("Välj organets beslut i ärendet.")})
    if transition not in allowed:
        raise ValidationError(
            {
                "transition": _("%(body)s fattar inte det beslutet i ärenden.")
                % {"body": paragraph.body}
            }
        )
    data = {
        "decided_on": meeting.date,
        "reference": paragraph.reference,
        "met_on": meeting.date,
        "recommended_on": meeting.date,
    }
    if transition == "grant":
        if amount is None:
            amount = paragraph.granted_amount
        if amount is None or amount <= 0:
            raise ValidationError({"amount": _("Ange beviljat belopp.")})
        paragraph.granted_amount = amount
        paragraph.outcome = Paragraph.Outcome.GRANTED
        data.update(
            amount=amount,
            decision_points=_flat_points(paragraph),
            special_conditions=paragraph.special_conditions,
        )
    elif transition.endswith("reject"):
        reason = (
            reason.strip() or paragraph.decision_text.strip() or " ".join(_flat_points(paragraph))
        )
        paragraph.outcome = Paragraph.Outcome.REJECTED
        paragraph.granted_amount = None
        data["reason"] = reason
    else:
        paragraph.outcome = Paragraph.Outcome.DECIDED
        text = paragraph.decision_text or " ".join(_flat_points(paragraph))
        data["decision_text"] = text
        data["text"] = text
    data.update(extra or {})
    paragraph.transition = transition
    paragraph.full_clean(validate_constraints=False)
    paragraph.save()
    if import_only:
        return paragraph
    from decisions.services import workflow

    case_transition = getattr(workflow, "case_transition", None)
    if case_transition is None:  # pragma: no cover - the workflow part provides it
        raise ValidationError(_("Ärendets arbetsflöde är inte tillgängligt."))
    case_transition(
        user=user,
        case=paragraph.case,
        transition=transition,
        data=data,
        motivation=motivation or paragraph.reference,
        notify=notify,
    )
    return paragraph


# --- Justering ------------------------------------------------------------------------------


def _notify(recipients, subject: str, body: str) -> None:
    """E-mail people about the justering once the transaction has committed."""
    addresses = [u.email for u in recipients if u is not None and u.email]
    if not addresses:
        return

    def send():
        from django.core.mail import send_mail

        try:
            send_mail(subject, body, None, addresses, fail_silently=False)
        except Exception as exc:  # noqa: BLE001 - a mail failure must not undo the justering
            logger.warning("justering notice to %s failed: %s", addresses, exc)

    transaction.on_commit(send)


def _prefetched(meeting: Meeting, name: str):
    """The rows of a prefetched relation of ``meeting``, or None when not prefetched."""
    return getattr(meeting, "_prefetched_objects_cache", {}).get(name)


def signing_problems(meeting: Meeting, *, chair=None, paragraphs=None) -> list[str]:
    """Why the protocol cannot go out for signing yet (empty: ready).

    The meeting page passes what it has already loaded (the chair, the paragraphs with
    their cases) and the meeting's prefetched attendance and agenda are used when there;
    anything missing is asked for.
    """
    problems = []
    chair = chair if chair is not None else meeting_chair(meeting)
    if chair is None:
        problems.append(_("Organet saknar ordförande."))
    elif chair.user_id is None:
        problems.append(
            _("Ordföranden %(name)s saknar användarkonto och kan inte justera.") % {"name": chair}
        )
    if meeting.adjuster_id is None:
        problems.append(_("Ingen justerare är vald."))
    elif meeting.adjuster.user_id is None:
        problems.append(
            _("Justeraren %(name)s saknar användarkonto och kan inte justera.")
            % {"name": meeting.adjuster}
        )
    attendance = _prefetched(meeting, "attendance")
    if not (bool(attendance) if attendance is not None else meeting.attendance.exists()):
        problems.append(_("Närvaron är inte registrerad."))
    items = _prefetched(meeting, "items")
    if items is not None:
        unnumbered = [i for i in items if i.is_numbered and not hasattr(i, "paragraph")]
    else:
        unnumbered = meeting.items.exclude(kind__in=AgendaItem.UNNUMBERED).filter(
            paragraph__isnull=True
        )
    if unnumbered:
        problems.append(
            _("Punkter utan paragrafnummer: %(titles)s.")
            % {"titles": ", ".join(i.title for i in unnumbered)}
        )
    if paragraphs is not None:
        undecided = sorted(
            (p for p in paragraphs if p.case_id and p.decision_recorded_at is None),
            key=lambda p: (p.year, p.number),
        )
    else:
        undecided = meeting.paragraphs.filter(case__isnull=False, decision_recorded_at__isnull=True)
    if undecided:
        problems.append(
            _("Beslut är inte registrerat i § %(numbers)s.")
            % {"numbers": ", ".join(str(p.number) for p in undecided)}
        )
    return problems


@transaction.atomic
def meeting_submit_for_signing(*, user, meeting: Meeting) -> Meeting:
    _require(permissions.can_plan_meeting(user))
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require(permissions.can_submit_for_signing(user, locked))
    problems = signing_problems(locked)
    if problems:
        raise ValidationError(problems)
    locked.status = MeetingStatus.SIGNING
    locked.signing_round += 1
    locked.signing_comment = ""
    locked.save(update_fields=["status", "signing_round", "signing_comment", "updated_at"])
    chair = meeting_chair(locked)
    _notify(
        [chair.user if chair else None, locked.adjuster.user],
        _("Protokoll att justera: %(meeting)s") % {"meeting": locked},
        _(
            "Protokollet från %(meeting)s väntar på din justering. Justera eller skicka "
            "tillbaka det med en kommentar på sammanträdets sida: %(path)s"
        )
        % {"meeting": locked, "path": absolute_url(locked.get_absolute_url())},
    )
    meeting.refresh_from_db()
    return locked


@transaction.atomic
def meeting_withdraw_from_signing(*, user, meeting: Meeting) -> Meeting:
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.status == MeetingStatus.SIGNED:
        raise Conflict(frozen_message(locked))
    _require(permissions.can_withdraw_from_signing(user, locked))
    locked.status = MeetingStatus.HELD
    locked.save(update_fields=["status", "updated_at"])
    meeting.refresh_from_db()
    return locked


def signing_check(*, user, meeting: Meeting) -> str:
    """The signing role (chair or adjuster) in which ``user`` may answer now.

    Raises Conflict when the protocol is signed, or when a signer answers outside a
    signing round, and PermissionDenied for everyone else who may not answer.
    """
    if meeting.status == MeetingStatus.SIGNED:
        raise Conflict(_("Protokollet är redan justerat."))
    access = permissions.can_sign_protocol(user, meeting)
    if not access:
        if meeting.status != MeetingStatus.SIGNING and permissions.signing_role_of(user, meeting):
            raise Conflict(access.reason)
        raise PermissionDenied(access.reason)
    return permissions.signing_role_of(user, meeting)


def _locked_for_signing(user, meeting: Meeting) -> tuple[Meeting, str]:
    locked = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("body", "adjuster", "chair")
        .get(pk=meeting.pk)
    )
    return locked, signing_check(user=user, meeting=locked)


@transaction.atomic
def protocol_sign(*, user, meeting: Meeting) -> Signature:
    """The chair or the adjuster signs; when both have, the protocol is frozen."""
    locked, role = _locked_for_signing(user, meeting)
    member = meeting_chair(locked) if role == Signature.Role.CHAIR else locked.adjuster
    signature = Signature.objects.create(
        meeting=locked,
        round=locked.signing_round,
        role=role,
        member=member,
        user=user,
        decision=Signature.Decision.SIGNED,
        at=timezone.now(),
    )
    signed_roles = set(
        locked.signatures.filter(
            round=locked.signing_round, decision=Signature.Decision.SIGNED
        ).values_list("role", flat=True)
    )
    if signed_roles == {Signature.Role.CHAIR, Signature.Role.ADJUSTER}:
        locked.status = MeetingStatus.SIGNED
        locked.signed_at = signature.at
        locked.save(update_fields=["status", "signed_at", "updated_at"])
        deadline = notices.posting_deadline(timezone.localdate(signature.at))
        _notify(
            [locked.secretary],
            _("Protokollet är justerat: %(meeting)s") % {"meeting": locked},
            _(
                "Ordföranden och justeraren har justerat protokollet från %(meeting)s. "
                "Anslå justeringen senast %(deadline)s: %(path)s"
            )
            % {
                "meeting": locked,
                "deadline": f"{deadline:%Y-%m-%d}",
                "path": absolute_url(locked.get_absolute_url()),
            },
        )
    meeting.refresh_from_db()
    return signature


@transaction.atomic
def protocol_reject(*, user, meeting: Meeting, comment: str) -> Signature:
    """Send the protocol back to the secretary with a comment; it can be resubmitted."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Skriv vad som behöver rättas.")})
    locked, role = _locked_for_signing(user, meeting)
    member = meeting_chair(locked) if role == Signature.Role.CHAIR else locked.adjuster
    signature = Signature.objects.create(
        meeting=locked,
        round=locked.signing_round,
        role=role,
        member=member,
        user=user,
        decision=Signature.Decision.REJECTED,
        comment=comment,
        at=timezone.now(),
    )
    locked.status = MeetingStatus.HELD
    locked.signing_comment = comment
    locked.save(update_fields=["status", "signing_comment", "updated_at"])
    _notify(
        [locked.secretary],
        _("Protokollet skickades tillbaka: %(meeting)s") % {"meeting": locked},
        _("%(name)s skickade tillbaka protokollet från %(meeting)s med kommentaren:\n\n%(comment)s")
        % {"name": member, "meeting": locked, "comment": comment},
    )
    meeting.refresh_from_db()
    return signature


# --- Anslagstavla -------------------------------------------------------------------------


@transaction.atomic
def notice_publish(*, user, meeting: Meeting, posted_on: datetime.date | None = None) -> Meeting:
    """Announce the justering on the notice board, within two days of signing."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require(permissions.can_publish_notice(user, locked))
    signed_on = timezone.localdate(locked.signed_at)
    posted_on = posted_on or timezone.localdate()
    first, last = notices.posting_window(signed_on)
    if not first <= posted_on <= last:
        raise ValidationError(
            {
                "posted_on": _(
                    "Justeringen ska anslås mellan %(first)s och %(last)s (senast andra dagen "
                    "efter justeringen)."
                )
                % {"first": f"{first:%Y-%m-%d}", "last": f"{last:%Y-%m-%d}"}
            }
        )
    locked.notice_posted_on = posted_on
    locked.notice_posted_by = user
    locked.save(update_fields=["notice_posted_on", "notice_posted_by", "updated_at"])
    meeting.refresh_from_db()
    return locked


# --- Documents ------------------------------------------------------------------------------


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
    from decisions.tasks import generate_document

    if kind == GeneratedDocument.Kind.EXTRACT:
        if paragraph is None:
            raise ValidationError(_("Välj paragrafen som utdraget gäller."))
        _require(
            permissions.can_send_extract(user, paragraph)
            if send
            else permissions.can_generate_extract(user, paragraph)
        )
    else:
        _require(permissions.can_generate_documents(user, meeting))
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
    _require(permissions.can_generate_documents(user, meeting))
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
    from decisions.tasks import generate_document

    _require(permissions.can_generate_documents(user, job.meeting))
    locked = DocumentJob.objects.select_for_update().get(pk=job.pk)
    if locked.status == JobStatus.DONE:
        raise Conflict(_("Dokumentet är redan klart."))
    if locked.status == JobStatus.RUNNING:
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
    from decisions import documents
    from norrbotten_cases.pdf import PdfRenderError

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
    except documents.DocumentError as exc:
        job_fail(job, str(exc))


def document_store(
    *, kind: str, meeting: Meeting, paragraph: Paragraph | None, user
) -> GeneratedDocument:
    """Render the document now and store it (or find the identical stored file)."""
    from decisions import documents

    pdf, filename = documents.render(kind=kind, meeting=meeting, paragraph=paragraph)
    digest = sha256_bytes(pdf)
    existing = GeneratedDocument.objects.filter(
        kind=kind, meeting=meeting, paragraph=paragraph, sha256=digest
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
        final=meeting.status == MeetingStatus.SIGNED,
        created_by=user,
    )
    document.file.save(filename, ContentFile(pdf), save=False)
    document.save()
    return document


def extract_send(*, user, document: GeneratedDocument) -> list[ExtractDispatch]:
    """E-mail the extract to each recipient of its § and log every dispatch."""
    from django.utils import translation

    if document.kind != GeneratedDocument.Kind.EXTRACT or document.paragraph_id is None:
        raise ValidationError(_("Bara protokollsutdrag skickas till mottagare."))
    paragraph = document.paragraph
    _require(permissions.can_send_extract(user, paragraph))
    with document.file.open("rb") as handle:
        pdf = handle.read()
    if sha256_bytes(pdf) != document.sha256:
        raise ValidationError(_("Den sparade filen stämmer inte med sin kontrollsumma."))
    dispatches = []
    with translation.override("sv"):
        subject = f"Protokollsutdrag {paragraph.reference}: {paragraph.title}"
        for recipient in paragraph.recipients.all():
            body = (
                "Till {name}\n\nHär är protokollsutdraget från {body} sammanträde {date}, "
                "§ {number} {title}.\n\nKontrollsumma (SHA-256): {sha}\n\n{secretary}\n"
                "{body_name}"
            ).format(
                name=recipient.name,
                body=paragraph.body.genitive.lower()[:1] + paragraph.body.genitive[1:],
                date=f"{paragraph.meeting.date:%Y-%m-%d}",
                number=paragraph.number,
                title=paragraph.title,
                sha=document.sha256,
                secretary=paragraph.meeting.secretary.get_full_name(),
                body_name=paragraph.body.name,
            )
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
    return dispatches
