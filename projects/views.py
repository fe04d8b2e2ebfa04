from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from projects import case_page, permissions, selectors
from projects.models import Case, Document


def case_list(request):
    access = permissions.can_view_registry(request.user)
    if not access:
        raise PermissionDenied(access.reason)
    page = Paginator(selectors.case_list_queryset(), 50).get_page(request.GET.get("page"))
    return render(request, "projects/case_list.html", {"page": page})


def case_detail(request, pk):
    access = permissions.can_view_registry(request.user)
    if not access:
        raise PermissionDenied(access.reason)
    try:
        case = selectors.case_detail(pk)
    except Case.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "projects/case_detail.html",
        {"case": case, "sections": case_page.sections_for(request, case)},
    )


def document_download(request, pk):
    document = get_object_or_404(Document.objects.select_related("case"), pk=pk)
    access = permissions.can_view_document(request.user, document)
    if not access:
        raise PermissionDenied(access.reason)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
