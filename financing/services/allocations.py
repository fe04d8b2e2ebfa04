"""Allocation decisions: the committee's split of a year's anslag into categories.

Each decision is kept; the latest (by decision date) is in force. Its shares of the
built-in categories become the year's category allocations, which cap commitments
(``selectors.grant_room``); a region's own categories are recorded by name.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.access import require
from core.money import format_amount
from decisions.meetings.models import Paragraph
from financing import permissions, selectors
from financing.models import (
    Allocation,
    AllocationDecision,
    AllocationDimension,
    AllocationShare,
    Grant,
    GrantCategory,
)
from financing.services.common import ZERO, amount_from_input, date_from_input


def _shares(raw) -> list[dict]:
    shares: list[dict] = []
    labels: set[str] = set()
    categories: set[str] = set()
    for index, item in enumerate(raw or []):
        category = str(item.get("category") or "").strip()
        label = str(item.get("label") or "").strip()
        value = item.get("amount")
        if not category and not label and value in (None, ""):
            continue
        if category and category not in GrantCategory.values:
            raise ValidationError({"shares": _("Okänd kategori: %(key)s.") % {"key": category}})
        if category:
            if category in categories:
                raise ValidationError(
                    {
                        "shares": _("Kategorin %(label)s finns två gånger.")
                        % {"label": GrantCategory(category).label}
                    }
                )
            categories.add(category)
            label = label or str(GrantCategory(category).label)
        if not label:
            raise ValidationError(
                {"shares": _("Varje andel behöver en kategori eller en benämning.")}
            )
        if label.lower() in labels:
            raise ValidationError(
                {"shares": _("Benämningen %(label)s finns två gånger.") % {"label": label}}
            )
        labels.add(label.lower())
        amount = amount_from_input(value, "shares", positive=False)
        if amount != amount.quantize(Decimal("0.01")):
            raise ValidationError({"shares": _("Ange beloppen med högst två decimaler.")})
        shares.append(
            {"category": category, "label": label[:100], "amount": amount, "position": index}
        )
    if not shares:
        raise ValidationError({"shares": _("Ange minst en andel.")})
    return shares


@transaction.atomic
def allocation_decision_record(
    *,
    user,
    grant: Grant,
    decided_on,
    reference: str = "",
    shares,
    paragraph: Paragraph | None = None,
    note: str = "",
) -> AllocationDecision:
    """Record the committee's split of ``grant`` (or an amendment of an earlier one): the
    shares sum exactly to the year's anslag, and no built-in category gets less than its
    decisions already commit."""
    require(permissions.can_record_allocation_decision(user))
    decided_on = date_from_input(decided_on, "decided_on")
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    if paragraph is not None:
        reference = reference or (
            f"{paragraph.body.code.upper()} {paragraph.meeting.date.isoformat()} § {paragraph.number}"
        )
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError({"reference": _("Ange beslutet (paragrafen) som fördelar anslaget.")})
    cleaned = _shares(shares)
    total = sum((s["amount"] for s in cleaned), ZERO)
    if total != grant.amount:
        raise ValidationError(
            {
                "shares": _(
                    "Andelarna summerar till %(total)s men anslaget för %(year)s är %(amount)s "
                    "(skillnad %(diff)s)."
                )
                % {
                    "total": format_amount(total),
                    "year": grant.year,
                    "amount": format_amount(grant.amount),
                    "diff": format_amount(total - grant.amount),
                }
            }
        )
    latest = grant.allocation_decisions.order_by("-decided_on", "-pk").first()
    if latest is not None and decided_on < latest.decided_on:
        raise ValidationError(
            {
                "decided_on": _(
                    "Ett senare fördelningsbeslut (%(reference)s, %(date)s) gäller redan."
                )
                % {"reference": latest.reference, "date": latest.decided_on.isoformat()}
            }
        )
    by_category = {s["category"]: s["amount"] for s in cleaned if s["category"]}
    errors = []
    for key in GrantCategory.values:
        net = selectors._net_committed(grant, key)
        if net > by_category.get(key, ZERO) and (key in by_category or net > 0):
            errors.append(
                _("Redan beslutade åtaganden inom %(category)s uppgår till %(net)s.")
                % {"category": GrantCategory(key).label, "net": format_amount(net)}
            )
    if errors:
        raise ValidationError({"shares": errors})
    decision = AllocationDecision(
        grant=grant,
        decided_on=decided_on,
        paragraph=paragraph,
        reference=reference[:200],
        total=total,
        note=(note or "").strip(),
        created_by=user,
    )
    decision.full_clean()
    decision._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    decision.save()
    for share in cleaned:
        row = AllocationShare(decision=decision, **share)
        row.full_clean()
        row._history_user = user  # type: ignore[attr-defined]  # read by simple-history
        row.save()
    # The decision in force sets the year's category allocations.
    existing = {a.key: a for a in grant.allocations.filter(dimension=AllocationDimension.CATEGORY)}
    for key in GrantCategory.values:
        current = existing.get(key)
        value = by_category.get(key)
        if value is None:
            if current is not None:
                current._history_user = user  # type: ignore[attr-defined]
                current.delete()
        elif current is None:
            allocation = Allocation(
                grant=grant, dimension=AllocationDimension.CATEGORY, key=key, amount=value
            )
            allocation._history_user = user  # type: ignore[attr-defined]
            allocation.save()
        elif current.amount != value:
            current.amount = value
            current._history_user = user  # type: ignore[attr-defined]
            current.save(update_fields=["amount"])
    return decision
