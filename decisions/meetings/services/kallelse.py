"""Sending the kallelse to the body's members and substitutes, and what changed since.

``kallelse_send`` writes one ``NoticeDispatch`` with the agenda as sent and, per active
member or substitute with an e-mail address (their user account's), one e-mail through
``core.mail`` with a link to the members' page of the meeting and an .ics invitation
(the same UID on every sending, a higher SEQUENCE, so calendars update the event).
``agenda_changes`` compares the current agenda with the last sending: the pages mark the
items "ändrad efter utskick" and the secretary may send the kallelse again.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import require
from core.links import absolute_url
from core.mail import email_queue
from decisions.meetings import permissions
from decisions.meetings.models import (
    BodyMember,
    Meeting,
    NoticeDispatch,
    NoticeRecipient,
)

ICS_DOMAIN = "norrbotten-cases"


def agenda_snapshot(meeting: Meeting) -> dict:
    """The agenda, date, time and place as a sending keeps them."""
    return agenda_snapshot_from(meeting, meeting.items.all())


@dataclass
class AgendaChanges:
    """What differs from the last sending (nothing when the kallelse was never sent)."""

    last: NoticeDispatch | None = None
    changed_items: set = field(default_factory=set)  # agenda item ids, new or changed
    removed: list = field(default_factory=list)  # titles of items no longer on the agenda
    meeting_changed: bool = False  # date, time or place

    @property
    def any(self) -> bool:
        return bool(self.last and (self.changed_items or self.removed or self.meeting_changed))


def last_dispatch(meeting: Meeting) -> NoticeDispatch | None:
    """The latest sending, with its sender and ``recipient_count``."""
    return (
        meeting.notice_dispatches.select_related("sent_by")
        .annotate(recipient_count=Count("recipients"))
        .order_by("-sequence")
        .first()
    )


def agenda_changes(meeting: Meeting, items, last: NoticeDispatch | None) -> AgendaChanges:
    """``items``: the meeting's agenda items as the page shows them (no further query)."""
    if last is None:
        return AgendaChanges()
    now = agenda_snapshot_from(meeting, items)
    before = {entry["id"]: entry for entry in last.agenda.get("items", [])}
    changed = set()
    for entry in now["items"]:
        old = before.get(entry["id"])
        if old is None or old["title"] != entry["title"] or old["position"] != entry["position"]:
            changed.add(entry["id"])
    current = {entry["id"] for entry in now["items"]}
    removed = [
        entry["title"] for entry in last.agenda.get("items", []) if entry["id"] not in current
    ]
    meeting_changed = any(
        now[key] != last.agenda.get(key) for key in ("date", "start_time", "end_time", "place")
    )
    return AgendaChanges(last, changed, removed, meeting_changed)


def agenda_snapshot_from(meeting: Meeting, items) -> dict:
    snapshot: dict[str, Any] = {
        "date": meeting.date.isoformat(),
        "start_time": meeting.start_time.strftime("%H:%M"),
        "end_time": meeting.end_time.strftime("%H:%M") if meeting.end_time else "",
        "place": meeting.place,
    }
    snapshot["items"] = [
        {"id": item.pk, "position": item.position, "title": item.title, "kind": item.kind}
        for item in sorted(items, key=lambda item: item.position)
    ]
    return snapshot


