"""Celery beat: prepare the yearly retention proposal in January (never approves it)."""

from celery import shared_task

from core.errors import Conflict


@shared_task(name="projects.prepare_retention_run", acks_late=True)
def prepare_retention_run() -> int | None:
    from projects.retention.services import prepare_run

    try:
        return prepare_run().pk
    except Conflict:
        return None  # a proposal is already waiting for approval
