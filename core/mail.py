"""Outgoing e-mail that is never lost silently (``core.models.OutgoingEmail``).

``email_queue`` keeps the message as a row in the caller's transaction and sends it with
the ``core.send_email`` task once that commits. The task retries with growing pauses
(``EMAIL_MAX_RETRIES``); a message that still fails is marked failed with its reason and
logged, and the user whose action sent it sees it on their profile page. Messages the
broker could not take wait as queued: ``core.send_queued_emails`` (Celery beat, every
minute) sends them.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.models import OutgoingEmail

logger = logging.getLogger(__name__)


def email_queue(
    *, to: list[str], subject: str, body: str, sent_by=None, attachments: list | None = None
) -> OutgoingEmail | None:
    """``attachments``: text files as ``[{"filename", "content_type", "content"}]``."""
    addresses = [address for address in to if address]
    if not addresses:
        return None
    email = OutgoingEmail.objects.create(
        to=addresses,
        subject=subject[:300],
        body=body,
        sent_by=sent_by,
        attachments=list(attachments or []),
    )
    transaction.on_commit(lambda: _send_later(email.pk))
    return email


def _send_later(email_id: int) -> None:
    from core.tasks import send_email

    try:
        send_email.apply_async(args=[email_id], retry=False)
    except Exception as exc:  # noqa: BLE001 - the broker is down: the row waits
        logger.warning("e-mail %s waits for the broker: %s", email_id, exc)


def email_send(*, email_id: int) -> bool:
    """Send one queued message (the task's body). Raises the mail error after recording
    the attempt, for the task to retry; True once sent (also when it was sent before)."""
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status == OutgoingEmail.Status.SENT:
            return email is not None
        email.attempts += 1
        email.save(update_fields=["attempts"])
    try:
        if email.attachments:
            message = EmailMessage(email.subject, email.body, None, email.to)
            for attachment in email.attachments:
                message.attach(
                    attachment["filename"], attachment["content"], attachment["content_type"]
                )
            message.send(fail_silently=False)
        else:
            send_mail(email.subject, email.body, None, email.to, fail_silently=False)
    except Exception as exc:
        OutgoingEmail.objects.filter(pk=email_id).update(error=f"{type(exc).__name__}: {exc}")
        logger.warning(
            "e-mail %s to %s failed (attempt %s): %s", email_id, email.to, email.attempts, exc
        )
        raise
    OutgoingEmail.objects.filter(pk=email_id).update(
        status=OutgoingEmail.Status.SENT, sent_at=timezone.now(), error=""
    )
    return True


def email_give_up(*, email_id: int, error: str) -> None:
    OutgoingEmail.objects.filter(pk=email_id).exclude(status=OutgoingEmail.Status.SENT).update(
        status=OutgoingEmail.Status.FAILED, error=error[:2000]
    )
    logger.error("e-mail %s failed for good: %s", email_id, error)


def emails_waiting() -> QuerySet[OutgoingEmail]:
    cutoff = timezone.now() - datetime.timedelta(seconds=60)
    return OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED, created_at__lt=cutoff)


def failed_emails_of(user) -> QuerySet[OutgoingEmail]:
    return OutgoingEmail.objects.filter(sent_by=user, status=OutgoingEmail.Status.FAILED)[:20]


def retry_delay(retries: int) -> int:
    """Seconds before the next attempt: 30 s, 1, 2, 4, 8 minutes ..., at most 15 minutes."""
    return min(settings.EMAIL_RETRY_DELAY * 2**retries, 15 * 60)
