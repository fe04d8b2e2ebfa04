"""Approval linked to a protocol paragraph (seed 003), commands, and the read-only admin."""

import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from reporting import services
from reporting.models import ReportYear

pytestmark = pytest.mark.django_db


def test_approval_is_linked_to_the_paragraph_and_its_meeting_date(report, secretary, paragraph_29):
    approved = services.report_approval_record(
        user=secretary, report=report, paragraph=paragraph_29, version=report.version
    )
    assert approved.approved_paragraph == paragraph_29
    assert approved.approved_on == datetime.date(2023, 4, 12)
    assert approved.approval_reference == paragraph_29.reference
    assert approved.approval_reference.endswith("2023-04-12 § 29")
    assert approved.history.first().approved_paragraph_id == paragraph_29.pk


def test_a_paragraph_before_the_report_year_is_refused(report, officer, secretary, paragraph_29):
    report = services.report_year_create(user=officer, year=2024)
    with pytest.raises(ValidationError) as error:
        services.report_approval_record(
            user=secretary, report=report, paragraph=paragraph_29, version=report.version
        )
    assert error.value.message_dict["paragraph"] == [
        "Rapporten för 2024 kan inte ha godkänts före 2024."
    ]


def test_approval_page_offers_the_paragraphs_and_links_back(
    client_for, secretary, report, paragraph_29
):
    client = client_for(secretary)
    page = client.get(reverse("reporting:report_approval", args=[2022])).content.decode()
    assert "2023-04-12 § 29 – Återrapportering från Region Norrbotten, anslag 1:1" in page
    both = client.post(
        reverse("reporting:report_approval", args=[2022]),
        {"version": report.version, "paragraph": paragraph_29.pk, "reference": "RUU § 29"},
    )
    assert both.status_code == 400
    assert "inte båda" in both.content.decode()
    response = client.post(
        reverse("reporting:report_approval", args=[2022]),
        {"version": report.version, "paragraph": paragraph_29.pk},
    )
    assert response.status_code == 302
    page = client.get(reverse("reporting:report_detail", args=[2022])).content.decode()
    assert paragraph_29.get_absolute_url() in page
    assert "Protokollet är inte justerat ännu" in page


def test_create_and_export_template_commands(officer, tmp_path):
    out = io.StringIO()
    call_command("create_report_year", "2022", "--user", officer.username, stdout=out)
    assert "68 sections" in out.getvalue()

    exported = io.StringIO()
    call_command("export_report_template", "2022", stdout=exported)
    data = json.loads(exported.getvalue())
    data["sections"].append(
        {
            "key": "extra",
            "number": "6",
            "kind": "question",
            "title": "Ny fråga",
            "question": "Beskriv något nytt.",
        }
    )
    path = tmp_path / "mall-2023.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    call_command(
        "create_report_year",
        "2023",
        "--user",
        officer.username,
        "--template",
        str(path),
        stdout=io.StringIO(),
    )
    report = ReportYear.objects.get(year=2023)
    assert report.template_source == "mall-2023.json"
    assert report.sections.get(number="6").question == "Beskriv något nytt."

    with pytest.raises(CommandError, match="redan en återrapportering"):
        call_command("create_report_year", "2023", "--user", officer.username)
    with pytest.raises(CommandError, match="No user"):
        call_command("create_report_year", "2025", "--user", "nobody")


def test_admin_is_read_only(client, report):
    from tests.core.factories import UserFactory

    admin_user = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin_user)
    listing = client.get("/admin/reporting/answer/")
    assert listing.status_code == 200
    assert client.get("/admin/reporting/answer/add/").status_code == 403
    answer = report.sections.get(number="1.1.1").answer
    page = client.get(f"/admin/reporting/answer/{answer.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
