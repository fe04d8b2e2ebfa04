"""Mina uppgifter: what needs the user's action now, gathered across the apps.

Each app provides a function ``tasks(user, today) -> list[Task]`` in its ``worklist.py``; the
settings list them by dotted path (``WORKLIST_SOURCES``), so core never imports the apps
above it. Items are sorted by due date (overdue first; no due date last). A task names the case
(``case_id``) or project it is about; ``settings.SECRECY_TASK_MASK`` masks titles the user
may not see (the reminders are made from this list too).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Task:
    """One thing a user should do: ``key`` identifies it across days (reminders log it),
    ``kind`` groups it (a short Swedish label), ``since`` is when it became theirs."""

    key: str
    kind: str
    title: str
    url: str
    due: datetime.date | None = None
    since: datetime.datetime | None = None
    reference: str = ""
    # What the task is about, for masking secret titles (``settings.SECRECY_TASK_MASK``).
    case_id: int | None = None
    project_id: int | None = None

    def overdue(self, today: datetime.date | None = None) -> bool:
        return self.due is not None and self.due < (today or timezone.localdate())


@cache
def _sources(paths: tuple[str, ...]) -> tuple[Callable, ...]:
    return tuple(import_string(path) for path in paths)


def tasks_for(user, today: datetime.date | None = None) -> list[Task]:
    if not getattr(user, "is_authenticated", False):
        return []
    today = today or timezone.localdate()
    items: list[Task] = []
    for source in _sources(tuple(settings.WORKLIST_SOURCES)):
        items.extend(source(user, today))
    mask = getattr(settings, "SECRECY_TASK_MASK", "")
    if mask:  # titles of secret cases for a user who may not see them
        items = _sources((mask,))[0](user, items)
    far = datetime.date.max
    return sorted(items, key=lambda t: (t.due or far, t.kind, t.title))
