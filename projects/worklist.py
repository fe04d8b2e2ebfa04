"""The registry's tasks in Mina uppgifter (core.worklist): special conditions (åtaganden)
of the user's cases that fall due within 30 days or are overdue."""

import datetime

from django.utils.translation import gettext as _

from core.roles import Role, has_role
from core.worklist import NOTHING, Pending, Task
from projects.models import Obligation

DUE_WITHIN_DAYS = 30


def tasks(user, today: datetime.date, most: int | None = None) -> Pending:
    if not has_role(user, Role.OFFICER):
        return NOTHING
    due = (
        Obligation.objects.filter(
            status=Obligation.Status.OPEN,
            due_date__lte=today + datetime.timedelta(days=DUE_WITHIN_DAYS),
            case__officer=user,
        )
        .select_related("case")
        .order_by("due_date", "pk")
    )

    def build() -> list[Task]:
        label = _("Villkor att följa upp")
        return [
            Task(
                key=f"obligation:{o.pk}",
                kind=label,
                title=o.text,
                url=f"{o.case.get_absolute_url()}#ataganden",
                due=o.due_date,
                reference=o.case.dnr,
                case_id=o.case_id,
            )
            for o in due
        ]

    return Pending(build, (due,))
