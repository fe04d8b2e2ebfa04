"""Pages of the registry: cases, projects, organisations, documents, managed lists.

Views only parse input (forms), call services/selectors and render. Errors from
services become form errors (ValidationError), the 403 page (PermissionDenied) or a
409 answer that keeps what the user typed (Conflict).
"""

import csv

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from core import batch
from core.collation import fold, swedish_sorted
from core.errors import Conflict
from core.exports import csv_row
from core.http import (
    Undo,
    apply_service_errors,
    confirm_removal,
    conflict_response,
    conflicts_as_409,
    form_page,
    form_status,
    query_without,
    save_from_form,
)
from core.models import Removal
from core.money import format_amount
from core.pagination import CountAheadPaginator, register_page
from core.roles import Role, has_role
from core.stored import open_verified
from core.text import is_number
from projects import case_page, forms, permissions, secrecy, selectors, services
from projects import exports as registry_exports
from projects.documents import format_size
from projects.filters import CaseFilter, sort_columns
from projects.models import (
    Case,
    Document,
    DocumentRequest,
    Obligation,
    Organisation,
    Project,
    ProjectAim,
    ProjectMember,
    RusArea,
    SecrecyAccessLog,
    SecrecyMarking,
    SmartSpecialisationArea,
)
from projects.timeline import case_timeline, change_of, timeline_querysets, word_diff
from projects.widgets import OrganisationPickerWidget

CASES_PER_PAGE = 25
CASE_COUNT_CAP = 1000
TIMELINE_PER_PAGE = 15
MAX_TIMELINE_PAGE = 1_000
ORGANISATIONS_PER_PAGE = 50
PROJECTS_PER_PAGE = 50


# --- helpers ----------------------------------------------------------------------


def _guard(access) -> None:
    if not access:
        raise PermissionDenied(access.reason)


def _next_url(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


_save = save_from_form  # (ok, conflict) of a service call from a form


def _render_form(request, template, context, *, conflict=None):
    status = form_status(request, conflict=True) if conflict else 200
    return render(request, template, {**context, "conflict": conflict}, status=status)


SIMPLE_FORM = "projects/simple_form.html"


def _form_page(
    request, form, save, *, done, success_message, context, template=SIMPLE_FORM, reload=None
):
    """``core.http.form_page`` on the simple form page unless told otherwise."""
    return form_page(
        request,
        form,
        save,
        done=done,
        success_message=success_message,
        context=context,
        template=template,
        reload=reload,
    )


def _project_form_page(request, project, form, save, *, anchor, title, success_message, **extra):
    """A form about one project on the simple form page: back to the page it came from
    (``next``) or the project's, at ``anchor``."""
    back = _next_url(request, project.get_absolute_url())
    return _form_page(
        request,
        form,
        save,
        done=f"{back}#{anchor}",
        success_message=success_message,
        context={
            "title": title,
            "subtitle": project.title,
            "project": project,
            "cancel_url": back,
            "next_url": _next_url(request, ""),
            **extra,
        },
    )


def _get(model, pk, queryset=None):
    return get_object_or_404(queryset if queryset is not None else model, pk=pk)


# --- Case list --------------------------------------------------------------------


@require_GET
def case_list(request):
    _guard(permissions.can_view_registry(request.user))
    case_filter = CaseFilter(
        request.GET or None, queryset=selectors.case_table_queryset(), request=request
    )
    queryset = case_filter.qs if case_filter.is_bound else case_filter.queryset
    if request.GET.get("format") == "csv":
        return _case_csv(queryset)
    mine = request.GET.get("mine") in ("true", "1", "on", "True")
    show_mine = has_role(request.user, Role.OFFICER) or mine
    results_only = request.htmx and request.htmx.target == "case-results"
    # The page's rows, their count, the open cases' count, the saved filters and the
    # filter form's officers (also the bulk "Fördela" list) and RUS areas in one query
    # (core.batch).
    my_open = batch.count_queryset(selectors.open_cases_for(request.user)) if show_mine else None
    saved_filters = request.user.saved_case_filters.all()
    choices = {} if results_only else case_filter.choice_querysets()
    bulk_officers = None
    if permissions.can_bulk_assign(request.user):
        bulk_officers = choices["officer"] if choices else selectors.officers()
    page = batch.paginate(
        # Counted up to CASE_COUNT_CAP rows past the page: "Över 1 000 ärenden".
        CountAheadPaginator(queryset, CASES_PER_PAGE, cap=CASE_COUNT_CAP),
        request.GET.get("page"),
        saved_filters,
        *[qs for qs in (my_open, bulk_officers, *choices.values()) if qs is not None],
        # a search ranks every match: counted in the same pass, exactly
        count_with_rows=case_filter.searching,
        # The whole register (any order, any page): its plan does not depend on values,
        # so it is planned once per connection. A filtered or searched list is planned for
        # its values each time (a common state or a rare officer want different plans).
        prepare=case_filter.active_filter_count == 0 and not mine,
    )
    current_sort = case_filter.current_sort
    context = {
        "filter": case_filter,
        "page": page,
        "sort_links": sort_columns(request, current_sort),
        "mine": mine,
        # Shown on the "Mina ärenden" tab only: not counted for users without the tab.
        "my_open_count": my_open[0] if show_mine else None,
        "show_mine": show_mine,
        "can_register": permissions.can_register_case(request.user),
        "query_without_page": query_without(request, "page"),
        "csv_query": _query_with(request, format="csv"),
        "saved_filters": list(saved_filters),
        "filter_query": services.saved_filter_query(request.GET.urlencode()),
        "bulk_officers": list(bulk_officers) if bulk_officers is not None else [],
    }
    if results_only:
        return render(request, "projects/case_list.html#results", context)
    return render(request, "projects/case_list.html", context)


def _query_with(request, **values) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    for key, value in values.items():
        query[key] = value
    return query.urlencode()


class _Echo:
    def write(self, value):
        return value


def _case_csv(queryset):
    writer = csv.writer(_Echo(), delimiter=";")
    header = [
        _("Dnr"),
        _("NYPS-id"),
        _("Ärendemening"),
        _("Typ"),
        _("Status"),
        _("Sökande"),
        _("Handläggare"),
        _("Inkom"),
        _("Sökt belopp"),
        _("Beviljat belopp"),
    ]

    def rows():
        yield "\ufeff" + writer.writerow(csv_row(header))
        for case in queryset.iterator(chunk_size=500):
            yield writer.writerow(
                csv_row(
                    [
                        case.dnr,
                        case.nyps_id or "",
                        case.title,
                        case.get_kind_display(),
                        case.get_state_display(),
                        case.project.applicant.name if case.project.applicant else "",
                        case.officer.get_full_name() or case.officer.get_username(),
                        case.received_on.isoformat(),
                        format_amount(case.project.requested_amount),
                        format_amount(case.granted_amount),
                    ]
                )
            )

    stamp = timezone.localdate().isoformat()
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="arenden-{stamp}.csv"'
    return response


# --- Registering and editing cases --------------------------------------------------


@require_http_methods(["GET", "POST"])
def case_register(request):
    _guard(permissions.can_register_case(request.user))
    form = forms.CaseRegisterForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():

        def action():
            if form.cleaned_data["project_mode"] == form.PROJECT_NEW:
                return services.case_register_with_new_project(
                    user=request.user,
                    project_fields=form.project_fields(),
                    **form.case_fields(),
                )
            return services.case_register(
                user=request.user, project=form.cleaned_data["project"], **form.case_fields()
            )

        try:
            case = action()
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Ärendet registrerades med diarienummer %(dnr)s.") % {"dnr": case.dnr},
            )
            return redirect(case)
    return render(request, "projects/case_register.html", {"form": form})


