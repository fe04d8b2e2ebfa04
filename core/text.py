"""Checks on text that arrives from outside (forms, the API, query parameters), and names
in running text."""

import re
from typing import Any

from django.utils.translation import get_language

NUL = "\x00"


_NUMBER = re.compile(r"[0-9]{1,18}")


def is_number(value: Any) -> bool:
    """A text of the digits 0-9 only (at most 18: within a bigint), as an id or a year typed
    or sent: ``str.isdigit`` also takes ``²`` and other digits that ``int()`` refuses."""
    return isinstance(value, str) and _NUMBER.fullmatch(value) is not None


def contains_nul(value: Any) -> bool:
    """True if ``value`` (a text, or lists and dicts of them, keys included) holds a NUL
    character, which PostgreSQL cannot store in text or jsonb."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(contains_nul(item) for item in value)
    return False


def swedish_genitive(name: str) -> str:
    """``Region Norrbotten`` -> ``Region Norrbottens``: an s added, except to a name that
    ends in s, x or z (``Region Halland`` -> ``Region Hallands``, ``Västra Götalandsregionen``
    -> ``Västra Götalandsregionens``, ``Vimmerby kommun`` -> ``Vimmerby kommuns``)."""
    name = name.strip()
    if not name or name[-1].lower() in "sxz":
        return name
    return f"{name}s"


def possessive(name: str) -> str:
    """``name``'s possessive in the active language: ``Region Norrbottens`` in Swedish,
    ``Region Norrbotten's`` in English (for a text that names the region's rules)."""
    if (get_language() or "sv").startswith("en"):
        return f"{name.strip()}'s"
    return swedish_genitive(name)