def kallelse_recipients(meeting: Meeting) -> tuple[list[BodyMember], list[BodyMember]]:
    """(members and substitutes with an e-mail address, those without one)."""
    members = list(
        meeting.body.members.filter(active=True).select_related("user").order_by("position", "name")
    )
    with_email = [m for m in members if m.user is not None and m.user.is_active and m.user.email]
    without = [m for m in members if m not in with_email]
    return with_email, without


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _ics_fold(line: str) -> str:
    """Lines of at most 75 octets (RFC 5545 3.1)."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 74:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return "\r\n".join(out)


def meeting_ics(meeting: Meeting, *, sequence: int, url: str) -> str:
    """An iCalendar REQUEST for the meeting (times in UTC)."""
    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(meeting.date, meeting.start_time, tzinfo=zone)
    end_time = (
        meeting.end_time
        or (
            datetime.datetime.combine(meeting.date, meeting.start_time)
            + datetime.timedelta(hours=3)
        ).time()
    )
    end = datetime.datetime.combine(meeting.date, end_time, tzinfo=zone)
    stamp = "%Y%m%dT%H%M%SZ"
    utc = datetime.UTC
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{_ics_text(settings.REGION_NAME.replace('/', ' '))}//Norrbotten Cases//SV",
        "METHOD:REQUEST",
        "CALSCALE:GREGORIAN",
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.pk}@{ICS_DOMAIN}",
        f"SEQUENCE:{sequence}",
        f"DTSTAMP:{timezone.now().astimezone(utc):{stamp}}",
        f"DTSTART:{start.astimezone(utc):{stamp}}",
        f"DTEND:{end.astimezone(utc):{stamp}}",
        f"SUMMARY:{_ics_text(str(meeting.body.name))}",
        f"LOCATION:{_ics_text(meeting.place)}",
        f"DESCRIPTION:{_ics_text(_('Kallelse och handlingar: %(url)s') % {'url': url})}",
        f"URL:{url}",
        "STATUS:CONFIRMED",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_ics_fold(line) for line in lines) + "\r\n"


def _email_body(meeting: Meeting, member: BodyMember, url: str, resend: bool) -> str:
    time = meeting.start_time.strftime("%H:%M")
    if meeting.end_time:
        time += "–" + meeting.end_time.strftime("%H:%M")
    lines = [
        _("Hej %(name)s,") % {"name": member.name},
        "",
        (
            _("Kallelsen till %(body)s har ändrats efter det förra utskicket.")
            if resend
            else _("Du kallas till sammanträde med %(body)s.")
        )
        % {"body": meeting.body.name},
        "",
        _("Datum: %(date)s kl. %(time)s") % {"date": f"{meeting.date:%Y-%m-%d}", "time": time},
        _("Plats: %(place)s") % {"place": meeting.place or "–"},
        "",
        _("Föredragningslistan, förslagen till beslut och handlingarna finns här:"),
        url,
        "",
        _("En kalenderinbjudan finns som bilaga."),
    ]
    if member.is_substitute:
        lines += ["", _("Du är ersättare: meddela sekreteraren om du ska tjänstgöra.")]
    return "\n".join(lines)


@transaction.atomic
def kallelse_send(*, user, meeting: Meeting) -> NoticeDispatch:
    """Send the kallelse to every active member and substitute with an e-mail address."""
    locked = Meeting.objects.select_for_update().select_related("body").get(pk=meeting.pk)
    require(permissions.can_send_kallelse(user, locked))
    recipients, _without = kallelse_recipients(locked)
    if not recipients:
        raise ValidationError(
            _("Ingen ledamot eller ersättare har en e-postadress (via sitt användarkonto).")
        )
    last = last_dispatch(locked)
    sequence = (last.sequence if last else 0) + 1
    dispatch = NoticeDispatch.objects.create(
        meeting=locked, sequence=sequence, sent_by=user, agenda=agenda_snapshot(locked)
    )
    url = absolute_url(reverse("decisions:meeting_members", args=[locked.pk]))
    ics = meeting_ics(locked, sequence=sequence, url=url)
    subject = (
        _("Ändrad kallelse: %(body)s %(date)s") if last else _("Kallelse: %(body)s %(date)s")
    ) % {"body": locked.body.name, "date": f"{locked.date:%Y-%m-%d}"}
    for member in recipients:
        address = member.user.email if member.user is not None else ""
        outgoing = email_queue(
            to=[address],
            subject=subject,
            body=_email_body(locked, member, url, resend=last is not None),
            sent_by=user,
            attachments=[
                {
                    "filename": f"sammantrade-{locked.date:%Y-%m-%d}.ics",
                    "content_type": "text/calendar; method=REQUEST; charset=utf-8",
                    "content": ics,
                }
            ],
        )
        NoticeRecipient.objects.create(
            dispatch=dispatch,
            member=member,
            name=member.name,
            role=member.role,
            email=address,
            outgoing=outgoing,
        )
    return dispatch


__all__ = [
    "AgendaChanges",
    "agenda_changes",
    "agenda_snapshot",
    "kallelse_recipients",
    "kallelse_send",
    "last_dispatch",
    "meeting_ics",
]