def _case_or_404(pk, preload=None) -> Case:
    try:
        return selectors.case_detail(pk, preload)
    except Case.DoesNotExist as exc:
        raise Http404(_("Ärendet finns inte.")) from exc


@require_http_methods(["GET", "POST"])
def case_edit(request, pk):
    case = _get(Case, pk)
    _guard(permissions.can_edit_case(request.user, case))
    form = forms.CaseEditForm(request.POST or None, instance=case)
    return _form_page(
        request,
        form,
        lambda: services.case_update(
            user=request.user,
            case=case,
            data=form.service_data(),
            expected_token=form.cleaned_data["edit_token"],
        ),
        done=case.get_absolute_url(),
        success_message=_("Ärendet sparades."),
        template="projects/case_edit.html",
        context={"case": case},
        reload=case,
    )


# --- The case page ----------------------------------------------------------------


def _project_permissions(user, project) -> dict:
    return {
        "edit_project": permissions.can_edit_project(user, project),
        "manage_members": permissions.can_manage_members(user, project),
        "record_obligation": permissions.can_record_obligation(user, project),
        "fulfil_obligation": permissions.can_fulfil_obligation(user),
        "delete_obligation": permissions.can_manage_members(user, project),
        "close_project": permissions.can_close_project(user, project),
    }


def _members_by_group(project) -> list[dict]:
    members = list(project.members.all())
    return [
        {
            "key": key,
            "label": label,
            "members": [m for m in members if m.group == key],
        }
        for key, label in ProjectMember.Group.choices
    ]


TEXT_SECTIONS = (
    ("summary", gettext_lazy("Sammanfattning")),
    ("background", gettext_lazy("Bakgrund")),
    ("purpose", gettext_lazy("Syfte")),
    ("implementation", gettext_lazy("Genomförande")),
    ("expected_results", gettext_lazy("Förväntade resultat")),
    ("social_sustainability", gettext_lazy("Social hållbarhet")),
    ("economic_sustainability", gettext_lazy("Ekonomisk hållbarhet")),
    ("environmental_sustainability", gettext_lazy("Miljömässig hållbarhet")),
)


def _contact_mask(secrets, case_id) -> str:
    marking = secrets.hides_field(case_id, "project.contact")
    return f"[{secrecy.mask_label(marking)}]" if marking else ""


def _text_sections(project, secrets=None, case_id=None) -> list[dict]:
    """The project's texts; with ``secrets``, a text secret to the user shows its mask."""
    sections = []
    for key, label in TEXT_SECTIONS:
        text = getattr(project, key)
        if secrets is not None and case_id is not None:
            text = secrets.field_text(case_id, f"project.{key}", text)
        sections.append({"key": key, "label": label, "text": text})
    return sections


