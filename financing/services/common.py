"""What the financing services share: amounts and dates from input, the stale-edit check."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import AmountError, parse_amount
from financing.models import (
    GrantCategory,
)
from projects.models import ReportPriority

ZERO = Decimal("0.00")

# Default RUS priority of recorded commitments outside projektverksamhet (seed 004 2.1:
# "innovation ... innefattar samtliga beviljade medel inom företagsstöd", attraktiva
# livsmiljöer "samtliga beviljade medel inom kommersiell service").
DEFAULT_PRIORITY: dict[str, str] = {
    GrantCategory.BUSINESS_SUPPORT: ReportPriority.INNOVATION,
    GrantCategory.COMMERCIAL_SERVICE: ReportPriority.ATTRACTIVE_ENVIRONMENTS,
}


def amount_from_input(value, field: str, *, positive: bool = True) -> Decimal:
    try:
        amount = parse_amount(value)
    except AmountError as exc:
        raise ValidationError({field: str(exc)}) from exc
    if positive and amount <= 0:
        raise ValidationError({field: _("Beloppet måste vara större än noll.")})
    return amount


def date_from_input(value, field: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except (TypeError, ValueError) as exc:
        raise ValidationError({field: _("Ange ett datum som 2020-03-24.")}) from exc
