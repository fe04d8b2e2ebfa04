"""The registry's panels on the start page: my open cases, obligations falling due."""

import datetime

from django.utils import timezone

from core import batch
from core.home import Panel
from core.roles import Role, has_role
from projects import selectors
from projects.models import Obligation

SHOWN = 8


def my_cases_panel(request):
    if not has_role(request.user, Role.OFFICER):
        return None
    cases = selectors.open_cases_for(request.user)
    return _shown(cases, "cases")


def _shown(queryset, name: str, **extra):
    """The panel's first ``SHOWN`` rows and their count, read with the other panels'."""
    rows, count = queryset[:SHOWN], batch.count_queryset(queryset)
    return batch.Pending(
        lambda: {name: list(rows), "count": count[0] if count else 0, **extra}, (rows, count)
    )


def obligations_panel(request):
    if not has_role(request.user, Role.OFFICER, Role.CONTROLLER):
        return None
    soon = timezone.localdate() + datetime.timedelta(days=30)
    due = (
        Obligation.objects.filter(status=Obligation.Status.OPEN, due_date__lte=soon)
        .select_related("project", "case")
        .order_by("due_date", "pk")
    )
    if has_role(request.user, Role.OFFICER) and not has_role(request.user, Role.CONTROLLER):
        due = due.filter(case__officer=request.user)
    return _shown(due, "obligations", today=timezone.localdate())


MY_CASES = Panel(key="my_cases", template="projects/home/my_cases.html", context=my_cases_panel)
OBLIGATIONS = Panel(
    key="obligations", template="projects/home/obligations.html", context=obligations_panel
)
