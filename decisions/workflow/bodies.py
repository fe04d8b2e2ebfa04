"""The bodies' names as the region has them (``decisions.meetings.models.Body``: data), for
the workflow's texts ("Nästa steg: Regionala utvecklingsnämnden ...", a refusal naming who
decides). The workflow cannot import the meetings area, which registers where the names
are read (``DecisionsConfig.ready``); without it, or for a body not registered, the code's
label (``BodyCode``) stands in.
"""

from collections.abc import Callable

from decisions.workflow.constants import BodyCode

_provider: Callable | None = None


def register(provider: Callable) -> None:
    """``provider()`` returns the rows (code, name) of the bodies (a queryset)."""
    global _provider
    _provider = provider


def names_queryset():
    """The rows (code, name) to read with a page's other rows (``core.batch``), or None."""
    return _provider() if _provider is not None else None


def names(rows=None) -> dict[str, str]:
    """{code: name} of ``rows`` (read now when not given)."""
    rows = names_queryset() if rows is None else rows
    return dict(rows) if rows is not None else {}


def label(code: str, known: dict[str, str] | None = None) -> str:
    known = names() if known is None else known
    return known.get(code) or str(BodyCode(code).label)
