"""Panels on the start page, contributed by the business apps.

An app registers in its ``AppConfig.ready()``::

    from norrbotten_cases.home import register_panel
    register_panel(key="my_cases", order=10, template="projects/home/my_cases.html",
                   context=my_cases_panel)

``context(request)`` returns the panel's template context, or ``None`` to leave the
panel out for this user (e.g. a panel for controllers only). Panels render in ``order``;
``wide=True`` panels span the whole row.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    template: str
    context: Callable
    wide: bool = False


_PANELS: dict[str, Panel] = {}


def register_panel(
    *, key: str, template: str, context: Callable, order: int = 50, wide: bool = False
) -> None:
    _PANELS[key] = Panel(key=key, order=order, template=template, context=context, wide=wide)


def panels_for(request) -> list[dict]:
    out = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(request)
        if context is not None:
            out.append(
                {
                    "key": panel.key,
                    "template": panel.template,
                    "context": context,
                    "wide": panel.wide,
                }
            )
    return out
