"""Undoing a removal in a meeting's protocol (agenda item, övrig närvarande, §, motion,
votes, reservation, jäv, extract recipient): ``core.removal`` restores what the removal's
historical records describe; this module checks, as the removal did, that the user may
change the meeting and that it is not out for signing or signed, nor the § adjusted."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from core import removal as core_removal
from core.errors import Conflict
from core.models import Removal
from core.text import is_number
from decisions.meetings.models import AgendaItem, ConflictOfInterest, Meeting, Paragraph, Vote
from decisions.meetings.services.common import _lock_meeting

SCOPE_LABEL = Meeting._meta.label_lower


def meeting_scope(meeting: Meeting) -> str:
    return Removal.scope_of(meeting)


def _meeting_of(removal: Removal) -> Meeting:
    label, _sep, pk = removal.scope.partition(":")
    if label != SCOPE_LABEL or not is_number(pk):
        raise PermissionDenied(_("Borttagningen hör inte till ett sammanträde."))
    meeting = Meeting.objects.filter(pk=int(pk)).first()
    if meeting is None:
        raise Conflict(_("Sammanträdet finns inte längre."))
    return meeting


def _removed(removal: Removal) -> list:
    return [r for r in core_removal.removal_records(removal) if r.history_type == "-"]


@transaction.atomic
def removal_undo(*, user, removal: Removal) -> Meeting:
    """Bring back what ``removal`` removed from the meeting's protocol, as it was."""
    meeting = _meeting_of(removal)
    meeting = _lock_meeting(user, meeting)  # the removals' own check: secretary, not signed
    records = _removed(removal)
    paragraph_ids: set[int] = {r.paragraph_id for r in records if getattr(r, "paragraph_id", None)}
    adjusted = (
        Paragraph.objects.filter(pk__in=paragraph_ids, adjusted_at__isnull=False)
        .values_list("number", flat=True)
        .first()
    )
    if adjusted is not None:
        raise Conflict(
            _("§ %(number)s är omedelbart justerad och kan inte ändras.") % {"number": adjusted}
        )
    for record in records:
        if record.instance_type is Paragraph:
            taken = Paragraph.objects.filter(
                body_id=record.body_id, year=record.year, number=record.number
            )
            if taken.exists():
                raise Conflict(
                    _(
                        "§ %(number)s har redan getts till en ny paragraf; den borttagna "
                        "paragrafen kan inte återställas."
                    )
                    % {"number": record.number}
                )
        if (
            record.instance_type is Vote
            and ConflictOfInterest.objects.filter(
                paragraph_id=record.paragraph_id, member_id=record.member_id
            ).exists()
        ):
            raise Conflict(
                _(
                    "En ledamot som röstade har anmält jäv efter borttagningen; omröstningen "
                    "kan inte återställas."
                )
            )
        if record.instance_type is AgendaItem and record.meeting_id == meeting.pk:
            # The agenda closed up after the removal: make room at the item's place.
            for item in meeting.items.filter(position__gte=record.position).order_by("-position"):
                AgendaItem.objects.filter(pk=item.pk).update(position=item.position + 1)
    core_removal.removal_restore(user=user, removal=removal)
    return meeting
