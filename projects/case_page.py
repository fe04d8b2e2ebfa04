"""Sections that higher apps add to the case page, without projects importing them.

A higher app registers a section in its ``AppConfig.ready()``::

    from projects.case_page import register_section
    register_section(key="workflow", area="main", order=10,
                     template="decisions/partials/case_workflow.html",
                     context=workflow_section_context)

``context(request, case)`` returns the template context for the section, or ``None``
to leave the section out for this user or case. Areas: ``header`` (under the title,
e.g. state and action buttons), ``main`` (the main column), ``side`` (the side column).
The projects view renders them in ``order`` within each area.
"""

from collections.abc import Callable
from dataclasses import dataclass

AREAS = ("header", "main", "side")


@dataclass(frozen=True)
class Section:
    key: str
    area: str
    order: int
    template: str
    context: Callable


_SECTIONS: dict[str, Section] = {}


def register_section(
    *, key: str, template: str, context: Callable, area: str = "main", order: int = 50
) -> None:
    if area not in AREAS:
        raise ValueError(f"unknown case page area {area!r}")
    _SECTIONS[key] = Section(key=key, area=area, order=order, template=template, context=context)


def sections_for(request, case) -> dict[str, list[dict]]:
    """{area: [{"key", "template", "context"}, ...]} for this request and case."""
    out: dict[str, list[dict]] = {area: [] for area in AREAS}
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key)):
        context = section.context(request, case)
        if context is None:
            continue
        out[section.area].append(
            {"key": section.key, "template": section.template, "context": context}
        )
    return out
