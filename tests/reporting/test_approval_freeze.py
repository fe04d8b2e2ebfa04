"""Draft until approved, final once approved (seed 003 § 29 approves the report).

A draft carries UTKAST on every page and the count of unanswered questions on its title
page. The approval makes the final DOCX and PDF once, stored with SHA-256 and served as
stored; PostgreSQL refuses changes to an approved report's rows and to final files; only
a new paragraph revokes the approval. API clients download with their token.
"""

import datetime
import hashlib
import io
import shutil
import subprocess
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from docx import Document
from pypdf import PdfReader

from core.errors import Conflict
from core.jobs import JobStatus
from decisions.meetings.models import Meeting, Paragraph
from financing.models import Grant
from reporting import services
from reporting.documents import build_content, render_docx, render_pdf
from reporting.figures import compute_figures, report_figures
from reporting.models import Answer, GeneratedReport, ReportJob, ReportYear

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_text(data: bytes) -> tuple[str, str]:
    """(the page header's text, the body's text)."""
    document = Document(io.BytesIO(data))
    header = " ".join(p.text for p in document.sections[0].header.paragraphs)
    body = "\n".join(p.text for p in document.paragraphs)
    return header, body


def _pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages).split()
    )


def _approve(report, secretary, paragraph):
    with mock.patch("reporting.services.job_enqueue") as enqueue:
        approved = services.report_approval_record(
            user=secretary, report=report, paragraph=paragraph, version=report.version
        )
    return approved, enqueue


def _run_jobs():
    for job in ReportJob.objects.filter(status=JobStatus.QUEUED):
        services.report_job_run(job_id=job.pk)


def _later_paragraph(paragraph, number=40, days=30):
    meeting = Meeting.objects.create(
        body=paragraph.body,
        date=paragraph.meeting.date + datetime.timedelta(days=days),
        start_time=datetime.time(9, 0),
        place="Regionhuset, Luleå",
        secretary=paragraph.meeting.secretary,
    )
    return Paragraph.objects.create(
        body=paragraph.body,
        year=meeting.date.year,
        number=number,
        meeting=meeting,
        kind="case",
        title="Upphävande av godkännandet av återrapporteringen",
    )


# --- The draft --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_draft_says_utkast_on_every_page_and_counts_unanswered_questions(report, officer):
    answer = report.sections.get(number="1.1.1").answer
    services.answer_save(user=officer, answer=answer, text="Svar.", version=answer.version)
    content = build_content(ReportYear.objects.get(pk=report.pk))
    questions = Answer.objects.filter(section__report=report).count()
    assert content.draft
    # every question but 1.1.1 (and those answered by an insatser table or yes/no) is open
    assert 0 < content.unanswered < questions
    note = f"Utkast: inte godkänt av nämnden. {content.unanswered} frågor är obesvarade."
    assert content.draft_note == note

    header, body = _docx_text(render_docx(content))
    assert header.startswith("UTKAST")
    assert note in body

    data = render_pdf(content)
    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        assert "UTKAST" in page.extract_text()
    assert note in _pdf_text(data)


# --- Approval and the final files -------------------------------------------------------


@pytest.mark.django_db
def test_approval_makes_the_final_files_once_without_the_draft_mark(
    report, officer, secretary, paragraph_29
):
    approved, enqueue = _approve(report, secretary, paragraph_29)
    assert enqueue.call_count == 1  # the final files are ordered at once
    _run_jobs()
    final = {f.format: f for f in GeneratedReport.objects.filter(report=report, final=True)}
    assert set(final) == {"docx", "pdf"}
    for generated in final.values():
        with generated.file.open("rb") as handle:
            data = handle.read()
        assert hashlib.sha256(data).hexdigest() == generated.sha256
        assert generated.approved_recorded_at == approved.approved_recorded_at
    with final["docx"].file.open("rb") as handle:
        header, body = _docx_text(handle.read())
    assert "UTKAST" not in header and "Utkast" not in body
    assert "Godkänd 2023-04-12" in body
    with final["pdf"].file.open("rb") as handle:
        assert "UTKAST" not in _pdf_text(handle.read())

    # Never made again: the service refuses, and so does the page's button (hidden).
    with pytest.raises(Conflict, match="aldrig om"):
        services.report_job_request(user=officer, report=approved)
    # A second approval while approved is refused: only a revocation changes it.
    with pytest.raises(Conflict, match="ny paragraf"):
        services.report_approval_record(
            user=secretary, report=approved, paragraph=paragraph_29, version=approved.version
        )


