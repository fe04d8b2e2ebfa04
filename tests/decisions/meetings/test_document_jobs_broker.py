"""Document jobs ordered while the broker is unreachable: the API says so, asking again
sends the waiting job instead of adding one."""

import pytest

from decisions.meetings import services as svc
from decisions.meetings.models import DocumentJob
from decisions.meetings.tasks import generate_document
from tests.workers import broker_down


@pytest.mark.django_db(transaction=True)
def test_the_api_tells_that_the_job_waits_for_the_broker(run_meeting, secretary, api):
    client = api(secretary)
    meeting = run_meeting["meeting"]
    with broker_down(generate_document):
        response = client.post(
            f"/api/v1/meetings/{meeting.pk}/documents/", {"kind": "kallelse"}, format="json"
        )
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    assert response.json()["broker_unavailable"] is True
    assert DocumentJob.objects.get(pk=response.json()["id"]).broker_unavailable


@pytest.mark.django_db(transaction=True)
def test_asking_again_sends_the_waiting_job(run_meeting, secretary):
    meeting = run_meeting["meeting"]
    with broker_down(generate_document):
        job = svc.document_job_request(user=secretary, meeting=meeting, kind="kallelse")
        again = svc.document_job_request(user=secretary, meeting=meeting, kind="kallelse")
    assert again.pk == job.pk
    job.refresh_from_db()
    assert job.status == "queued" and job.broker_unavailable

    again = svc.document_job_request(user=secretary, meeting=meeting, kind="kallelse")
    assert again.pk == job.pk
    job.refresh_from_db()
    assert job.status == "done" and not job.broker_unavailable
    assert DocumentJob.objects.filter(meeting=meeting).count() == 1
