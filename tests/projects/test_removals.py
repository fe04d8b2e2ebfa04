"""Safe edits (issue 16, point 7) in projects: removing a person from the project
organisation asks first, can be undone, and both show in the case's history."""

import pytest
from django.urls import reverse

from core.models import Removal
from core.removal import RESTORED
from projects import services
from projects.models import ProjectMember
from tests.projects.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(case, officer):
    return services.project_member_create(
        user=officer,
        project=case.project,
        group="steering",
        role="chair",
        name="Maria Öberg",
        organisation=OrganisationFactory(name="Luleå tekniska universitet"),
        email="maria@example.se",
    )


def _fields(member):
    return ProjectMember.objects.filter(pk=member.pk).values(
        "project", "group", "role", "name", "organisation", "email"
    )


def test_removing_a_contact_asks_removes_and_can_be_undone(case, member, officer, client_for):
    client = client_for(officer)
    before = list(_fields(member))
    url = reverse("projects:member_delete", args=[member.pk])
    back = case.get_absolute_url()

    page = client.get(url, {"next": back})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Maria Öberg" in text and "Luleå tekniska universitet" in text
    assert f'href="{back}" class="button button--secondary">Avbryt</a>' in text
    assert ProjectMember.objects.filter(pk=member.pk).exists()

    response = client.post(url, {"next": back}, follow=True)
    assert not ProjectMember.objects.filter(pk=member.pk).exists()
    removal = Removal.objects.get()
    undo = reverse("projects:removal_undo", args=[removal.pk])
    assert f'action="{undo}"' in response.content.decode()

    response = client.post(undo, follow=True)
    assert response.status_code == 200
    assert list(_fields(member)) == before
    restored = ProjectMember.history.filter(id=member.pk).latest("history_id")
    assert restored.history_type == "+" and restored.history_change_reason == RESTORED

    history = client.get(reverse("projects:case_history", args=[case.pk])).content.decode()
    assert "Maria Öberg togs bort från styrgrupp" in history
    assert "Maria Öberg återställdes i styrgrupp" in history

    assert client.post(undo).status_code == 409  # not twice


@pytest.mark.parametrize("who", ["secretary", "reader", "controller"])
def test_undo_by_a_role_that_may_not_remove_contacts_is_forbidden(
    who, request, member, officer, client_for
):
    client_for(officer).post(reverse("projects:member_delete", args=[member.pk]))
    removal = Removal.objects.get()
    client = client_for(request.getfixturevalue(who))
    assert client.post(reverse("projects:removal_undo", args=[removal.pk])).status_code == 403
    assert not ProjectMember.objects.filter(pk=member.pk).exists()


def test_a_meeting_removal_cannot_be_undone_as_a_project_one(member, officer, client_for):
    """The undo routes check the removal's kind and scope, not only the role."""
    removal = Removal.objects.create(
        kind="motion", description="x", scope="decisions.meeting:1", removed_by=officer
    )
    response = client_for(officer).post(reverse("projects:removal_undo", args=[removal.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize("kind", ["obligation", "alias", "saved_filter"])
def test_other_removals_ask_on_a_page_and_remove_only_on_post(kind, case, officer, client_for):
    """The removals without undo use the same confirmation page (core.http)."""
    from projects.models import Obligation, OrganisationAlias, SavedCaseFilter

    if kind == "obligation":
        obj = services.obligation_create(
            user=officer, project=case.project, text="Lämna lägesrapport varje halvår."
        )
        url, shown, model = (
            reverse("projects:obligation_delete", args=[obj.pk]),
            "Lämna lägesrapport varje halvår.",
            Obligation,
        )
    elif kind == "alias":
        obj = services.organisation_alias_add(
            user=officer, organisation=case.project.applicant, name="PSP"
        )
        url, shown, model = (
            reverse("projects:organisation_alias_delete", args=[obj.pk]),
            "PSP",
            OrganisationAlias,
        )
    else:
        obj = services.saved_filter_save(user=officer, name="Mina solärenden", query="q=sol")
        url, shown, model = (
            reverse("projects:saved_filter_delete", args=[obj.pk]),
            "Mina solärenden",
            SavedCaseFilter,
        )
    client = client_for(officer)
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert shown in text and ">Ta bort</button>" in text and ">Avbryt</a>" in text
    assert model.objects.filter(pk=obj.pk).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not model.objects.filter(pk=obj.pk).exists()
    assert not Removal.objects.exists()  # no undo offered for these
