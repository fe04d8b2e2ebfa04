"""The report's panel on the start page: progress of the latest annual report."""

from projects.roles import Role, has_role
from reporting import selectors


def report_panel(request):
    if not has_role(request.user, Role.OFFICER, Role.CONTROLLER, Role.SECRETARY):
        return None
    report = selectors.report_list().first()
    return {"report": report}


def register() -> None:
    from norrbotten_cases.home import register_panel

    register_panel(
        key="report", order=35, template="reporting/home/report.html", context=report_panel
    )
