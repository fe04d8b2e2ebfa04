"""The kallelse by e-mail and the members' page of a meeting (beslutsfattare, tablet)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.access import require
from decisions.meetings import permissions
from decisions.meetings.models import AgendaItem, GeneratedDocument, Meeting
from decisions.meetings.services import kallelse
from projects.models import Document
from projects.permissions import can_view_confidential


@require_POST
def kallelse_send(request, pk):
    meeting = get_object_or_404(Meeting, pk=pk)
    require(permissions.can_send_kallelse(request.user, meeting))
    resend = kallelse.last_dispatch(meeting) is not None
    try:
        dispatch = kallelse.kallelse_send(user=request.user, meeting=meeting)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        count = dispatch.recipients.count()
        messages.success(
            request,
            (
                _("Den ändrade kallelsen skickades till %(count)s ledamöter och ersättare.")
                if resend
                else _("Kallelsen skickades till %(count)s ledamöter och ersättare.")
            )
            % {"count": count},
        )
    return redirect(meeting.get_absolute_url() + "#kallelse")


@require_GET
def meeting_members(request, pk):
    """The meeting as a member reads it: the agenda, each item's proposal and documents."""
    meeting = get_object_or_404(Meeting.objects.select_related("body"), pk=pk)
    require(permissions.can_view_members_page(request.user, meeting))
    documents = Document.objects.order_by("title", "-version")
    if not can_view_confidential(request.user):
        documents = documents.filter(confidential=False)
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("case__decision_proposal", "case__project__applicant")
        .prefetch_related(Prefetch("case__documents", queryset=documents))
        .order_by("position")
    )
    last = kallelse.last_dispatch(meeting)
    changes = kallelse.agenda_changes(meeting, items, last)
    rows = []
    number = 0
    for item in items:
        if item.is_numbered:
            number += 1
        proposal = getattr(item.case, "decision_proposal", None) if item.case_id else None
        latest: dict = {}
        for document in item.case.documents.all() if item.case_id else []:
            latest.setdefault(document.title, document)
        rows.append(
            {
                "item": item,
                "number": number if item.is_numbered else None,
                "proposal": proposal,
                "documents": list(latest.values()),
                "changed": item.pk in changes.changed_items,
            }
        )
    kallelse_pdf = (
        GeneratedDocument.objects.filter(meeting=meeting, kind=GeneratedDocument.Kind.KALLELSE)
        .order_by("-created_at")
        .first()
    )
    return render(
        request,
        "decisions/meetings/meeting_members.html",
        {
            "meeting": meeting,
            "rows": rows,
            "changes": changes,
            "last": last,
            "kallelse_pdf": kallelse_pdf,
            "case_ids": [item.case_id for item in items if item.case_id],
        },
    )
