"""Pages of the meetings part: bodies, meetings, agenda, paragraphs, justering, documents,
the verification form and the public notice board.

Views only parse input and call services/selectors/permissions. Service errors become:
ValidationError -> form errors (the form keeps what was typed), PermissionDenied -> 403,
Conflict -> a 409 page with the reason. Small forms open in the htmx modal and work as
plain pages without JavaScript.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import batch, oidc
from core import removal as core_removal
from core.access import require
from core.errors import Conflict
from core.http import Undo, apply_service_errors, confirm_removal, conflicts_as_409, form_status
from core.jobs import broker_failed, broker_failed_reset
from core.models import Removal
from core.roles import Role, has_role
from core.stored import open_verified
from decisions.meetings import documents, forms, permissions, record_access, selectors
from decisions.meetings import notice_dates as notices
from decisions.meetings import services as svc
from decisions.meetings.models import (
    AgendaItem,
    Appeal,
    Body,
    BodyMember,
    ConflictOfInterest,
    DocumentJob,
    ExtractRecipient,
    GeneratedDocument,
    Meeting,
    MeetingStatus,
    Motion,
    OtherAttendee,
    Paragraph,
    Reservation,
    Signature,
)
from decisions.meetings.services import kallelse
from decisions.workflow import permissions as workflow_permissions
from decisions.workflow.models import DelegationDecision
from decisions.workflow.selectors import cases_ready_for
from projects import permissions as project_permissions
from projects.case_page import Section

# --- Helpers ---------------------------------------------------------------------------


def client_redirect(request, url: str) -> HttpResponse:
    """htmx: go to ``url``. A redirect to the page the user is on with another fragment
    (``#agenda``) would only scroll, leaving the dialog open and the page stale: the
    browser is told to reload as well (htmx sets the location first, then reloads)."""
    response = HttpResponse(status=204)
    response["HX-Redirect"] = url
    target = urlsplit(url)
    current = urlsplit(request.htmx.current_url or "")
    if target.fragment and (target.path, target.query) == (current.path, current.query):
        response["HX-Refresh"] = "true"
    return response


def done(request, url: str, message: str = ""):
    """After a successful POST: back to ``url`` (htmx: a client-side redirect)."""
    if message:
        messages.success(request, message)
    if getattr(request, "htmx", False):
        return client_redirect(request, url)
    return redirect(url)


def form_page(request, *, form, title, action, back, submit=None, intro="", status=200):
    template = (
        "decisions/meetings/form_modal.html"
        if getattr(request, "htmx", False)
        else "decisions/meetings/form_page.html"
    )
    return render(
        request,
        template,
        {
            "form": form,
            "title": title,
            "action": action,
            "back": back,
            "submit": submit or _("Spara"),
            "intro": intro,
        },
        status=status,
    )


def service_form_view(request, *, form, call, title, action, back, success, message="", **extra):
    """GET shows the form; POST validates, calls the service, shows errors in the form."""
    if request.method == "POST" and form.is_valid():
        try:
            call(form)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return done(request, success, message)
    return form_page(
        request,
        form=form,
        title=title,
        action=action,
        back=back,
        status=form_status(request),
        **extra,
    )


def _post_action(request, call, success, message="", *, orders_job=False):
    """A button-only action (no form fields): ValidationError becomes an error message.

    ``orders_job``: when the broker could not take the job, the job's status on the page
    says so, and no success message stands beside it."""
    broker_failed_reset()
    try:
        call()
        if orders_job and broker_failed():
            message = ""
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
        if getattr(request, "htmx", False):
            return client_redirect(request, success)
        return redirect(success)
    return done(request, success, message)


def _meeting(pk, preload=None) -> Meeting:
    try:
        return selectors.meeting_detail(pk, preload)
    except Meeting.DoesNotExist as exc:
        raise Http404 from exc


def _paragraph(pk) -> Paragraph:
    try:
        return selectors.paragraph_detail(pk)
    except Paragraph.DoesNotExist as exc:
        raise Http404 from exc


# --- Overview and bodies ----------------------------------------------------------------


@require_GET
def index(request):
    require(permissions.can_view_meetings(request.user))
    overview = selectors.meeting_overview()
    return render(
        request,
        "decisions/index.html",
        {
            "overview": overview,
            "to_sign": [
                m
                for m in overview.in_progress
                if m.status == MeetingStatus.SIGNING
                and permissions.can_sign_protocol(request.user, m)
            ],
            "can_plan": permissions.can_plan_meeting(request.user),
            "most": selectors.OVERVIEW_MOST,
        },
    )


@require_GET
def body_list(request):
    require(permissions.can_view_meetings(request.user))
    return render(
        request,
        "decisions/meetings/body_list.html",
        {
            "bodies": selectors.body_list(),
            "can_manage": permissions.can_manage_bodies(request.user),
        },
    )


@require_GET
def body_detail(request, pk):
    require(permissions.can_view_meetings(request.user))
    body = get_object_or_404(Body.objects.select_related("secretary"), pk=pk)
    year = timezone.localdate().year
    return render(
        request,
        "decisions/meetings/body_detail.html",
        {
            "body": body,
            "members": body.members.select_related("user").order_by("-active", "position", "name"),
            "counters": body.counters.order_by("-year"),
            "next_number": svc.next_paragraph_number(body, year),
            "year": year,
            "meetings": selectors.meeting_list(body=body)[:20],
            "can_manage": permissions.can_manage_bodies(request.user, body),
        },
    )


@require_http_methods(["GET", "POST"])
def body_edit(request, pk):
    body = get_object_or_404(Body, pk=pk)
    require(permissions.can_manage_bodies(request.user, body))
    form = forms.BodyForm(
        request.POST or None,
        initial={
            "name": body.name,
            "genitive": body.genitive,
            "decision_intro": body.decision_intro,
            "short_name": body.short_name,
            "default_place": body.default_place,
            "signing_days": body.signing_days,
            "secretary": body.secretary_id,
        },
    )
    return service_form_view(
        request,
        form=form,
        call=lambda f: svc.body_update(user=request.user, body=body, data=f.cleaned_data),
        title=_("Ändra %(body)s") % {"body": body},
        action=request.path,
        back=body.get_absolute_url(),
        success=body.get_absolute_url(),
        message=_("Organet är sparat."),
    )


@require_http_methods(["GET", "POST"])
def member_add(request, pk):
    body = get_object_or_404(Body, pk=pk)
    require(permissions.can_manage_bodies(request.user, body))
    form = forms.MemberForm(request.POST or None)
    return service_form_view(
        request,
        form=form,
        call=lambda f: svc.body_member_add(
            user=request.user,
            body=body,
            name=f.cleaned_data["name"],
            party=f.cleaned_data["party"],
            role=f.cleaned_data["role"],
            account=f.cleaned_data["user"],
        ),
        title=_("Ny ledamot eller ersättare i %(body)s") % {"body": body},
        action=request.path,
        back=body.get_absolute_url(),
        success=body.get_absolute_url(),
        message=_("Ledamoten är tillagd."),
    )


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def member_edit(request, pk):
    member = get_object_or_404(BodyMember.objects.select_related("body"), pk=pk)
    require(permissions.can_manage_bodies(request.user, member.body))
    form = forms.MemberForm(
        request.POST or None,
        initial={
            "name": member.name,
            "party": member.party,
            "role": member.role,
            "user": member.user_id,
            "active": member.active,
        },
    )
    return service_form_view(
        request,
        form=form,
        call=lambda f: svc.body_member_update(
            user=request.user, member=member, data=f.cleaned_data
        ),
        title=_("Ändra %(member)s") % {"member": member},
        action=request.path,
        back=member.body.get_absolute_url(),
        success=member.body.get_absolute_url(),
        message=_("Ledamoten är sparad."),
    )


@require_http_methods(["GET", "POST"])
def counter_set(request, pk):
    body = get_object_or_404(Body, pk=pk)
    require(permissions.can_manage_bodies(request.user, body))
    year = timezone.localdate().year
    form = forms.CounterForm(
        request.POST or None,
        initial={"year": year, "first_number": svc.next_paragraph_number(body, year)},
    )
    return service_form_view(
        request,
        form=form,
        call=lambda f: svc.paragraph_counter_set_start(
            user=request.user,
            body=body,
            year=f.cleaned_data["year"],
            first_number=f.cleaned_data["first_number"],
        ),
        title=_("Paragrafnumrering för %(body)s") % {"body": body},
        action=request.path,
        back=body.get_absolute_url(),
        success=body.get_absolute_url(),
        message=_("Paragrafnumreringen är ändrad."),
    )


# --- Meetings ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def meeting_create(request):
    require(permissions.can_plan_meeting(request.user))
    initial = {}
    if request.GET.get("body"):
        initial["body"] = request.GET["body"]
    form = forms.MeetingForm(request.POST or None, initial=initial)
    created = {}

    def call(f):
        data = f.cleaned_data
        created["meeting"] = svc.meeting_create(
            user=request.user,
            body=data["body"],
            date=data["date"],
            start_time=data["start_time"],
            end_time=data["end_time"],
            place=data["place"],
        )

    if request.method == "POST" and form.is_valid():
        try:
            call(form)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return done(
                request, created["meeting"].get_absolute_url(), _("Sammanträdet är planerat.")
            )
    return form_page(
        request,
        form=form,
        title=_("Nytt sammanträde"),
        action=request.path,
        back=reverse("decisions:index"),
        status=form_status(request),
    )


@require_GET
def meeting_detail(request, pk):
    require(permissions.can_view_meetings(request.user))

    def preload(meeting):  # read with the meeting's agenda and attendance (core.batch)
        rows = {
            "paragraphs": selectors.meeting_paragraph_rows(meeting),
            "jobs": selectors.meeting_jobs_queryset(meeting),
            "documents": selectors.meeting_documents(meeting)[:30],
            "dispatches": selectors.dispatch_log(meeting)[:50],
        }
        if not meeting.chair_id:
            rows["body_chair"] = selectors.body_chair_queryset(meeting)
        if not meeting.is_frozen:
            rows["removals"] = core_removal.removals_of(svc.meeting_scope(meeting))[:20]
        return rows

    meeting = _meeting(pk, preload)
    user = request.user
    items = list(meeting.items.all())
    paragraphs = batch.loaded(meeting, "paragraphs", ())
    signed_at = timezone.localdate(meeting.signed_at) if meeting.signed_at else None
    dates = notices.notice_dates(signed_at, meeting.notice_posted_on) if signed_at else None
    attendance = list(meeting.attendance.all())
    signatures = [s for s in meeting.signatures.all() if s.round == meeting.signing_round]
    jobs = batch.loaded(meeting, "jobs", ())
    for job in jobs:
        job.display_label = _job_context(request, job)["label"]
    chair = selectors.meeting_chair(meeting)
    can_edit = permissions.can_edit_meeting(user, meeting)
    unnumbered = [i for i in items if i.is_numbered and not hasattr(i, "paragraph")]
    documents = batch.loaded(meeting, "documents", ())
    kallelse_last = kallelse.last_dispatch(meeting) if meeting.status == "planned" else None
    can_send_kallelse = permissions.can_send_kallelse(user, meeting)
    return render(
        request,
        "decisions/meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "items": items,
            "paragraphs": paragraphs,
            "attendance": attendance,
            "others": list(meeting.others.all()),
            # What was removed from the protocol and restored (a signed one is the record).
            "removals": batch.loaded(meeting, "removals", ()) if not meeting.is_frozen else [],
            "chair": chair,
            "signatures": signatures,
            "history": [s for s in meeting.signatures.all() if s.round != meeting.signing_round],
            "can_edit": can_edit,
            "can_submit": permissions.can_submit_for_signing(user, meeting),
            "signing_problems": svc.signing_problems(meeting, chair=chair, paragraphs=paragraphs)
            if meeting.status == MeetingStatus.HELD
            else [],
            "can_withdraw": permissions.can_withdraw_from_signing(user, meeting),
            "signing_overdue": meeting.signing_overdue(timezone.localdate()),
            "can_sign": permissions.can_sign_protocol(user, meeting),
            "can_publish": permissions.can_publish_notice(user, meeting),
            "can_generate": permissions.can_generate_documents(user, meeting),
            "notice": dates,
            # not posted and its last day has passed: posted late, today
            "notice_overdue": bool(
                dates
                and notices.posting_overdue(dates.signed_on, dates.posted_on, timezone.localdate())
            ),
            "jobs": jobs,
            "documents": documents,
            # Extracts are sent from the meeting's documents: none made, none sent.
            "dispatches": batch.loaded(meeting, "dispatches", ()) if documents else [],
            # Shown on the numbering button only.
            "next_number": svc.next_paragraph_number(meeting.body, meeting.date.year)
            if can_edit and unnumbered
            else None,
            "unnumbered": unnumbered,
            "kallelse_last": kallelse_last,
            "kallelse_changes": kallelse.agenda_changes(meeting, items, kallelse_last),
            "can_send_kallelse": can_send_kallelse,
            "kallelse_without_email": kallelse.kallelse_recipients(meeting)[1]
            if can_send_kallelse
            else [],
        },
    )


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def meeting_edit(request, pk):
    meeting = _meeting(pk)
    require(permissions.can_plan_meeting(request.user))
    svc.ensure_editable(meeting)
    form = forms.MeetingForm(
        request.POST or None,
        editing=True,
        initial={
            "date": meeting.date,
            "start_time": meeting.start_time,
            "end_time": meeting.end_time,
            "place": meeting.place,
            "adjustment_place": meeting.adjustment_place,
        },
    )
    return service_form_view(
        request,
        form=form,
        call=lambda f: svc.meeting_update(user=request.user, meeting=meeting, data=f.cleaned_data),
        title=_("Ändra sammanträdet"),
        action=request.path,
        back=meeting.get_absolute_url(),
        success=meeting.get_absolute_url(),
        message=_("Sammanträdet är sparat."),
    )


@require_POST
@conflicts_as_409
def meeting_mark_held(request, pk):
    meeting = _meeting(pk)
    return _post_action(
        request,
        lambda: svc.meeting_mark_held(user=request.user, meeting=meeting),
        meeting.get_absolute_url(),
        _("Sammanträdet är markerat som genomfört."),
    )


# --- Agenda ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def agenda_add(request, pk):
    meeting = _meeting(pk)
    require(permissions.can_plan_meeting(request.user))
    svc.ensure_editable(meeting)
    form = forms.AgendaItemForm(request.POST or None)
    return service_form_view(
        request,
        form=form,
        call=lambda f: svc.agenda_item_add(user=request.user, meeting=meeting, **f.cleaned_data),
        title=_("Ny punkt på föredragningslistan"),
        action=request.path,
        back=meeting.get_absolute_url(),
        success=meeting.get_absolute_url() + "#agenda",
        message=_("Punkten är tillagd."),
    )


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def agenda_add_queue(request, pk):
    meeting = _meeting(pk)
    require(permissions.can_plan_meeting(request.user))
    svc.ensure_editable(meeting)
    queue = cases_ready_for(meeting.body.code).exclude(agenda_items__meeting=meeting)
    form = forms.QueueForm(request.POST or None, queue=queue)
    return service_form_view(
        request,
        form=form,
        call=lambda f: svc.agenda_items_add_cases(
            user=request.user, meeting=meeting, cases=list(f.cleaned_data["cases"])
        ),
        title=_("Ärenden från kön till %(body)s") % {"body": meeting.body},
        action=request.path,
        back=meeting.get_absolute_url(),
        success=meeting.get_absolute_url() + "#agenda",
        message=_("Ärendena är tillagda på föredragningslistan."),
        intro=_("Inga ärenden väntar på organet.") if not queue.exists() else "",
    )


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def agenda_add_delegation(request, pk):
    meeting = _meeting(pk)
    require(permissions.can_plan_meeting(request.user))
    svc.ensure_editable(meeting)
    require(workflow_permissions.can_report_delegation_decisions(request.user))
    queryset = DelegationDecision.objects.filter(
        reported_on__isnull=True, decided_on__lte=meeting.date
    ).select_related("case")
    form = forms.DelegationItemForm(request.POST or None, queryset=queryset)
    return service_form_view(
        request,
        form=form,
        call=lambda f: svc.agenda_item_add(
            user=request.user,
            meeting=meeting,
            kind=AgendaItem.Kind.DELEGATION,
            dnr=f.cleaned_data["dnr"],
            delegation_decisions=list(f.cleaned_data["decisions"]),
        ),
        title=_("Anmälan av delegationsbeslut"),
        action=request.path,
        back=meeting.get_absolute_url(),
        success=meeting.get_absolute_url() + "#agenda",
        message=_("Punkten för delegationsbeslut är tillagd."),
        intro=_("Alla delegationsbeslut är redan anmälda.") if not queryset.exists() else "",
    )


@require_POST
@conflicts_as_409
def item_move(request, pk, direction):
    item = get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=pk)
    return _post_action(
        request,
        lambda: svc.agenda_item_move(user=request.user, item=item, direction=direction),
        item.meeting.get_absolute_url() + "#agenda",
    )


# --- Removals: a confirmation page (GET), the removal (POST), and its undo ----------------


def _confirm_protocol_removal(request, meeting, *, kind, what, back, **kwargs):
    """``core.http.confirm_removal`` for a part of ``meeting``'s protocol: refused to those
    who may not change it (also on GET), undoable until the protocol goes for signing."""
    require(permissions.can_plan_meeting(request.user))
    svc.ensure_editable(meeting)
    undo = Undo(
        kind=kind, scope=svc.meeting_scope(meeting), url_name="decisions:removal_undo", what=what
    )
    return confirm_removal(request, back_url=back, undo=undo, **kwargs)


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def item_remove(request, pk):
    item = get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=pk)
    return _confirm_protocol_removal(
        request,
        item.meeting,
        kind="agenda_item",
        what=_("Punkten ”%(title)s”") % {"title": item.title},
        back=item.meeting.get_absolute_url() + "#agenda",
        title=_("Ta bort punkt"),
        question=_("Ta bort punkten ”%(title)s” från föredragningslistan för %(meeting)s?")
        % {"title": item.title, "meeting": item.meeting},
        details=[line for line in (item.dnr, item.presenter, item.note) if line],
        remove=lambda: svc.agenda_item_remove(user=request.user, item=item),
        done_message=_("Punkten är borttagen."),
    )


@require_POST
@conflicts_as_409
def removal_undo(request, pk):
    """The "Ångra" button after a removal in a meeting's protocol."""
    removal = get_object_or_404(Removal, pk=pk)
    require(permissions.can_plan_meeting(request.user))
    meeting = svc.removal_undo(user=request.user, removal=removal)
    messages.success(request, _("Återställt: %(what)s.") % {"what": removal.description})
    return done(request, removal.back_url or meeting.get_absolute_url())


@require_POST
@conflicts_as_409
def item_number(request, pk):
    item = get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=pk)
    return _post_action(
        request,
        lambda: svc.paragraph_add(user=request.user, item=item),
        item.meeting.get_absolute_url() + "#agenda",
        _("Punkten har fått paragrafnummer."),
    )


