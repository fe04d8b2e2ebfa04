"""The report's panel on the start page: progress of the latest annual report."""

from core import batch
from core.home import Panel
from core.roles import Role, has_role
from reporting import selectors


def report_panel(request):
    if not has_role(request.user, Role.OFFICER, Role.CONTROLLER, Role.SECRETARY):
        return None
    latest = selectors.report_list()[:1]
    return batch.Pending(lambda: {"report": latest[0] if latest else None}, (latest,))


REPORT = Panel(key="report", template="reporting/home/report.html", context=report_panel)
