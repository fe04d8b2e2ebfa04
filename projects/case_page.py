"""The case page's sections from higher apps, listed in ``settings.CASE_PAGE_SECTIONS``.

The registry (this app) renders the case; the workflow, meetings and financing areas add
what they know about it without this app importing them. Each declares its sections as
``Section`` objects; the settings list them by dotted path in page order::

    CASE_PAGE_SECTIONS = ["decisions.workflow.views.ACTIONS_SECTION", ...]

``context(request, case)`` returns the template context for the section, or ``None``
to leave the section out for this user or case. Areas: ``header`` (under the title,
e.g. state and action buttons), ``main`` (the main column), ``side`` (the side column).

``preload(request, case)`` (optional) returns {name: queryset} for the rows the section
reads: the page runs every section's querysets together with its own in one query
(``core.batch``) and keeps the rows on the case, where the section's selectors take them
(``core.batch.loaded(case, name, ...)``). Names are prefixed with the section's area of
the code (``"workflow.log"``) so they do not collide.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

AREAS = ("header", "main", "side")


@dataclass(frozen=True)
class Section:
    key: str
    area: str
    template: str
    context: Callable
    preload: Callable | None = None

    def __post_init__(self):
        if self.area not in AREAS:
            raise ValueError(f"unknown case page area {self.area!r}")


@cache
def _sections(paths: tuple[str, ...]) -> tuple[Section, ...]:
    return tuple(import_string(path) for path in paths)


def sections_for(request, case) -> dict[str, list[dict]]:
    """{area: [{"key", "template", "context"}, ...]} for this request and case."""
    out: dict[str, list[dict]] = {area: [] for area in AREAS}
    for section in _sections(tuple(settings.CASE_PAGE_SECTIONS)):
        context = section.context(request, case)
        if context is None:
            continue
        out[section.area].append(
            {"key": section.key, "template": section.template, "context": context}
        )
    return out


def preload_for(request, case) -> dict:
    """Every section's querysets for this request and case ({name: queryset})."""
    out: dict = {}
    for section in _sections(tuple(settings.CASE_PAGE_SECTIONS)):
        if section.preload is not None:
            out.update(section.preload(request, case) or {})
    return out
