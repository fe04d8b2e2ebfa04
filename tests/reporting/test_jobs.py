"""Generation jobs: steps to done with kept files, a failing render, retry, a real worker."""

import hashlib
import io
from unittest import mock

import pytest
from docx import Document

from core.jobs import JobStatus
from core.pdf import PdfRenderError
from reporting import services
from reporting.models import GeneratedReport, ReportJob
from reporting.tasks import generate_report
from tests.workers import wait_until_finished


def _steps_seen():
    """Record every step the job row passes through."""
    from core import jobs

    seen = []
    original = jobs.job_step

    def spy(job, step, progress):
        seen.append((str(step), progress))
        return original(job, step, progress)

    return seen, mock.patch("reporting.services.job_step", side_effect=spy)


@pytest.mark.django_db(transaction=True)
def test_a_job_runs_through_its_steps_and_keeps_both_files(report, officer):
    seen, patch = _steps_seen()
    with patch:
        job, created = services.report_job_request(user=officer, report=report)
    assert created
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.progress == 100 and job.attempts == 1
    assert job.started_at and job.finished_at
    assert [step for step, _progress in seen] == [
        "Hämtar nyckeltal och svar",
        "Skapar Word-dokumentet",
        "Skapar PDF-dokumentet",
        "Sparar filerna",
    ]
    assert [p for _s, p in seen] == sorted(p for _s, p in seen)

    files = {f.format: f for f in GeneratedReport.objects.filter(job=job)}
    assert set(files) == {"docx", "pdf"}
    for generated in files.values():
        with generated.file.open("rb") as handle:
            data = handle.read()
        assert generated.sha256 == hashlib.sha256(data).hexdigest()
        assert generated.size == len(data)
        assert generated.requested_by == officer
        assert generated.report == report
        assert generated.file.name.startswith("reports/2022/")
    assert files["pdf"].filename == "Aterrapportering-villkorsbeslut-2022-Region-Norrbotten.pdf"
    with files["docx"].file.open("rb") as handle:
        document = Document(io.BytesIO(handle.read()))
    title = next(p for p in document.paragraphs if p.style.name == "Title")
    assert title.text.startswith("Återrapportering av villkorsbeslut 2022")


@pytest.mark.django_db(transaction=True)
def test_a_failing_pdf_render_fails_the_job_with_its_reason_and_a_retry_succeeds(report, officer):
    with mock.patch(
        "core.pdf.render_pdf",
        side_effect=PdfRenderError("Typsnittet DejaVu Sans saknas"),
    ):
        job, _created = services.report_job_request(user=officer, report=report)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "PDF-filen kunde inte skapas: Typsnittet DejaVu Sans saknas"
    assert job.finished_at is not None
    assert not GeneratedReport.objects.filter(job=job).exists()

    retried = services.report_job_retry(user=officer, job=job)
    retried.refresh_from_db()
    assert retried.status == JobStatus.DONE
    assert retried.error == ""
    assert retried.attempts == 2
    assert GeneratedReport.objects.filter(job=job).count() == 2


@pytest.mark.django_db(transaction=True)
def test_any_other_failure_is_reported_readably(report, officer):
    with mock.patch("reporting.services.render_docx", side_effect=OSError("Disken är full")):
        job, _created = services.report_job_request(user=officer, report=report)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "Rapporten kunde inte skapas (OSError: Disken är full)."


@pytest.mark.django_db(transaction=True)
def test_a_redelivered_task_for_a_done_job_does_nothing(report, officer):
    job, _created = services.report_job_request(user=officer, report=report)
    before = list(GeneratedReport.objects.filter(job=job).values_list("pk", "sha256"))
    assert generate_report.apply(args=[job.pk]).get() == "done"
    assert list(GeneratedReport.objects.filter(job=job).values_list("pk", "sha256")) == before
    job.refresh_from_db()
    assert job.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_an_interrupted_attempt_is_redone_without_duplicate_files(report, officer):
    job, _created = services.report_job_request(user=officer, report=report)
    ReportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)  # worker died
    generate_report.apply(args=[job.pk])
    assert GeneratedReport.objects.filter(job=job).count() == 2
    job.refresh_from_db()
    assert job.status == JobStatus.DONE


@pytest.mark.django_db
def test_one_active_job_per_report(report, officer, controller):
    with mock.patch("reporting.services.job_enqueue"):
        first, created = services.report_job_request(user=officer, report=report)
        second, created_again = services.report_job_request(user=controller, report=report)
    assert created and not created_again
    assert first.pk == second.pk


@pytest.mark.django_db
def test_retry_is_refused_for_done_and_running_jobs(report, officer):
    from core.errors import Conflict

    with mock.patch("reporting.services.job_enqueue"):
        job, _created = services.report_job_request(user=officer, report=report)
    for status in (JobStatus.DONE, JobStatus.RUNNING):
        ReportJob.objects.filter(pk=job.pk).update(status=status)
        with pytest.raises(Conflict):
            services.report_job_retry(user=officer, job=job)


@pytest.mark.django_db
def test_readers_and_decision_makers_cannot_order_generation(report, reader, decision_maker):
    from django.core.exceptions import PermissionDenied

    for user in (reader, decision_maker):
        with pytest.raises(PermissionDenied):
            services.report_job_request(user=user, report=report)
    assert not ReportJob.objects.exists()


@pytest.mark.worker
@pytest.mark.xdist_group("services")
def test_a_queued_job_is_completed_by_a_real_worker(celery_worker, officer):
    report = services.report_year_create(user=officer, year=2022)
    job, _created = services.report_job_request(user=officer, report=report)
    wait_until_finished(job, timeout=120)
    assert job.status == JobStatus.DONE, job.error
    assert GeneratedReport.objects.filter(job=job).count() == 2
    for generated in GeneratedReport.objects.filter(job=job):
        assert generated.file.storage.exists(generated.file.name)
