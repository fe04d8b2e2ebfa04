"""Notifications: a notice in the app (the bell in the header) and an e-mail with an
absolute link, in the recipient's language, as the recipient chose per kind.

Services call ``notify`` at the call site of a hand-off (a case assigned, a plan returned,
a case moved to a step where someone acts); the e-mail goes through ``core.mail`` (kept in
the caller's transaction, sent after it commits).
"""

from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.links import absolute_url
from core.mail import email_queue
from core.models import (
    Notification,
    NotificationKind,
    NotificationPreference,
    OutgoingEmail,
    UserSettings,
)


def user_language(user) -> str:
    row = UserSettings.objects.filter(user=user).only("language").first()
    return row.language if row else settings.LANGUAGE_CODE


def preferences_of(user) -> dict[str, tuple[bool, bool]]:
    """{kind: (in_app, email)} for every kind; a kind without a row is (True, True)."""
    rows = {p.kind: (p.in_app, p.email) for p in NotificationPreference.objects.filter(user=user)}
    return {kind: rows.get(kind, (True, True)) for kind in NotificationKind.values}


def notify(
    *,
    recipient,
    kind: str,
    url: str,
    text: Callable[[], str],
    body: Callable[[], str] | None = None,
    sent_by=None,
    about: dict | None = None,
) -> tuple[Notification | None, OutgoingEmail | None]:
    """Tell ``recipient`` about a hand-off. ``text`` (and ``body``, the e-mail's text above
    the link) are called inside the recipient's language, so they translate for them.
    Nobody is told about their own action. ``about`` names what the notice is about
    (``case``, ``document``, ``project``): secret texts of it are masked for a recipient
    who may not see them (``settings.SECRECY_TEXT_MASK``)."""
    if recipient is None or (sent_by is not None and recipient.pk == sent_by.pk):
        return None, None
    in_app, by_email = preferences_of(recipient)[kind]
    notice = email = None
    mask = _masker(recipient, about)
    with translation.override(user_language(recipient)):
        subject = mask(text())
        if in_app:
            notice = Notification.objects.create(
                recipient=recipient, kind=kind, text=subject[:500], url=url
            )
        if by_email and recipient.email:
            lines = [
                mask(body()) if body else subject,
                "",
                _("Öppna: %(url)s") % {"url": absolute_url(url)},
            ]
            footer = _("Du får detta e-postmeddelande enligt dina aviseringsval: %(url)s") % {
                "url": absolute_url(reverse("notification_settings"))
            }
            email = email_queue(
                to=[recipient.email],
                subject=subject,
                body="\n".join([*lines, "", footer]).strip(),
                sent_by=sent_by,
            )
    return notice, email


def _masker(recipient, about: dict | None) -> Callable[[str], str]:
    path = getattr(settings, "SECRECY_TEXT_MASK", "")
    if not about or not path:
        return lambda text: text
    mask = import_string(path)
    return lambda text: mask(text, user=recipient, **about)


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_of(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them) as read; the number marked."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        rows = rows.filter(pk=notification_id)
    return rows.update(read_at=timezone.now())


@transaction.atomic
def notification_settings_save(*, user, language: str, choices: dict[str, tuple[bool, bool]]):
    """Save the user's language and, per kind, (in_app, email)."""
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    UserSettings.objects.update_or_create(user=user, defaults={"language": language})
    for kind in NotificationKind.values:
        in_app, email = choices.get(kind, (True, True))
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"in_app": in_app, "email": email}
        )