@require_POST
@conflicts_as_409
def meeting_number(request, pk):
    meeting = _meeting(pk)
    return _post_action(
        request,
        lambda: svc.meeting_number_items(user=request.user, meeting=meeting),
        meeting.get_absolute_url() + "#agenda",
        _("Punkterna har fått paragrafnummer."),
    )


# --- Attendance --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def attendance_edit(request, pk):
    meeting = _meeting(pk)
    require(permissions.can_plan_meeting(request.user))
    svc.ensure_editable(meeting)
    form = forms.AttendanceForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            svc.attendance_set(user=request.user, meeting=meeting, entries=form.entries())
            if form.cleaned_data["adjuster"] != meeting.adjuster:
                svc.meeting_set_adjuster(
                    user=request.user, meeting=meeting, adjuster=form.cleaned_data["adjuster"]
                )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return done(
                request, meeting.get_absolute_url() + "#attendance", _("Närvaron är sparad.")
            )
    return render(
        request,
        "decisions/meetings/attendance_form.html",
        {"meeting": meeting, "form": form, "rows": form.bound_rows()},
        status=form_status(request),
    )


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def other_add(request, pk):
    meeting = _meeting(pk)
    require(permissions.can_plan_meeting(request.user))
    svc.ensure_editable(meeting)
    form = forms.OtherAttendeeForm(request.POST or None)
    return service_form_view(
        request,
        form=form,
        call=lambda f: svc.other_attendee_add(user=request.user, meeting=meeting, **f.cleaned_data),
        title=_("Övrig närvarande"),
        action=request.path,
        back=meeting.get_absolute_url(),
        success=meeting.get_absolute_url() + "#attendance",
        message=_("Personen är tillagd."),
    )


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def other_remove(request, pk):
    other = get_object_or_404(OtherAttendee.objects.select_related("meeting"), pk=pk)
    return _confirm_protocol_removal(
        request,
        other.meeting,
        kind="other_attendee",
        what=_("Övrig närvarande %(name)s") % {"name": other.name},
        back=other.meeting.get_absolute_url() + "#attendance",
        title=_("Ta bort övrig närvarande"),
        question=_("Ta bort %(name)s från övriga närvarande vid %(meeting)s?")
        % {"name": other.name, "meeting": other.meeting},
        details=[line for line in (other.function, other.paragraphs) if line],
        remove=lambda: svc.other_attendee_remove(user=request.user, other=other),
        done_message=_("%(name)s är borttagen från närvarolistan.") % {"name": other.name},
    )


