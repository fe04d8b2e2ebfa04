"""Anslag 1:1 per year and its allocation plan (by category and RUS priority)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.access import require
from core.concurrency import ensure_current
from core.money import AmountError, format_amount, parse_amount
from financing import permissions, selectors
from financing.models import (
    Allocation,
    AllocationDimension,
    Grant,
    GrantCategory,
)
from financing.services.common import ZERO, amount_from_input
from projects.models import ReportPriority


def allocation_field(dimension: str, key: str) -> str:
    """The name used for an allocation in forms and error messages: ``category_project``."""
    return f"{dimension}_{key}"


ALLOCATION_KEYS = [(AllocationDimension.CATEGORY, key) for key in GrantCategory.values] + [
    (AllocationDimension.PRIORITY, key) for key in ReportPriority.values
]


def _validate_allocations(grant: Grant, allocations: dict) -> dict:
    """Normalise ``{(dimension, key): amount | None}`` and check it against the anslag."""
    cleaned: dict[tuple[str, str], Decimal | None] = {}
    errors: dict[str, str] = {}
    for (dimension, key), value in allocations.items():
        if (dimension, key) not in ALLOCATION_KEYS:
            raise ValidationError(
                _("Okänd fördelning: %(dimension)s/%(key)s.") % {"dimension": dimension, "key": key}
            )
        if value in (None, ""):
            cleaned[dimension, key] = None
            continue
        try:
            cleaned[dimension, key] = parse_amount(value)
        except AmountError as exc:
            errors[allocation_field(dimension, key)] = str(exc)
    if errors:
        raise ValidationError(errors)
    for dimension, label in (
        (AllocationDimension.CATEGORY, _("per kategori")),
        (AllocationDimension.PRIORITY, _("per prioritering")),
    ):
        total = sum((v or ZERO for (d, _k), v in cleaned.items() if d == dimension), ZERO)
        if total > grant.amount:
            raise ValidationError(
                _(
                    "Fördelningen %(dimension)s (%(total)s) överstiger anslaget (%(amount)s) "
                    "med %(excess)s."
                )
                % {
                    "dimension": label,
                    "total": format_amount(total),
                    "amount": format_amount(grant.amount),
                    "excess": format_amount(total - grant.amount),
                }
            )
    if grant.pk:
        for (dimension, key), value in cleaned.items():
            if dimension != AllocationDimension.CATEGORY or value is None:
                continue
            net = selectors._net_committed(grant, key)
            if value < net:
                errors[allocation_field(dimension, key)] = _(
                    "Redan beslutade åtaganden inom %(category)s uppgår till %(net)s; "
                    "fördelningen kan inte vara lägre."
                ) % {"category": GrantCategory(key).label, "net": format_amount(net)}
    if errors:
        raise ValidationError(errors)
    return cleaned


def _authority(value):
    if value in (None, ""):
        return None
    return amount_from_input(value, "commitment_authority", positive=False)


def _store_allocations(grant: Grant, cleaned: dict, user) -> None:
    existing = {(a.dimension, a.key): a for a in grant.allocations.all()}
    for (dimension, key), value in cleaned.items():
        current = existing.get((dimension, key))
        if value is None:
            if current is not None:
                current._history_user = user  # type: ignore[attr-defined]  # read by simple-history
                current.delete()
        elif current is None:
            allocation = Allocation(grant=grant, dimension=dimension, key=key, amount=value)
            allocation.full_clean()
            allocation._history_user = user  # type: ignore[attr-defined]  # read by simple-history
            allocation.save()
        elif current.amount != value:
            current.amount = value
            current.full_clean()
            current._history_user = user  # type: ignore[attr-defined]  # read by simple-history
            current.save(update_fields=["amount"])


@transaction.atomic
def grant_create(
    *,
    user,
    year: int,
    amount,
    decision_reference: str = "",
    note: str = "",
    allocations: dict | None = None,
    code: str = "",
    name: str = "",
    commitment_authority=None,
) -> Grant:
    """Register the anslag 1:1 of a year with its allocation plan; its name and code as
    that year's regleringsbrev gives them, and the commitment authority (bemyndiganderam)."""
    require(permissions.can_edit_grant(user))
    if Grant.objects.filter(year=year).exists():
        raise ValidationError(
            {"year": _("Anslag 1:1 för %(year)s är redan registrerat.") % {"year": year}}
        )
    grant = Grant(
        year=year,
        amount=amount_from_input(amount, "amount", positive=False),
        decision_reference=decision_reference.strip(),
        note=note.strip(),
        commitment_authority=_authority(commitment_authority),
    )
    if code.strip():
        grant.code = code.strip()
    if name.strip():
        grant.name = name.strip()
    grant.full_clean()
    cleaned = _validate_allocations(grant, allocations or {})
    try:
        with transaction.atomic():
            grant._history_user = user  # type: ignore[attr-defined]  # read by simple-history
            grant.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"year": _("Anslag 1:1 för %(year)s är redan registrerat.") % {"year": year}}
        ) from exc
    _store_allocations(grant, cleaned, user)
    return grant


@transaction.atomic
def grant_update(
    *,
    user,
    grant: Grant,
    amount,
    decision_reference: str = "",
    note: str = "",
    allocations: dict | None = None,
    version: int | None = None,
    code: str | None = None,
    name: str | None = None,
    commitment_authority="unchanged",
) -> Grant:
    """Change the anslag and its allocation plan (under the year's lock).

    ``allocations`` is the complete plan: a key that is missing or ``None`` has no
    allocation. Neither the anslag nor a category can go below what is already committed.
    """
    require(permissions.can_edit_grant(user))
    locked = Grant.objects.select_for_update().get(pk=grant.pk)
    ensure_current(locked, version)
    new_amount = amount_from_input(amount, "amount", positive=False)
    net = selectors._net_committed(locked)
    if new_amount < net:
        raise ValidationError(
            {
                "amount": _(
                    "Redan beslutade åtaganden uppgår till %(net)s; anslaget kan inte vara lägre."
                )
                % {"net": format_amount(net)}
            }
        )
    changed = []
    values = [
        ("amount", new_amount),
        ("decision_reference", decision_reference.strip()),
        ("note", note.strip()),
    ]
    if code is not None:
        values.append(("code", code.strip() or locked.code))
    if name is not None:
        values.append(("name", name.strip() or locked.name))
    if commitment_authority != "unchanged":
        authority = _authority(commitment_authority)
        bound = selectors.committed_after(locked.year)
        if authority is not None and authority < bound:
            raise ValidationError(
                {
                    "commitment_authority": _(
                        "Beslut fattade till och med %(year)s binder redan %(bound)s för "
                        "kommande år; bemyndiganderamen kan inte vara lägre."
                    )
                    % {"year": locked.year, "bound": format_amount(bound)}
                }
            )
        values.append(("commitment_authority", authority))
    for field_name, value in values:
        if getattr(locked, field_name) != value:
            setattr(locked, field_name, value)
            changed.append(field_name)
    locked.full_clean()
    cleaned = _validate_allocations(
        locked, {key: None for key in ALLOCATION_KEYS} | dict(allocations or {})
    )
    locked._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    locked.save(update_fields=[*changed, "updated_at"])
    _store_allocations(locked, cleaned, user)
    return locked
