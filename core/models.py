"""What the app keeps about the people who log in: their API tokens and their sessions.

Business data lives in the apps above; these two tables only serve access.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken


class ApiToken(AbstractAuthToken):
    """An API token (django-rest-knox): only its SHA-512 digest is stored, and the first
    characters (``token_key``) to tell tokens apart; it expires and has a name."""

    name = models.CharField(_("namn"), max_length=100)
    last_used_at = models.DateTimeField(_("senast använd"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-nyckel")
        verbose_name_plural = _("API-nycklar")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.token_key}…)"


class UserSession(models.Model):
    """A login: the session it began, so that "log out everywhere" can end them all."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    method = models.CharField(max_length=20, default="password")

    class Meta:
        verbose_name = _("inloggning")
        verbose_name_plural = _("inloggningar")

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class OutgoingEmail(models.Model):
    """An e-mail the app sends (to a case officer, a signer, an extract's recipient): sent
    by a Celery task with retries; a failure is kept with its reason and shown to the one
    whose action sent it (their profile page), never lost silently."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Väntar")
        SENT = "sent", _("Skickat")
        FAILED = "failed", _("Misslyckades")

    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skickat av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    to = models.JSONField(_("mottagare"), default=list)
    subject = models.CharField(_("ämne"), max_length=300)
    body = models.TextField(_("text"))
    # Text attachments (e.g. an .ics invitation): [{"filename", "content_type", "content"}].
    attachments = models.JSONField(_("bilagor"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    error = models.TextField(_("felorsak"), blank=True)
    created_at = models.DateTimeField(_("skapat"), auto_now_add=True)
    sent_at = models.DateTimeField(_("skickat"), null=True, blank=True)

    class Meta:
        verbose_name = _("utgående e-post")
        verbose_name_plural = _("utgående e-post")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return self.subject


class NotificationKind(models.TextChoices):
    """What a notification is about; each user chooses per kind how to be told."""

    CASE_ASSIGNED = "case_assigned", _("Ärende tilldelat mig")
    CASE_MOVED = "case_moved", _("Mitt ärende har flyttats")
    PLAN_RETURNED = "plan_returned", _("Finansieringsplan återsänd")
    PLAN_APPROVED = "plan_approved", _("Finansieringsplan godkänd")
    PLAN_SUBMITTED = "plan_submitted", _("Finansieringsplan att granska")
    REMINDER = "reminder", _("Påminnelse om förfallodatum")
    SIGNING_REQUESTED = "signing_requested", _("Protokoll att justera")
    SIGNING_RETURNED = "signing_returned", _("Protokoll tillbakaskickat från justering")
    NOTICE_TO_POST = "notice_to_post", _("Justering att anslå")
    JOB_FAILED = "job_failed", _("Dokumentjobb misslyckades")
    SECTION_ASSIGNED = "section_assigned", _("Rapportavsnitt att skriva")


class UserSettings(models.Model):
    """A user's own settings: the language of the e-mails and notices the app sends them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="app_settings"
    )
    language = models.CharField(
        _("språk"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("användarinställning")
        verbose_name_plural = _("användarinställningar")

    def __str__(self) -> str:
        return f"{self.user} ({self.language})"


class NotificationPreference(models.Model):
    """How one user wants to be told about one kind: in the app, by e-mail, both or not.
    Without a row both are on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("typ"), max_length=30, choices=NotificationKind.choices)
    in_app = models.BooleanField(_("i appen"), default=True)
    email = models.BooleanField(_("e-post"), default=True)

    class Meta:
        verbose_name = _("aviseringsval")
        verbose_name_plural = _("aviseringsval")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind}"


class Notification(models.Model):
    """A notice to one user in the app (the bell in the header), with a link to act on."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mottagare"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("typ"), max_length=30, choices=NotificationKind.choices)
    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(_("länk"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    read_at = models.DateTimeField(_("läst"), null=True, blank=True)

    class Meta:
        verbose_name = _("avisering")
        verbose_name_plural = _("aviseringar")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.text[:80]


class ReminderSent(models.Model):
    """The log of reminders sent: one row per user, item and day, so that the hourly beat
    task never sends the same reminder twice (a unique constraint, not a check)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    item = models.CharField(_("uppgift"), max_length=100)
    day = models.DateField(_("dag"))
    sent_at = models.DateTimeField(_("skickad"), auto_now_add=True)

    class Meta:
        verbose_name = _("skickad påminnelse")
        verbose_name_plural = _("skickade påminnelser")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "item", "day"], name="reminder_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.item} {self.day}"


class Removal(models.Model):
    """A removal the user confirmed: what it removed, as the historical records
    (django-simple-history) it wrote, so that it can be undone (``core.removal``).

    ``scope`` names the object whose rules decide whether the removal may be undone (the
    meeting of a protocol, the project of a contact), as ``app_label.model:pk``; the app's
    undo view checks them with the same permission function as the removal.
    """

    kind = models.CharField(_("typ"), max_length=40)
    description = models.CharField(_("vad"), max_length=300)
    scope = models.CharField(_("gäller"), max_length=80, db_index=True)
    records = models.JSONField(_("historikposter"), default=list)
    back_url = models.CharField(_("tillbaka till"), max_length=500, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("borttagen av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    removed_at = models.DateTimeField(_("borttagen"), auto_now_add=True)
    restored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("återställd av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    restored_at = models.DateTimeField(_("återställd"), null=True, blank=True)

    class Meta:
        verbose_name = _("borttagning")
        verbose_name_plural = _("borttagningar")
        ordering = ["-removed_at", "-pk"]

    def __str__(self) -> str:
        return self.description

    @staticmethod
    def scope_of(obj) -> str:
        return f"{obj._meta.label_lower}:{obj.pk}"
