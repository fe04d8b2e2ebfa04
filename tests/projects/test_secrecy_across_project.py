"""A marking of the project's texts holds on every case of the project (OSL: secrecy
follows the information). A project's idea and its application show the same project
texts; a field marked on one case, or the whole of one case, is masked on the other too,
in its copies, in the API and on the notice board; a document's marking stays with its
case."""

import html

import pytest
from django.urls import reverse

from core.roles import Role
from decisions.public import policy
from decisions.workflow.models import DecisionProposal
from projects import services
from projects.models import SecrecyAccessLog, SecrecyProvision
from projects.secrecy import CopyMasker
from tests.core.factories import user_with_role
from tests.decisions.meetings.factories import seed_meeting
from tests.projects.factories import (
    PDF_BYTES,
    ProjectFactory,
    co_financing_case,
    idea_case,
    upload,
)

pytestmark = pytest.mark.django_db

PURPOSE = "Att utveckla en batterifabrik i Kiruna med hemliga kalkyler för elpriset."


@pytest.fixture
def project_cases(officer, decision_maker):
    """A project's idea (its officer ``officer``) and its application (another officer),
    the project's purpose marked on the idea."""
    project = ProjectFactory(title="Batterifabriken", purpose=PURPOSE)
    idea = idea_case(officer=officer, project=project)
    other_officer = user_with_role(Role.OFFICER, username="officer_b")
    application = co_financing_case(officer=officer, project=project)
    type(application).objects.filter(pk=application.pk).update(officer=other_officer)  # handed on
    application.refresh_from_db()
    provision = SecrecyProvision.objects.get_or_create(name="31 kap. 16 § OSL")[0]
    services.secrecy_mark(
        user=decision_maker, case=idea, field="project.purpose", provision=provision
    )
    return idea, application, other_officer


def _shows(text: str) -> bool:
    return "hemliga kalkyler" in html.unescape(text)


def test_a_field_marked_on_one_case_is_masked_on_the_projects_other_cases(
    project_cases, client_for, decision_maker
):
    idea, application, other_officer = project_cases
    reader = user_with_role(Role.READER, username="reader")
    pages = [
        reverse("projects:case_detail", args=[application.pk]),
        f"/api/v1/cases/{application.pk}/",
        reverse("projects:case_history", args=[application.pk]),
    ]
    for user in (reader, other_officer):
        client = client_for(user)
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            assert not _shows(response.content.decode()), (user, url)
        page = client.get(pages[0]).content.decode()
        assert "31 kap. 16 § OSL" in page  # the mask names the provision
    # the allowed see it, and their view of the other case is logged
    client = client_for(decision_maker)
    assert _shows(client.get(pages[0]).content.decode())
    assert SecrecyAccessLog.objects.filter(user=decision_maker, case=application).exists()


def test_the_officer_of_the_marked_case_sees_it_on_the_other_case_too(
    project_cases, officer, client_for
):
    idea, application, _other = project_cases
    page = client_for(officer).get(reverse("projects:case_detail", args=[application.pk]))
    assert _shows(page.content.decode())


def test_copies_of_the_marked_text_in_the_other_case_are_masked(project_cases):
    idea, application, other_officer = project_cases
    DecisionProposal.objects.create(
        case=application, summary=f"Syftet: {PURPOSE}", updated_by=other_officer
    )
    reader = user_with_role(Role.READER, username="reader")
    masker = CopyMasker(reader)
    assert not _shows(masker.mask(f"Syftet: {PURPOSE}", application.pk))
    assert not _shows(CopyMasker(reader).mask(PURPOSE, application))


def test_a_wholly_marked_case_masks_the_project_texts_not_the_other_cases_documents(
    officer, decision_maker, client_for
):
    project = ProjectFactory(title="Gruvprojektet", purpose=PURPOSE)
    idea = idea_case(officer=officer, project=project)
    application = co_financing_case(officer=officer, project=project)
    document = services.document_upload(
        user=officer, case=application, file=upload("budget.pdf", PDF_BYTES), title="Budget"
    )
    services.secrecy_mark(user=decision_maker, case=idea)
    reader = user_with_role(Role.READER, username="reader")
    client = client_for(reader)
    page = client.get(reverse("projects:case_detail", args=[application.pk])).content.decode()
    assert not _shows(page)
    assert client.get(document.get_absolute_url()).status_code == 200  # not marked itself


def test_a_protocol_on_the_other_case_is_withheld_from_the_notice_board(
    secretary, officer, decision_maker
):
    world = seed_meeting(secretary, officer)
    case = world["case35"]
    assert not policy.protocol_withheld(world["meeting"])
    idea = idea_case(officer=officer, project=case.project)
    services.secrecy_mark(user=decision_maker, case=idea, field="project.summary")
    assert policy.protocol_withheld(world["meeting"])
