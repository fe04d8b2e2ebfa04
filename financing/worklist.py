"""The money's tasks in Mina uppgifter (core.worklist): financing plans waiting for a
controller's review, plans a controller returned to the officer for changes, and the
co-financing applications the delegationsordning lets the user decide on delegation."""

import datetime

from django.db.models import Q
from django.utils.translation import gettext as _

from core.roles import Role, has_role
from core.worklist import NOTHING, Pending, Task
from decisions.workflow import deadlines
from decisions.workflow import worklist as workflow_worklist
from decisions.workflow.models import DelegationRule
from decisions.workflow.permissions import may_decide_by_delegation
from financing import rules
from financing.models import FinancingPlan, PlanStatus
from projects.models import Case, CaseKind, CaseState


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
    delegated = None
    if may_decide_by_delegation(user):
        delegated = (
            rules.awaiting_decision_queryset().only(*workflow_worklist.CASE_FIELDS),
            DelegationRule.objects.in_force_all(today)
            .select_related("delegate")
            .order_by("case_kind", "position", "pk"),
            deadlines.targets_queryset(),
        )
    if not parts and delegated is None:
        return NOTHING

    def build() -> list[Task]:
        out = _delegation_tasks(user, today, *delegated) if delegated is not None else []
        return out + [
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

    queries = tuple(part[0] for part in parts) + (delegated[1:] if delegated else ())
    return Pending(build, queries)


def _delegation_tasks(user, today: datetime.date, cases, rule_rows, target_rows) -> list[Task]:
    """A task for each application the user may decide on delegation, due by the step's
    handling-time target (the workflow's delegation tasks, ``decisions.workflow.worklist``)."""
    decided = rules.awaiting_delegate(user, cases, rule_rows, today)
    label = _("besluta på delegation")
    steps = {
        (CaseKind.CO_FINANCING, CaseState.READY_FOR_RUN): label,
        (CaseKind.PROJECT_IDEA, CaseState.AU_ASSESSED): label,
    }
    return workflow_worklist.case_tasks(
        decided, steps, deadlines.targets(target_rows), "delegation", _("Beslut på delegation")
    )
