"""Ordering an archive export and the work of its Celery task."""

import logging
import tempfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.jobs import job_done, job_enqueue, job_fail, job_start, job_step
from core.stored import file_digest
from projects.models import CLOSED_STATES, Case
from reporting.archive.models import ArchiveExport
from reporting.archive.package import build_package

logger = logging.getLogger(__name__)


def can_export(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm(
        "reporting.export_archive"
    )


def closed_cases(*, year: int | None = None, cases=None):
    queryset = Case.objects.filter(state__in=CLOSED_STATES)
    if year is not None:
        queryset = queryset.filter(year=year)
    if cases is not None:
        queryset = queryset.filter(pk__in=[case.pk for case in cases])
    return queryset.order_by("year", "number")


@transaction.atomic
def archive_export_request(*, user, year: int | None = None, cases=None) -> ArchiveExport:
    """Order the export of the closed cases of ``year`` or of the selected ``cases``."""
    if not can_export(user):
        raise PermissionDenied(_("Du får inte exportera till arkivet."))
    if year is None and not cases:
        raise ValidationError(_("Välj ett år eller minst ett ärende."))
    if cases and any(case.state not in CLOSED_STATES for case in cases):
        raise ValidationError({"cases": _("Bara avslutade ärenden kan arkiveras.")})
    selected = list(closed_cases(year=year, cases=cases))
    if not selected:
        raise ValidationError(_("Det finns inga avslutade ärenden att exportera."))
    job = ArchiveExport.objects.create(
        requested_by=user,
        year=year,
        case_ids=[case.pk for case in selected],
        dnrs=", ".join(case.dnr for case in selected),
    )
    from reporting.archive.tasks import export_archive

    job_enqueue(job, export_archive)
    return job


def archive_export_run(*, job_id: int) -> ArchiveExport | None:
    """Build and store the package. Idempotent: a done job is left alone."""
    job = ArchiveExport.objects.filter(pk=job_id).first()
    if job is None:
        logger.warning("archive export %s does not exist", job_id)
        return None
    if not job_start(job):
        return job
    objid = f"nc-sip-{timezone.localdate():%Y%m%d}-{job.pk:05d}"
    label = (
        _("Avslutade ärenden %(year)s") % {"year": job.year}
        if job.year
        else _("Avslutade ärenden: %(dnrs)s") % {"dnrs": job.dnrs[:150]}
    )

    def progress(done: int, total: int) -> None:
        job_step(job, _("Packar dokument %(done)s av %(total)s") % locals(), 5 + 90 * done // total)

    try:
        job_step(job, _("Läser ärendena"), 5)
        with tempfile.TemporaryFile() as handle:
            result = build_package(
                job.case_ids, handle, objid=objid, label=label, progress=progress
            )
            handle.seek(0)
            sha256 = file_digest(handle)
            size = handle.tell()
            handle.seek(0)
            if job.file:
                job.file.delete(save=False)
            job.file.save(f"{objid}.zip", File(handle), save=False)
    except Exception as exc:
        logger.exception("archive export %s failed", job.pk)
        job_fail(
            job,
            _("Arkivpaketet kunde inte skapas (%(kind)s: %(reason)s).")
            % {"kind": exc.__class__.__name__, "reason": exc},
        )
        return job
    job_done(
        job,
        package_id=objid,
        file=job.file.name,
        size=size,
        sha256=sha256,
        documents=result.documents,
        renditions=result.renditions,
        conversion_failures="\n".join(result.conversion_failures),
    )
    return job
