"""Celery tasks of the reporting app: they take ids and call one service."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _

from core.jobs import job_fail, job_requeue_waiting
from reporting import services
from reporting.models import ReportJob


@shared_task(
    name="reporting.generate_report",
    acks_late=True,
    bind=True,
    # The database unreachable before the job could even start: try again later.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
)
def generate_report(self, job_id: int) -> str:
    """Build the year's report as DOCX and PDF for the job ``job_id``."""
    try:
        job = services.report_job_run(job_id=job_id)
    except SoftTimeLimitExceeded:
        job = ReportJob.objects.filter(pk=job_id).first()
        if job is not None:
            job_fail(job, _("Rapporten tog för lång tid att skapa och avbröts. Försök igen."))
        return "failed"
    return job.status if job is not None else "missing"


@shared_task(name="reporting.requeue_report_jobs", acks_late=True)
def requeue_report_jobs() -> int:
    """Send again the report jobs that could not be queued while the broker was down."""
    return job_requeue_waiting(ReportJob, generate_report)


from reporting.archive.tasks import export_archive, requeue_archive_exports  # noqa: E402,F401
