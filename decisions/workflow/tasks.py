"""Celery tasks of the workflow: side effects queued after a transition commits."""

import logging

from celery import shared_task

from decisions.workflow.models import TransitionLog
from decisions.workflow.services import case_officer_notify

logger = logging.getLogger(__name__)


@shared_task(
    name="decisions.notify_case_officer",
    acks_late=True,
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def notify_case_officer(log_id: int) -> bool:
    """Kept for messages queued before the e-mail became a ``core.mail`` row (the services
    now queue the e-mail in the transition's transaction): queue it now."""
    log = TransitionLog.objects.select_related("case__officer", "user").filter(pk=log_id).first()
    if log is None:
        return False
    officer = log.case.officer
    if officer.pk == log.user_id or not officer.email:
        return False
    case_officer_notify(log)
    return True
