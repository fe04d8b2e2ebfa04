"""Meetings: creating and changing them, attendance, the adjuster and the chair."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import require
from core.errors import Conflict
from decisions.meetings import permissions
from decisions.meetings.models import (
    AgendaItem,
    Attendance,
    Body,
    BodyMember,
    Meeting,
    MeetingStatus,
    OtherAttendee,
)
from decisions.meetings.selectors import meeting_chair
from decisions.meetings.services.agenda import _delegation_title
from decisions.meetings.services.common import (
    _lock_meeting,
    _lock_meeting_facts,
    refuse_if_paragraph_adjusted,
)
from decisions.meetings.services.paragraphs import _adjuster_decision
from decisions.workflow.services import delegation_decisions_move_report

logger = logging.getLogger(__name__)


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
    require(permissions.can_plan_meeting(user, body))
    meeting = Meeting(
        body=body,
        date=date,
        start_time=start_time,
        end_time=end_time,
        place=(place or body.default_place).strip(),
        secretary=body.secretary or user,
    )
    meeting.full_clean(validate_constraints=False)
    _check_times(meeting)
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


# How far from today a meeting's date may be: older meetings are entered from their paper
# protocols, none is planned further ahead (a typed 0001 or 2202 is a mistake).
EARLIEST_MEETING_YEAR = 1950
MOST_YEARS_AHEAD = 5


def _check_times(meeting: Meeting) -> None:
    """A meeting's date is plausible, and it ends after it starts (never "kl. 13:00–09:00")."""
    today = timezone.localdate()
    if meeting.date is not None and not (
        EARLIEST_MEETING_YEAR <= meeting.date.year <= today.year + MOST_YEARS_AHEAD
    ):
        raise ValidationError(
            {
                "date": _("Kontrollera datumet: ett sammanträde mellan %(first)s och %(last)s.")
                % {"first": EARLIEST_MEETING_YEAR, "last": today.year + MOST_YEARS_AHEAD}
            }
        )
    if meeting.end_time is not None and meeting.end_time <= meeting.start_time:
        raise ValidationError(
            {"end_time": _("Sluttiden måste vara efter starttiden.")}, code="end_before_start"
        )


MEETING_FIELDS = {"date", "start_time", "end_time", "place", "adjustment_place", "secretary"}


@transaction.atomic
def meeting_update(*, user, meeting: Meeting, data: dict) -> Meeting:
    locked = _lock_meeting(user, meeting)
    if any(
        field in data and data[field] != getattr(locked, field)
        for field in ("date", "start_time", "place", "secretary")
    ):  # what a § justerad at once rests on and its extract prints (its end time comes later)
        refuse_if_paragraph_adjusted(locked)
    old_date = locked.date
    old_delegation_title = _delegation_title(locked)
    old_references = {p.pk: p.reference for p in locked.paragraphs.select_related("body")}
    for field, value in data.items():
        if field not in MEETING_FIELDS:
            raise ValidationError(_("Fältet %(field)s kan inte ändras här.") % {"field": field})
        setattr(locked, field, value)
    first_paragraph = locked.paragraphs.first() if "date" in data else None
    if first_paragraph is not None and locked.date.year != first_paragraph.year:
        raise ValidationError(
            {
                "date": _(
                    "Paragraferna är redan numrerade för ett annat år; datumet kan inte flyttas dit."
                )
            }
        )
    locked.full_clean(validate_constraints=False)
    _check_times(locked)
    if (
        Meeting.objects.filter(body=locked.body, date=locked.date, start_time=locked.start_time)
        .exclude(pk=locked.pk)
        .exists()
    ):
        raise ValidationError(_("Organet har redan ett sammanträde den dagen och tiden."))
    locked.save()
    if locked.date != old_date:
        _follow_moved_date(user, locked, old_delegation_title, old_references)
    meeting.refresh_from_db()
    return locked


def _follow_moved_date(user, meeting: Meeting, old_title: str, old_references: dict) -> None:
    """A moved meeting: the delegation item's title and the delegation register (reported
    on, reference) show the new date."""
    new_title = _delegation_title(meeting)
    meeting.items.filter(kind=AgendaItem.Kind.DELEGATION, title=old_title).update(title=new_title)
    for paragraph in meeting.paragraphs.select_related("body", "meeting"):
        if paragraph.kind == AgendaItem.Kind.DELEGATION and paragraph.title == old_title:
            paragraph.title = new_title
            paragraph.save(update_fields=["title", "updated_at"])
        old = old_references.get(paragraph.pk)
        if old and old != paragraph.reference:
            delegation_decisions_move_report(
                user=user,
                old_reference=old,
                reference=paragraph.reference,
                reported_on=meeting.date,
            )


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
    locked = _lock_meeting_facts(user, meeting)
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


@transaction.atomic
def attendance_set(*, user, meeting: Meeting, entries: list[dict]) -> list[Attendance]:
    """Replace the attendance: ``[{member, present, serving_for}]`` for the body's members.

    A substitute who serves must serve for an absent ordinary member of the same body; a
    member may be replaced by one substitute at most.
    """
    locked = _lock_meeting_facts(user, meeting)
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
        # "§ 3" typed as the pages print it: the § sign is the pages' ("§ § 3")
        paragraphs=paragraphs.strip().lstrip("§").strip(),
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
