"""Money as the department writes it: Decimal SEK, shown ``1 245 497 kr``.

Typed amounts are accepted as ``1245497``, ``1 245 497``, ``1 245 497 kr`` or
``2 000 tkr`` (thousands of kronor); anything else is refused with a message.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_AMOUNT = re.compile(
    r"""^
    (?P<int>\d{1,3}(?:\ \d{3})+|\d+)       # 1245497 or 1 245 497
    (?:[,.](?P<frac>\d+))?                 # optional decimals
    (?:\ ?(?P<unit>kr|kronor|sek|tkr))?    # optional unit
    $""",
    # ASCII: \d is 0-9 only, never Arabic-Indic or other non-Latin digits.
    re.VERBOSE | re.IGNORECASE | re.ASCII,
)
ORE = Decimal("0.01")


class AmountError(ValueError):
    """The text is not an amount in a form we accept."""


def parse_amount(text: str | int | Decimal) -> Decimal:
    """Return the amount in kronor as a Decimal with two decimals.

    >>> parse_amount("2 000 tkr")
    Decimal('2000000.00')
    """
    if isinstance(text, bool):
        raise AmountError(_("Ange ett belopp i kronor."))
    if isinstance(text, int):
        value = Decimal(text)
    elif isinstance(text, Decimal):
        value = text
    else:
        cleaned = _SPACES.sub(" ", str(text)).strip()
        match = _AMOUNT.match(cleaned)
        if not match:
            raise AmountError(
                _("Skriv beloppet som 1245497, 1 245 497, 1 245 497 kr eller 2 000 tkr.")
            )
        digits = match["int"].replace(" ", "")
        frac = match["frac"] or ""
        unit = (match["unit"] or "").lower()
        max_decimals = 3 if unit == "tkr" else 2
        if len(frac) > max_decimals:
            raise AmountError(_("Beloppet har för många decimaler."))
        try:
            value = Decimal(f"{digits}.{frac}" if frac else digits)
        except InvalidOperation as exc:  # pragma: no cover - regex guarantees digits
            raise AmountError(_("Ange ett belopp i kronor.")) from exc
        if unit == "tkr":
            value *= 1000
    if not value.is_finite() or value < 0:
        raise AmountError(_("Beloppet kan inte vara negativt."))
    if value >= Decimal("1e13"):
        raise AmountError(_("Beloppet är orimligt stort."))
    return value.quantize(ORE, rounding=ROUND_HALF_UP)


def format_amount(value: Decimal | int | None, unit: str = "kr") -> str:
    """``Decimal("1245497")`` -> ``"1 245 497 kr"``; öre shown only when present."""
    if value is None or value == "":
        return ""
    value = Decimal(value).quantize(ORE, rounding=ROUND_HALF_UP)
    if not value:
        value = abs(value)  # -0.004 rounds to "0 kr", not "-0 kr"
    whole, _dot, frac = f"{value:,.2f}".partition(".")  # "-1,245,497.50"
    text = whole.replace(",", " ")
    if frac != "00":
        text += "," + frac
    return f"{text} {unit}".strip()


def format_msek(value: Decimal | int | None) -> str:
    """Millions of kronor with one decimal, as in the annual report: ``171,1``."""
    if value is None:
        return ""
    msek = (Decimal(value) / Decimal(1_000_000)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{msek}".replace(".", ",")
