"""Celery tasks of the workflow: side effects queued after a transition commits."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from decisions.workflow.models import TransitionLog

logger = logging.getLogger(__name__)


@shared_task(
    name="decisions.notify_case_officer",
    acks_late=True,
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def notify_case_officer(log_id: int) -> bool:
    """E-mail the case officer when someone else moved their case. Idempotent enough:
    a redelivered task sends the same message again, never a wrong one."""
    log = TransitionLog.objects.select_related("case__officer", "user").filter(pk=log_id).first()
    if log is None:
        return False
    officer = log.case.officer
    if officer.pk == log.user_id or not officer.email:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Ärende %(dnr)s: %(label)s") % {"dnr": log.case.dnr, "label": log.label}
        body = _(
            "%(user)s har ändrat status på ärende %(dnr)s %(title)s\n"
            "från ”%(source)s” till ”%(target)s” (%(label)s).\n\n%(motivation)s"
        ) % {
            "user": log.user.get_full_name() or log.user.get_username(),
            "dnr": log.case.dnr,
            "title": log.case.title,
            "source": log.get_source_display(),
            "target": log.get_target_display(),
            "label": log.label,
            "motivation": log.motivation,
        }
    send_mail(subject, body.strip(), None, [officer.email])
    return True
