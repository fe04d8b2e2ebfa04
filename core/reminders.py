"""E-mail reminders of due dates (Celery beat, ``core.send_reminders``, hourly).

Every task in a user's list (``core.worklist``) with a due date is reminded
``REMINDER_DAYS_BEFORE`` days before it and on the day itself; a task that comes with
fewer days left is reminded the first day it is in the list, and one past its due date
every ``REMINDER_OVERDUE_EVERY_DAYS`` days (0: not again) until it is done. ``ReminderSent``
keeps one row per user, item and day: a reminder is sent at most once a day whatever the
beat does.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.models import NotificationKind, ReminderSent
from core.notifications import notify
from core.worklist import Task, tasks_for


def _text(task: Task, due: datetime.date, days: int):
    # the Dnr first, as Mina uppgifter shows it: two cases may have the same title
    title = f"{task.reference} {task.title}" if task.reference else task.title

    def text() -> str:
        if days < 0:
            return _("Försenad sedan %(due)s (%(days)s dagar): %(title)s") % {
                "days": -days,
                "due": due.isoformat(),
                "title": title,
            }
        if days == 0:
            return _("Förfaller i dag (%(due)s): %(title)s") % {
                "due": due.isoformat(),
                "title": title,
            }
        return _("Förfaller om %(days)s dagar (%(due)s): %(title)s") % {
            "days": days,
            "due": due.isoformat(),
            "title": title,
        }

    return text


def reminders_send(*, today: datetime.date) -> int:
    """Send today's reminders that are not sent yet; the number sent."""
    before = settings.REMINDER_DAYS_BEFORE
    sent = 0
    users = get_user_model().objects.filter(is_active=True).order_by("pk")
    for user in users:
        reminded: set[str] | None = None  # the user's items reminded before (read once)
        for task in tasks_for(user, today, most=None):  # every task, not the first shown
            if task.due is None:
                continue
            days = (task.due - today).days
            if 0 < days < before:  # came with less time left than the first reminder's
                if reminded is None:  # this item's reminders since it came (a key recurs
                    # when a case comes back to a step): the last REMINDER_DAYS_BEFORE days
                    since = today - datetime.timedelta(days=before)
                    reminded = set(
                        ReminderSent.objects.filter(recipient=user, day__gte=since).values_list(
                            "item", flat=True
                        )
                    )
                if task.key[:100] in reminded:
                    continue
            elif not _due_to_remind(days, before):
                continue
            try:
                with transaction.atomic():
                    ReminderSent.objects.create(recipient=user, item=task.key[:100], day=today)
                    notify(
                        recipient=user,
                        kind=NotificationKind.REMINDER,
                        url=task.url,
                        text=_text(task, task.due, days),
                    )
            except IntegrityError:
                continue  # already reminded today (another run got there first)
            sent += 1
    return sent


def _due_to_remind(days: int, before: int) -> bool:
    """A reminder today for a task due in ``days`` (negative: overdue)?"""
    if days in (0, before):
        return True
    every = settings.REMINDER_OVERDUE_EVERY_DAYS
    return days < 0 and every > 0 and -days % every == 0