@require_GET
def case_detail(request, pk):
    _guard(permissions.can_view_registry(request.user))
    user = request.user

    def preload(case):
        # Everything the page reads about the case, in one query with the project's
        # relations (core.batch): the registry, the notes, the timeline's history rows
        # and the sections' rows.
        uploads = permissions.can_upload_document(user, case)
        titles = (  # the upload form's titles, when the registry's groups do not hold them
            {"registry.titles": selectors.document_titles_queryset(case, user)}
            if uploads and not permissions.can_view_confidential(user, case)
            else {}
        )
        if uploads:  # the upload form's provisions (a marking names its provision)
            titles["registry.provisions"] = forms.active_provisions()
        return {
            "registry": selectors.registry_queryset(case),
            "notes": case.notes.select_related("author"),
            secrecy.MARKINGS: secrecy.markings_queryset([case]),
            **titles,
            **timeline_querysets(case, entries=TIMELINE_PER_PAGE + 1),
            **case_page.preload_for(request, case),
        }

    case = _case_or_404(pk, preload)
    project = case.project
    secrets = secrecy.secrets_for(user, [case], request=request)
    timeline = _timeline_page(case, user, 1, secrets)
    registry = selectors.registry_for_case(case, user, secrets)
    if secrets.shows_marked(case.pk):
        secrecy.log_access(
            user=user,
            case=case,
            action=SecrecyAccessLog.Action.VIEW,
            what=_("Ärendesidan med sekretessmarkerade uppgifter"),
            path=request.path,
        )
    context = {
        "case": case,
        "project": project,
        "sections": case_page.sections_for(request, case),
        "document_groups": selectors.documents_for_case(case, user, registry),
        "registry": registry,
        "member_groups": _members_by_group(project),
        "obligations": list(project.obligations.all()),
        "other_cases": [c for c in project.cases.all() if c.pk != case.pk],
        "text_sections": _text_sections(project, secrets, case.pk),
        "secrecy": {
            "markings": secrets.markings(case.pk),
            "visible": secrecy.may_see_secret(user, case),
            "contact_mask": _contact_mask(secrets, case.pk),
            "can_mark": permissions.can_mark_secret(user, case),
        },
        "timeline": timeline,
        "today": timezone.localdate(),
        "can": {
            "edit_case": permissions.can_edit_case(user, case),
            "upload": permissions.can_upload_document(user, case),
            "edit_document": permissions.can_edit_document(user),
            "handle_request": permissions.can_handle_document_request(user, case),
            **_project_permissions(user, project),
        },
        "next_url": request.path,
    }
    if permissions.can_view_notes(user, case):
        context["show_notes"] = True
        context["notes"] = batch.loaded(case, "notes", lambda: case.notes.select_related("author"))
        if permissions.can_add_note(user, case):
            context["note_form"] = forms.CaseNoteForm(auto_id="note_%s")
    if context["can"]["upload"]:
        if permissions.can_view_confidential(user, case):  # the groups hold every title
            titles = swedish_sorted({group.title for group in context["document_groups"]})
        else:
            titles = selectors.document_titles(case, request.user)
        upload_form = forms.DocumentUploadForm(titles=titles, auto_id="upload_%s")
        if batch.is_loaded(case, "registry.provisions"):  # read with the page's rows
            provisions = upload_form.fields["provision"].queryset
            provisions._result_cache = batch.loaded(case, "registry.provisions", ())
            provisions._prefetch_done = True
        context["upload_form"] = upload_form
    return render(request, "projects/case_detail.html", context)


def _timeline_page(case, user, number: int, secrets=None):
    """Page ``number`` of the case's timeline: its entries and whether older ones follow
    (the newest ``number`` pages and one more entry read, not the whole history)."""
    # past any real history (a typed page number): the whole, and its last page
    wanted = number * TIMELINE_PER_PAGE + 1 if number <= MAX_TIMELINE_PAGE else None
    entries = case_timeline(case, user, secrets, entries=wanted)
    return Paginator(entries, TIMELINE_PER_PAGE).get_page(number)


def _log_marked_history(request, case, secrets) -> None:
    """As the case page: a view of the history that shows marked material unmasked."""
    if secrets.shows_marked(case.pk):
        secrecy.log_access(
            user=request.user,
            case=case,
            action=SecrecyAccessLog.Action.VIEW,
            what=_("Historiken med sekretessmarkerade uppgifter"),
            path=request.get_full_path(),
        )


@require_GET
@vary_on_headers("HX-Request")  # a fragment for htmx, the page otherwise
def case_history(request, pk):
    _guard(permissions.can_view_registry(request.user))
    case = _case_or_404(pk)
    try:
        number = max(1, int(request.GET.get("page") or 1))
    except ValueError:
        number = 1
    secrets = secrecy.secrets_for(request.user, [case], request=request)
    _log_marked_history(request, case, secrets)
    context = {"case": case, "timeline": _timeline_page(case, request.user, number, secrets)}
    if request.htmx:
        return render(request, "projects/partials/timeline_entries.html", context)
    return render(request, "projects/case_history.html", context)


@require_GET
@vary_on_headers("HX-Request")
def case_history_change(request, pk, kind, record, field):
    """One changed text of the case's timeline compared word by word: loaded into the
    timeline when its long change is opened (htmx), or a page of its own."""
    _guard(permissions.can_view_registry(request.user))
    case = _case_or_404(pk)
    secrets = secrecy.secrets_for(request.user, [case], request=request)
    change = change_of(case, request.user, kind, record, field, secrets)
    if change is None:  # not in this user's timeline (or not at all)
        raise Http404
    masker = secrecy.copy_masker(request)
    old, new = (masker.mask(text, case.pk) if text else text for text in (change.old, change.new))
    _log_marked_history(request, case, secrets)
    context = {"case": case, "change": change, "parts": word_diff(old, new)}
    if request.htmx:
        return render(request, "projects/partials/timeline_change.html", context)
    return render(request, "projects/case_history_change.html", context)


