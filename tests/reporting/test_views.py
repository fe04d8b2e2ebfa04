"""The pages: forms keep what was typed, conflicts answer 409, no inline styles, downloads."""

import datetime
import re
from unittest import mock

import pytest
from django.urls import reverse

from core.jobs import JobStatus
from reporting import services
from reporting.models import Answer, GeneratedReport, Insats, ReportJob, ReportYear
from tests.financing.factories import CommitmentFactory, GrantFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _url(name, *args):
    return reverse(f"reporting:{name}", args=args)


def _no_inline_style_or_script(html: str):
    assert not re.search(r"\sstyle=", html), "CSP forbids style attributes"
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "CSP forbids inline scripts"


def test_index_lists_years_with_progress_and_officers_create_one(client_for, officer):
    client = client_for(officer)
    response = client.get(_url("index"))
    assert response.status_code == 200
    assert "Ingen återrapportering är skapad ännu." in response.content.decode()
    response = client.post(_url("report_create"), {"year": "2022"})
    assert response.status_code == 302
    assert response["Location"] == _url("report_detail", 2022)
    page = client.get(_url("index")).content.decode()
    assert "0 av 49" in page
    _no_inline_style_or_script(page)


def test_creating_a_year_without_template_shows_the_reason_in_the_form(client_for, officer):
    response = client_for(officer).post(_url("report_create"), {"year": "2019"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Det finns ingen mall för 2019" in page
    assert 'value="2019"' in page


def test_report_page_shows_tree_progress_and_generation(client_for, officer, report):
    page = client_for(officer).get(_url("report_detail", 2022)).content.decode()
    assert "0 av 49 avsnitt klara (0 %)" in page
    assert "1.2.1 Likvärdiga möjligheter till boende, arbete och välfärd i hela landet" in page
    assert "0/5 insatser" in page
    assert "Skapa Word och PDF" in page
    assert _url("section_detail", 2022, "1.1.1") in page
    _no_inline_style_or_script(page)


def test_reader_sees_the_report_without_write_buttons(client_for, reader, report):
    client = client_for(reader)
    page = client.get(_url("report_detail", 2022)).content.decode()
    assert "Skapa Word och PDF" not in page
    assert "Ändra uppgifter" not in page
    section = client.get(_url("section_detail", 2022, "1.1.1")).content.decode()
    assert "<textarea" not in section
    assert "Endast handläggare skriver svaren" in section
    assert (
        client.post(_url("section_detail", 2022, "1.1.1"), {"text": "x", "version": 1}).status_code
        == 403
    )
    assert Answer.objects.get(section__number="1.1.1").text == ""


def test_saving_an_answer_through_the_page(client_for, officer, report):
    client = client_for(officer)
    response = client.post(
        _url("section_detail", 2022, "1.1.1"),
        {"text": "Under 2022 har **mycket** hänt.\n\n- en\n- två", "version": 1},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Svaret på 1.1.1 är sparat." in page
    assert "Senast ändrad av Anna Lindberg" in page
    assert "Historik" in page
    _no_inline_style_or_script(page)
    # Save and go to the next question.
    response = client.post(
        _url("section_detail", 2022, "1.1.2"), {"text": "Svar", "version": 1, "next": "1"}
    )
    assert response["Location"] == _url("section_detail", 2022, "1.1.3")


def test_a_conflicting_edit_answers_409_and_keeps_the_typed_text(client_for, officer, report):
    client = client_for(officer)
    client.post(_url("section_detail", 2022, "1.1.1"), {"text": "Kollegans", "version": 1})
    response = client.post(
        _url("section_detail", 2022, "1.1.1"), {"text": "Min egen viktiga text", "version": 1}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "har ändrats av Anna Lindberg" in page
    assert "Min egen viktiga text" in page
    assert Answer.objects.get(section__report=report, section__number="1.1.1").text == "Kollegans"


def test_a_too_long_answer_is_a_form_error_that_keeps_the_text(client_for, officer, report):
    text = "a" * 30_001
    response = client_for(officer).post(
        _url("section_detail", 2022, "1.1.1"), {"text": text, "version": 1}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Svaret får vara högst 30000 tecken" in page
    assert text in page


def test_yes_no_question_through_the_page(client_for, officer, report):
    client = client_for(officer)
    page = client.get(_url("section_detail", 2022, "2.4")).content.decode()
    assert 'type="radio"' in page and "Om nej, ange anledningen till det." in page
    client.post(
        _url("section_detail", 2022, "2.4"),
        {"yes_no": "no", "text": "Inga utlysningar", "version": 1},
    )
    answer = Answer.objects.get(section__report=report, section__number="2.4")
    assert (answer.yes_no, answer.text) == (False, "Inga utlysningar")


def test_done_marking_and_copying_through_the_page(client_for, officer, report):
    client = client_for(officer)
    response = client.post(_url("answer_done", 2022, "1.1.1"), {"done": "1"})
    page = client.get(response["Location"]).content.decode()
    assert "1.1.1 har inget svar ännu och kan inte markeras som klart." in page

    client.post(_url("section_detail", 2022, "1.1.1"), {"text": "Svar", "version": 1})
    response = client.post(_url("answer_done", 2022, "1.1.1"), {"done": "1", "next": "1"})
    assert response["Location"] == _url("section_detail", 2022, "1.1.2")
    assert Answer.objects.get(section__report=report, section__number="1.1.1").done

    services.report_year_create(user=officer, year=2023)
    response = client.post(_url("answer_copy", 2023, "1.1.1"), {"version": 1})
    assert Answer.objects.get(section__report__year=2023, section__number="1.1.1").text == "Svar"
    page = client.get(response["Location"]).content.decode()
    assert "Förra årets svar är kopierat." in page
    assert "Förra årets svar (2022)" in page


def test_insatser_through_the_pages(client_for, officer, report):
    project = ProjectFactory(
        title="Arctic 6G",
        start_date=datetime.date(2022, 3, 1),
        end_date=datetime.date(2024, 2, 28),
        summary="Ny teknik för 6G-nät.",
    )
    client = client_for(officer)
    page = client.get(_url("section_detail", 2022, "1.2.4.4")).content.decode()
    assert "Arctic 6G" in page  # offered as a project of the year
    response = client.post(_url("insats_add", 2022, "1.2.4.4"), {"project": project.pk})
    insats = Insats.objects.get()
    assert response["Location"] == _url("insats_edit", insats.pk)
    response = client.post(
        _url("insats_edit", insats.pk),
        {
            "name": "Arctic 6G (Interreg Aurora)",
            "goal": "RUS",
            "outputs": "",
            "effects": "",
            "version": 1,
        },
    )
    assert response.status_code == 302
    insats.refresh_from_db()
    assert insats.name == "Arctic 6G (Interreg Aurora)"
    project.refresh_from_db()
    assert project.title == "Arctic 6G"

    # A stale edit keeps what was typed.
    response = client.post(
        _url("insats_edit", insats.pk),
        {"name": "Min ändring", "goal": "", "outputs": "", "effects": "", "version": 1},
    )
    assert response.status_code == 409
    assert "Min ändring" in response.content.decode()

    client.post(_url("insats_delete", insats.pk))
    assert not Insats.objects.exists()


def test_the_sixth_insats_is_refused_with_a_clear_message(client_for, officer, section_of):
    section = section_of("1.2.1.4")
    for _ in range(5):
        services.insats_add(user=officer, section=section)
    client = client_for(officer)
    page = client.get(_url("section_detail", 2022, "1.2.1.4")).content.decode()
    assert "Tabellen är full: högst 5 insatser får redovisas." in page
    response = client.post(_url("insats_add", 2022, "1.2.1.4"), {"project": ""})
    assert response.status_code == 400
    assert "Högst 5 insatser får redovisas under 1.2.1.4." in response.content.decode()
    assert Insats.objects.count() == 5


def test_figures_page_explains_and_links_to_the_rows(client_for, controller, report):
    GrantFactory(year=2022, amount="1000000")
    CommitmentFactory(year=2022, amount="600000", category="project", priority="innovation")
    CommitmentFactory(
        year=2022,
        amount="400000",
        category="business_support",
        priority="innovation",
        gender="woman",
    )
    client = client_for(controller)
    page = client.get(_url("figures", 2022)).content.decode()
    assert "60 %" in page and "40 %" in page
    assert "i hela procent avrundat uppåt från ,5" in page
    assert f"{_url('figures_commitments', 2022)}?category=project" in page
    _no_inline_style_or_script(page)
    rows = client.get(_url("figures_commitments", 2022) + "?gender=woman").content.decode()
    assert "400 000 kr" in rows and "600 000 kr" not in rows
    assert client.get(_url("figures_commitments", 2022) + "?category=bogus").status_code == 404
    assert client.get(_url("figures_cases", 2022, "granted")).status_code == 200
    assert client.get(_url("figures_cases", 2022, "everything")).status_code == 404

    response = client.post(_url("figures_check", 2022), {"note": "Stämt av"})
    page = client.get(response["Location"]).content.decode()
    assert "Oförändrade sedan kontrollen" in page
    CommitmentFactory(year=2022, amount="100000", category="project", priority="skills")
    page = client.get(_url("figures", 2022)).content.decode()
    assert "Ändrade sedan kontrollen" in page


def test_generation_polling_retry_and_download(client_for, officer, reader, report):
    client = client_for(officer)
    with mock.patch("reporting.services.job_enqueue"):
        response = client.post(_url("generate", 2022))
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert job.status == JobStatus.QUEUED
    page = client.get(_url("report_detail", 2022)).content.decode()
    assert f'hx-get="{_url("job_status", job.pk)}"' in page

    partial = client.get(_url("job_status", job.pk), HTTP_HX_REQUEST="true").content.decode()
    assert "I kö" in partial and "hx-trigger" in partial

    ReportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED, error="PDF-filen kunde inte skapas: x"
    )
    partial = client.get(_url("job_status", job.pk), HTTP_HX_REQUEST="true").content.decode()
    assert "PDF-filen kunde inte skapas: x" in partial
    assert _url("job_retry", job.pk) in partial

    # Retry runs the job (eager): done, files listed out of band.
    with mock.patch(
        "reporting.services.job_enqueue", side_effect=lambda j, t: t.apply(args=[j.pk])
    ):
        response = client.post(_url("job_retry", job.pk), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    partial = client.get(_url("job_status", job.pk), HTTP_HX_REQUEST="true").content.decode()
    assert "Klar" in partial and 'hx-swap-oob="true"' in partial
    assert "hx-trigger" not in partial

    pdf = GeneratedReport.objects.get(format="pdf")
    download = client_for(reader).get(_url("file_download", pdf.pk))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert (
        "Aterrapportering-villkorsbeslut-2022-Region-Norrbotten.pdf"
        in download["Content-Disposition"]
    )
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert download["X-Content-SHA256"] == pdf.sha256


def test_generated_files_are_not_public(client, report, officer):
    with mock.patch(
        "reporting.services.job_enqueue", side_effect=lambda j, t: t.apply(args=[j.pk])
    ):
        services.report_job_request(user=officer, report=report)
    generated = GeneratedReport.objects.first()
    assert client.get("/media/" + generated.file.name).status_code in (302, 404)
    response = client.get(_url("file_download", generated.pk))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_edit_title_page_and_record_approval(client_for, officer, secretary, report):
    client = client_for(officer)
    response = client.post(
        _url("report_edit", 2022),
        {
            "version": report.version,
            "government_reference": "N2021/03079",
            "agency_reference": "Ä 2022–4019",
            "region_reference": "RUN 00060-2022",
            "recipients": "inte-en-adress",
        },
    )
    assert response.status_code == 400
    assert "”inte-en-adress” är ingen e-postadress." in response.content.decode()
    assert "N2021/03079" in response.content.decode()

    client = client_for(secretary)
    response = client.post(
        _url("report_approval", 2022),
        {
            "version": ReportYear.objects.get().version,
            "reference": "RUU 2023-04-12 § 29",
            "approved_on": "2023-04-12",
        },
    )
    assert response.status_code == 302
    report = ReportYear.objects.get()
    assert report.is_approved and report.approval_reference == "RUU 2023-04-12 § 29"
    page = client_for(officer).get(_url("section_detail", 2022, "1.1.1")).content.decode()
    assert "är godkänd och kan inte längre ändras" in page
    assert "<textarea" not in page


def test_preview_shows_the_same_content(client_for, decision_maker, report):
    page = client_for(decision_maker).get(_url("report_preview", 2022)).content.decode()
    assert "Återrapportering 3 – Samverkan med andra aktörer" in page
    assert "Fördelning av anslaget 2022 per kategori" in page
    _no_inline_style_or_script(page)


def test_unknown_years_and_sections_are_404(client_for, officer, report):
    client = client_for(officer)
    assert client.get(_url("report_detail", 1999)).status_code == 404
    assert client.get("/reports/2022/sections/9.9/").status_code == 404
    assert client.get("/reports/2022/sections/abc/").status_code == 404


def test_report_and_section_pages_do_not_query_per_section(
    client_for, officer, report, section_of, django_assert_max_num_queries
):
    for _ in range(3):
        services.insats_add(user=officer, section=section_of("1.2.1.4"))
    client = client_for(officer)
    with django_assert_max_num_queries(15):
        assert client.get(_url("report_detail", 2022)).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(_url("section_detail", 2022, "1.2.1.4")).status_code == 200
    with django_assert_max_num_queries(12):  # +2: permissions for the archive links
        assert client.get(_url("index")).status_code == 200


# --- Query counts on the demo data ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args", "most"),
    [
        ("index", (), 9),  # +2: the user's permissions, for the archive and retention links
        ("report_detail", (2022,), 10),
        ("figures", (2022,), 12),
        ("section_detail", (2022, "1.2.1.4"), 20),
    ],
)
def test_pages_on_the_demo_data_stay_within_their_query_count(
    demo, client, django_assert_max_num_queries, name, args, most
):
    """Measured on the demo's 2022 report (answers, insatser, 2022's money) with a small
    margin."""
    client.force_login(demo.user("handlaggare"))
    url = _url(name, *args)
    client.get(url)  # warm up the session and caches
    with django_assert_max_num_queries(most):
        assert client.get(url).status_code == 200
