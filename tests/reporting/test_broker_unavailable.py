"""Ordering the report while the broker is unreachable: one job waits and is sent later."""

from unittest import mock

import pytest
from kombu.exceptions import OperationalError

from core.jobs import JobStatus
from reporting import services
from reporting.models import ReportJob
from reporting.tasks import generate_report


def _broker_down():
    return mock.patch.object(
        generate_report, "apply_async", side_effect=OperationalError("Connection refused")
    )


@pytest.mark.django_db(transaction=True)
def test_asking_again_while_the_broker_is_down_keeps_one_waiting_job(report, officer):
    with _broker_down():
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