# --- Paragraphs ---------------------------------------------------------------------------


@require_GET
def paragraph_detail(request, pk):
    require(permissions.can_view_meetings(request.user))
    paragraph = _paragraph(pk)
    meeting = paragraph.meeting
    context = documents.paragraph_context(paragraph)
    # the § shows the project's texts and copies of them unmasked to the allowed: logged
    record_access.log_record_read(
        request.user, meeting, paragraph, what=_("Paragrafen"), path=request.path
    )
    return render(
        request,
        "decisions/meetings/paragraph_detail.html",
        {
            "paragraph": paragraph,
            "meeting": meeting,
            "section": context,
            "generated_proceedings": documents.generated_proceedings(paragraph),
            "can_edit": permissions.can_edit_meeting(request.user, meeting)
            and not paragraph.adjusted_at,
            "can_sign_paragraph": permissions.can_sign_paragraph(request.user, paragraph),
            "can_post_paragraph_notice": permissions.can_publish_paragraph_notice(
                request.user, paragraph
            ),
            "can_record_appeal": permissions.can_record_appeal(request.user, paragraph),
            "legal": selectors.paragraph_legal_status(paragraph),
            # a § justerad at once is posted on its own, within two days of its justering
            "posting_deadline": notices.posting_deadline(timezone.localdate(paragraph.adjusted_at))
            if paragraph.adjusted_at and not paragraph.notice_posted_on
            else None,
            "posting_overdue": bool(
                paragraph.adjusted_at
                and notices.posting_overdue(
                    timezone.localdate(paragraph.adjusted_at),
                    paragraph.notice_posted_on,
                    timezone.localdate(),
                )
            ),
            "can_extract": permissions.can_generate_extract(request.user, paragraph),
            "can_send": permissions.can_send_extract(request.user, paragraph),
            "voters": svc.paragraph_voters(paragraph),
            "totals": svc.vote_totals(paragraph),
            "extracts": paragraph.documents.filter(kind="extract").prefetch_related("dispatches"),
            "previous": meeting.paragraphs.filter(number__lt=paragraph.number)
            .order_by("-number")
            .first(),
            "next": meeting.paragraphs.filter(number__gt=paragraph.number)
            .order_by("number")
            .first(),
        },
    )