@pytest.mark.django_db
def test_the_database_refuses_changes_to_an_approved_report_and_its_final_files(
    report, secretary, paragraph_29
):
    _approve(report, secretary, paragraph_29)
    _run_jobs()
    generated = GeneratedReport.objects.filter(report=report, final=True).first()
    answer = Answer.objects.filter(section__report=report).first()
    attempts = [
        lambda: Answer.objects.filter(pk=answer.pk).update(text="Ändrat i efterhand"),
        lambda: GeneratedReport.objects.filter(pk=generated.pk).update(sha256="0" * 64),
        lambda: GeneratedReport.objects.filter(pk=generated.pk).delete(),
        lambda: ReportYear.objects.filter(pk=report.pk).update(region_reference="RUN 1-2022"),
        # clearing the approval without a revoking paragraph
        lambda: ReportYear.objects.filter(pk=report.pk).update(
            approved_paragraph=None, approved_on=None
        ),
        lambda: report.sections.filter(number="1.1.1").update(question="Ny fråga"),
    ]
    for attempt in attempts:
        with pytest.raises(DatabaseError, match="Norrbotten Cases"), transaction.atomic():
            attempt()


@pytest.mark.django_db
def test_only_a_new_paragraph_revokes_the_approval(report, officer, secretary, paragraph_29):
    approved, _enqueue = _approve(report, secretary, paragraph_29)
    _run_jobs()
    with pytest.raises(ValidationError, match="godkände rapporten kan inte också upphäva"):
        services.report_approval_revoke(
            user=secretary, report=approved, paragraph=paragraph_29, version=approved.version
        )
    with pytest.raises(ValidationError, match="upphävde godkännandet"):
        services.report_approval_revoke(
            user=secretary, report=approved, paragraph=None, version=approved.version
        )
    earlier = _later_paragraph(paragraph_29, number=12, days=-30)
    with pytest.raises(ValidationError, match="före godkännandet"):
        services.report_approval_revoke(
            user=secretary, report=approved, paragraph=earlier, version=approved.version
        )
    revoking = _later_paragraph(paragraph_29)
    revoked = services.report_approval_revoke(
        user=secretary, report=approved, paragraph=revoking, version=approved.version
    )
    assert not revoked.is_approved
    assert revoked.revoked_paragraph == revoking and revoked.revoked_on == revoking.meeting.date
    # a draft again: editable, and the revoked approval's final files are kept
    answer = Answer.objects.filter(section__report=report).first()
    services.answer_save(user=officer, answer=answer, text="Reviderat.", version=answer.version)
    assert GeneratedReport.objects.filter(report=report, final=True).count() == 2
    # approved again by a third paragraph: new final files of their own
    third = _later_paragraph(paragraph_29, number=41, days=60)
    again, _enqueue = _approve(ReportYear.objects.get(pk=report.pk), secretary, third)
    _run_jobs()
    assert GeneratedReport.objects.filter(report=report, final=True).count() == 4


def test_revoking_through_the_page_needs_the_paragraph(client_for, report, secretary, paragraph_29):
    from django.urls import reverse

    approved, _enqueue = _approve(report, secretary, paragraph_29)
    url = reverse("reporting:report_approval_clear", args=[2022])
    client = client_for(secretary)
    page = client.get(url).content.decode()
    assert "Upphäv godkännandet" in page
    response = client.post(url, {"version": approved.version})
    assert response.status_code == 400
    assert ReportYear.objects.get(pk=report.pk).is_approved
    revoking = _later_paragraph(paragraph_29)
    response = client.post(url, {"version": approved.version, "paragraph": revoking.pk})
    assert response.status_code == 302
    assert not ReportYear.objects.get(pk=report.pk).is_approved


# --- Word files that open well, downloads for API clients -------------------------------


