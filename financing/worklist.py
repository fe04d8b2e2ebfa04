"""The money's tasks in Mina uppgifter (core.worklist): financing plans waiting for a
controller's review, and plans a controller returned to the officer for changes."""

import datetime

from django.db.models import Q
from django.utils.translation import gettext as _

from core.roles import Role, has_role
from core.worklist import Task
from financing.models import FinancingPlan, PlanStatus


def tasks(user, today: datetime.date) -> list[Task]:
    out: list[Task] = []
    if has_role(user, Role.CONTROLLER):
        for plan in (
            FinancingPlan.objects.filter(status=PlanStatus.SUBMITTED)
            .select_related("project")
            .order_by("submitted_at")
        ):
            out.append(
                Task(
                    key=f"plan-review:{plan.pk}",
                    kind=_("Finansieringsplan att granska"),
                    title=plan.project.title,
                    project_id=plan.project_id,
                    url=plan.get_absolute_url(),
                    since=plan.submitted_at,
                )
            )
    if has_role(user, Role.OFFICER):
        returned = (
            FinancingPlan.objects.filter(status=PlanStatus.RETURNED)
            .filter(Q(submitted_by=user) | Q(project__cases__officer=user))
            .select_related("project")
            .distinct()
            .order_by("reviewed_at")
        )
        for plan in returned:
            out.append(
                Task(
                    key=f"plan-returned:{plan.pk}",
                    kind=_("Återsänd finansieringsplan"),
                    title=plan.project.title,
                    project_id=plan.project_id,
                    url=plan.get_absolute_url(),
                    since=plan.reviewed_at,
                )
            )
    return out
