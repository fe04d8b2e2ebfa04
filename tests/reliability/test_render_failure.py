"""A WeasyPrint failure in the real worker ends as a failed job with its reason.

Nothing in the app is patched: the first worker runs from a copy of the code deployed with
an incomplete ``static/`` folder (a real deployment mistake): the report's stylesheet is
missing, and the protocol's stylesheet imports a file that was not deployed. WeasyPrint
cannot fetch them and fails. The meeting page and the report page show the jobs as failed
with the reason; after a correct worker is started, the retry buttons produce the
documents.
"""

import shutil

import pytest
from django.urls import reverse

from core.jobs import JobStatus
from decisions.meetings import services as svc
from decisions.meetings.models import DocumentJob, GeneratedDocument
from reporting import services as report_services
from reporting.models import GeneratedReport, ReportJob
from tests.decisions.meetings.factories import small_meeting
from tests.reliability.conftest import ROOT, wait_for

pytestmark = [
    pytest.mark.worker,
    pytest.mark.xdist_group("services"),
    pytest.mark.django_db(transaction=True),
]

NOT_DEPLOYED = (
    ".git",
    ".venv",
    "static",
    "staticfiles",
    "media",
    "tests",
    "bench",
    "test-artifacts",
    ".test-*",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "__pycache__",
    "db.sqlite3",
)


def _finished(job):
    job.refresh_from_db()
    return job.status in (JobStatus.DONE, JobStatus.FAILED)


def test_a_failing_render_in_the_worker_fails_the_job_with_its_reason_and_a_retry_succeeds(
    start_worker, tmp_path, client, secretary, officer
):
    deployment = tmp_path / "deployment"
    shutil.copytree(ROOT, deployment, ignore=shutil.ignore_patterns(*NOT_DEPLOYED))
    css = deployment / "static" / "css"
    css.mkdir(parents=True)
    (css / "protocol-print.css").write_text(
        '@import url("/static/css/not-deployed.css");\n'
        + (ROOT / "static" / "css" / "protocol-print.css").read_text()
    )
    broken = start_worker(cwd=deployment)

    meeting = small_meeting(secretary)
    report = report_services.report_year_create(user=officer, year=2022)
    protocol_job = svc.document_job_request(user=secretary, meeting=meeting, kind="protocol")
    report_job, _created = report_services.report_job_request(user=officer, report=report)
    for job in (protocol_job, report_job):
        wait_for(lambda job=job: _finished(job), timeout=90, what=f"{job}\n{broken.log()[-3000:]}")

    assert protocol_job.status == JobStatus.FAILED
    assert "PDF kunde inte skapas" in protocol_job.error
    assert "not-deployed.css" in protocol_job.error
    assert report_job.status == JobStatus.FAILED
    assert "PDF-filen kunde inte skapas" in report_job.error
    assert "reporting.css" in report_job.error
    assert not GeneratedDocument.objects.filter(meeting=meeting).exists()
    assert not GeneratedReport.objects.filter(report=report).exists()

    # The pages show the failure, its reason and a retry button.
    client.force_login(secretary)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Misslyckades:" in page and "not-deployed.css" in page
    retry_url = reverse("decisions:job_retry", args=[protocol_job.pk])
    assert retry_url in page
    client.force_login(officer)
    page = client.get(reverse("reporting:report_detail", args=[2022])).content.decode()
    assert "PDF-filen kunde inte skapas" in page
    report_retry_url = reverse("reporting:job_retry", args=[report_job.pk])
    assert report_retry_url in page

    # The deployment is fixed: a correct worker, and the users press "Försök igen".
    broken.stop()
    fixed = start_worker()
    assert client.post(report_retry_url).status_code == 302
    client.force_login(secretary)
    assert client.post(retry_url).status_code == 302
    for job in (protocol_job, report_job):
        wait_for(lambda job=job: _finished(job), timeout=90, what=f"{job}\n{fixed.log()[-3000:]}")
    assert protocol_job.status == JobStatus.DONE, protocol_job.error
    assert protocol_job.attempts == 2 and protocol_job.error == ""
    assert GeneratedDocument.objects.filter(meeting=meeting, kind="protocol").count() == 1
    assert report_job.status == JobStatus.DONE, report_job.error
    assert GeneratedReport.objects.filter(job=report_job).count() == 2
    assert DocumentJob.objects.filter(meeting=meeting).count() == 1
    assert ReportJob.objects.filter(report=report).count() == 1
