"""/api/v1/ of the registry, per role: organisations, cases, projects, documents."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from core.roles import Role
from projects.models import Case, Document, Organisation, Project
from tests.core.factories import user_with_role
from tests.projects.factories import (
    PDF_BYTES,
    OrganisationFactory,
    ProjectFactory,
    document_for,
    register_case,
    upload,
)

pytestmark = pytest.mark.django_db
WRITERS = [Role.OFFICER]
NOT_WRITERS = [Role.SECRETARY, Role.CONTROLLER, Role.DECISION_MAKER, Role.READER]


def test_anonymous_gets_401(client):
    for url in (
        "/api/v1/cases/",
        "/api/v1/organisations/",
        "/api/v1/projects/",
        "/api/v1/documents/",
    ):
        assert client.get(url).status_code == 401


def test_users_without_a_role_get_403(api):
    from tests.core.factories import UserFactory

    assert api(UserFactory()).get("/api/v1/cases/").status_code == 403


@pytest.mark.parametrize("role", list(Role.values))
def test_every_role_reads_cases_with_filters_and_search(api, case, role):
    other = register_case(kind="projektide", title="Projektidé: vätgas")
    client = api(user_with_role(role))
    data = client.get("/api/v1/cases/").json()
    assert data["count"] == 2
    row = next(r for r in data["results"] if r["id"] == case.pk)
    assert row["dnr"] == case.dnr and row["nyps_id"] == "20204814"
    assert row["applicant"]["name"] == "Piteå Science Park AB"
    assert row["requested_amount"] == "1222867.00" and row["state"] == "registered"
    assert [
        r["id"] for r in client.get("/api/v1/cases/", {"kind": "projektide"}).json()["results"]
    ] == [other.pk]
    assert [
        r["id"] for r in client.get("/api/v1/cases/", {"search": case.dnr}).json()["results"]
    ] == [case.pk]
    assert client.get(f"/api/v1/cases/{case.pk}/").json()["title"] == case.title


@pytest.mark.skipif("not __import__('django.conf').conf.settings.USING_POSTGRES")
def test_full_text_search_parameter(api, case, reader):
    results = api(reader).get("/api/v1/cases/", {"search": "solel"}).json()["results"]
    assert [r["id"] for r in results] == [case.pk]


def test_officer_registers_a_case_with_the_next_dnr(api, officer):
    project = ProjectFactory()
    register_case(officer=officer)
    response = api(officer).post(
        "/api/v1/cases/",
        {
            "kind": "medfinansiering",
            "title": "Via API",
            "project": project.pk,
            "received_on": "2020-01-02",
            "nyps_id": "20201234",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    year = datetime.date.today().year  # noqa: DTZ011
    assert body["dnr"] == f"00002-{year}" and body["officer"] == officer.pk


def test_bad_case_input_gives_400_with_swedish_messages(api, officer):
    register_case(officer=officer, nyps_id="20201234")
    response = api(officer).post(
        "/api/v1/cases/",
        {
            "kind": "medfinansiering",
            "title": "X",
            "project": ProjectFactory().pk,
            "nyps_id": "20201234",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "NYPS-id" in response.json()["nyps_id"][0]
    assert Case.objects.count() == 1


def test_officer_updates_a_case(api, officer, case):
    response = api(officer).patch(
        f"/api/v1/cases/{case.pk}/", {"title": "Ny mening"}, format="json"
    )
    assert response.status_code == 200 and response.json()["title"] == "Ny mening"
    assert response.json()["dnr"] == case.dnr


@pytest.mark.parametrize("via", ["body", "if-match"])
def test_an_update_based_on_a_stale_read_is_refused_with_409(api, officer, case, via):
    client = api(officer)
    url = f"/api/v1/cases/{case.pk}/"
    token = client.get(url).json()["edit_token"]
    assert token

    # A colleague changes the case after our read.
    changed = client.patch(url, {"title": "Kollegans titel"}, format="json")
    assert changed.status_code == 200 and changed.json()["edit_token"] != token

    # Our update, based on the old read, is refused and changes nothing.
    extra = {"HTTP_IF_MATCH": f'"{token}"'} if via == "if-match" else {}
    body = {"title": "Min titel", **({"edit_token": token} if via == "body" else {})}
    response = client.patch(url, body, format="json", **extra)
    assert response.status_code == 409
    assert "Någon annan har ändrat" in response.json()["detail"]
    case.refresh_from_db()
    assert case.title == "Kollegans titel"

    # With the fresh token the update goes through.
    fresh = client.get(url).json()["edit_token"]
    response = client.patch(url, {"title": "Min titel", "edit_token": fresh}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "Min titel"


def test_projects_and_organisations_refuse_stale_updates_too(api, officer, case):
    client = api(officer)
    for url, field in (
        (f"/api/v1/projects/{case.project_id}/", "title"),
        (f"/api/v1/organisations/{case.project.applicant_id}/", "city"),
    ):
        token = client.get(url).json()["edit_token"]
        first = client.patch(url, {field: "Först"}, format="json")
        assert first.status_code == 200, first.content
        response = client.patch(url, {field: "Sedan", "edit_token": token}, format="json")
        assert response.status_code == 409, url
        assert client.get(url).json()[field] == "Först"


def test_lists_do_not_carry_edit_tokens(api, officer, case):
    rows = api(officer).get("/api/v1/cases/").json()["results"]
    assert rows and all(row["edit_token"] is None for row in rows)


@pytest.mark.parametrize("role", NOT_WRITERS)
def test_other_roles_cannot_write_cases_projects_or_organisations(api, case, role):
    client = api(user_with_role(role))
    before = (Case.objects.count(), Project.objects.count(), Organisation.objects.count())
    assert (
        client.post(
            "/api/v1/cases/",
            {"kind": "medfinansiering", "title": "X", "project": case.project_id},
            format="json",
        ).status_code
        == 403
    )
    assert (
        client.patch(f"/api/v1/cases/{case.pk}/", {"title": "Y"}, format="json").status_code == 403
    )
    assert client.post("/api/v1/projects/", {"title": "P"}, format="json").status_code == 403
    assert (
        client.patch(
            f"/api/v1/projects/{case.project_id}/", {"title": "P"}, format="json"
        ).status_code
        == 403
    )
    assert client.post("/api/v1/organisations/", {"name": "O"}, format="json").status_code == 403
    assert (
        client.patch(
            f"/api/v1/organisations/{case.project.applicant_id}/",
            {"city": "X"},
            format="json",
        ).status_code
        == 403
    )
    assert before == (Case.objects.count(), Project.objects.count(), Organisation.objects.count())
    assert Case.objects.get(pk=case.pk).title == case.title


def test_projects_api_create_and_update_with_amounts_in_any_accepted_form(api, officer):
    org = OrganisationFactory()
    client = api(officer)
    response = client.post(
        "/api/v1/projects/",
        {
            "title": "API-projekt",
            "applicant": org.pk,
            "requested_amount": "2 000 tkr",
            "total_budget": 5000000,
            "start_date": "2021-01-01",
            "end_date": "2022-12-31",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    project = Project.objects.get(title="API-projekt")
    assert project.requested_amount == Decimal("2000000") and project.applicant == org
    response = client.patch(
        f"/api/v1/projects/{project.pk}/",
        {"end_date": "2020-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "Projektslutet" in response.json()["end_date"][0]
    response = client.patch(
        f"/api/v1/projects/{project.pk}/",
        {"requested_amount": "tio kronor"},
        format="json",
    )
    assert response.status_code == 400 and "requested_amount" in response.json()
    listed = client.get("/api/v1/projects/", {"search": "api-proj"}).json()["results"]
    assert [p["requested_amount"] for p in listed] == ["2000000.00"]


def test_organisations_api_search_and_duplicates(api, officer):
    OrganisationFactory(name="Luleå kommun")
    client = api(officer)
    assert [
        o["name"]
        for o in client.get("/api/v1/organisations/", {"search": "lule"}).json()["results"]
    ] == ["Luleå kommun"]
    response = client.post(
        "/api/v1/organisations/",
        {"name": "luleå kommun", "kind": "municipality"},
        format="json",
    )
    assert response.status_code == 400
    assert "redan" in response.json()["name"][0]
    response = client.post(
        "/api/v1/organisations/",
        {"name": "Kalix kommun", "kind": "municipality"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["kind_display"] == "Kommun"


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.OFFICER, True),
        (Role.SECRETARY, True),
        (Role.CONTROLLER, True),
        (Role.DECISION_MAKER, False),
        (Role.READER, False),
    ],
)
def test_document_upload_per_role(api, case, role, allowed):
    response = api(user_with_role(role)).post(
        "/api/v1/documents/",
        {
            "case": case.pk,
            "title": "Budget",
            "kind": "bilaga",
            "party_name": "Piteå kommun",
            "file": upload("b.pdf", PDF_BYTES),
        },
    )
    if allowed:
        assert response.status_code == 201, response.json()
        assert response.json()["version"] == 1 and response.json()["sha256"]
    else:
        assert response.status_code == 403
        assert not Document.objects.exists()


def test_document_upload_validation_errors_are_400(api, case, officer):
    response = api(officer).post(
        "/api/v1/documents/",
        {
            "case": case.pk,
            "title": "Skript",
            "party_name": "Piteå kommun",
            "file": upload("x.sh", b"#!/bin/sh"),
        },
    )
    assert response.status_code == 400
    assert "Filtypen är inte tillåten" in response.json()["file"][0]
    # OSL 5:2: an incoming document says whom it came from; one drawn up here needs no party
    response = api(officer).post(
        "/api/v1/documents/",
        {"case": case.pk, "title": "Budget", "file": upload("b.pdf", PDF_BYTES)},
    )
    assert response.status_code == 400 and "kom från" in response.json()["party_name"][0]
    response = api(officer).post(
        "/api/v1/documents/",
        {
            "case": case.pk,
            "title": "Tjänsteanteckning",
            "direction": "upprattad",
            "file": upload("t.pdf", PDF_BYTES),
        },
    )
    assert response.status_code == 201, response.json()
    # a marking names its provision, through the API too
    secret = {
        "case": case.pk,
        "title": "Affärsplan",
        "party_name": "Företaget AB",
        "confidential": "true",
        "file": upload("a.pdf", PDF_BYTES + b" a"),
    }
    response = api(officer).post("/api/v1/documents/", secret)
    assert response.status_code == 400 and "bestämmelsen" in response.json()["provision"][0]
    from projects.models import SecrecyMarking, SecrecyProvision

    provision = SecrecyProvision.objects.get(name="31 kap. 16 § OSL")
    secret["file"] = upload("a.pdf", PDF_BYTES + b" a")
    response = api(officer).post("/api/v1/documents/", {**secret, "provision": provision.pk})
    assert response.status_code == 201, response.json()
    marking = SecrecyMarking.objects.get(document_id=response.json()["id"])
    assert marking.provision == provision


def test_document_list_and_download_respect_confidentiality(api, case, officer, reader, secretary):
    open_doc = document_for(case, officer, title="Ansökan")
    secret = document_for(case, officer, title="Affärsplan", confidential=True, name="p.pdf")
    as_reader = api(reader)
    assert [d["id"] for d in as_reader.get("/api/v1/documents/").json()["results"]] == [open_doc.pk]
    assert as_reader.get(f"/api/v1/documents/{open_doc.pk}/download/").status_code == 200
    assert as_reader.get(f"/api/v1/documents/{secret.pk}/download/").status_code == 403
    # the secrecy settings (projects.secrecy) allow beslutsfattare and the case's officer,
    # not a secretary
    as_secretary = api(secretary)
    ids = {
        d["id"] for d in as_secretary.get("/api/v1/documents/", {"case": case.pk}).json()["results"]
    }
    assert ids == {open_doc.pk}
    assert as_secretary.get(f"/api/v1/documents/{secret.pk}/download/").status_code == 403
    as_officer = api(officer)
    ids = {
        d["id"] for d in as_officer.get("/api/v1/documents/", {"case": case.pk}).json()["results"]
    }
    assert ids == {open_doc.pk, secret.pk}
    download = as_officer.get(f"/api/v1/documents/{secret.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES


def test_schema_of_the_registry_api_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--urlconf",
        "tests.projects.api_urlconf",
        "--file",
        str(target),
    )
    schema = target.read_text()
    for path in (
        "/api/v1/organisations/",
        "/api/v1/cases/",
        "/api/v1/projects/",
        "/api/v1/documents/",
        "/api/v1/documents/{id}/download/",
    ):
        assert path in schema
