"""How the financing app meets the case workflow (decisions.workflow_hooks).

Registered in ``FinancingConfig.ready()``:

- ``mark_ready_for_run`` precondition: a co-financing case goes before RUN only with a
  financing plan approved by a controller;
- ``grant`` effect: the granted amount is committed against the year's anslag 1:1
  (refused, and the whole decision rolled back, when it does not fit);
- ``close`` effect: the unused remainder of the case's commitments is released.
"""

from django.utils.translation import gettext as _

from financing import services
from financing.models import FinancingPlan, PlanStatus
from projects.models import CaseKind


def plan_approved_before_run(case, data) -> str | None:
    """Cheap and free of side effects: it also explains a disabled button."""
    if case.kind != CaseKind.CO_FINANCING:
        return None
    approved = FinancingPlan.objects.filter(
        project_id=case.project_id, status=PlanStatus.APPROVED
    ).exists()
    if approved:
        return None
    return _("Finansieringsplanen är inte godkänd av en controller.")


def commit_granted_amount(*, case, user, data, log) -> None:
    services.commitments_for_grant_decision(case=case, user=user, data=data or {}, log=log)


def release_at_closure(*, case, user, data, log) -> None:
    services.releases_at_case_closure(case=case, user=user, data=data or {}, log=log)


def register() -> None:
    from decisions.workflow_hooks import register_effect, register_precondition

    register_precondition("mark_ready_for_run", plan_approved_before_run)
    register_effect("grant", commit_granted_amount)
    register_effect("close", release_at_closure)
