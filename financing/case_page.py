"""The case page's parts that involve money: the financing section, and the workflow's
action buttons with the money's reasons (``financing.services.decisions``)."""

from core import batch
from decisions.meetings.models import Body
from decisions.workflow import views as workflow_views
from financing import permissions, selectors
from financing.services import decisions
from projects.case_page import Section


def financing_section_context(request, case) -> dict | None:
    user = request.user
    if not permissions.can_view_financing(user):
        return None
    plan = selectors.plan_for_case_page(case.project, case)
    commitments = batch.loaded(
        case, "financing.commitments", lambda: selectors.case_commitments_queryset(case)
    )
    context = {
        "case": case,
        "project": case.project,
        "plan": plan,
        "commitments": commitments,
        "committed": sum((c.amount for c in commitments), selectors.ZERO),
        "paid": sum((c.paid for c in commitments), selectors.ZERO),
        "released": sum((c.released for c in commitments), selectors.ZERO),
        "remaining": sum((c.remaining for c in commitments), selectors.ZERO),
        "can_create": permissions.can_create_plan(user, case.project) if plan is None else None,
        "unmet_conditions": (
            len(batch.loaded(case, "financing.unmet_conditions", lambda: _unmet_conditions(case)))
            if commitments
            else 0
        ),
    }
    if plan is not None:
        context.update(
            figures=selectors.plan_figures(plan),
            can_edit=permissions.can_edit_plan(user, plan),
            can_submit=permissions.can_submit_plan(user, plan),
            can_review=permissions.can_review_plan(user, plan),
            can_record_payment=permissions.can_record_payment(user),
        )
    return context


def _unmet_conditions(case):
    return case.grant_conditions.filter(met_on__isnull=True).values_list("pk", flat=True)


def preload(request, case) -> dict:
    """The rows of the financing section (and the plan for the workflow's buttons), run
    with the rest of the case page's (``projects.case_page``, ``core.batch``)."""
    if not permissions.can_view_financing(request.user):
        return {}
    return {
        **selectors.plan_for_case_page_querysets(case.project),
        "financing.commitments": selectors.case_commitments_queryset(case),
        "financing.unmet_conditions": _unmet_conditions(case),
        # who decides, by the bodies' names (data): the workflow's buttons at a decision point
        "financing.bodies": Body.objects.only("code", "name", "short_name"),
    }


SECTION = Section(
    key="financing",
    area="main",
    template="financing/partials/case_financing.html",
    context=financing_section_context,
    preload=preload,
)


def actions_section_context(request, case) -> dict | None:
    """The workflow's buttons with the money's reasons, and at a decision point who
    decides the case under the delegationsordning and why."""
    context = workflow_views.actions_section(
        request, case, available=decisions.available_transitions
    )
    if context is not None and case.state == decisions.DECISION_STATES.get(case.kind):
        # (the bodies' names come with it: financing.services.decisions.case_route)
        route = decisions.case_route(case)
        context["route"] = route
        if route.by_delegate:
            context["deciding_bodies"] = []
    return context


ACTIONS_SECTION = Section(
    key="workflow_actions",
    area="header",
    template="decisions/workflow/partials/case_actions.html",
    context=actions_section_context,
)
