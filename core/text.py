"""Checks on text that arrives from outside (forms, the API, query parameters)."""

from typing import Any

NUL = "\x00"


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