def _signer_proof(form, uses_oidc: bool, reauthenticated_at) -> dict:
    """How the signer proves who they are: a new login at the identity provider (OIDC
    sessions) or the password typed again."""
    if uses_oidc:
        return {"method": Signature.Method.OIDC, "reauthenticated_at": reauthenticated_at}
    return {"method": Signature.Method.PASSWORD, "password": form.cleaned_data["password"]}


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def paragraph_sign(request, pk):
    """Omedelbar justering of one § by the chair or the adjuster (password again)."""
    paragraph = _paragraph(pk)
    access = permissions.can_sign_paragraph(request.user, paragraph)
    if not access:
        raise PermissionDenied(access.reason)
    uses_oidc = oidc.session_uses_oidc(request)
    fresh = oidc.reauthenticated_at(request)
    if uses_oidc and request.method == "GET" and not oidc.is_fresh(fresh):
        # A new login at the identity provider first; it brings the user back here.
        return redirect(oidc.reauthenticate_url(request.path))
    form = (forms.ReauthSignForm if uses_oidc else forms.SignForm)(request.POST or None)

    def sign(f):
        svc.paragraph_sign(
            user=request.user, paragraph=paragraph, **_signer_proof(f, uses_oidc, fresh)
        )
        if uses_oidc:
            oidc.consume_reauthentication(request)

    return service_form_view(
        request,
        form=form,
        call=sign,
        title=_("Justera § %(number)s omedelbart") % {"number": paragraph.number},
        action=request.path,
        back=paragraph.get_absolute_url(),
        success=paragraph.get_absolute_url(),
        message=_("Du har justerat paragrafen."),
        submit=_("Justera paragrafen"),
        intro=_(
            "Paragrafen justeras nu, före resten av protokollet: när ordföranden och "
            "justeraren har justerat kan beslutet verkställas och ingenting i paragrafen "
            "kan ändras."
        ),
    )


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def paragraph_notice(request, pk):
    paragraph = _paragraph(pk)
    require(permissions.can_publish_paragraph_notice(request.user, paragraph))
    signed_on = timezone.localdate(paragraph.adjusted_at)
    form = forms.ParagraphNoticeForm(
        request.POST or None, initial={"posted_on": _first_posting_day(signed_on)}
    )
    return service_form_view(
        request,
        form=form,
        call=lambda f: svc.paragraph_notice_publish(
            user=request.user, paragraph=paragraph, posted_on=f.cleaned_data["posted_on"]
        ),
        title=_("Anslå justeringen av § %(number)s") % {"number": paragraph.number},
        action=request.path,
        back=paragraph.get_absolute_url(),
        success=paragraph.get_absolute_url(),
        message=_("Justeringen av paragrafen är anslagen."),
        intro=_posting_intro(signed_on),
    )


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def appeal_add(request, pk):
    paragraph = _paragraph(pk)
    require(permissions.can_record_appeal(request.user, paragraph))
    form = forms.AppealForm(request.POST or None)
    return service_form_view(
        request,
        form=form,
        call=lambda f: svc.appeal_record(user=request.user, paragraph=paragraph, **f.cleaned_data),
        title=_("Registrera överklagande av § %(number)s") % {"number": paragraph.number},
        action=request.path,
        back=paragraph.get_absolute_url(),
        success=paragraph.get_absolute_url(),
        message=_("Överklagandet är registrerat."),
    )


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def appeal_decide(request, pk, decide=None):
    """``decide``: the service that records the outcome (financing's, which also releases
    an annulled grant's money, is mounted on this path in ``norrbotten_cases/urls.py``)."""
    decide = decide or svc.appeal_decide
    appeal = get_object_or_404(Appeal.objects.select_related("paragraph__meeting"), pk=pk)
    require(permissions.can_record_appeal(request.user, appeal.paragraph))
    form = forms.AppealDecisionForm(request.POST or None)
    return service_form_view(
        request,
        form=form,
        call=lambda f: decide(user=request.user, appeal=appeal, **f.cleaned_data),
        title=_("Överklagandet avgjort"),
        action=request.path,
        back=appeal.paragraph.get_absolute_url(),
        success=appeal.paragraph.get_absolute_url(),
        message=_("Avgörandet är registrerat."),
    )


