"""Celery tasks of the meetings part: they take ids, call one service, are idempotent."""

from celery import shared_task
from django.db import OperationalError

from core.jobs import job_requeue_waiting
from decisions.meetings.models import DocumentJob
from decisions.meetings.services import document_job_run


@shared_task(name="decisions.generate_document", acks_late=True, bind=True, max_retries=3)
def generate_document(self, job_id: int) -> None:
    """Render (and send, for extracts) the document of one DocumentJob."""
    try:
        document_job_run(job_id=job_id)
    except OperationalError as exc:  # database hiccup: try again shortly
        raise self.retry(exc=exc, countdown=5) from exc


@shared_task(name="decisions.requeue_document_jobs", acks_late=True)
def requeue_document_jobs() -> int:
    """Send again the document jobs that could not be queued while the broker was down."""
    return job_requeue_waiting(DocumentJob, generate_document)
