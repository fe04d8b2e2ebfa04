"""/api/v1/ for the annual report: years, sections, answers, figures, generation jobs."""

from unittest import mock

import pytest

from core.jobs import JobStatus
from reporting.models import Answer, ReportJob
from tests.financing.factories import BusinessSupportFactory, CommitmentFactory, GrantFactory

pytestmark = pytest.mark.django_db


def test_report_years_list_detail_and_create(api, officer, reader):
    response = api(officer).post("/api/v1/reports/", {"year": 2022}, format="json")
    assert response.status_code == 201
    assert response.json()["progress"] == {"done": 0, "total": 49, "percent": 0}
    assert response.json()["title"] == "Återrapportering av villkorsbeslut 2022 – Region Norrbotten"
    again = api(officer).post("/api/v1/reports/", {"year": 2022}, format="json")
    assert again.status_code == 400
    assert again.json() == {"year": ["Det finns redan en återrapportering för 2022."]}
    assert api(reader).post("/api/v1/reports/", {"year": 2023}, format="json").status_code == 403

    listed = api(reader).get("/api/v1/reports/").json()
    assert [r["year"] for r in listed] == [2022]
    detail = api(reader).get("/api/v1/reports/2022/").json()
    assert detail["is_approved"] is False
    assert api(reader).get("/api/v1/reports/1999/").status_code == 404


def test_sections_in_document_order_with_answers_and_insatser(
    api, reader, report, officer, section_of
):
    from reporting import services

    services.insats_add(user=officer, section=section_of("1.2.1.4"))
    sections = api(reader).get("/api/v1/reports/2022/sections/").json()
    assert len(sections) == 68
    assert [s["number"] for s in sections[:3]] == ["1", "1.1", "1.1.1"]
    heading = sections[0]
    assert heading["answer"] is None and heading["heading"].startswith("Återrapportering 1")
    table = next(s for s in sections if s["number"] == "1.2.1.4")
    assert table["insatser_max"] == 5
    assert [row["name"] for row in table["insatser"]] == ["Ny insats"]
    assert table["answer"]["version"] == 1
    assert next(s for s in sections if s["number"] == "1.2.1")["parent"] == "1.2"


def test_answers_read_for_all_written_by_officers_with_versions(api, officer, reader, report):
    answer = Answer.objects.get(section__report=report, section__number="2.3")
    url = f"/api/v1/report-answers/{answer.pk}/"
    assert api(reader).get(url).json()["text"] == ""
    assert api(reader).patch(url, {"text": "x", "version": 1}, format="json").status_code == 403

    response = api(officer).patch(
        url, {"text": "- punkt", "yes_no": True, "version": 1}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["text"], body["yes_no"], body["version"]) == ("- punkt", True, 2)
    assert body["updated_by"] == "Anna Lindberg"

    stale = api(officer).patch(url, {"text": "annat", "version": 1}, format="json")
    assert stale.status_code == 409
    assert "har ändrats av Anna Lindberg" in stale.json()["detail"]

    bad = api(officer).patch(url, {"text": "x" * 30_001, "version": 2}, format="json")
    assert bad.status_code == 400
    assert "högst 30000 tecken" in bad.json()["text"][0]

    done = api(officer).post(f"{url}done/", {"done": True}, format="json")
    assert done.status_code == 200 and done.json()["done"] is True
    empty = Answer.objects.get(section__report=report, section__number="1.1.1")
    refused = api(officer).post(
        f"/api/v1/report-answers/{empty.pk}/done/", {"done": True}, format="json"
    )
    assert refused.status_code == 400
    assert "inget svar ännu" in refused.json()["detail"]


def test_copy_previous_through_the_api(api, officer, report):
    from reporting import services

    services.answer_save(
        user=officer,
        answer=Answer.objects.get(section__report=report, section__number="1.1.1"),
        text="Förra året",
        version=1,
    )
    services.report_year_create(user=officer, year=2023)
    answer = Answer.objects.get(section__report__year=2023, section__number="1.1.1")
    response = api(officer).post(
        f"/api/v1/report-answers/{answer.pk}/copy-previous/", {"version": 1}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["text"] == "Förra året"


def test_figures_as_json(api, reader, report):
    GrantFactory(year=2022, amount="1000000")
    CommitmentFactory(year=2022, amount="610000", category="project")
    CommitmentFactory(year=2022, amount="340000", category="business_support", gender="shared")
    CommitmentFactory(
        year=2022, amount="50000", category="commercial_service", priority="attractive"
    )
    body = api(reader).get("/api/v1/reports/2022/figures/").json()
    figures = body["figures"]
    assert [c["share"] for c in figures["by_category"]] == ["61", "34", "5"]
    assert figures["grant_amount"] == "1000000.00"
    # No NYPS rows imported: the business-support figures say why they are missing.
    assert figures["applications"]["decided"] == 0
    assert figures["applications"]["missing"].startswith("inga beslut om företagsstöd")
    BusinessSupportFactory(leader_gender="shared")
    BusinessSupportFactory(decision="rejected")
    figures = api(reader).get("/api/v1/reports/2022/figures/").json()["figures"]
    assert figures["leadership"]["share_shared"] == "100"
    assert figures["applications"]["rejection_share"] == "50"
    assert figures["eu_cofinancing"] == {"decisions": 0, "frameworks": [], "missing": ""}
    assert "hela procent" in body["definitions"]["by_category"]


def test_generation_jobs_create_status_and_retry(api, officer, reader, report):
    with mock.patch("reporting.services.job_enqueue"):
        response = api(officer).post("/api/v1/report-jobs/", {"year": 2022}, format="json")
    assert response.status_code == 202
    job = response.json()
    assert (job["status"], job["year"], job["files"]) == ("queued", 2022, [])
    assert (
        api(reader).post("/api/v1/report-jobs/", {"year": 2022}, format="json").status_code == 403
    )

    ReportJob.objects.filter(pk=job["id"]).update(status=JobStatus.FAILED, error="x")
    with mock.patch(
        "reporting.services.job_enqueue", side_effect=lambda j, t: t.apply(args=[j.pk])
    ):
        retried = api(officer).post(f"/api/v1/report-jobs/{job['id']}/retry/")
    assert retried.status_code == 202
    status = api(reader).get(f"/api/v1/report-jobs/{job['id']}/").json()
    assert status["status"] == "done" and status["progress"] == 100
    assert {f["format"] for f in status["files"]} == {"docx", "pdf"}
    assert all(len(f["sha256"]) == 64 and f["download_url"] for f in status["files"])
    again = api(officer).post(f"/api/v1/report-jobs/{job['id']}/retry/")
    assert again.status_code == 409


def test_reporting_endpoints_are_in_the_openapi_schema(client, reader):
    client.force_login(reader)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in (
        "/api/v1/reports/",
        "/api/v1/reports/{year}/",
        "/api/v1/reports/{year}/sections/",
        "/api/v1/reports/{year}/figures/",
        "/api/v1/report-answers/{id}/",
        "/api/v1/report-answers/{id}/done/",
        "/api/v1/report-jobs/",
        "/api/v1/report-jobs/{id}/",
        "/api/v1/report-jobs/{id}/retry/",
    ):
        assert path in schema["paths"], path
    assert "patch" in schema["paths"]["/api/v1/report-answers/{id}/"]


def test_api_requires_authentication(client):
    assert client.get("/api/v1/reports/").status_code == 401