# --- Documents --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def document_upload(request, pk):
    case = _get(Case, pk)
    _guard(permissions.can_upload_document(request.user, case))
    titles = selectors.document_titles(case, request.user)
    form = forms.DocumentUploadForm(
        request.POST or None,
        request.FILES or None,
        titles=titles,
        initial={"title": request.GET.get("title", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, _conflict = _save(
            request,
            form,
            lambda: services.document_upload(
                user=request.user,
                case=case,
                file=data["file"],
                title=data["title"],
                kind=data["kind"],
                confidential=data["confidential"],
                provision=data["provision"],
                direction=data["direction"] or Document.Direction.INCOMING,
                document_date=data["document_date"],
                party_kind=data["party_kind"],
                party_name=data["party_name"],
                description=data["description"],
            ),
            success_message=_("Dokumentet registrerades."),
        )
        if ok:
            return redirect(_next_url(request, case.get_absolute_url() + "#dokument"))
    return render(
        request,
        "projects/document_upload.html",
        {
            "form": form,
            "case": case,
            "titles": titles,
            "next_url": _next_url(request, ""),
            "max_size": format_size(settings.DOCUMENT_MAX_UPLOAD_SIZE),
        },
    )


# Types a browser shows itself; everything else is always a download.
INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "text/plain"})


@conflicts_as_409
def _serve_document(request, pk, *, inline: bool):
    document = get_object_or_404(Document.objects.select_related("case"), pk=pk)
    _guard(permissions.can_view_document(request.user, document))
    handle = open_verified(document.file, document.sha256, what=document.registry_label)
    shown_inline = inline and document.content_type in INLINE_TYPES
    secrecy.log_document_read(
        request.user,
        document,
        action=SecrecyAccessLog.Action.VIEW if shown_inline else SecrecyAccessLog.Action.DOWNLOAD,
        path=request.path,
    )
    # Django writes the name as RFC 5987 ``filename*=utf-8''...`` when it is not ASCII.
    return FileResponse(
        handle,
        as_attachment=not shown_inline,
        filename=document.original_name,
        content_type=document.content_type,
    )


@require_GET
def document_download(request, pk):
    return _serve_document(request, pk, inline=request.GET.get("inline") == "1")


@require_GET
def document_view(request, pk):
    """The document opened in the browser (PDF, images, text), under its own name."""
    return _serve_document(request, pk, inline=True)


@require_http_methods(["GET", "POST"])
def document_register_email(request, pk):
    case = _get(Case, pk)
    _guard(permissions.can_upload_document(request.user, case))
    form = forms.EmailRegisterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        ok, _conflict = _save(
            request,
            form,
            lambda: services.document_register_email(
                user=request.user,
                case=case,
                file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            ),
            success_message=_("E-postmeddelandet registrerades med sina bilagor."),
        )
        if ok:
            return redirect(case.get_absolute_url() + "#diarium")
    return render(
        request,
        "projects/document_upload.html",
        {
            "form": form,
            "case": case,
            "titles": [],
            "next_url": "",
            "max_size": format_size(settings.DOCUMENT_MAX_UPLOAD_SIZE),
            "heading": _("Registrera e-post"),
        },
    )


@require_GET
def case_registry_export(request, pk, fmt):
    """The case's registry as PDF or XLSX (what the user may see, masked as on the page)."""
    _guard(permissions.can_view_registry(request.user))
    if fmt not in ("pdf", "xlsx"):
        raise Http404
    case = _case_or_404(pk)
    secrets = secrecy.secrets_for(request.user, [case])
    entries = selectors.registry_for_case(case, request.user, secrets)
    if secrets.shows_marked(case.pk):
        secrecy.log_access(
            user=request.user,
            case=case,
            action=SecrecyAccessLog.Action.DOWNLOAD,
            what=_("Diarieutdrag (%(format)s) med sekretessmarkerade handlingar")
            % {"format": fmt.upper()},
            path=request.path,
        )
    if fmt == "xlsx":
        data = registry_exports.registry_xlsx(case, entries)
        response = HttpResponse(
            data,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="diarium-{case.dnr}.xlsx"'
        return response
    data = registry_exports.registry_pdf(case, entries)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="diarium-{case.dnr}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
def document_edit(request, pk):
    document = get_object_or_404(Document.objects.select_related("case"), pk=pk)
    _guard(permissions.can_edit_document(request.user, document))
    form = forms.DocumentEditForm(
        request.POST or None,
        initial={"kind": document.kind, "confidential": document.confidential},
    )
    back = document.case.get_absolute_url() + "#dokument"
    return _form_page(
        request,
        form,
        lambda: services.document_update(
            user=request.user,
            document=document,
            kind=form.cleaned_data["kind"],
            confidential=form.cleaned_data["confidential"],
            provision=form.cleaned_data["provision"],
        ),
        done=back,
        success_message=_("Dokumentuppgifterna sparades."),
        context={
            "title": _("Ändra dokument"),
            "subtitle": str(document),
            "case": document.case,
            "cancel_url": back,
        },
    )


# --- Projects ---------------------------------------------------------------------


@require_GET
def project_list(request):
    _guard(permissions.can_view_registry(request.user))
    text = request.GET.get("q", "").strip()
    queryset = selectors.project_list_queryset().order_by("title")
    if text:
        queryset = queryset.filter(title__icontains=text) | queryset.filter(
            applicant__name__icontains=text
        )
    page = register_page(queryset, PROJECTS_PER_PAGE, request.GET.get("page"))
    return render(
        request,
        "projects/project_list.html",
        {
            "page": page,
            "q": text,
            "can_create": permissions.can_edit_registry(request.user),
            "query_without_page": query_without(request, "page"),
        },
    )


@require_http_methods(["GET", "POST"])
def project_create(request):
    _guard(permissions.can_edit_project(request.user))
    form = forms.ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        title = data.pop("title")
        ok, _conflict = _save(
            request,
            form,
            lambda: services.project_create(user=request.user, title=title, **data),
            success_message=_("Projektet skapades."),
        )
        if ok:
            return redirect(ok)
    return render(request, "projects/project_form.html", {"form": form, "project": None})


def _project_or_404(pk) -> Project:
    try:
        return selectors.project_detail(pk)
    except Project.DoesNotExist as exc:
        raise Http404(_("Projektet finns inte.")) from exc


def _project_secrets(user, project):
    """A project's text is masked when any of its cases masks it for the user."""
    cases = list(project.cases.all())
    return secrecy.secrets_for(user, cases), [c.pk for c in cases]


def _project_texts(user, project, project_secrets) -> list[dict]:
    secrets, case_ids = project_secrets
    sections = _text_sections(project)
    for section in sections:
        for case_id in case_ids:
            masked = secrets.field_text(case_id, f"project.{section['key']}", section["text"])
            if masked != section["text"]:
                section["text"] = masked
                break
    return sections


def _project_contact_mask(project_secrets) -> str:
    secrets, case_ids = project_secrets
    return next((m for m in (_contact_mask(secrets, c) for c in case_ids) if m), "")


@require_GET
def project_detail(request, pk):
    _guard(permissions.can_view_registry(request.user))
    project = _project_or_404(pk)
    project_secrets = _project_secrets(request.user, project)
    secrets, case_ids = project_secrets
    secrecy.log_project_texts_read(
        request.user,
        project.cases.all(),
        secrets,
        what=_("Projektsidan med sekretessmarkerade uppgifter"),
        path=request.path,
    )
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "member_groups": _members_by_group(project),
            "obligations": list(project.obligations.all()),
            "text_sections": _project_texts(request.user, project, project_secrets),
            "secrecy": {"contact_mask": _project_contact_mask(project_secrets)},
            "today": timezone.localdate(),
            "can": _project_permissions(request.user, project),
            "next_url": request.get_full_path(),
        },
    )


