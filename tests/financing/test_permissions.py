"""The permission matrix: who may do what, by role and by the plan's state."""

import pytest

from core.roles import Role
from financing import permissions
from tests.financing.factories import make_plan
from tests.projects.factories import co_financing_case

pytestmark = pytest.mark.django_db

CONTROLLER_ONLY = {Role.CONTROLLER}


@pytest.mark.parametrize(
    "check, allowed",
    [
        (permissions.can_view_financing, set(Role.values)),
        (permissions.can_export, set(Role.values)),
        (permissions.can_edit_grant, CONTROLLER_ONLY),
        (permissions.can_record_commitment, CONTROLLER_ONLY),
        (permissions.can_record_payment, CONTROLLER_ONLY),
        (permissions.can_record_release, CONTROLLER_ONLY),
    ],
)
def test_role_matrix(check, allowed, role_users):
    for role, user in role_users.items():
        access = check(user)
        assert bool(access) == (role in allowed), (check.__name__, role)
        if not access:
            assert access.reason  # a Swedish reason for the disabled button


# (status, role) -> edit, submit, review, reopen
PLAN_MATRIX = {
    "draft": {
        Role.OFFICER: (True, True, False, False),
        Role.CONTROLLER: (False, False, False, False),
    },
    "submitted": {
        Role.OFFICER: (False, False, False, False),
        Role.CONTROLLER: (False, False, True, False),
    },
    "returned": {
        Role.OFFICER: (True, True, False, False),
        Role.CONTROLLER: (False, False, False, False),
    },
    "approved": {
        Role.OFFICER: (False, False, False, False),
        Role.CONTROLLER: (False, False, False, True),
    },
}


@pytest.mark.parametrize("status", PLAN_MATRIX)
def test_plan_matrix(status, role_users):
    officer = role_users[Role.OFFICER]
    plan = make_plan(co_financing_case(officer=officer), status=status)
    for role, user in role_users.items():
        expected = PLAN_MATRIX[status].get(role, (False, False, False, False))
        actual = (
            bool(permissions.can_edit_plan(user, plan)),
            bool(permissions.can_submit_plan(user, plan)),
            bool(permissions.can_review_plan(user, plan)),
            bool(permissions.can_reopen_plan(user, plan)),
        )
        assert actual == expected, (status, role, actual)


def test_other_officers_do_not_edit_someone_elses_plan(role_users):
    from tests.core.factories import user_with_role

    plan = make_plan(co_financing_case(officer=role_users[Role.OFFICER]))
    stranger = user_with_role(Role.OFFICER)
    access = permissions.can_edit_plan(stranger, plan)
    assert not access
    assert "handläggaren för projektets ärende" in access.reason
    assert not permissions.can_create_plan(stranger, plan.project)


def test_superuser_holds_every_role(role_users):
    from tests.core.factories import UserFactory

    admin = UserFactory(is_superuser=True)
    plan = make_plan(co_financing_case(officer=role_users[Role.OFFICER]), status="submitted")
    assert permissions.can_review_plan(admin, plan)
    assert permissions.can_edit_grant(admin)
