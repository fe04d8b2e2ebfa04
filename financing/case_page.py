"""The case page's parts that involve money: the financing section, and the workflow's
action buttons with the money's reasons (``financing.services.decisions``)."""

from decisions.workflow import views as workflow_views
from financing import permissions, selectors
from financing.services import decisions
from projects.case_page import Section


def financing_section_context(request, case) -> dict | None:
    user = request.user
    if not permissions.can_view_financing(user):
        return None
    plan = selectors.plan_for_case_page(case.project)
    commitments = selectors.case_commitments(case)
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
            case.grant_conditions.filter(met_on__isnull=True).count() if commitments else 0
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


SECTION = Section(
    key="financing",
    area="main",
    template="financing/partials/case_financing.html",
    context=financing_section_context,
)


def actions_section_context(request, case) -> dict | None:
    """The workflow's buttons with the money's reasons, and at a decision point who
    decides the case under the delegationsordning and why."""
    context = workflow_views.actions_section(
        request, case, available=decisions.available_transitions
    )
    if context is not None and case.state == decisions.DECISION_STATES.get(case.kind):
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
