"""The archive export page, the package download and its check."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.http import apply_service_errors, conflicts_as_409, form_status
from core.jobs import JobStatus
from core.stored import open_verified
from reporting.archive import services
from reporting.archive.forms import ArchiveExportForm
from reporting.archive.inspect import inspect_package
from reporting.archive.models import ArchiveExport


def _guard(user) -> None:
    if not services.can_export(user):
        raise PermissionDenied(_("Du får inte exportera till arkivet."))


@require_http_methods(["GET", "POST"])
def archive_page(request):
    _guard(request.user)
    form = ArchiveExportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.archive_export_request(
                user=request.user,
                year=form.cleaned_data["year"],
                cases=list(form.cleaned_data["cases"]) or None,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Arkivexporten är beställd."))
            return redirect(reverse("reporting:archive"))
    jobs = ArchiveExport.objects.select_related("requested_by").order_by("-created_at")[:20]
    return render(
        request,
        "reporting/archive.html",
        {"form": form, "jobs": jobs},
        status=form_status(request) if form.errors else 200,
    )


def _done_job(pk) -> ArchiveExport:
    job = get_object_or_404(ArchiveExport, pk=pk)
    if job.status != JobStatus.DONE or not job.file:
        raise Http404(_("Paketet är inte klart."))
    return job


@require_http_methods(["GET"])
@conflicts_as_409
def archive_download(request, pk):
    _guard(request.user)
    job = _done_job(pk)
    handle = open_verified(job.file, job.sha256, what=f"{job.package_id}.zip")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{job.package_id}.zip",
        content_type="application/zip",
    )
    response["X-Content-SHA256"] = job.sha256
    return response


@require_http_methods(["GET"])
def archive_check(request, pk):
    """The package read back: every file listed in METS with its checksum verified."""
    _guard(request.user)
    job = _done_job(pk)
    with job.file.open("rb") as handle:
        inspection = inspect_package(handle)
    return render(request, "reporting/archive_check.html", {"job": job, "inspection": inspection})
