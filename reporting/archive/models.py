"""The archive export job (imported by ``reporting.models`` so Django registers it)."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.jobs import JobBase


def archive_upload_to(instance: "ArchiveExport", filename: str) -> str:
    """Stored as archive/<uuid>.zip; served only through the permission-checked view."""
    return f"archive/{uuid.uuid4().hex}.zip"


class ArchiveExport(JobBase):
    """A request to export closed cases (a year, or a selection) as an E-ARK SIP zip."""

    year = models.PositiveSmallIntegerField(_("år"), null=True, blank=True)
    case_ids = models.JSONField(_("ärenden"), default=list)
    dnrs = models.TextField(_("diarienummer"), blank=True)
    package_id = models.CharField(_("paket-id"), max_length=80, blank=True)
    file = models.FileField(_("fil"), upload_to=archive_upload_to, blank=True, max_length=200)
    size = models.PositiveBigIntegerField(_("storlek"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    documents = models.PositiveIntegerField(_("dokument"), default=0)
    renditions = models.PositiveIntegerField(_("PDF/A-versioner"), default=0)
    conversion_failures = models.TextField(_("misslyckade konverteringar"), blank=True)

    class Meta(JobBase.Meta):
        verbose_name = _("arkivexport")
        verbose_name_plural = _("arkivexporter")
        permissions = [("export_archive", _("Får exportera avslutade ärenden till arkivet"))]

    def __str__(self):
        return self.package_id or f"{_('Arkivexport')} #{self.pk}"