@require_http_methods(["GET", "POST"])
def project_edit(request, pk):
    project = _get(Project, pk)
    _guard(permissions.can_edit_project(request.user, project))
    _guard(permissions.can_edit_project_texts(request.user, project))
    form = forms.ProjectForm(request.POST or None, instance=project)
    return _form_page(
        request,
        form,
        lambda: services.project_update(
            user=request.user,
            project=project,
            data=form.service_data(),
            expected_token=form.cleaned_data["edit_token"],
        ),
        done=_next_url(request, project.get_absolute_url()),
        success_message=_("Projektet sparades."),
        template="projects/project_form.html",
        context={"project": project, "next_url": _next_url(request, "")},
        reload=project,
    )


@require_http_methods(["GET", "POST"])
def project_start(request, pk):
    project = _get(Project, pk)
    _guard(permissions.can_manage_members(request.user, project))
    form = forms.ProjectStartForm(
        request.POST or None,
        token_source=project,
        initial={"started_on": project.started_on, "reporting_routine": project.reporting_routine},
    )
    return _project_form_page(
        request,
        project,
        form,
        lambda: services.project_record_start(
            user=request.user,
            project=project,
            started_on=form.cleaned_data["started_on"],
            reporting_routine=form.cleaned_data["reporting_routine"],
            expected_token=form.cleaned_data["edit_token"],
        ),
        anchor="organisation",
        title=_("Projektstart och rapportering"),
        success_message=_("Projektstart och rapporteringsrutin sparades."),
    )


@require_http_methods(["GET", "POST"])
def project_closure(request, pk):
    project = _get(Project, pk)
    _guard(permissions.can_close_project(request.user, project))
    form = forms.ProjectClosureForm(
        request.POST or None,
        project=project,
        token_source=project,
        initial={
            "result_summary": project.result_summary,
            "recommendation": project.recommendation,
            "follow_up_case": project.follow_up_case_id,
            "closed_on": project.closed_on or timezone.localdate(),
        },
    )

    def save():
        data = form.cleaned_data
        return services.project_close(
            user=request.user,
            project=project,
            result_summary=data["result_summary"],
            recommendation=data["recommendation"],
            follow_up_case=data["follow_up_case"],
            closed_on=data["closed_on"],
            expected_token=data["edit_token"],
        )

    return _project_form_page(
        request,
        project,
        form,
        save,
        anchor="avslut",
        title=_("Avsluta projekt"),
        success_message=_("Projektavslutet sparades."),
        intro=_(
            "Rapportera resultatet till den instans som fattade beslutet och lämna en "
            "rekommendation till projektägaren om hur resultatet ska tas om hand."
        ),
    )


# --- Members ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def member_create(request, pk):
    project = _get(Project, pk)
    _guard(permissions.can_manage_members(request.user, project))
    initial = {"group": request.GET.get("group") or ProjectMember.Group.PROJECT_GROUP}
    form = forms.ProjectMemberForm(request.POST or None, initial=initial)
    return _project_form_page(
        request,
        project,
        form,
        lambda: services.project_member_create(
            user=request.user, project=project, **form.service_data()
        ),
        anchor="organisation",
        title=_("Lägg till person i projektorganisationen"),
        success_message=_("Personen lades till."),
    )


@require_http_methods(["GET", "POST"])
def member_edit(request, pk):
    member = get_object_or_404(ProjectMember.objects.select_related("project"), pk=pk)
    project = member.project
    _guard(permissions.can_manage_members(request.user, project))
    form = forms.ProjectMemberForm(request.POST or None, instance=member)
    return _project_form_page(
        request,
        project,
        form,
        lambda: services.project_member_update(
            user=request.user,
            member=member,
            data=form.service_data(),
            expected_token=form.cleaned_data["edit_token"],
        ),
        anchor="organisation",
        title=_("Ändra person i projektorganisationen"),
        success_message=_("Uppgifterna sparades."),
    )


@require_http_methods(["GET", "POST"])
def member_delete(request, pk):
    member = get_object_or_404(ProjectMember.objects.select_related("project"), pk=pk)
    project = member.project
    _guard(permissions.can_manage_members(request.user, project))
    return confirm_removal(
        request,
        title=_("Ta bort person"),
        question=_("Ta bort %(member)s från projektorganisationen i %(project)s?")
        % {"member": member, "project": project.title},
        details=[
            line
            for line in (
                member.get_group_display(),
                member.organisation.name if member.organisation_id else "",
                member.email,
            )
            if line
        ],
        remove=lambda: services.project_member_delete(user=request.user, member=member),
        back_url=project.get_absolute_url() + "#organisation",
        done_message=_("%(name)s togs bort.") % {"name": member.name},
        undo=Undo(
            kind=services.MEMBER_REMOVAL,
            scope=Removal.scope_of(project),
            url_name="projects:removal_undo",
            what=_("%(member)s i projektorganisationen") % {"member": member},
        ),
    )


@require_POST
def removal_undo(request, pk):
    """The "Ångra" button after a person was removed from a project's organisation."""
    removal = get_object_or_404(Removal, pk=pk)
    try:
        project = services.project_member_removal_undo(user=request.user, removal=removal)
    except Conflict as exc:
        return conflict_response(request, str(exc), back_url=removal.back_url or "/")
    messages.success(request, _("Återställt: %(what)s.") % {"what": removal.description})
    return redirect(removal.back_url or project.get_absolute_url())


# --- Notes (tjänsteanteckningar) ---------------------------------------------------


@require_http_methods(["GET", "POST"])
def case_note_add(request, pk):
    case = _get(Case, pk)
    _guard(permissions.can_add_note(request.user, case))
    form = forms.CaseNoteForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda: services.case_note_add(
            user=request.user, case=case, text=form.cleaned_data["text"]
        ),
        done=case.get_absolute_url() + "#anteckningar",
        success_message=_("Anteckningen sparades."),
        context={
            "title": _("Ny tjänsteanteckning"),
            "case": case,
            "subtitle": case.title,
            "cancel_url": case.get_absolute_url(),
            "next_url": "",
        },
    )


