"""Mina uppgifter: what needs the user's action now, gathered across the apps.

Each app provides a function ``tasks(user, today, most) -> Pending`` in its ``worklist.py``; the
settings list them by dotted path (``WORKLIST_SOURCES``), so core never imports the apps
above it. A source names the querysets it reads and how its tasks are made from them
(``Pending``): every source's querysets are read in one round trip (``core.batch``), then
each source builds its tasks. Items are sorted by due date (overdue first; no due date last). A task names the case
(``case_id``) or project it is about; ``settings.SECRECY_TASK_MASK`` masks titles the user
may not see (the reminders are made from this list too).
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import cache

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from core import batch
from core.collation import swedish_key

TITLE_CHARS = 120


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
    # Said after the title (e.g. " – Bevilja"). Sources give the title whole: it is
    # shortened to ``TITLE_CHARS`` once masked (a secret text cut short is not found).
    title_suffix: str = ""

    def overdue(self, today: datetime.date | None = None) -> bool:
        return self.due is not None and self.due < (today or timezone.localdate())


# A source's answer (``core.batch.Pending``): the querysets it reads (none when the user has
# no such tasks) and how its tasks are made from them once they are loaded.
Pending = batch.Pending
NOTHING: batch.Pending[Iterable[Task]] = Pending(build=tuple)


@cache
def _sources(paths: tuple[str, ...]) -> tuple[Callable, ...]:
    return tuple(import_string(path) for path in paths)


# A source whose tasks are shared by a role (a secretary's steps take every case in them)
# lists at most so many per step, those due first, and says where the rest are; the
# reminders read every task (``most=None``).
SHOWN_PER_STEP = 100


def tasks_for(
    user, today: datetime.date | None = None, most: int | None = SHOWN_PER_STEP
) -> list[Task]:
    return batch.resolve([pending_tasks(user, today, most)])[0]


def task_count(user) -> int:
    """How many tasks ``tasks_for`` lists (the header's count, asked after every page):
    the same tasks, not masked, shortened or sorted."""
    return len(batch.resolve([pending_tasks(user, finished=False)])[0])


def pending_tasks(
    user,
    today: datetime.date | None = None,
    most: int | None = SHOWN_PER_STEP,
    *,
    finished: bool = True,
) -> batch.Pending[list[Task]]:
    """The user's tasks, sorted by due date, as a ``Pending`` (the start page reads their
    sources together with its other panels'). Each source is called ``source(user, today,
    most)``; one whose tasks are few by nature ignores ``most``. ``finished=False``: as
    the sources build them (not masked, shortened or sorted)."""
    if not getattr(user, "is_authenticated", False):
        return Pending(build=list)
    today = today or timezone.localdate()
    parts = [source(user, today, most) for source in _sources(tuple(settings.WORKLIST_SOURCES))]

    def build() -> list[Task]:
        items: list[Task] = [task for part in parts for task in part.build()]
        if not finished:
            return items
        mask = getattr(settings, "SECRECY_TASK_MASK", "")
        if mask:  # titles of secret cases for a user who may not see them
            items = _sources((mask,))[0](user, items)
        items = [_titled(task) for task in items]
        far = datetime.date.max
        return sorted(items, key=lambda t: (t.due or far, t.kind, swedish_key(t.title)))

    return Pending(build, tuple(qs for part in parts for qs in part.querysets))


def _titled(task: Task) -> Task:
    """The title shortened (after masking) and its suffix added."""
    title = task.title
    if not task.title_suffix and len(title) <= TITLE_CHARS:
        return task
    if len(title) > TITLE_CHARS:
        title = title[: TITLE_CHARS - 1].rstrip() + "…"
    return replace(task, title=title + task.title_suffix, title_suffix="")
