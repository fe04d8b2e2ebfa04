"""Appeals (laglighetsprövning) against a §: recorded, followed until decided."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import require
from decisions.meetings import permissions
from decisions.meetings.models import Appeal, Paragraph


@transaction.atomic
def appeal_record(
    *,
    user,
    paragraph: Paragraph,
    received_on: datetime.date,
    appellant: str,
    court_reference: str = "",
    note: str = "",
) -> Appeal:
    """Record that the § has been appealed: it does not win legal force (laga kraft) while
    the appeal is pending."""
    require(permissions.can_record_appeal(user, paragraph))
    if received_on is None or received_on > timezone.localdate():
        raise ValidationError({"received_on": _("Ange dagen överklagandet kom in.")})
    meeting_date = paragraph.meeting.date
    if received_on < meeting_date:
        raise ValidationError(
            {
                "received_on": _(
                    "Beslutet fattades %(date)s; ett överklagande av det kan inte ha kommit in "
                    "före den dagen."
                )
                % {"date": meeting_date.isoformat()}
            }
        )
    if not (appellant or "").strip():
        raise ValidationError({"appellant": _("Ange vem som har överklagat.")})
    appeal = Appeal(
        paragraph=paragraph,
        received_on=received_on,
        appellant=appellant.strip(),
        court_reference=(court_reference or "").strip(),
        note=(note or "").strip(),
        recorded_by=user,
    )
    appeal.full_clean()
    appeal.save()
    return appeal


@transaction.atomic
def appeal_decide(
    *,
    user,
    appeal: Appeal,
    status: str,
    decided_on: datetime.date,
    note: str = "",
    final_on: datetime.date | None = None,
) -> Appeal:
    """The court's outcome (or the appeal was withdrawn), and when known the day the
    court's ruling won legal force (``final_on``; it can itself be appealed, so the § is
    final only then). Recorded again to add that day later."""
    locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
    require(permissions.can_record_appeal(user, locked.paragraph))
    if status not in (
        Appeal.Status.DISMISSED,
        Appeal.Status.ANNULLED,
        Appeal.Status.WITHDRAWN,
    ):
        raise ValidationError({"status": _("Välj hur överklagandet avgjordes.")})
    if decided_on is None or decided_on < locked.received_on:
        raise ValidationError(
            {"decided_on": _("Avgörandet kan inte vara före dagen överklagandet kom in.")}
        )
    if status == Appeal.Status.WITHDRAWN:
        final_on = None  # a withdrawal ends the matter on the day it is written off
    elif final_on is not None and final_on < decided_on:
        raise ValidationError(
            {"final_on": _("Avgörandet kan inte ha vunnit laga kraft innan det meddelades.")}
        )
    locked.status = status
    locked.decided_on = decided_on
    locked.final_on = final_on
    if note:
        locked.note = (locked.note + "\n" + note.strip()).strip()
    locked._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    locked.save()
    return locked
