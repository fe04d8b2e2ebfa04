"""Background document jobs: a row per request that the page polls for progress.

Each app that generates documents defines a concrete model from ``JobBase`` and a
Celery task taking the job id. The life cycle, written only through the functions
below: queued -> running (with steps) -> done | failed (with a readable reason).
Retrying a failed job queues it again. Tasks must be idempotent: a redelivered task
(worker killed mid-task, ``acks_late``) finds the job done and does nothing more.
"""

import hashlib
import logging
from contextvars import ContextVar

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import NotificationKind
from core.notifications import notify

logger = logging.getLogger(__name__)

# Seconds past the task's hard time limit before a running job counts as stalled.
STALL_GRACE_SECONDS = 30
# Set when a job could not be sent in this request (or task): the page then shows the
# job's "waiting for the queue" state alone, without a success message beside it.
_broker_failed: ContextVar[bool] = ContextVar("broker_failed", default=False)


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("I kö")
    RUNNING = "running", _("Pågår")
    DONE = "done", _("Klar")
    FAILED = "failed", _("Misslyckades")


class JobBase(models.Model):
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    step = models.CharField(_("steg"), max_length=200, blank=True)
    progress = models.PositiveSmallIntegerField(_("förlopp (%)"), default=0)
    error = models.TextField(_("felorsak"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beställd av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("beställd"), auto_now_add=True)
    started_at = models.DateTimeField(_("startad"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)
    broker_unavailable = models.BooleanField(
        _("väntar på kö"),
        default=False,
        help_text=_("Kön var inte nåbar när jobbet beställdes; det skickas igen."),
    )

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def is_stalled(self) -> bool:
        """Running for longer than a task may run: its worker died (the broker will
        deliver the task again after its visibility timeout) and the user may retry now."""
        return job_is_stalled(self)


def job_is_stalled(job: "JobBase") -> bool:
    if job.status != JobStatus.RUNNING or job.started_at is None:
        return False
    limit = settings.CELERY_TASK_TIME_LIMIT + STALL_GRACE_SECONDS
    return (timezone.now() - job.started_at).total_seconds() > limit


def job_retry_refusal(job: "JobBase") -> str:
    """Why a job cannot be sent again now ("" when it can): done, or running and not
    stalled."""
    if job.status == JobStatus.DONE:
        return str(_("Jobbet är redan klart."))
    if job.status == JobStatus.RUNNING and not job_is_stalled(job):
        return str(_("Jobbet pågår just nu."))
    return ""


def job_start(job: JobBase) -> bool:
    """Mark the job running. False if it is already done (redelivered task: do nothing)."""
    with transaction.atomic():
        locked = type(job)._default_manager.select_for_update().get(pk=job.pk)
        if locked.status == JobStatus.DONE:
            return False
        locked.status = JobStatus.RUNNING
        locked.attempts += 1
        locked.error = ""
        locked.progress = 0
        locked.started_at = timezone.now()
        locked.save(update_fields=["status", "attempts", "error", "progress", "started_at"])
    job.refresh_from_db()
    return True


def job_step(job: JobBase, step: str, progress: int) -> None:
    type(job)._default_manager.filter(pk=job.pk).update(
        step=str(step)[:200], progress=min(progress, 99)
    )
    job.step, job.progress = step, progress


def job_done(job: JobBase, **fields) -> None:
    job.status = JobStatus.DONE
    job.progress = 100
    job.step = ""
    job.finished_at = timezone.now()
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=["status", "progress", "step", "finished_at", *fields])


def job_fail(job: JobBase, reason: str) -> None:
    logger.warning("job %s %s failed: %s", type(job).__name__, job.pk, reason)
    type(job)._default_manager.filter(pk=job.pk).update(
        status=JobStatus.FAILED, error=str(reason)[:2000], finished_at=timezone.now()
    )
    job.status, job.error = JobStatus.FAILED, reason
    _failure_notify(job, reason)


def _failure_notify(job: JobBase, reason: str) -> None:
    """Tell whoever ordered the job that it failed, with a link to where it can be retried."""
    url = job.get_absolute_url() if hasattr(job, "get_absolute_url") else "/"
    notify(
        recipient=job.requested_by,
        kind=NotificationKind.JOB_FAILED,
        url=url,
        text=lambda: _("Dokumentjobbet misslyckades: %(job)s") % {"job": job},
        body=lambda: (
            _(
                "Dokumentjobbet %(job)s misslyckades: %(reason)s\n\n"
                "Du kan försöka igen på sidan nedan."
            )
            % {"job": job, "reason": reason}
        ),
    )


def job_enqueue(job: JobBase, task, *args) -> None:
    """Send ``task.delay(job.pk, *args)`` once the surrounding transaction commits.

    If the broker is unreachable the job stays queued with ``broker_unavailable`` set and
    ``job_requeue_waiting`` (or the retry button) sends it later: nothing is lost.
    """

    def send():
        model = type(job)._default_manager
        try:
            # Fails at once when Redis is down (CELERY_BROKER_TRANSPORT_OPTIONS: one
            # attempt, a short connect timeout), instead of blocking the user's request.
            task.apply_async(args=[job.pk, *args], retry=False)
        except Exception as exc:  # noqa: BLE001 - any broker failure
            logger.warning("broker unavailable for %s %s: %s", type(job).__name__, job.pk, exc)
            _broker_failed.set(True)
            model.filter(pk=job.pk).update(broker_unavailable=True)
            job.broker_unavailable = True
        else:
            if job.broker_unavailable:
                model.filter(pk=job.pk).update(broker_unavailable=False)
                job.broker_unavailable = False

    transaction.on_commit(send)


def broker_failed_reset() -> None:
    _broker_failed.set(False)


def broker_failed() -> bool:
    """True if a job could not be sent since ``broker_failed_reset`` in this context."""
    return _broker_failed.get()


def job_requeue_waiting(model, task) -> int:
    """Send again every job that could not be queued while the broker was down."""
    count = 0
    for job in model.objects.filter(status=JobStatus.QUEUED, broker_unavailable=True):
        job.broker_unavailable = True
        job_enqueue(job, task)
        count += 1
    return count


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
