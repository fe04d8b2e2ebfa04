"""A worker killed in the middle of a document job: the job is delivered again and finishes
with exactly one stored document.

Real parts: PostgreSQL, a private Redis, ``celery worker`` processes with the prefork pool.
Nothing in the app is patched: the jobs are slow enough by themselves (the 2022 report
takes about 4 s, a protocol of eight long paragraphs about 3 s), and the test kills while
the job row says ``running``.

- The pool process dies (SIGKILL, e.g. the kernel's OOM killer) during a report job:
  ``task_acks_late`` and ``task_reject_on_worker_lost`` put the message back, the same
  worker runs it again.
- The whole worker dies (machine crash) during a protocol job: the message stays
  unacknowledged in Redis; a new worker started with a short ``CELERY_VISIBILITY_TIMEOUT``
  takes it back and runs it.

(The other two combinations work the same way; they are left out to keep the suite fast.)
"""

import time

import pytest

from core.jobs import JobStatus
from decisions.meetings import services as svc
from decisions.meetings.models import DocumentJob, GeneratedDocument
from reporting import services as report_services
from reporting.models import GeneratedReport, ReportJob
from tests.decisions.meetings.factories import big_meeting
from tests.reliability.conftest import wait_for

pytestmark = [
    pytest.mark.worker,
    pytest.mark.xdist_group("services"),
    pytest.mark.django_db(transaction=True),
]


def _status(job):
    return type(job).objects.values_list("status", flat=True).get(pk=job.pk)


def _wait_running(job, worker):
    wait_for(
        lambda: _status(job) == JobStatus.RUNNING,
        timeout=60,
        interval=0.05,
        what=f"the job to start\n{worker.log()[-2000:]}",
    )
    time.sleep(0.3)  # well inside the rendering, which takes seconds
    assert _status(job) == JobStatus.RUNNING, "the job finished before it could be killed"


def _wait_finished(job, worker, timeout=120):
    wait_for(
        lambda: _status(job) in (JobStatus.DONE, JobStatus.FAILED),
        timeout=timeout,
        interval=0.2,
        what=f"the job to finish\n{worker.log()[-3000:]}",
    )
    job.refresh_from_db()
    return job


def test_report_job_survives_a_killed_pool_process(start_worker, officer):
    worker = start_worker()
    report = report_services.report_year_create(user=officer, year=2022)
    job, _created = report_services.report_job_request(user=officer, report=report)

    _wait_running(job, worker)
    worker.kill_child()

    job = _wait_finished(job, worker)
    assert job.status == JobStatus.DONE, job.error
    assert job.attempts == 2, "the killed attempt and the redelivered one"
    assert "WorkerLostError" in worker.log() or "signal 9" in worker.log()
    files = GeneratedReport.objects.filter(report=report)
    assert sorted(files.values_list("format", flat=True)) == ["docx", "pdf"]
    for generated in files:
        assert generated.job_id == job.pk
        assert generated.file.storage.exists(generated.file.name)
    assert ReportJob.objects.filter(report=report).count() == 1


def test_protocol_job_survives_a_killed_worker_when_a_new_worker_takes_over(
    start_worker, secretary
):
    first = start_worker()
    meeting = big_meeting(secretary)
    job = svc.document_job_request(user=secretary, meeting=meeting, kind="protocol")

    _wait_running(job, first)
    first.kill()
    time.sleep(2.5)  # the message has been unacknowledged for longer than the new timeout
    assert _status(job) == JobStatus.RUNNING, "nobody finishes the job of a dead worker"

    second = start_worker(CELERY_VISIBILITY_TIMEOUT=2)
    job = _wait_finished(job, second)
    assert job.status == JobStatus.DONE, job.error
    assert job.attempts == 2
    assert GeneratedDocument.objects.filter(meeting=meeting, kind="protocol").count() == 1
    assert DocumentJob.objects.filter(meeting=meeting).count() == 1