# --- Obligations --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def obligation_create(request, pk):
    project = _get(Project, pk)
    _guard(permissions.can_record_obligation(request.user, project))
    form = forms.ObligationForm(request.POST or None, project=project)

    def save():
        data = form.cleaned_data
        return services.obligation_create(
            user=request.user,
            project=project,
            case=data["case"],
            text=data["text"],
            due_date=data["due_date"],
            source=data["source"],
        )

    return _project_form_page(
        request,
        project,
        form,
        save,
        anchor="ataganden",
        title=_("Nytt särskilt villkor"),
        success_message=_("Villkoret registrerades."),
    )


@require_http_methods(["GET", "POST"])
def obligation_edit(request, pk):
    obligation = get_object_or_404(Obligation.objects.select_related("project"), pk=pk)
    project = obligation.project
    _guard(permissions.can_record_obligation(request.user, project))
    _guard(permissions.can_edit_marked_texts(request.user, [obligation.text], project=project))
    form = forms.ObligationForm(request.POST or None, instance=obligation, project=project)

    def save():
        data = form.cleaned_data
        return services.obligation_update(
            user=request.user,
            obligation=obligation,
            text=data["text"],
            due_date=data["due_date"],
            source=data["source"],
            case=data["case"],
            expected_token=data["edit_token"],
        )

    return _project_form_page(
        request,
        project,
        form,
        save,
        anchor="ataganden",
        title=_("Ändra särskilt villkor"),
        success_message=_("Villkoret sparades."),
    )


@require_http_methods(["GET", "POST"])
def obligation_fulfil(request, pk):
    obligation = get_object_or_404(Obligation.objects.select_related("project"), pk=pk)
    project = obligation.project
    _guard(permissions.can_fulfil_obligation(request.user, obligation))
    form = forms.ObligationFulfilForm(request.POST or None)
    return _project_form_page(
        request,
        project,
        form,
        lambda: services.obligation_fulfil(
            user=request.user,
            obligation=obligation,
            fulfilled_on=form.cleaned_data["fulfilled_on"],
            note=form.cleaned_data["note"],
        ),
        anchor="ataganden",
        title=_("Markera villkoret som uppfyllt"),
        subtitle=obligation.text,
        success_message=_("Villkoret markerades som uppfyllt."),
    )


@require_POST
def obligation_reopen(request, pk):
    obligation = get_object_or_404(Obligation.objects.select_related("project"), pk=pk)
    _guard(permissions.can_fulfil_obligation(request.user, obligation))
    back = _next_url(request, obligation.project.get_absolute_url())
    try:
        services.obligation_reopen(user=request.user, obligation=obligation)
    except Conflict as exc:
        return conflict_response(
            request, str(exc), back_url=back, title=_("Krock med en annan ändring")
        )
    messages.success(request, _("Villkoret är öppet igen."))
    return redirect(back + "#ataganden")


@require_http_methods(["GET", "POST"])
def obligation_delete(request, pk):
    obligation = get_object_or_404(Obligation.objects.select_related("project"), pk=pk)
    _guard(permissions.can_delete_obligation(request.user, obligation))
    return confirm_removal(
        request,
        title=_("Ta bort särskilt villkor"),
        question=_("Ta bort villkoret ”%(text)s”?") % {"text": obligation.text},
        details=[_("Förfaller %(date)s") % {"date": obligation.due_date}]
        if obligation.due_date
        else [],
        note=_("Borttagningen syns i ärendets historik."),
        remove=lambda: services.obligation_delete(user=request.user, obligation=obligation),
        back_url=obligation.project.get_absolute_url() + "#ataganden",
        done_message=_("Villkoret togs bort."),
    )


# --- Organisations -------------------------------------------------------------------


@require_GET
def organisation_list(request):
    _guard(permissions.can_view_registry(request.user))
    text = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    queryset = selectors.organisation_search(text)
    if kind in Organisation.Kind.values:
        queryset = queryset.filter(kind=kind)
    page = register_page(queryset, ORGANISATIONS_PER_PAGE, request.GET.get("page"))
    context = {
        "page": page,
        "q": text,
        "kind": kind,
        "kinds": Organisation.Kind.choices,
        "can_create": permissions.can_edit_organisation(request.user),
        "query_without_page": query_without(request, "page"),
    }
    if request.htmx and request.htmx.target == "organisation-results":
        return render(request, "projects/organisation_list.html#results", context)
    return render(request, "projects/organisation_list.html", context)


@require_http_methods(["GET", "POST"])
def organisation_create(request):
    _guard(permissions.can_edit_organisation(request.user))
    form = forms.OrganisationForm(request.POST or None, initial={"name": request.GET.get("name")})
    return _form_page(
        request,
        form,
        lambda: services.organisation_create(
            user=request.user,
            **{key: form.cleaned_data[key] for key in services.ORGANISATION_FIELDS},
        ),
        done=lambda organisation: _next_url(request, organisation.get_absolute_url()),
        success_message=_("Organisationen skapades."),
        template="projects/organisation_form.html",
        context={"organisation": None, "next_url": _next_url(request, "")},
    )


@require_GET
def organisation_detail(request, pk):
    _guard(permissions.can_view_registry(request.user))
    organisation = _get(Organisation, pk)
    page = register_page(
        selectors.organisation_projects_queryset(organisation),
        PROJECTS_PER_PAGE,
        request.GET.get("page"),
    )
    return render(
        request,
        "projects/organisation_detail.html",
        {
            "organisation": organisation,
            "page": page,
            "rows": selectors.organisation_project_rows(organisation, page),
            "query_without_page": query_without(request, "page"),
            "aliases": list(organisation.aliases.all()),
            "can_edit": permissions.can_edit_organisation(request.user, organisation),
        },
    )