@pytest.mark.django_db
def test_docx_table_rows_never_split_across_pages_and_headers_repeat(report):
    document = Document(io.BytesIO(render_docx(build_content(report))))
    assert document.tables
    for table in document.tables:
        for index, row in enumerate(table.rows):
            trpr = row._tr.trPr
            assert trpr is not None and trpr.find(f"{W}cantSplit") is not None
            children = [child.tag for child in trpr]
            if index == 0:
                # schema order: cantSplit before tblHeader
                assert children.index(f"{W}cantSplit") < children.index(f"{W}tblHeader")


@pytest.mark.django_db
@pytest.mark.skipif(
    not (shutil.which("libreoffice") or shutil.which("soffice")),
    reason="LibreOffice is not installed (CI installs libreoffice-writer-nogui)",
)
def test_libreoffice_opens_the_docx_and_the_text_is_there(report, tmp_path):
    content = build_content(report)
    docx = tmp_path / "rapport.docx"
    docx.write_bytes(render_docx(content))
    office = shutil.which("libreoffice") or shutil.which("soffice")
    result = subprocess.run(  # noqa: S603 - a fixed program on a file we wrote
        [office, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
        capture_output=True,
        timeout=180,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    converted = (tmp_path / "rapport.pdf").read_bytes()
    text = _pdf_text(converted)
    assert "Återrapportering av villkorsbeslut 2022" in text
    assert "UTKAST" in text
    office_pages = len(PdfReader(io.BytesIO(converted)).pages)
    weasy_pages = len(PdfReader(io.BytesIO(render_pdf(content))).pages)
    assert abs(office_pages - weasy_pages) <= max(1, weasy_pages // 10)


@pytest.mark.django_db
def test_an_api_client_downloads_with_its_token(
    api, report, officer, reader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job, _created = services.report_job_request(user=officer, report=report)
    body = api(reader).get(f"/api/v1/report-jobs/{job.pk}/").json()
    assert body["status"] == "done"
    files = {f["format"]: f for f in body["files"]}
    assert files["pdf"]["final"] is False
    url = files["docx"]["download_url"]
    assert url.startswith("http://testserver/api/v1/report-files/")
    response = api(reader).get(url)
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert hashlib.sha256(data).hexdigest() == files["docx"]["sha256"]
    assert response["X-Content-SHA256"] == files["docx"]["sha256"]
    assert data.startswith(b"PK")
    # without a token: 401/403, never a redirect to the login page
    from rest_framework.test import APIClient

    assert APIClient().get(url).status_code in (401, 403)


@pytest.mark.django_db
def test_an_approved_reports_figures_stay_as_approved(
    report, officer, secretary, paragraph_29, client_for
):
    """Signed means final: the figures are taken at the approval; the grant registered
    anew, an import or a payment afterwards changes neither the figures page, the API, nor
    final files made later (a job that waited for a broker or was retried)."""
    grant = Grant.objects.filter(year=2022).first() or Grant.objects.create(
        year=2022, amount=Decimal("100000000")
    )
    Grant.objects.filter(pk=grant.pk).update(amount=Decimal("100000000"))
    approved, _enqueue = _approve(report, secretary, paragraph_29)
    assert approved.approved_figures["grant_amount"] == "100000000.00"
    Grant.objects.filter(pk=grant.pk).update(amount=Decimal("123456789"))
    assert compute_figures(2022).grant_amount == Decimal("123456789")
    assert report_figures(approved).grant_amount == Decimal("100000000")
    _run_jobs()  # the final files are made after the change
    final = GeneratedReport.objects.get(report=report, final=True, format="pdf")
    with final.file.open("rb") as handle:
        text = _pdf_text(handle.read())
    assert "100 000 000 kr" in text and "123 456 789" not in text
    page = client_for(officer).get(f"/reports/{report.year}/figures/").content.decode()
    assert "100 000 000" in page and "123 456 789" not in page
    with pytest.raises(DatabaseError, match="kept as approved"), transaction.atomic():
        ReportYear.objects.filter(pk=report.pk).update(approved_figures={"grant_amount": "1"})
    # revoked: a draft again, its figures computed from the data
    revoked = services.report_approval_revoke(
        user=secretary,
        report=ReportYear.objects.get(pk=report.pk),
        paragraph=_later_paragraph(paragraph_29),
        version=ReportYear.objects.get(pk=report.pk).version,
    )
    assert revoked.approved_figures is None
    assert report_figures(revoked).grant_amount == Decimal("123456789")
