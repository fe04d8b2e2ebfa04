"""Celery tasks of core: outgoing e-mail (core.mail)."""

from celery import shared_task
from django.conf import settings

from core import mail


@shared_task(bind=True, name="core.send_email", acks_late=True, max_retries=None)
def send_email(self, email_id: int) -> bool:
    try:
        return mail.email_send(email_id=email_id)
    except Exception as exc:  # noqa: BLE001 - SMTP refusals, timeouts, DNS: all retried
        if self.request.retries < settings.EMAIL_MAX_RETRIES:
            raise self.retry(exc=exc, countdown=mail.retry_delay(self.request.retries)) from exc
        mail.email_give_up(email_id=email_id, error=f"{type(exc).__name__}: {exc}")
        return False


@shared_task(name="core.send_queued_emails", acks_late=True)
def send_queued_emails() -> int:
    """Send the messages the broker could not take when they were made (beat, every minute)."""
    ids = list(mail.emails_waiting().values_list("pk", flat=True)[:200])
    for email_id in ids:
        send_email.apply_async(args=[email_id], retry=False)
    return len(ids)


@shared_task(name="core.send_reminders", acks_late=True)
def send_reminders() -> int:
    """E-mail today's reminders of due dates, once per user, item and day (beat, hourly)."""
    from django.utils import timezone

    from core.reminders import reminders_send

    return reminders_send(today=timezone.localdate())
