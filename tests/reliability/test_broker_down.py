"""Redis stopped while users order documents: a clear message, no 500, nothing lost.

Real parts: PostgreSQL, a private ``redis-server`` that the test stops and starts again
(the shared Redis is left alone), a real prefork worker, the real views and the API.
An order made while the broker is down answers at once (one connection attempt with a
short timeout, CELERY_BROKER_TRANSPORT_OPTIONS) with one clear message: the job's "waiting for
the queue" state, no success message beside it. Orders made while the broker is down keep
their job row (``queued`` with
``broker_unavailable``); once Redis is back they are sent again by the retry button and by
the periodic requeue tasks that Celery beat runs, and the worker completes them.
"""

import time

import pytest
from django.conf import settings
from django.urls import reverse

from core.jobs import JobStatus
from decisions.meetings.models import DocumentJob, GeneratedDocument
from decisions.meetings.tasks import requeue_document_jobs
from norrbotten_cases.celery import app
from reporting import services as report_services
from reporting.models import GeneratedReport, ReportJob
from reporting.tasks import requeue_report_jobs
from tests.decisions.meetings.factories import small_meeting
from tests.reliability.conftest import wait_for

UNAVAILABLE = "Kön för dokumentjobb är inte nåbar just nu"


def _token(user) -> str:
    import uuid

    from core.accounts import api_token_create

    return "Token " + api_token_create(user=user, name=uuid.uuid4().hex)[1]


def _finished(model, **filters):
    rows = list(model.objects.filter(**filters))
    return rows and all(row.status in (JobStatus.DONE, JobStatus.FAILED) for row in rows)


def test_the_beat_schedule_runs_both_requeue_tasks_every_few_minutes():
    from celery.schedules import crontab

    app.loader.import_default_modules()  # the apps' tasks, also when this test runs alone
    schedule = settings.CELERY_BEAT_SCHEDULE
    tasks = {entry["task"]: entry["schedule"] for entry in schedule.values()}
    # The longest pause between two runs of each periodic task, in seconds.
    every_at_most = {
        "decisions.requeue_document_jobs": 300,
        "reporting.requeue_report_jobs": 300,
        "core.send_queued_emails": 300,
        # reminders of due dates: hourly, once per item and day (core.models.ReminderSent)
        "core.send_reminders": 3600,
        # the search text of documents uploaded while the broker was down
        "projects.extract_pending_document_texts": 600,
    }
    assert set(tasks) == {*every_at_most, "projects.prepare_retention_run"}
    for name, every in tasks.items():
        assert name in app.tasks
        if name == "projects.prepare_retention_run":
            # prepared once a year (January), approved by a person
            assert isinstance(every, crontab) and every.month_of_year == {1}
        else:
            assert 0 < every <= every_at_most[name]
    assert app.conf.beat_schedule == schedule


@pytest.mark.worker
@pytest.mark.xdist_group("services")
@pytest.mark.django_db(transaction=True)
def test_documents_ordered_while_redis_is_down_are_kept_and_completed_when_it_returns(
    start_worker, private_redis, client, secretary, officer
):
    worker = start_worker()
    meeting = small_meeting(secretary)
    report = report_services.report_year_create(user=officer, year=2022)

    private_redis.stop()

    # The meeting page: the secretary orders the protocol; the answer comes at once.
    client.force_login(secretary)
    started = time.monotonic()
    response = client.post(
        reverse("decisions:document_generate", args=[meeting.pk, "protocol"]), follow=True
    )
    assert time.monotonic() - started < 2.5
    assert response.status_code == 200
    page = response.content.decode()
    assert UNAVAILABLE in page and "försök igen om en stund" in page
    assert "Dokumentet skapas. Följ förloppet nedan." not in page  # one message only
    protocol_job = DocumentJob.objects.get(meeting=meeting, kind="protocol")
    assert protocol_job.status == JobStatus.QUEUED and protocol_job.broker_unavailable
    assert reverse("decisions:job_retry", args=[protocol_job.pk]) in page

    # The retry button while the broker is still down: no 500, the same message, one job.
    response = client.post(reverse("decisions:job_retry", args=[protocol_job.pk]), follow=True)
    assert response.status_code == 200 and UNAVAILABLE in response.content.decode()
    assert DocumentJob.objects.filter(meeting=meeting, kind="protocol").count() == 1

    # The report page: the officer orders the annual report.
    client.force_login(officer)
    response = client.post(reverse("reporting:generate", args=[2022]), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert UNAVAILABLE in page
    report_job = ReportJob.objects.get(report=report)
    assert report_job.status == JobStatus.QUEUED and report_job.broker_unavailable

    # The API: a kallelse and the report again, with token authentication.
    response = client.post(
        f"/api/v1/meetings/{meeting.pk}/documents/",
        {"kind": "kallelse"},
        content_type="application/json",
        HTTP_AUTHORIZATION=_token(secretary),
    )
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "queued"
    assert response.json()["broker_unavailable"] is True
    kallelse_job = DocumentJob.objects.get(pk=response.json()["id"])
    assert kallelse_job.broker_unavailable

    response = client.post(
        "/api/v1/report-jobs/",
        {"year": 2022},
        content_type="application/json",
        HTTP_AUTHORIZATION=_token(officer),
    )
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "queued"
    assert response.json()["broker_unavailable"] is True
    assert ReportJob.objects.filter(report=report).count() == 1, "the waiting job is reused"

    # Redis is back: nothing was lost.
    private_redis.start()
    assert DocumentJob.objects.filter(broker_unavailable=True).count() == 2
    assert ReportJob.objects.filter(broker_unavailable=True).count() == 1

    # The retry button sends the protocol job.
    client.force_login(secretary)
    response = client.post(reverse("decisions:job_retry", args=[protocol_job.pk]), follow=True)
    assert response.status_code == 200
    wait_for(
        lambda: _finished(DocumentJob, pk=protocol_job.pk),
        timeout=90,
        what=f"the protocol job\n{worker.log()[-3000:]}",
    )

    # The periodic tasks (what beat sends every minute) send the rest, through the worker.
    requeue_document_jobs.delay()
    requeue_report_jobs.delay()
    wait_for(
        lambda: _finished(DocumentJob, meeting=meeting) and _finished(ReportJob, report=report),
        timeout=120,
        interval=0.3,
        what=f"every job to finish\n{worker.log()[-3000:]}",
    )

    for job in DocumentJob.objects.filter(meeting=meeting):
        assert job.status == JobStatus.DONE, job.error
        assert not job.broker_unavailable
    assert GeneratedDocument.objects.filter(meeting=meeting, kind="protocol").count() == 1
    assert GeneratedDocument.objects.filter(meeting=meeting, kind="kallelse").count() == 1
    report_job.refresh_from_db()
    assert report_job.status == JobStatus.DONE, report_job.error
    assert not report_job.broker_unavailable
    assert GeneratedReport.objects.filter(report=report).count() == 2

    # The meeting page now offers the downloads.
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    assert UNAVAILABLE not in response.content.decode()
    protocol = GeneratedDocument.objects.get(meeting=meeting, kind="protocol")
    assert response.content.decode().count(protocol.get_absolute_url()) >= 1
