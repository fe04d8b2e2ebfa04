"""The financing section of the case page (projects.case_page registry)."""

from financing import permissions, selectors


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


def register() -> None:
    from projects.case_page import register_section

    register_section(
        key="financing",
        area="main",
        order=40,
        template="financing/partials/case_financing.html",
        context=financing_section_context,
    )