def _paragraph_form_view(request, pk, form_class, call, title, message, **form_kwargs):
    paragraph = _paragraph(pk)
    require(permissions.can_plan_meeting(request.user))
    svc.ensure_editable(paragraph.meeting)
    form = form_class(request.POST or None, paragraph=paragraph, **form_kwargs)
    return service_form_view(
        request,
        form=form,
        call=lambda f: call(paragraph, f),
        title=title % {"number": paragraph.number},
        action=request.path,
        back=paragraph.get_absolute_url(),
        success=paragraph.get_absolute_url(),
        message=message,
    )


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def paragraph_edit(request, pk):
    paragraph = _paragraph(pk)
    require(permissions.can_plan_meeting(request.user))
    svc.ensure_editable(paragraph.meeting)
    initial = forms.ParagraphForm.initial_for(paragraph)
    if paragraph.case_id:
        require(
            project_permissions.can_edit_marked_texts(request.user, initial, case=paragraph.case_id)
        )
    form = forms.ParagraphForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            svc.paragraph_update(user=request.user, paragraph=paragraph, data=form.service_data())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return done(request, paragraph.get_absolute_url(), _("Paragrafen är sparad."))
    return render(
        request,
        "decisions/meetings/paragraph_form.html",
        {"paragraph": paragraph, "form": form},
        status=form_status(request),
    )


@require_POST
@conflicts_as_409
def proceedings_regenerate(request, pk):
    paragraph = _paragraph(pk)
    return _post_action(
        request,
        lambda: svc.paragraph_update(
            user=request.user, paragraph=paragraph, data={"proceedings_override": ""}
        ),
        paragraph.get_absolute_url(),
        _("Ärendets behandling skapas nu från yrkanden och beslut."),
    )


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def conflict_add(request, pk):
    return _paragraph_form_view(
        request,
        pk,
        forms.ConflictForm,
        lambda p, f: svc.conflict_declare(user=request.user, paragraph=p, **f.cleaned_data),
        _("Anmäl jäv i § %(number)s"),
        _("Jävet är registrerat."),
    )


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def motion_add(request, pk):
    return _paragraph_form_view(
        request,
        pk,
        forms.MotionForm,
        lambda p, f: svc.motion_add(
            user=request.user,
            paragraph=p,
            movers=list(f.cleaned_data["movers"]),
            kind=f.cleaned_data["kind"],
            text=f.cleaned_data["text"],
        ),
        _("Nytt yrkande i § %(number)s"),
        _("Yrkandet är registrerat."),
    )


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def proposition_set(request, pk):
    return _paragraph_form_view(
        request,
        pk,
        forms.PropositionForm,
        lambda p, f: svc.paragraph_set_proposition(
            user=request.user,
            paragraph=p,
            put=f.cleaned_data["put"],
            carried_motion=f.carried_motion(),
            accepted_additions=list(f.cleaned_data["additions"]),
        ),
        _("Propositionsordning i § %(number)s"),
        _("Propositionsordningen är sparad."),
    )


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def vote_edit(request, pk):
    return _paragraph_form_view(
        request,
        pk,
        forms.VoteForm,
        lambda p, f: svc.vote_record(
            user=request.user, paragraph=p, votes=f.votes(), no_motion=f.cleaned_data["no_motion"]
        ),
        _("Omröstning i § %(number)s"),
        _("Omröstningen är registrerad."),
    )


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def reservation_add(request, pk):
    return _paragraph_form_view(
        request,
        pk,
        forms.ReservationForm,
        lambda p, f: svc.reservation_add(
            user=request.user,
            paragraph=p,
            members=list(f.cleaned_data["members"]),
            in_favour_of=f.cleaned_data["in_favour_of"],
            text=f.cleaned_data["text"],
        ),
        _("Reservation i § %(number)s"),
        _("Reservationen är registrerad."),
    )


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def recipient_add(request, pk):
    paragraph = _paragraph(pk)
    require(permissions.can_plan_meeting(request.user))
    svc.ensure_editable(paragraph.meeting)
    form = forms.RecipientForm(request.POST or None)
    return service_form_view(
        request,
        form=form,
        call=lambda f: svc.recipient_add(user=request.user, paragraph=paragraph, **f.cleaned_data),
        title=_("Protokollsutdrag skickas till"),
        action=request.path,
        back=paragraph.get_absolute_url(),
        success=paragraph.get_absolute_url(),
        message=_("Mottagaren är tillagd."),
    )


def decision_record(request, pk, *, record):
    """Record the body's decision in the § with ``record``. The endpoint is
    ``financing.views.paragraph_decision``: it passes
    ``financing.services.decisions.paragraph_record_decision`` (a RUN grant commits money)."""
    paragraph = _paragraph(pk)
    require(permissions.can_plan_meeting(request.user))
    svc.ensure_editable(paragraph.meeting)
    # Bound on every POST: a § recorded without moving the case posts no fields.
    data = request.POST if request.method == "POST" else None
    form = forms.DecisionForm(data, paragraph=paragraph, user=request.user)
    return service_form_view(
        request,
        form=form,
        call=lambda f: record(
            user=request.user,
            paragraph=paragraph,
            transition=f.cleaned_data.get("transition", ""),
            amount=f.cleaned_data.get("amount"),
            reason=f.cleaned_data.get("reason", ""),
            extra=f.extra(),
        ),
        title=_("Registrera beslutet i § %(number)s") % {"number": paragraph.number},
        action=request.path,
        back=paragraph.get_absolute_url(),
        success=paragraph.get_absolute_url(),
        message=_("Beslutet är registrerat."),
        intro=form.note,
    )


