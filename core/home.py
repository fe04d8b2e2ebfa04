"""The start page: panels contributed by the business apps, listed in ``settings.HOME_PANELS``.

Each app declares its panels as ``Panel`` objects in its ``home.py``; the settings list
them by dotted path in the order they appear, so one place shows the whole page::

    HOME_PANELS = ["projects.home.MY_CASES", "financing.home.PLANS_TO_REVIEW", ...]

``context(request)`` returns the panel's template context, or ``None`` to leave the
panel out for this user (e.g. a panel for controllers only), or a ``core.batch.Pending``
whose ``build()`` returns one of those: every panel's pending querysets are read in one
round trip. ``wide=True`` panels span the whole row.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from core import batch


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: Callable
    wide: bool = False


@cache
def _panels(paths: tuple[str, ...]) -> tuple[Panel, ...]:
    return tuple(import_string(path) for path in paths)


def panels_for(request) -> list[dict]:
    panels = _panels(tuple(settings.HOME_PANELS))
    answers = [panel.context(request) for panel in panels]
    built = iter(batch.resolve(a for a in answers if isinstance(a, batch.Pending)))
    out = []
    for panel, answer in zip(panels, answers, strict=True):
        context = next(built) if isinstance(answer, batch.Pending) else answer
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


def tasks_panel(request):
    from core.worklist import pending_tasks

    if not getattr(request.user, "is_authenticated", False):
        return None
    today = timezone.localdate()
    tasks = pending_tasks(request.user, today)

    def build():
        items = tasks.build()
        return {"tasks": items[:8], "count": len(items), "today": today}

    return batch.Pending(build, tasks.querysets)


TASKS = Panel(key="tasks", template="home/tasks.html", context=tasks_panel, wide=True)
