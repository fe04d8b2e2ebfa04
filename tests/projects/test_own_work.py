"""Own work (issue 19, point 7): OFFICER_EDIT_SCOPE decides whether officers work on every
case, only on their own, or also on their unit's; refusals name the case's officer. A case
can no longer be registered on another officer's project (which gave its financing plan away).
"""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from core.roles import Role
from decisions.workflow import permissions as workflow_permissions
from financing import permissions as financing_permissions
from projects import permissions
from tests.core.factories import user_with_role
from tests.projects.factories import ProjectFactory, co_financing_case, register_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna():
    return user_with_role(Role.OFFICER, username="anna", first_name="Anna", last_name="Lindberg")


@pytest.fixture
def bo():
    return user_with_role(Role.OFFICER, username="bo", first_name="Bo", last_name="Ek")


def _unit(name, *users):
    group = Group.objects.create(name=f"enhet: {name}")
    for user in users:
        user.groups.add(group)


def test_all_lets_every_officer_work_on_every_case(settings, anna, bo, client):
    settings.OFFICER_EDIT_SCOPE = "all"
    case = co_financing_case(officer=anna)
    assert permissions.can_edit_case(bo, case)
    assert workflow_permissions.can_fire(bo, case, "start_preparation")
    client.force_login(bo)
    assert client.get(f"/cases/{case.pk}/edit/").status_code == 200


def test_own_refuses_other_officers_cases_and_says_whose(settings, anna, bo, client):
    settings.OFFICER_EDIT_SCOPE = "own"
    case = co_financing_case(officer=anna)
    assert permissions.can_edit_case(anna, case)
    refusal = permissions.can_edit_case(bo, case)
    assert not refusal
    assert f"Ärende {case.dnr} handläggs av Anna Lindberg." in refusal.reason
    assert "bara med sina egna ärenden" in refusal.reason
    assert not workflow_permissions.can_fire(bo, case, "start_preparation")
    assert not permissions.can_edit_project(bo, case.project)
    assert not permissions.can_manage_members(bo, case.project)
    client.force_login(bo)
    page = client.get(f"/cases/{case.pk}/edit/")
    assert page.status_code == 403
    assert "handläggs av Anna Lindberg" in page.content.decode()
    fired = client.post(f"/workflow/cases/{case.pk}/transitions/start_preparation/", {})
    assert fired.status_code == 403
    case.refresh_from_db()
    assert case.state == "registered"
    # The case page offers bo no edit link or transition; anna still gets them.
    assert f"/cases/{case.pk}/edit/" not in client.get(f"/cases/{case.pk}/").content.decode()
    client.force_login(anna)
    assert f"/cases/{case.pk}/edit/" in client.get(f"/cases/{case.pk}/").content.decode()


def test_unit_admits_the_officers_of_the_same_unit(settings, anna, bo):
    settings.OFFICER_EDIT_SCOPE = "unit"
    carl = user_with_role(Role.OFFICER, username="carl")
    _unit("Näringsliv", anna, bo)
    _unit("Kultur", carl)
    case = co_financing_case(officer=anna)
    assert permissions.can_edit_case(bo, case)
    refusal = permissions.can_edit_case(carl, case)
    assert not refusal and "sin enhets ärenden" in refusal.reason


def test_a_case_cannot_be_registered_on_another_officers_project(settings, anna, bo, client):
    """Was: any officer could register a case on another officer's project and so become
    an officer of its financing plan."""
    settings.OFFICER_EDIT_SCOPE = "all"
    case = co_financing_case(officer=anna)
    assert not financing_permissions.plan_owner_access(bo, case.project)
    with pytest.raises(PermissionDenied, match="handläggs av Anna Lindberg"):
        register_case(officer=bo, project=case.project)
    client.force_login(bo)
    response = client.post(
        "/cases/new/",
        {
            "kind": "medfinansiering",
            "project_mode": "existing",
            "project": case.project.pk,
            "received_on": "2020-03-01",
            "title": "Mitt ärende på Annas projekt",
        },
    )
    assert response.status_code == 200  # the registration page shows its errors with 200
    assert "handläggs av Anna Lindberg" in " ".join(response.context["form"].errors["project"])
    assert case.project.cases.count() == 1
    assert not financing_permissions.plan_owner_access(bo, case.project)
    # Her own further case, and any case on a project without cases, are fine.
    register_case(officer=anna, project=case.project)
    register_case(officer=bo, project=ProjectFactory())


def test_the_same_unit_may_register_on_the_units_project(settings, anna, bo):
    settings.OFFICER_EDIT_SCOPE = "unit"
    _unit("Näringsliv", anna, bo)
    case = co_financing_case(officer=anna)
    assert register_case(officer=bo, project=case.project).project_id == case.project_id