def _names(members) -> str:
    return ", ".join(m.display_name for m in members)


def _motion_texts(motion: Motion):
    paragraph = motion.paragraph
    question = _("Ta bort yrkandet i § %(number)s?") % {"number": paragraph.number}
    details = [
        _("%(kind)s av %(movers)s")
        % {"kind": motion.get_kind_display(), "movers": _names(motion.movers.all())}
    ]
    if motion.text:
        details.append(motion.text)
    note = ""
    if motion.pk in (paragraph.carried_motion_id, paragraph.vote_no_motion_id):
        note = _("Omröstningen och propositionsordningens utfall tas också bort.")
    elif motion.reservations.exists():
        note = _("Reservationer till förmån för yrkandet tas också bort.")
    what = _("Yrkandet i § %(number)s: %(motion)s") % {
        "number": paragraph.number,
        "motion": details[0],
    }
    return question, details, note, _("Yrkandet är borttaget."), what


def _reservation_texts(reservation: Reservation):
    number = reservation.paragraph.number
    details = [_names(reservation.members.all())]
    if reservation.in_favour_of_id:
        details.append(_("Till förmån för: %(motion)s") % {"motion": reservation.in_favour_of})
    if reservation.text:
        details.append(reservation.text)
    return (
        _("Ta bort reservationen i § %(number)s?") % {"number": number},
        details,
        "",
        _("Reservationen är borttagen."),
        _("Reservationen i § %(number)s: %(names)s") % {"number": number, "names": details[0]},
    )


def _conflict_texts(conflict: ConflictOfInterest):
    return (
        _("Ta bort jävsanmälan för %(name)s i § %(number)s?")
        % {"name": conflict.member.display_name, "number": conflict.paragraph.number},
        [conflict.reason] if conflict.reason else [],
        "",
        _("Jävsanmälan är borttagen."),
        _("Jäv för %(name)s i § %(number)s")
        % {"name": conflict.member.display_name, "number": conflict.paragraph.number},
    )


def _recipient_texts(recipient: ExtractRecipient):
    return (
        _("Ta bort %(name)s som mottagare av protokollsutdrag i § %(number)s?")
        % {"name": recipient.name, "number": recipient.paragraph.number},
        [recipient.email],
        "",
        _("Mottagaren är borttagen."),
        _("Mottagaren %(name)s i § %(number)s")
        % {"name": recipient.name, "number": recipient.paragraph.number},
    )


_REMOVABLE = {
    "motion": (Motion, svc.motion_remove, "motion", _motion_texts),
    "reservation": (Reservation, svc.reservation_remove, "reservation", _reservation_texts),
    "conflict": (ConflictOfInterest, svc.conflict_remove, "conflict", _conflict_texts),
    "recipient": (ExtractRecipient, svc.recipient_remove, "recipient", _recipient_texts),
}


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def paragraph_part_remove(request, kind, pk):
    if kind not in _REMOVABLE:
        raise Http404
    model, service, arg, texts = _REMOVABLE[kind]
    obj = get_object_or_404(model.objects.select_related("paragraph__meeting"), pk=pk)
    paragraph = obj.paragraph
    question, details, note, done_message, what = texts(obj)
    return _confirm_protocol_removal(
        request,
        paragraph.meeting,
        kind=kind,
        what=what,
        back=paragraph.get_absolute_url(),
        title=_("Ta bort ur § %(number)s") % {"number": paragraph.number},
        question=question,
        details=details,
        note=note,
        remove=lambda: service(user=request.user, **{arg: obj}),
        done_message=done_message,
    )


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def vote_clear(request, pk):
    paragraph = _paragraph(pk)
    votes = list(paragraph.votes.select_related("member"))
    return _confirm_protocol_removal(
        request,
        paragraph.meeting,
        kind="votes",
        what=_("Omröstningen i § %(number)s (%(count)s röster)")
        % {"number": paragraph.number, "count": len(votes)},
        back=paragraph.get_absolute_url(),
        title=_("Ta bort omröstningen"),
        question=_(
            "Ta bort omröstningen i § %(number)s? Alla %(count)s registrerade röster tas bort."
        )
        % {"number": paragraph.number, "count": len(votes)},
        details=[f"{v.member.display_name}: {v.get_choice_display()}" for v in votes],
        remove=lambda: svc.vote_clear(user=request.user, paragraph=paragraph),
        done_message=_("Omröstningen är borttagen."),
    )


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def paragraph_remove(request, pk):
    paragraph = _paragraph(pk)
    return _confirm_protocol_removal(
        request,
        paragraph.meeting,
        kind="paragraph",
        what=_("§ %(number)s ”%(title)s”") % {"number": paragraph.number, "title": paragraph.title},
        back=paragraph.meeting.get_absolute_url() + "#agenda",
        title=_("Ta bort paragraf"),
        question=_("Ta bort § %(number)s ”%(title)s”?")
        % {"number": paragraph.number, "title": paragraph.title},
        details=[paragraph.dnr] if paragraph.dnr else [],
        note=_(
            "Punkten blir kvar på föredragningslistan. Yrkanden, omröstning, reservationer, "
            "jäv och mottagare i paragrafen tas också bort."
        ),
        remove=lambda: svc.paragraph_remove(user=request.user, paragraph=paragraph),
        done_message=_("Paragrafen är borttagen."),
    )


# --- Justering and notice ------------------------------------------------------------------


@require_POST
@conflicts_as_409
def signing_submit(request, pk):
    meeting = _meeting(pk)
    return _post_action(
        request,
        lambda: svc.meeting_submit_for_signing(user=request.user, meeting=meeting),
        meeting.get_absolute_url() + "#justering",
        _("Protokollet är skickat till ordföranden och justeraren."),
    )


