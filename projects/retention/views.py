"""The retention run page of an authorised user (``projects.approve_retention``)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.http import conflicts_as_409
from projects.retention import services
from projects.retention.models import DestructionLog, KindRetention, RetentionRun


def _guard(user) -> None:
    if not services.can_approve(user):
        raise PermissionDenied(_("Endast den som får godkänna gallring når gallringen."))


@require_http_methods(["GET"])
def retention_page(request):
    _guard(request.user)
    proposal = RetentionRun.objects.filter(status=RetentionRun.Status.PROPOSED).first()
    items = list(proposal.items.all()) if proposal else []
    runs = (
        RetentionRun.objects.exclude(status=RetentionRun.Status.PROPOSED)
        .select_related("approved_by")
        .annotate(
            destroyed=Count("items", filter=Q(items__outcome="destroyed")),
            blocked=Count("items", filter=Q(items__outcome="blocked")),
        )[:10]
    )
    log = DestructionLog.objects.order_by("-destroyed_at", "dnr", "document_number")
    return render(
        request,
        "projects/retention.html",
        {
            "proposal": proposal,
            "items": items,
            "runs": runs,
            "kinds": KindRetention.objects.select_related("retention_class__decision"),
            "log_page": Paginator(log, 50).get_page(request.GET.get("page")),
        },
    )


@require_POST
@conflicts_as_409
def retention_prepare(request):
    _guard(request.user)
    run = services.prepare_run(user=request.user)
    messages.success(
        request,
        _("Gallringsförslaget är klart: %(count)s handlingar.") % {"count": run.items.count()},
    )
    return redirect(reverse("projects:retention"))


@require_POST
@conflicts_as_409
def retention_approve(request, pk):
    _guard(request.user)
    run = get_object_or_404(RetentionRun, pk=pk)
    run = services.approve_run(user=request.user, run=run)
    destroyed = run.items.filter(outcome="destroyed").count()
    blocked = run.items.filter(outcome="blocked").count()
    messages.success(
        request,
        _("Gallringen är genomförd: %(destroyed)s gallrade, %(blocked)s kunde inte gallras.")
        % {"destroyed": destroyed, "blocked": blocked},
    )
    return redirect(reverse("projects:retention"))


@require_POST
@conflicts_as_409
def retention_cancel(request, pk):
    _guard(request.user)
    run = get_object_or_404(RetentionRun, pk=pk)
    services.cancel_run(user=request.user, run=run)
    messages.success(request, _("Gallringsförslaget är avbrutet."))
    return redirect(reverse("projects:retention"))