@require_http_methods(["GET", "POST"])
def organisation_edit(request, pk):
    organisation = _get(Organisation, pk)
    _guard(permissions.can_edit_organisation(request.user, organisation))
    form = forms.OrganisationForm(request.POST or None, instance=organisation)
    return _form_page(
        request,
        form,
        lambda: services.organisation_update(
            user=request.user,
            organisation=organisation,
            data={key: form.cleaned_data[key] for key in services.ORGANISATION_FIELDS},
            expected_token=form.cleaned_data["edit_token"],
        ),
        done=reverse("projects:organisation_detail", args=[organisation.pk]),
        success_message=_("Organisationen sparades."),
        template="projects/organisation_form.html",
        context={"organisation": organisation},
        reload=organisation,
    )


PICKER_RESULTS = 12


def _picker_params(request) -> dict:
    source = request.POST if request.method == "POST" else request.GET
    field = source.get("field", "")[:100]
    base_id = source.get("id", "")[:120] or f"id_{field}"
    return {
        "field": field,
        "base_id": base_id,
        "multiple": source.get("multi") == "1",
        # the widget's ``allow_create`` (a filter's picker: no): whether the pick list
        # offers a new organisation; who may create is checked where it is created
        "allow_create": source.get("create", "1") != "0",
    }


@require_GET
def organisation_search(request):
    """The picker's pick list (htmx): matching organisations as buttons."""
    _guard(permissions.can_view_registry(request.user))
    params = _picker_params(request)
    text = (request.GET.get("q") or request.GET.get(f"{params['field']}_text") or "").strip()
    results = list(selectors.organisation_search(text, limit=PICKER_RESULTS)) if text else []
    # typed as an organisation's name, but for case or accents: no near-duplicate offered
    exact = any(fold(org.name) == fold(text) for org in results)
    return render(
        request,
        "projects/widgets/organisation_results.html",
        {
            **params,
            "q": text,
            "results": results,
            "offer_create": bool(text)
            and not exact
            and params["allow_create"]
            and permissions.can_edit_organisation(request.user),
            "create_url": reverse("projects:organisation_picker_create"),
            "chip_url": reverse("projects:organisation_chip"),
        },
    )


@require_GET
def project_search(request):
    """The project picker's pick list (htmx): projects by title, applicant, Dnr or NYPS-id."""
    _guard(permissions.can_view_registry(request.user))
    params = _picker_params(request)
    text = (request.GET.get("q") or request.GET.get(f"{params['field']}_text") or "").strip()
    return render(
        request,
        "projects/widgets/project_results.html",
        {
            **params,
            "q": text,
            "too_short": 0 < len(text) < selectors.PROJECT_SEARCH_MIN,
            "results": selectors.project_search(text, limit=PICKER_RESULTS),
        },
    )


@require_GET
def organisation_chip(request):
    """One chosen organisation of the multiple picker (htmx, appended to the list)."""
    _guard(permissions.can_view_registry(request.user))
    params = _picker_params(request)
    pk = request.GET.get("pk") or ""
    organisation = get_object_or_404(Organisation, pk=int(pk) if is_number(pk) else 0)
    return render(
        request,
        "projects/widgets/organisation_chip.html",
        {
            **params,
            "organisation": organisation,
            "clear_results": True,
            "search_url": reverse("projects:organisation_search"),
        },
    )


