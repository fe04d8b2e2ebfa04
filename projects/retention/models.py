"""Retention classes, retention decisions (gallringsbeslut), runs and the destruction log.

Imported by ``projects.models`` so Django registers them in the projects app.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.collation import SWEDISH

KIND_CHOICES = [
    ("beslutsunderlag", _("Beslutsunderlag")),
    ("bilaga", _("Bilaga")),
    ("ansokan", _("Ansökan")),
    ("rapport", _("Rapport")),
    ("korrespondens", _("Korrespondens")),
    ("ovrigt", _("Övrigt")),
]


class RetentionDecision(models.Model):
    """A decision that allows weeding (gallringsbeslut), e.g. the region's document
    management plan or an RA-FS."""

    reference = models.CharField(_("beteckning"), max_length=100, unique=True)
    title = models.CharField(_("rubrik"), max_length=200)
    decided_on = models.DateField(_("beslutsdatum"))
    note = models.TextField(_("anteckning"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("gallringsbeslut")
        verbose_name_plural = _("gallringsbeslut")
        ordering = ["reference"]

    def __str__(self):
        return f"{self.reference} ({self.decided_on:%Y-%m-%d})"


class RetentionClass(models.Model):
    """Keep forever, or weed N years after the case's closure under a retention decision."""

    name = models.CharField(_("namn"), max_length=100, unique=True, db_collation=SWEDISH)
    keep = models.BooleanField(_("bevaras"), default=True)
    years = models.PositiveSmallIntegerField(
        _("gallras efter (år)"),
        null=True,
        blank=True,
        help_text=_("Räknat från ärendets avslut."),
    )
    decision = models.ForeignKey(
        RetentionDecision,
        verbose_name=_("gallringsbeslut"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="classes",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bevarandeklass")
        verbose_name_plural = _("bevarandeklasser")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(keep=True, years__isnull=True)
                | Q(keep=False, years__isnull=False, decision__isnull=False),
                name="retention_class_keep_or_weed_with_decision",
            )
        ]

    def __str__(self):
        if self.keep:
            return self.name
        return f"{self.name} ({_('gallras efter %(years)s år') % {'years': self.years}})"


class KindRetention(models.Model):
    """The retention class of a document kind (Document.kind). A kind without a row is kept."""

    kind = models.CharField(_("dokumenttyp"), max_length=20, choices=KIND_CHOICES, unique=True)
    retention_class = models.ForeignKey(
        RetentionClass,
        verbose_name=_("bevarandeklass"),
        on_delete=models.PROTECT,
        related_name="kinds",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bevarandeklass för dokumenttyp")
        verbose_name_plural = _("bevarandeklasser för dokumenttyper")
        ordering = ["kind"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.retention_class}"


class RetentionRun(models.Model):
    """A yearly retention run: a proposal, approved by an authorised user, then carried out."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("retention run", "Förslag")
        DONE = "done", _("Genomförd")
        CANCELLED = "cancelled", _("Avbruten")

    as_of = models.DateField(_("gallringsdag"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    prepared_at = models.DateTimeField(_("förberedd"), default=timezone.now)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("förberedd av"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    approved_at = models.DateTimeField(_("godkänd"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("godkänd av"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("gallringskörning")
        verbose_name_plural = _("gallringskörningar")
        ordering = ["-prepared_at", "-pk"]
        permissions = [("approve_retention", _("Får godkänna gallring"))]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="proposed"),
                name="retention_one_open_proposal",
            )
        ]

    def __str__(self):
        return f"{_('Gallring')} {self.as_of:%Y-%m-%d}"


class RetentionItem(models.Model):
    """A document in a run's proposal; after approval: destroyed, or blocked with a reason."""

    class Outcome(models.TextChoices):
        PROPOSED = "proposed", _("Föreslås")
        DESTROYED = "destroyed", _("Gallrad")
        BLOCKED = "blocked", _("Kunde inte gallras")
        SKIPPED = "skipped", _("Får inte längre gallras")

    run = models.ForeignKey(
        RetentionRun, verbose_name=_("körning"), on_delete=models.CASCADE, related_name="items"
    )
    document = models.ForeignKey(
        "projects.Document",
        verbose_name=_("dokument"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    dnr = models.CharField(_("Dnr"), max_length=20)
    document_number = models.CharField(_("dokumentnummer"), max_length=30)
    title = models.CharField(_("titel"), max_length=200)
    class_name = models.CharField(_("bevarandeklass"), max_length=100)
    decision_reference = models.CharField(_("gallringsbeslut"), max_length=100)
    closed_on = models.DateField(_("ärendet avslutat"))
    outcome = models.CharField(
        _("utfall"), max_length=10, choices=Outcome.choices, default=Outcome.PROPOSED
    )
    reason = models.CharField(_("orsak"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("föreslagen gallring")
        verbose_name_plural = _("föreslagna gallringar")
        ordering = ["dnr", "document_number"]

    def __str__(self):
        return f"{self.document_number} {self.title}"


class DestructionLog(models.Model):
    """What was destroyed, under which class and decision, approved by whom and when.

    Kept forever: PostgreSQL refuses any UPDATE or DELETE of a row (django-pgtrigger).
    """

    destroyed_at = models.DateTimeField(_("gallrad"), default=timezone.now)
    run = models.ForeignKey(
        RetentionRun, verbose_name=_("körning"), on_delete=models.PROTECT, related_name="log"
    )
    dnr = models.CharField(_("Dnr"), max_length=20)
    document_number = models.CharField(_("dokumentnummer"), max_length=30)
    title = models.CharField(_("titel"), max_length=200)
    kind = models.CharField(_("dokumenttyp"), max_length=20)
    original_name = models.CharField(_("filnamn"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    document_date = models.DateField(_("dokumentdatum"))
    class_name = models.CharField(_("bevarandeklass"), max_length=100)
    decision_reference = models.CharField(_("gallringsbeslut"), max_length=100)
    decision_date = models.DateField(_("gallringsbeslutets datum"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("godkänd av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by_name = models.CharField(_("godkänd av (namn)"), max_length=200)
    approved_at = models.DateTimeField(_("godkänd"))

    class Meta:
        verbose_name = _("gallringslogg")
        verbose_name_plural = _("gallringslogg")
        ordering = ["-destroyed_at", "dnr", "document_number"]
        triggers = [
            pgtrigger.Trigger(
                name="destruction_log_kept_forever",
                when=pgtrigger.Before,
                operation=pgtrigger.Update | pgtrigger.Delete,
                func="""
                    RAISE EXCEPTION 'Norrbotten Cases: the destruction log is kept forever; '
                        'row % cannot be changed or deleted.', OLD.id USING ERRCODE = '55000';
                """,
            )
        ]

    def __str__(self):
        return f"{self.dnr}-{self.document_number.rsplit('-', 1)[-1]} {self.title}"
