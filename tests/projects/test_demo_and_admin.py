"""The demo loader is idempotent and makes a real registry; the admin works read-safely."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from projects import demo
from projects.models import Case, Document, Obligation, Organisation, Project, ProjectMember

pytestmark = pytest.mark.django_db


def _counts():
    return tuple(
        model.objects.count()
        for model in (Organisation, Project, Case, Document, ProjectMember, Obligation)
    )


def test_demo_loader_runs_twice_without_duplicates(settings):
    out = io.StringIO()
    result = demo.load(out)
    first = _counts()
    demo.load(io.StringIO())
    assert _counts() == first
    cases = result["cases"]
    seed = cases[52, 2020]
    assert seed.dnr == "00052-2020" and seed.nyps_id == "20204867"
    assert seed.project.applicant.name == "Region Västerbotten"
    assert cases[412, 2023].project.total_budget == 20718995
    assert Case.objects.filter(kind="projektide").count() == 1
    arctic = Project.objects.get(pk=cases[35, 2020].project_id)
    assert arctic.members.filter(group="steering").count() == 3
    assert arctic.members.filter(group="project", role="coordinator").exists()
    assert arctic.started_on is not None and arctic.reporting_routine
    assert arctic.obligations.filter(status="fulfilled").count() == 1
    assert Document.objects.filter(confidential=True).count() == 1
    assert Document.objects.filter(content_type="application/pdf").exists()


def test_admin_pages_work_and_case_state_is_read_only(client, officer):
    from tests.core.factories import UserFactory
    from tests.projects.factories import register_case

    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    case = register_case(officer=officer)
    client.force_login(admin)
    for name in (
        "case",
        "project",
        "organisation",
        "document",
        "obligation",
        "projectmember",
        "rusarea",
        "smartspecialisationarea",
        "diarycounter",
    ):
        assert client.get(reverse(f"admin:projects_{name}_changelist")).status_code == 200
    page = client.get(reverse("admin:projects_case_change", args=[case.pk]))
    assert page.status_code == 200
    assert 'name="state"' not in page.content.decode()
    assert client.get(reverse("admin:projects_case_add")).status_code == 403
    history = client.get(reverse("admin:projects_case_history", args=[case.pk]))
    assert history.status_code == 200


def test_admin_organisation_duplicates_are_form_errors(client):
    from tests.core.factories import UserFactory
    from tests.projects.factories import OrganisationFactory

    OrganisationFactory(name="Luleå kommun")
    client.force_login(UserFactory(username="admin2", is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:projects_organisation_add"), {"name": "LULEÅ KOMMUN", "kind": "municipality"}
    )
    assert response.status_code == 200
    assert "Det finns redan en organisation" in response.content.decode()
    assert Organisation.objects.count() == 1


def test_load_demo_command_includes_the_registry(demo):
    """The session's demo is ``load_demo``'s; run again, it shows its registry stage."""
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "projects:" in out.getvalue()
    assert Case.objects.filter(year=2020, number=52).exists()


def test_the_admin_cannot_rewrite_a_requests_decision_or_a_documents_secrecy(
    admin_client, case, officer
):
    """A request's decision comes with its letter and copies, a document's secrecy with its
    marking (provision, who, when): the admin shows them, it does not change them."""
    import datetime

    from projects import services
    from tests.projects.factories import document_for

    document = document_for(case, officer, title="Affärsplan", kind="bilaga")
    request = services.document_request_register(
        user=officer,
        case=case,
        requester="Anonym",
        received_on=datetime.date(2026, 1, 10),
        subject="Planen",
        documents=[document],
    )
    page = admin_client.get(f"/admin/projects/documentrequest/{request.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    for name in ("decision", "decided_on", "received_on", "provision"):
        assert f'name="{name}"' not in html, name
    page = admin_client.get(f"/admin/projects/document/{document.pk}/change/")
    assert page.status_code == 200 and 'name="confidential"' not in page.content.decode()
