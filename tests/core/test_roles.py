import pytest
from django.contrib.auth.models import Group

from core.roles import ROLE_PERMISSIONS, Role, has_role, user_roles
from tests.core.factories import UserFactory


@pytest.mark.django_db
def test_the_five_role_groups_exist():
    names = set(Group.objects.values_list("name", flat=True))
    assert {"handläggare", "nämndsekreterare", "controller", "beslutsfattare", "läsare"} <= names


@pytest.mark.django_db
def test_officer_may_change_cases_but_reader_may_only_view():
    officer = UserFactory(roles=[Role.OFFICER])
    reader = UserFactory(roles=[Role.READER])
    assert officer.has_perm("projects.add_case")
    assert officer.has_perm("projects.change_case")
    assert officer.has_perm("projects.view_case")
    assert reader.has_perm("projects.view_case")
    assert not reader.has_perm("projects.change_case")
    assert not reader.has_perm("projects.add_organisation")


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_every_role_can_view_the_registry_and_none_can_delete(role):
    user = UserFactory(roles=[role])
    assert user.has_perm("projects.view_case")
    assert not user.has_perm("projects.delete_case")


@pytest.mark.django_db
def test_group_permissions_follow_the_role_table():
    for role, spec in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        codenames = set(group.permissions.values_list("codename", flat=True))
        if "projects" in spec:
            for action in spec["projects"]:
                assert f"{action}_case" in codenames, (role, action)


@pytest.mark.django_db
def test_user_roles_and_has_role():
    user = UserFactory(roles=[Role.SECRETARY, Role.READER])
    assert user_roles(user) == {Role.SECRETARY, Role.READER}
    assert has_role(user, Role.SECRETARY)
    assert not has_role(user, Role.CONTROLLER)
    nobody = UserFactory()
    assert user_roles(nobody) == frozenset()
