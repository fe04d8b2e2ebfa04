"""Who may do what with the annual report: the matrix, for functions and through the pages."""

import pytest
from django.urls import reverse

from core.roles import Role
from reporting import permissions, services
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db

OFF, SEC, CTL, DEC, RDR = (
    Role.OFFICER,
    Role.SECRETARY,
    Role.CONTROLLER,
    Role.DECISION_MAKER,
    Role.READER,
)

# action -> roles allowed
MATRIX = {
    "view": {OFF, SEC, CTL, DEC, RDR},
    "create_year": {OFF, SEC, CTL},
    "edit_questions": {OFF, SEC, CTL},
    "edit_report": {OFF},
    "edit_answer": {OFF},
    "mark_done": {OFF},
    "edit_insatser": {OFF},
    "view_figures": {OFF, SEC, CTL, DEC, RDR},
    "check_figures": {CTL},
    "generate": {OFF, SEC, CTL},
    "download": {OFF, SEC, CTL, DEC, RDR},
    "record_approval": {OFF, SEC},
}


def _checks(report):
    answer = report.sections.get(number="1.1.1").answer
    table = report.sections.get(number="1.2.1.4")
    return {
        "view": lambda u: permissions.can_view_reports(u),
        "create_year": lambda u: permissions.can_create_report_year(u),
        "edit_questions": lambda u: permissions.can_edit_questions(u, report),
        "edit_report": lambda u: permissions.can_edit_report(u, report),
        "edit_answer": lambda u: permissions.can_edit_answer(u, answer),
        "mark_done": lambda u: permissions.can_mark_done(u, answer),
        "edit_insatser": lambda u: permissions.can_edit_insatser(u, table),
        "view_figures": lambda u: permissions.can_view_figures(u, report),
        "check_figures": lambda u: permissions.can_check_figures(u, report),
        "generate": lambda u: permissions.can_generate(u, report),
        "download": lambda u: permissions.can_download(u),
        "record_approval": lambda u: permissions.can_record_approval(u, report),
    }


def test_permission_matrix(report, role_users):
    checks = _checks(report)
    for action, allowed_roles in MATRIX.items():
        for role, user in role_users.items():
            access = checks[action](user)
            assert bool(access) == (role in allowed_roles), (action, role)
            if not access:
                assert access.reason, (action, role)


def test_users_without_a_role_may_do_nothing(report):
    nobody = UserFactory(username="nobody")
    checks = _checks(report)
    assert not any(checks[action](nobody) for action in MATRIX)
    assert checks["view"](nobody).reason.startswith("Du har ingen roll")


def test_superusers_hold_every_role(report):
    admin = UserFactory(username="admin", is_superuser=True)
    checks = _checks(report)
    assert all(checks[action](admin) for action in MATRIX)


def test_an_approved_report_is_read_only_for_everyone(report, role_users, secretary):
    import datetime

    approved = services.report_approval_record(
        user=secretary,
        report=report,
        reference="RUU § 29",
        approved_on=datetime.date(2023, 4, 12),
        version=report.version,
    )
    checks = _checks(approved)
    for action in ("edit_report", "edit_questions", "edit_answer", "mark_done", "edit_insatser"):
        for user in role_users.values():
            assert not checks[action](user)
    assert checks["generate"](role_users[OFF])
    assert checks["download"](role_users[RDR])


PAGES = [
    ("GET", "reporting:index", [], {OFF, SEC, CTL, DEC, RDR}),
    ("GET", "reporting:report_detail", [2022], {OFF, SEC, CTL, DEC, RDR}),
    ("GET", "reporting:section_detail", [2022, "1.2.1.4"], {OFF, SEC, CTL, DEC, RDR}),
    ("GET", "reporting:figures", [2022], {OFF, SEC, CTL, DEC, RDR}),
    ("GET", "reporting:report_preview", [2022], {OFF, SEC, CTL, DEC, RDR}),
    ("GET", "reporting:report_edit", [2022], {OFF}),
    ("GET", "reporting:report_approval", [2022], {OFF, SEC}),
    ("GET", "reporting:section_edit", [2022, "1.1.1"], {OFF, SEC, CTL}),
    ("POST", "reporting:figures_check", [2022], {CTL}),
    ("POST", "reporting:answer_done", [2022, "1.1.1"], {OFF}),
    ("POST", "reporting:insats_add", [2022, "1.2.1.4"], {OFF}),
]


@pytest.mark.parametrize(("method", "name", "args", "allowed"), PAGES)
def test_pages_follow_the_matrix(client_for, report, role_users, method, name, args, allowed):
    url = reverse(name, args=args)
    for role, user in role_users.items():
        client = client_for(user)
        response = client.get(url) if method == "GET" else client.post(url, {"done": "1"})
        if role in allowed:
            assert response.status_code in (200, 302, 400), (name, role, response.status_code)
        else:
            assert response.status_code == 403, (name, role, response.status_code)
            assert "Åtkomst nekad" in response.content.decode()