@require_POST
@conflicts_as_409
def signing_withdraw(request, pk):
    meeting = _meeting(pk)
    return _post_action(
        request,
        lambda: svc.meeting_withdraw_from_signing(user=request.user, meeting=meeting),
        meeting.get_absolute_url() + "#justering",
        _("Protokollet är tillbakadraget från justering."),
    )


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def protocol_sign(request, pk):
    """The signing page: the draft protocol beside the form; the signer enters their
    password again (a fresh proof of who signs) and signs."""
    meeting = _meeting(pk)
    role = svc.signing_check(user=request.user, meeting=meeting)
    # Signed in at the identity provider: the proof is a new login there (prompt=login),
    # not a password (core.oidc).
    uses_oidc = oidc.session_uses_oidc(request)
    fresh = oidc.reauthenticated_at(request)
    form = (forms.ReauthSignForm if uses_oidc else forms.SignForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.protocol_sign(
                user=request.user, meeting=meeting, **_signer_proof(form, uses_oidc, fresh)
            )
            if uses_oidc:
                oidc.consume_reauthentication(request)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return done(
                request,
                meeting.get_absolute_url() + "#justering",
                _("Du har justerat protokollet."),
            )
    return render(
        request,
        "decisions/meetings/sign.html",
        {
            "meeting": meeting,
            "form": form,
            "role": Signature.Role(role).label,
            "draft_url": reverse("decisions:protocol_draft", args=[meeting.pk]),
            "uses_oidc": uses_oidc,
            "reauthenticated_at": fresh if oidc.is_fresh(fresh) else None,
            "reauth_url": oidc.reauthenticate_url(request.path),
            "provider_name": settings.OIDC_PROVIDER_NAME,
        },
        status=form_status(request) if form.errors else 200,
    )


def _require_record(request, meeting, paragraph, what) -> None:
    """The signed record holds marked material as signed: 403 for those who may not see
    it, and the reading logged for those who may (``record_access``)."""
    record_access.require_readable(request.user, meeting, paragraph, what=what, path=request.path)


@require_GET
@xframe_options_sameorigin
def protocol_draft(request, pk):
    """The protocol as it stands, as HTML (shown beside the signing form): the same text
    the PDF is made from. Served only to those who may read meetings."""
    meeting = _meeting(pk)
    require(permissions.can_view_meetings(request.user))
    if meeting.status == MeetingStatus.SIGNED:  # the record, as signed: not masked
        _require_record(request, meeting, None, _("Det justerade protokollet"))
    try:
        html = documents.render_html(
            kind=GeneratedDocument.Kind.PROTOCOL, meeting=meeting, viewer=request.user
        )
    except documents.DocumentError as exc:
        html = f"<p>{escape(str(exc))}</p>"
    response = HttpResponse(html)
    # The document carries its print stylesheet inline; it may be framed by our own page.
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
        "font-src 'self'; frame-ancestors 'self'"
    )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def protocol_paper_signing(request, pk):
    """The chair and the adjuster signed the printed protocol: record the day and keep the
    scanned signed protocol."""
    meeting = _meeting(pk)
    require(permissions.can_plan_meeting(request.user))
    form = forms.PaperSigningForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.protocol_record_paper_signing(
                user=request.user,
                meeting=meeting,
                signed_on=form.cleaned_data["signed_on"],
                scan=form.cleaned_data["scan"],
                scan_name=form.cleaned_data["scan"].name,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return done(
                request,
                meeting.get_absolute_url() + "#justering",
                _("Justeringen på papper är registrerad och protokollet är låst."),
            )
    return render(
        request,
        "decisions/meetings/form_page.html",
        {
            "form": form,
            "title": _("Protokollet justerades på papper"),
            "action": request.path,
            "back": meeting.get_absolute_url() + "#justering",
            "submit": _("Registrera justeringen"),
            "multipart": True,
        },
        status=form_status(request) if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def protocol_reject(request, pk):
    meeting = _meeting(pk)
    access = permissions.can_sign_protocol(request.user, meeting)
    if not access:
        if meeting.is_frozen and has_role(request.user, Role.DECISION_MAKER):
            raise Conflict(_("Protokollet är redan justerat."))
        raise PermissionDenied(access.reason)
    form = forms.RejectSigningForm(request.POST or None)
    return service_form_view(
        request,
        form=form,
        call=lambda f: svc.protocol_reject(
            user=request.user, meeting=meeting, comment=f.cleaned_data["comment"]
        ),
        title=_("Skicka tillbaka protokollet till sekreteraren"),
        action=request.path,
        back=meeting.get_absolute_url(),
        success=meeting.get_absolute_url() + "#justering",
        message=_("Protokollet är skickat tillbaka med din kommentar."),
        submit=_("Skicka tillbaka"),
    )


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def notice_publish(request, pk):
    meeting = _meeting(pk)
    require(permissions.can_publish_notice(request.user, meeting))
    signed_on = timezone.localdate(meeting.signed_at)
    form = forms.NoticeForm(
        request.POST or None, initial={"posted_on": _first_posting_day(signed_on)}
    )
    return service_form_view(
        request,
        form=form,
        call=lambda f: svc.notice_publish(
            user=request.user, meeting=meeting, posted_on=f.cleaned_data["posted_on"]
        ),
        title=_("Anslå justeringen"),
        action=request.path,
        back=meeting.get_absolute_url(),
        success=meeting.get_absolute_url() + "#anslag",
        message=_("Justeringen är anslagen på anslagstavlan."),
        intro=_posting_intro(signed_on),
        submit=_("Anslå"),
    )


def _first_posting_day(signed_on):
    return notices.allowed_posting_dates(signed_on, timezone.localdate())[0]


def _posting_intro(signed_on) -> str:
    """What the secretary posting a notice reads: the deadline, or that it has passed."""
    deadline = notices.posting_deadline(signed_on)
    dates = {"signed": f"{signed_on:%Y-%m-%d}", "last": f"{deadline:%Y-%m-%d}"}
    if timezone.localdate() > deadline:
        return (
            _(
                "Justeringen gjordes %(signed)s och skulle ha anslagits senast %(last)s (andra "
                "dagen efter justeringen). Anslå den nu: överklagandetiden räknas från i dag, och "
                "beslutet vinner inte laga kraft förrän den har löpt ut."
            )
            % dates
        )
    return (
        _(
            "Justeringen gjordes %(signed)s. Den ska anslås senast %(last)s (andra dagen efter "
            "justeringen); överklagandetiden räknas från den dag anslaget sätts upp."
        )
        % dates
    )


# --- Documents ------------------------------------------------------------------------------


def _job_context(request, job: DocumentJob) -> dict:
    label = job.get_kind_display()
    if job.paragraph_id:
        label = f"{label} § {job.paragraph.number}"
    if job.send:
        label += " – " + _("skickas till mottagarna")
    return {
        "job": job,
        "poll_url": reverse("decisions:job_status", args=[job.pk]),
        "retry_url": reverse("decisions:job_retry", args=[job.pk])
        if permissions.can_generate_documents(request.user, job.meeting)
        else "",
        "download_url": reverse("decisions:document_download", args=[job.document_id])
        if job.document_id
        else "",
        "label": label,
    }


@require_POST
@conflicts_as_409
def document_generate(request, pk, kind):
    meeting = _meeting(pk)
    if kind not in GeneratedDocument.Kind.values or kind == GeneratedDocument.Kind.EXTRACT:
        raise Http404
    return _post_action(
        request,
        lambda: svc.document_job_request(user=request.user, meeting=meeting, kind=kind),
        meeting.get_absolute_url() + "#dokument",
        _("Dokumentet skapas. Följ förloppet nedan."),
        orders_job=True,
    )


@require_GET
def extracts_send_confirm(request, pk):
    """Before anything is sent: the recipients, the message and the attachment of every §."""
    meeting = _meeting(pk)
    require(permissions.can_generate_documents(request.user, meeting))
    paragraphs = meeting.paragraphs.select_related("body", "meeting__secretary").order_by("number")
    return _send_confirmation(
        request,
        meeting=meeting,
        preview=svc.extract_dispatch_preview(paragraphs),
        action=reverse("decisions:extracts_generate", args=[meeting.pk]),
    )


@require_GET
def extract_send_confirm(request, pk):
    paragraph = _paragraph(pk)
    require(permissions.can_generate_extract(request.user, paragraph))
    return _send_confirmation(
        request,
        meeting=paragraph.meeting,
        preview=svc.extract_dispatch_preview([paragraph]),
        action=reverse("decisions:extract_generate", args=[paragraph.pk]),
    )


def _send_confirmation(request, *, meeting, preview, action):
    return render(
        request,
        "decisions/meetings/extract_send_confirm.html",
        {"meeting": meeting, "preview": preview, "action": action},
    )


@require_GET
@xframe_options_sameorigin
def extract_preview(request, pk):
    """The extract as it will be sent (from the record of the justering), as HTML."""
    paragraph = _paragraph(pk)
    require(permissions.can_generate_extract(request.user, paragraph))
    _require_record(request, paragraph.meeting, paragraph, _("Protokollsutdrag"))
    try:
        html = documents.render_html(
            kind=GeneratedDocument.Kind.EXTRACT,
            meeting=paragraph.meeting,
            paragraph=paragraph,
            viewer=request.user,
        )
    except documents.DocumentError as exc:
        raise Http404(str(exc)) from exc
    response = HttpResponse(html)
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
        "font-src 'self'; frame-ancestors 'self'"
    )
    response["Cache-Control"] = "no-store"
    return response


def _confirmed_or_ask(request, confirm_url):
    """Sending needs the confirmation page first (recipients, message, attachment)."""
    if request.POST.get("send") == "1" and request.POST.get("confirmed") != "1":
        return redirect(confirm_url)
    return None


@require_POST
@conflicts_as_409
def extracts_generate(request, pk):
    meeting = _meeting(pk)
    ask = _confirmed_or_ask(request, reverse("decisions:extracts_send_confirm", args=[pk]))
    if ask:
        return ask
    send = request.POST.get("send") == "1"
    return _post_action(
        request,
        lambda: svc.meeting_request_extracts(user=request.user, meeting=meeting, send=send),
        meeting.get_absolute_url() + "#dokument",
        _("Protokollsutdragen skapas och skickas. Följ förloppet nedan.")
        if send
        else _("Protokollsutdragen skapas. Följ förloppet nedan."),
        orders_job=True,
    )


@require_POST
@conflicts_as_409
def extract_generate(request, pk):
    paragraph = _paragraph(pk)
    ask = _confirmed_or_ask(request, reverse("decisions:extract_send_confirm", args=[pk]))
    if ask:
        return ask
    send = request.POST.get("send") == "1"
    return _post_action(
        request,
        lambda: svc.document_job_request(
            user=request.user,
            meeting=paragraph.meeting,
            kind=GeneratedDocument.Kind.EXTRACT,
            paragraph=paragraph,
            send=send,
        ),
        paragraph.meeting.get_absolute_url() + "#dokument",
        _("Protokollsutdraget skapas. Följ förloppet nedan."),
        orders_job=True,
    )


@require_GET
def job_status(request, pk):
    require(permissions.can_view_meetings(request.user))
    job = get_object_or_404(DocumentJob.objects.select_related("meeting", "paragraph"), pk=pk)
    return render(request, "partials/job_status.html", _job_context(request, job))


@require_POST
@conflicts_as_409
def job_retry(request, pk):
    job = get_object_or_404(DocumentJob.objects.select_related("meeting", "paragraph"), pk=pk)
    job = svc.document_job_retry(user=request.user, job=job)
    job.refresh_from_db()
    if getattr(request, "htmx", False):
        return render(request, "partials/job_status.html", _job_context(request, job))
    if not job.broker_unavailable:
        messages.success(request, _("Dokumentet skapas igen."))
    return redirect(job.meeting.get_absolute_url() + "#dokument")


@require_GET
@conflicts_as_409
def document_download(request, pk):
    require(permissions.can_view_meetings(request.user))
    document = get_object_or_404(GeneratedDocument.objects.select_related("meeting"), pk=pk)
    if record_access.is_record_document(document):
        _require_record(request, document.meeting, document.paragraph, document.filename)
    handle = open_verified(document.file, document.sha256, what=document.filename)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=document.filename,
        content_type="application/pdf",
    )


