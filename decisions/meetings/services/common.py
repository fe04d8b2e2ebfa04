"""What every meeting service shares: the meeting lock and the frozen-record messages."""

import logging

from django.utils.translation import gettext as _

from core.access import require
from core.errors import Conflict
from core.notifications import notify
from decisions.meetings import permissions
from decisions.meetings.models import Meeting, MeetingStatus, Paragraph

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
    require(permissions.can_plan_meeting(user))
    locked = Meeting.objects.select_for_update().select_related("body").get(pk=meeting.pk)
    ensure_editable(locked)
    meeting.status = locked.status
    return locked


def _lock_meeting_facts(user, meeting: Meeting) -> Meeting:
    """``_lock_meeting`` for a change of what every § of the meeting rests on (who was
    present, the adjuster): refused (Conflict) once a § is justerad at
    once, since its record says who took part and the protocol must say the same."""
    locked = _lock_meeting(user, meeting)
    refuse_if_paragraph_adjusted(locked)
    return locked


def refuse_if_paragraph_adjusted(locked: Meeting) -> None:
    """Conflict when a § of the (locked) meeting is justerad at once."""
    adjusted = (
        locked.paragraphs.filter(adjusted_at__isnull=False)
        .order_by("number")
        .values_list("number", flat=True)
    )
    if adjusted:
        raise Conflict(
            _(
                "§ %(numbers)s är omedelbart justerad: sammanträdets närvaro, justerare, datum "
                "och plats är det som paragrafen vilar på och kan inte ändras längre. Skriv en "
                "ändring under sammanträdet som en protokollsanteckning i en senare paragraf."
            )
            % {"numbers": ", ".join(str(number) for number in adjusted)}
        )


def _paragraph_meeting(user, paragraph: Paragraph) -> Meeting:
    """Lock the §'s meeting for a change of the §; an immediately adjusted § is final."""
    meeting = _lock_meeting(user, paragraph.meeting)
    if Paragraph.objects.filter(pk=paragraph.pk, adjusted_at__isnull=False).exists():
        raise Conflict(
            _(
                "§ %(number)s är omedelbart justerad och kan inte ändras. Rättelser görs som "
                "nya beslut vid ett senare sammanträde."
            )
            % {"number": paragraph.number}
        )
    return meeting


def _notify(recipients, kind: str, meeting: Meeting, subject, body, *, sent_by=None) -> None:
    """Tell people about the justering (core.notifications: in the app and by e-mail, as
    each chose, in their language): the e-mail is kept in this transaction and sent after
    it with retries; a failure is shown to ``sent_by`` (core.mail), never undoes the
    justering. ``subject`` and ``body`` are callables, called in the recipient's language.
    Copies of the meeting's cases' marked texts (in a returned protocol's comment) are
    masked for a recipient who may not see them."""
    cases = sorted(
        {
            *meeting.items.exclude(case=None).values_list("case_id", flat=True),
            *meeting.paragraphs.exclude(case=None).values_list("case_id", flat=True),
        }
    )
    seen = set()
    for recipient in recipients:
        if recipient is None or recipient.pk in seen:
            continue
        seen.add(recipient.pk)
        notify(
            recipient=recipient,
            kind=kind,
            url=meeting.get_absolute_url(),
            text=subject,
            body=body,
            sent_by=sent_by,
            about={"cases": cases} if cases else None,
        )
