"""The money's panels on the start page: this year's anslag, plans waiting for review."""

from core import batch
from core.home import Panel
from core.roles import Role, has_role, user_roles
from financing import selectors
from financing.models import FinancingPlan, PlanStatus


def grant_panel(request):
    if not user_roles(request.user):
        return None
    grants = selectors.grant_list()

    def build():
        year = selectors.default_year(list(grants))
        if year is None:
            return {"summary": None}
        grant = next(g for g in grants if g.year == year)
        summary = selectors.grant_summary(grant)
        project = next((f for f in summary.categories if f.key == "project"), None)
        return {"summary": summary, "project": project}

    return batch.Pending(build, (grants,))


def review_panel(request):
    if not has_role(request.user, Role.CONTROLLER):
        return None
    plans = FinancingPlan.objects.filter(status=PlanStatus.SUBMITTED).select_related(
        "project", "submitted_by"
    )
    shown, count = plans.order_by("submitted_at")[:8], batch.count_queryset(plans)
    return batch.Pending(
        lambda: {"plans": list(shown), "count": count[0] if count else 0}, (shown, count)
    )


PLANS_TO_REVIEW = Panel(
    key="plans_to_review", template="financing/home/review.html", context=review_panel
)
GRANT = Panel(key="grant", template="financing/home/grant.html", context=grant_panel)
