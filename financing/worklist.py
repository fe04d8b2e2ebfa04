"""The money's tasks in Mina uppgifter (core.worklist): financing plans waiting for a
controller's review, and plans a controller returned to the officer for changes."""

import datetime

from django.db.models import Q
from django.utils.translation import gettext as _

from core.roles import Role, has_role
from core.worklist import NOTHING, Pending, Task
from financing.models import FinancingPlan, PlanStatus
from projects.models import Case


def tasks(user, today: datetime.date, most: int | None = None) -> Pending:
    parts = []  # (plans, kind, key prefix, "since" field)
    if has_role(user, Role.CONTROLLER):
        submitted = (
            FinancingPlan.objects.filter(status=PlanStatus.SUBMITTED)
            .select_related("project")
            .order_by("submitted_at")
        )
        parts.append((submitted, _("Finansieringsplan att granska"), "plan-review", "submitted_at"))
    if has_role(user, Role.OFFICER):
        returned = (
            # the user's projects as a subquery, not a join to their cases (no DISTINCT):
            # Mina uppgifter's combined query is planned on every request
            FinancingPlan.objects.filter(status=PlanStatus.RETURNED)
            .filter(
                Q(submitted_by=user)
                | Q(project__in=Case.objects.filter(officer=user).values("project_id"))
            )
            .select_related("project")
            .order_by("reviewed_at")
        )
        parts.append((returned, _("Återsänd finansieringsplan"), "plan-returned", "reviewed_at"))
    if not parts:
        return NOTHING

    def build() -> list[Task]:
        return [
            Task(
                key=f"{prefix}:{plan.pk}",
                kind=kind,
                title=plan.project.title,
                project_id=plan.project_id,
                url=plan.get_absolute_url(),
                since=getattr(plan, since),
            )
            for plans, kind, prefix, since in parts
            for plan in plans
        ]

    return Pending(build, tuple(part[0] for part in parts))