@require_http_methods(["GET", "POST"])
def organisation_picker_create(request):
    """Create an organisation from inside a picker (htmx dialog) and pick it."""
    _guard(permissions.can_edit_organisation(request.user))
    params = _picker_params(request)
    name = request.GET.get("name") or request.GET.get(f"{params['field']}_text", "")
    form = forms.OrganisationQuickForm(
        request.POST or None, initial={"name": name.strip()}, auto_id="neworg_%s"
    )
    if request.method == "POST" and form.is_valid():
        data = {key: form.cleaned_data[key] for key in ("name", "kind", "org_number", "city")}
        try:
            organisation = services.organisation_create(user=request.user, **data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if params["multiple"]:
                widget_html = None
            else:
                widget = OrganisationPickerWidget(oob=True)
                widget_html = widget.render(
                    params["field"], organisation.pk, attrs={"id": params["base_id"]}
                )
            return render(
                request,
                "projects/widgets/organisation_created.html",
                {**params, "organisation": organisation, "widget_html": widget_html},
            )
    if not request.htmx:
        # Reached without JavaScript: the ordinary create page does the same job.
        return redirect(reverse("projects:organisation_create") + "?" + _query_with(request))
    return render(
        request, "projects/widgets/organisation_create_modal.html", {**params, "form": form}
    )


# --- Managed lists ---------------------------------------------------------------

AREA_MODELS = {"rus": RusArea, "smart": SmartSpecialisationArea, "aims": ProjectAim}
AREA_TITLES = {
    "rus": gettext_lazy("RUS-insatsområden"),
    "smart": gettext_lazy("Fokusområden för smart specialisering"),
    "aims": gettext_lazy("Huvudsyften (återrapporteringen räknar projekten per huvudsyfte)"),
}


@require_GET
def area_list(request):
    _guard(permissions.can_view_registry(request.user))
    return render(
        request,
        "projects/area_list.html",
        {
            "lists": [
                {"key": key, "title": AREA_TITLES[key], "items": list(model.objects.all())}
                for key, model in AREA_MODELS.items()
            ],
            "can_manage": permissions.can_manage_areas(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def area_create(request, list_key):
    if list_key not in AREA_MODELS:
        raise Http404
    _guard(permissions.can_manage_areas(request.user))
    form = forms.AREA_FORMS[list_key](request.POST or None)
    return _form_page(
        request,
        form,
        lambda: services.area_create(user=request.user, list_key=list_key, **form.cleaned_data),
        done=reverse("projects:area_list"),
        success_message=_("Posten lades till."),
        context={
            "title": _("Ny post"),
            "subtitle": AREA_TITLES[list_key],
            "cancel_url": reverse("projects:area_list"),
        },
    )


@require_http_methods(["GET", "POST"])
def area_edit(request, list_key, pk):
    if list_key not in AREA_MODELS:
        raise Http404
    area = _get(AREA_MODELS[list_key], pk)
    _guard(permissions.can_manage_areas(request.user))
    form = forms.AREA_FORMS[list_key](request.POST or None, instance=area)
    return _form_page(
        request,
        form,
        lambda: services.area_update(user=request.user, area=area, data=form.cleaned_data),
        done=reverse("projects:area_list"),
        success_message=_("Posten sparades."),
        context={
            "title": _("Ändra post"),
            "subtitle": AREA_TITLES[list_key],
            "cancel_url": reverse("projects:area_list"),
        },
        reload=area,
    )


# --- Secrecy --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def secrecy_mark(request, pk):
    case = _case_or_404(pk)
    _guard(permissions.can_mark_secret(request.user, case))
    form = forms.SecrecyMarkForm(request.POST or None, case=case)
    back = case.get_absolute_url() + "#sekretess"
    return _form_page(
        request,
        form,
        lambda: services.secrecy_mark(
            user=request.user,
            case=case,
            document=form.cleaned_data["document"],
            field=form.cleaned_data["field"],
            provision=form.cleaned_data["provision"],
            note=form.cleaned_data["note"],
        ),
        done=back,
        success_message=_("Sekretessmarkeringen sparades."),
        context={
            "case": case,
            "title": _("Sekretessmarkera"),
            "cancel_url": back,
            "submit_label": _("Markera"),
        },
    )


@require_http_methods(["GET", "POST"])
def secrecy_lift(request, pk):
    marking = get_object_or_404(
        SecrecyMarking.objects.select_related("case", "provision", "document"), pk=pk
    )
    case = marking.case
    _guard(permissions.can_mark_secret(request.user, case))
    form = forms.SecrecyLiftForm(request.POST or None)
    back = case.get_absolute_url() + "#sekretess"
    return _form_page(
        request,
        form,
        lambda: services.secrecy_lift(
            user=request.user, marking=marking, reason=form.cleaned_data["reason"]
        ),
        done=back,
        success_message=_("Sekretessmarkeringen hävdes."),
        context={
            "case": case,
            "title": _("Häv sekretessmarkering"),
            "cancel_url": back,
            "submit_label": _("Häv markeringen"),
        },
    )


MARKINGS_ON_LOG_PAGE = 200
SECRECY_LOG_PER_PAGE = 50


def _with_field_label(marking):
    marking.field_label = secrecy.MARKABLE_FIELDS.get(marking.field, marking.field)
    return marking


@require_GET
def secrecy_log(request):
    """The access log of secret material and every marking with its history (auditors)."""
    _guard(permissions.can_view_access_log(request.user))
    entries = SecrecyAccessLog.objects.select_related("user", "case", "document").order_by(
        "-at", "-pk"
    )
    markings = SecrecyMarking.objects.select_related(
        "case", "document", "provision", "marked_by", "lifted_by"
    ).order_by("-marked_on", "-pk")
    return render(
        request,
        "projects/secrecy_log.html",
        {
            # every opening of marked material is a row: counted up to 1 000 past the page
            "page": register_page(entries, SECRECY_LOG_PER_PAGE, request.GET.get("page")),
            "markings": [_with_field_label(marking) for marking in markings[:MARKINGS_ON_LOG_PAGE]],
        },
    )


# --- Requests for public documents ------------------------------------------------------


@require_http_methods(["GET", "POST"])
def request_register(request, pk):
    case = _case_or_404(pk)
    _guard(permissions.can_handle_document_request(request.user, case))
    form = forms.DocumentRequestForm(request.POST or None, case=case)

    def save():
        data = form.cleaned_data
        return services.document_request_register(
            user=request.user,
            case=case,
            requester=data["requester"],
            received_on=data["received_on"],
            subject=data["subject"],
            documents=data["documents"],
        )

    return _form_page(
        request,
        form,
        save,
        done=lambda document_request: document_request.get_absolute_url(),
        success_message=_("Begäran registrerades."),
        context={
            "case": case,
            "title": _("Registrera begäran om allmän handling"),
            "cancel_url": case.get_absolute_url(),
        },
    )


@require_http_methods(["GET", "POST"])
def request_detail(request, pk):
    _guard(permissions.can_view_registry(request.user))
    document_request = get_object_or_404(
        DocumentRequest.objects.select_related(
            "case", "provision", "decided_by", "registered_by"
        ).prefetch_related("documents", "outputs"),
        pk=pk,
    )
    case = document_request.case
    can_decide = permissions.can_handle_document_request(request.user, case)
    form = forms.DocumentRequestDecisionForm(request.POST or None)
    conflict = None
    if request.method == "POST":
        _guard(can_decide)
        if form.is_valid():
            data = form.cleaned_data
            ok, conflict = _save(
                request,
                form,
                lambda: services.document_request_decide(
                    user=request.user,
                    request=document_request,
                    decision=data["decision"],
                    provision=data["provision"],
                    phrases=data["phrases"],
                    reasoning=data["reasoning"],
                ),
                success_message=_("Beslutet registrerades."),
            )
            if ok:
                return redirect(document_request.get_absolute_url())
    secrets = secrecy.secrets_for(request.user, [case])
    documents = list(document_request.documents.all())
    for document in documents:
        document.masked = secrets.hides_document(document)
    return _render_form(
        request,
        "projects/request_detail.html",
        {
            "case": case,
            "item": document_request,
            "documents": documents,
            "outputs": list(document_request.outputs.order_by("registry_number")),
            "form": form if can_decide and not document_request.decision else None,
            "target_days": settings.PUBLIC_ACCESS_TARGET_DAYS,
        },
        conflict=conflict,
    )


@require_GET
def request_list(request):
    _guard(permissions.can_view_registry(request.user))
    requests = DocumentRequest.objects.select_related("case").order_by("-received_on", "-pk")
    page = Paginator(requests, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/request_list.html",
        {"page": page, "target_days": settings.PUBLIC_ACCESS_TARGET_DAYS},
    )
