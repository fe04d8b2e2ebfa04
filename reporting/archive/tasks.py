"""Celery tasks of the archive export: they take ids and call one service."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _

from core.jobs import job_fail, job_requeue_waiting
from reporting.archive import services
from reporting.archive.models import ArchiveExport


@shared_task(
    name="reporting.export_archive",
    acks_late=True,
    bind=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
)
def export_archive(self, job_id: int) -> str:
    try:
        job = services.archive_export_run(job_id=job_id)
    except SoftTimeLimitExceeded:
        job = ArchiveExport.objects.filter(pk=job_id).first()
        if job is not None:
            job_fail(job, _("Arkivpaketet tog för lång tid att skapa och avbröts. Försök igen."))
        return "failed"
    return job.status if job is not None else "missing"


@shared_task(name="reporting.requeue_archive_exports", acks_late=True)
def requeue_archive_exports() -> int:
    return job_requeue_waiting(ArchiveExport, export_archive)
