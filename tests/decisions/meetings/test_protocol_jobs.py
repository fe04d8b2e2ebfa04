"""Document jobs: queued on commit, failures shown with their reason, retry, a real worker."""

import datetime

import pytest

from core.pdf import PdfRenderError
from decisions.meetings import services as svc
from decisions.meetings.models import DocumentJob, GeneratedDocument
from tests.decisions.meetings.factories import committee
from tests.workers import wait_until_finished


@pytest.mark.django_db
def test_failed_render_is_shown_and_a_retry_succeeds(
    run_meeting, secretary, monkeypatch, django_capture_on_commit_callbacks, client_for
):
    from decisions.meetings import documents

    meeting = run_meeting["meeting"]

    def broken(html):
        raise PdfRenderError("Typsnittet kunde inte läsas")

    monkeypatch.setattr(documents, "render_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        job = svc.document_job_request(user=secretary, meeting=meeting, kind="protocol")
    job.refresh_from_db()
    assert job.status == "failed"
    assert "Typsnittet kunde inte läsas" in job.error
    assert job.document is None
    client = client_for(secretary)
    page = client.get(f"/workflow/dokumentjobb/{job.pk}/")
    assert page.status_code == 200
    assert "Misslyckades" in page.content.decode() and "Typsnittet" in page.content.decode()
    assert f"/workflow/dokumentjobb/{job.pk}/igen/" in page.content.decode()

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/workflow/dokumentjobb/{job.pk}/igen/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 2 and job.error == ""
    assert job.document.kind == "protocol" and len(job.document.sha256) == 64


@pytest.mark.django_db
def test_a_redelivered_task_does_nothing(
    run_meeting, secretary, django_capture_on_commit_callbacks
):
    from decisions.meetings.tasks import generate_document

    with django_capture_on_commit_callbacks(execute=True):
        job = svc.document_job_request(
            user=secretary, meeting=run_meeting["meeting"], kind="kallelse"
        )
    job.refresh_from_db()
    assert job.status == "done"
    generate_document.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.attempts == 1
    assert GeneratedDocument.objects.filter(kind="kallelse").count() == 1


@pytest.mark.django_db
def test_job_is_queued_only_after_commit(
    run_meeting, secretary, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = svc.document_job_request(
            user=secretary, meeting=run_meeting["meeting"], kind="kallelse"
        )
    assert DocumentJob.objects.get(pk=job.pk).status == "queued"
    assert len(callbacks) == 1


@pytest.mark.worker
@pytest.mark.xdist_group("services")
def test_kallelse_is_rendered_by_a_real_worker(celery_worker, secretary):
    members = committee(secretary)
    body = members["Lage Hortlund"].body
    meeting = svc.meeting_create(
        user=secretary, body=body, date=datetime.date(2020, 3, 24), start_time=datetime.time(9)
    )
    svc.agenda_item_add(user=secretary, meeting=meeting, kind="information", title="Corona")
    job = svc.document_job_request(user=secretary, meeting=meeting, kind="kallelse")
    wait_until_finished(job, timeout=90)
    assert job.status == "done", (
        job.status,
        job.error,
        open(celery_worker.log_path).read()[-2000:],
    )
    document = job.document
    assert document.kind == "kallelse" and document.pages >= 1
    with document.file.open("rb") as handle:
        from core.jobs import sha256_bytes

        assert sha256_bytes(handle.read()) == document.sha256