@require_http_methods(["GET", "POST"])
def document_verify(request):
    """Does a printed or e-mailed copy match a stored document? By checksum or file; an
    uploaded file's digital seal is checked too."""
    require(permissions.can_view_meetings(request.user))
    form = forms.VerifyForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        if upload and upload.size > 50 * 1024 * 1024:
            form.add_error("file", _("Filen är för stor."))
        elif upload:
            result = selectors.document_check(content=upload.read())
        else:
            result = selectors.document_check(checksum=form.cleaned_data["checksum"])
    return render(
        request,
        "decisions/meetings/verify.html",
        {"form": form, "result": result},
        status=400 if request.method == "POST" and form.errors else 200,
    )


# Used by the API module for the same 409 page wording.
NON_FIELD = NON_FIELD_ERRORS


def case_section(request, case):
    """Case page: the paragraphs that handled the case, with their extracts."""
    if not permissions.can_view_meetings(request.user):
        return None
    if batch.is_loaded(case, "meetings.paragraphs"):
        paragraphs = selectors.case_paragraphs_from(
            *(batch.loaded(case, name, ()) for name in selectors.case_paragraphs_querysets(case))
        )
    else:
        paragraphs = list(selectors.case_paragraphs(case))
    if not paragraphs:
        return None
    for paragraph in paragraphs:
        paragraph.legal = selectors.paragraph_legal_status(paragraph)
    return {"paragraphs": paragraphs}


def case_section_preload(request, case) -> dict:
    """The paragraphs, their extracts and appeals, run with the rest of the case page's
    rows (``projects.case_page``, ``core.batch``)."""
    if not permissions.can_view_meetings(request.user):
        return {}
    return selectors.case_paragraphs_querysets(case)


CASE_SECTION = Section(
    key="meetings_paragraphs",
    area="side",
    template="decisions/meetings/case_section.html",
    context=case_section,
    preload=case_section_preload,
)
