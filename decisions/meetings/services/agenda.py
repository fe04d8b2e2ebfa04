"""The agenda (föredragningslista): items from cases, formal items, order."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from core.errors import Conflict
from decisions.meetings.models import (
    AgendaItem,
    Meeting,
    Paragraph,
)
from decisions.meetings.services.common import _lock_meeting

logger = logging.getLogger(__name__)


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
