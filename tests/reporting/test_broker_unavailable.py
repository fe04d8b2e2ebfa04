"""Ordering the report while the broker is unreachable: one job waits and is sent later."""

import pytest

from core.jobs import JobStatus
from reporting import services
from reporting.models import ReportJob
from reporting.tasks import generate_report
from tests.workers import broker_down


@pytest.mark.django_db(transaction=True)
def test_asking_again_while_the_broker_is_down_keeps_one_waiting_job(report, officer):
    with broker_down(generate_report):
        job, created = services.report_job_request(user=officer, report=report)
        assert created
        job.refresh_from_db()
        assert job.status == JobStatus.QUEUED and job.broker_unavailable

        again, created = services.report_job_request(user=officer, report=report)
        assert not created and again.pk == job.pk
    assert ReportJob.objects.filter(report=report).count() == 1

    # The broker is back: asking again sends the waiting job (run in-process here).
    again, created = services.report_job_request(user=officer, report=report)
    assert not created and again.pk == job.pk
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and not job.broker_unavailable
    assert ReportJob.objects.filter(report=report).count() == 1
