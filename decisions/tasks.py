"""The Celery tasks of both areas, for the worker's autodiscovery (``<app>.tasks``)."""

from decisions.meetings.tasks import generate_document, requeue_document_jobs
from decisions.workflow.tasks import notify_case_officer

__all__ = ["generate_document", "notify_case_officer", "requeue_document_jobs"]
