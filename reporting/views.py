"""Pages of the annual report. Views only call selectors, services and permissions."""

import difflib
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.access import require
from core.errors import Conflict
from core.http import apply_service_errors, confirm_removal, conflicts_as_409, form_status
from core.stored import open_verified
from financing import permissions as financing_permissions
from financing.models import GrantCategory, LeaderGender
from projects import permissions as project_permissions
from projects.models import ReportPriority
from projects.secrecy import copy_masker
from reporting import forms, permissions, selectors, services
from reporting.documents import build_content
from reporting.documents.content import figure_tables
from reporting.documents.word_template import active_template_bytes
from reporting.figures import (
    CASE_GROUPS,
    FIGURE_DEFINITIONS,
    cases_behind,
    commitments_behind,
    report_figures,
)
from reporting.models import CONTENT_TYPES, GeneratedReport, Insats, ReportFormat


def _message_for(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


# --- Report years ----------------------------------------------------------------------


def index(request):
    require(permissions.can_view_reports(request.user))
    can_create = permissions.can_create_report_year(request.user)
    form = forms.ReportYearCreateForm() if can_create else None
    from projects.retention.services import can_approve
    from reporting.archive.services import can_export

    return render(
        request,
        "reporting/index.html",
        {
            "reports": selectors.report_list(),
            "form": form,
            "can_create": can_create,
            # Links to the archive export and the retention run (their own permissions).
            "can_export_archive": can_export(request.user),
            "can_approve_retention": can_approve(request.user),
        },
    )


@require_POST
def report_create(request):
    require(permissions.can_create_report_year(request.user))
    form = forms.ReportYearCreateForm(request.POST)
    if form.is_valid():
        try:
            report = services.report_year_create(user=request.user, year=form.cleaned_data["year"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Återrapporteringen för %(year)s är skapad (%(source)s).")
                % {"year": report.year, "source": report.template_source},
            )
            return redirect(report)
    return render(
        request,
        "reporting/index.html",
        {"reports": selectors.report_list(), "form": form, "can_create": True},
        status=400,
    )


@require_POST
def report_next_year(request, year):
    """Create the next year's report from this one: its sections and answers (to revise)."""
    report = selectors.report_get(year)
    require(permissions.can_create_report_year(request.user))
    try:
        created = services.report_next_year_create(user=request.user, report=report)
    except ValidationError as exc:
        messages.error(request, _message_for(exc))
        return redirect(report)
    messages.success(
        request,
        _(
            "Återrapporteringen för %(year)s är skapad från %(previous)s. Förra årets svar "
            "är förda över som utkast att revidera; nyckeltalen beräknas för det nya året."
        )
        % {"year": created.year, "previous": report.year},
    )
    return redirect(created)


@require_http_methods(["GET", "POST"])
def section_edit(request, year, number):
    """Change this year's wording of a heading or question."""
    report = selectors.report_get(year)
    section = selectors.section_get(report, number)
    require(permissions.can_edit_questions(request.user, report))
    status = 200
    if request.method == "POST":
        form = forms.SectionTextForm(request.POST, section=section)
        if form.is_valid():
            try:
                services.section_update(
                    user=request.user,
                    section=section,
                    data=form.texts(),
                    fingerprint=form.cleaned_data["fingerprint"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
                status = 400
            except Conflict as exc:
                form.add_error(None, str(exc))
                status = form_status(request, conflict=True)
            else:
                messages.success(
                    request,
                    _("Texten i %(number)s är ändrad för %(year)s.")
                    % {"number": section.number, "year": report.year},
                )
                return redirect(section)
        else:
            status = 400
    else:
        form = forms.SectionTextForm(
            section=section,
            initial={
                "fingerprint": services.section_fingerprint(section),
                **{name: getattr(section, name) for name in services.QUESTION_FIELDS},
            },
        )
    return render(
        request,
        "reporting/section_edit.html",
        {"report": report, "section": section, "form": form},
        status=status,
    )


def _job_urls(request, job) -> dict:
    return {
        "poll": reverse("reporting:job_status", args=[job.pk]),
        "retry": reverse("reporting:job_retry", args=[job.pk])
        if permissions.can_retry_job(request.user, job)
        else "",
        "label": _("Återrapportering %(year)s, Word och PDF") % {"year": job.report.year},
    }


def _generation_context(request, report) -> dict:
    jobs = selectors.jobs_for_report(report)
    latest = jobs[0] if jobs else None
    files = list(selectors.files_for_report(report)[:20])
    has_final = report.is_approved and any(
        f.final and f.approved_recorded_at == report.approved_recorded_at for f in files
    )
    return {
        "latest_job": latest,
        "job_urls": _job_urls(request, latest) if latest else {},
        "jobs": jobs,
        "files": files,
        "has_final": has_final,
        "can_generate": permissions.can_generate(request.user, report) and not has_final,
        "can_download": permissions.can_download(request.user),
    }


def report_detail(request, year):
    require(permissions.can_view_reports(request.user))
    report = selectors.report_get(year)
    context = {
        "report": report,
        "progress": selectors.report_progress(report),
        "sections": selectors.section_tree(report),
        "can_edit": permissions.can_edit_report(request.user, report),
        "next_year": report.year + 1,
        "can_manage_template": permissions.can_manage_word_template(request.user),
        "can_create_next": permissions.can_create_report_year(request.user)
        and not selectors.report_exists(report.year + 1),
        "can_record_approval": permissions.can_record_approval(request.user, report),
        "check": selectors.latest_check(report),
    }
    context.update(_generation_context(request, report))
    return render(request, "reporting/report_detail.html", context)


@require_http_methods(["GET", "POST"])
def report_edit(request, year):
    report = selectors.report_get(year)
    require(permissions.can_edit_report(request.user, report))
    status = 200
    if request.method == "POST":
        form = forms.ReportYearEditForm(request.POST)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                services.report_year_update(
                    user=request.user,
                    report=report,
                    data=data,
                    version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except Conflict as exc:
                form.add_error(None, str(exc))
                status = form_status(request, conflict=True)
            else:
                messages.success(request, _("Rapportens uppgifter är sparade."))
                return redirect(report)
        if status == 200:
            status = 400
    else:
        form = forms.ReportYearEditForm(
            initial={
                "version": report.version,
                "government_reference": report.government_reference,
                "agency_reference": report.agency_reference,
                "region_reference": report.region_reference,
                "recipients": report.recipients,
            }
        )
    return render(
        request, "reporting/report_edit.html", {"report": report, "form": form}, status=status
    )


@require_http_methods(["GET", "POST"])
def report_approval(request, year):
    report = selectors.report_get(year)
    require(permissions.can_record_approval(request.user, report))
    if report.is_approved:
        messages.error(
            request,
            _("Rapporten är redan godkänd. Ett godkännande upphävs bara i en ny paragraf."),
        )
        return redirect(report)
    paragraphs = selectors.approval_candidates(report)
    status = 200
    if request.method == "POST":
        form = forms.ApprovalForm(request.POST, paragraphs=paragraphs)
        if form.is_valid():
            try:
                services.report_approval_record(
                    user=request.user,
                    report=report,
                    paragraph=form.cleaned_data["paragraph"],
                    reference=form.cleaned_data["reference"],
                    approved_on=form.cleaned_data["approved_on"],
                    version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except Conflict as exc:
                form.add_error(None, str(exc))
                status = form_status(request, conflict=True)
            else:
                messages.success(
                    request,
                    _("Godkännandet är registrerat. Rapporten kan inte längre ändras."),
                )
                return redirect(report)
        if status == 200:
            status = 400
    else:
        form = forms.ApprovalForm(
            paragraphs=paragraphs,
            initial={
                "version": report.version,
                "paragraph": report.approved_paragraph_id,
                "reference": "" if report.approved_paragraph_id else report.approval_reference,
                "approved_on": None if report.approved_paragraph_id else report.approved_on,
            },
        )
    return render(
        request, "reporting/report_approval.html", {"report": report, "form": form}, status=status
    )


@require_http_methods(["GET", "POST"])
def report_approval_clear(request, year):
    """Revoke the approval: only with the committee's new paragraph."""
    report = selectors.report_get(year)
    require(permissions.can_record_approval(request.user, report))
    if not report.is_approved:
        messages.error(request, _("Rapporten är inte godkänd."))
        return redirect(report)
    paragraphs = selectors.approval_candidates(report).exclude(pk=report.approved_paragraph_id)
    form = forms.RevokeApprovalForm(
        request.POST or None, paragraphs=paragraphs, initial={"version": report.version}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.report_approval_revoke(
                    user=request.user,
                    report=report,
                    paragraph=form.cleaned_data["paragraph"],
                    version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except Conflict as exc:
                form.add_error(None, str(exc))
                status = form_status(request, conflict=True)
            else:
                messages.success(
                    request, _("Godkännandet är upphävt; rapporten är ett utkast igen.")
                )
                return redirect(report)
    return render(
        request,
        "reporting/report_revoke.html",
        {"report": report, "form": form},
        status=status,
    )


def report_preview(request, year):
    """The report as it will be printed, in the browser (same content as the files)."""
    require(permissions.can_view_reports(request.user))
    report = selectors.report_get(year)
    return render(
        request,
        "reporting/report_preview.html",
        {"report": report, "content": build_content(report)},
    )


# --- Sections and answers -----------------------------------------------------------


def _answer_diffs(history) -> list[dict]:
    """Each saved version with the lines it added and removed compared to the one before."""
    entries = []
    versions = list(history)
    for index, version in enumerate(versions):
        older = versions[index + 1] if index + 1 < len(versions) else None
        old_lines = older.text.splitlines() if older else []
        changes = [
            line
            for line in difflib.ndiff(old_lines, version.text.splitlines())
            if line.startswith(("+ ", "- "))
        ]
        entries.append(
            {
                "version": version,
                "changes": [{"added": c.startswith("+"), "text": c[2:]} for c in changes],
                "done_changed": older is not None and older.done != version.done,
                "yes_no_changed": older is not None and older.yes_no != version.yes_no,
            }
        )
    return entries


def _section_context(request, section, *, form=None, add_form=None) -> dict:
    answer = section.answer if section.is_question else None
    report = section.report
    edit_access = permissions.can_edit_answer(request.user, answer) if answer else None
    can_edit = bool(edit_access)
    if answer is not None and form is None and can_edit:
        form = forms.AnswerForm(
            section=section,
            initial={
                "version": answer.version,
                "text": answer.text,
                "yes_no": forms.AnswerForm.yes_no_initial(answer.yes_no),
            },
        )
    can_insatser = section.has_insatser and permissions.can_edit_insatser(request.user, section)
    masker = copy_masker(request)
    insatser = (
        selectors.insatser_masked(selectors.insatser_for_section(section), masker)
        if section.has_insatser
        else []
    )
    if can_insatser and add_form is None and len(insatser) < section.insatser_max:
        add_form = forms.InsatsAddForm(projects=_available_projects(section))
    previous, following = selectors.section_neighbours(section)
    figures = report_figures(report) if section.figures else None
    return {
        "report": report,
        "section": section,
        "path": selectors.section_path(section),
        "answer": answer,
        "form": form,
        "can_edit": can_edit,
        "can_mark_done": bool(answer) and permissions.can_mark_done(request.user, answer),
        "assign_form": forms.AnswerAssignForm(
            initial={"assigned_to": answer.assigned_to_id}, include=answer.assigned_to_id
        )
        if answer is not None and permissions.can_assign_answer(request.user, answer)
        else None,
        "edit_refusal": edit_access.reason if edit_access is not None else "",
        "previous_answer": selectors.previous_answer(answer) if answer else None,
        "history": _answer_diffs(selectors.answer_history(answer)) if answer else [],
        "insatser": insatser,
        "insatser_history": (
            selectors.insatser_masked(selectors.insats_history(section), masker)
            if section.has_insatser
            else []
        ),
        "can_insatser": can_insatser,
        "add_form": add_form,
        "figure_tables": [t for block in section.figures for t in figure_tables(figures, block)]
        if figures
        else [],
        "previous_section": previous,
        "next_section": following,
        "can_edit_questions": permissions.can_edit_questions(request.user, report),
    }


def _available_projects(section):
    used = section.insatser.exclude(project=None).values("project")
    return selectors.projects_for_year(section.report.year).exclude(pk__in=used)


@require_http_methods(["GET", "POST"])
def section_detail(request, year, number):
    require(permissions.can_view_reports(request.user))
    report = selectors.report_get(year)
    section = selectors.section_get(report, number)
    status = 200
    form = None
    if request.method == "POST":
        if not section.is_question:
            raise Http404("headings have no answer")
        answer = section.answer
        require(permissions.can_edit_answer(request.user, answer))
        form = forms.AnswerForm(request.POST, section=section)
        if form.is_valid():
            try:
                services.answer_save(
                    user=request.user,
                    answer=answer,
                    text=form.cleaned_data["text"],
                    yes_no=form.cleaned_yes_no(),
                    version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
                status = 400
            except Conflict as exc:
                form.add_error(None, str(exc))
                status = form_status(request, conflict=True)
            else:
                messages.success(
                    request, _("Svaret på %(number)s är sparat.") % {"number": section.number}
                )
                if request.POST.get("next") == "1":
                    _prev, following = selectors.section_neighbours(section)
                    if following is not None:
                        return redirect(following)
                return redirect(section)
        else:
            status = 400
        section = selectors.section_get(report, number)
    return render(
        request,
        "reporting/section_detail.html",
        _section_context(request, section, form=form),
        status=status,
    )


def _post_action(request, func, success: str, target):
    try:
        func()
    except (ValidationError, Conflict) as exc:
        messages.error(request, _message_for(exc) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, success)
    return redirect(target)


def _version(request) -> int:
    """The version the form was rendered with; -1 (always stale) when missing or garbled."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


@require_POST
def answer_copy(request, year, number):
    report = selectors.report_get(year)
    section = selectors.section_get(report, number)
    if not section.is_question:
        raise Http404("headings have no answer")
    require(permissions.can_edit_answer(request.user, section.answer))
    version = _version(request)
    return _post_action(
        request,
        lambda: services.answer_copy_previous(
            user=request.user, answer=section.answer, version=version
        ),
        _("Förra årets svar är kopierat. Den tidigare texten finns kvar i historiken."),
        section,
    )


@require_POST
def answer_assign(request, year, number):
    report = selectors.report_get(year)
    section = selectors.section_get(report, number)
    if not section.is_question:
        raise Http404("headings have no answer")
    answer = section.answer
    require(permissions.can_assign_answer(request.user, answer))
    form = forms.AnswerAssignForm(request.POST, include=answer.assigned_to_id)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(section)
    assignee = form.cleaned_data["assigned_to"]
    if assignee is None:
        done = _("Ingen är ansvarig för %(number)s.") % {"number": section.number}
    else:
        done = _("%(name)s är ansvarig för %(number)s.") % {
            "name": assignee.get_full_name() or assignee.get_username(),
            "number": section.number,
        }
    return _post_action(
        request,
        lambda: services.answer_assign(user=request.user, answer=answer, assignee=assignee),
        done,
        section,
    )


@require_POST
def answer_done(request, year, number):
    report = selectors.report_get(year)
    section = selectors.section_get(report, number)
    if not section.is_question:
        raise Http404("headings have no answer")
    require(permissions.can_mark_done(request.user, section.answer))
    done = request.POST.get("done") == "1"
    target = section
    if done and request.POST.get("next") == "1":
        _prev, following = selectors.section_neighbours(section)
        target = following or section
    return _post_action(
        request,
        lambda: services.answer_set_done(user=request.user, answer=section.answer, done=done),
        _("%(number)s är markerad som klar.") % {"number": section.number}
        if done
        else _("%(number)s är markerad som ej klar.") % {"number": section.number},
        target,
    )


# --- Insatser -------------------------------------------------------------------------


@require_POST
def insats_add(request, year, number):
    report = selectors.report_get(year)
    section = selectors.section_get(report, number)
    require(permissions.can_edit_insatser(request.user, section))
    form = forms.InsatsAddForm(request.POST, projects=_available_projects(section))
    if form.is_valid():
        try:
            insats = services.insats_add(
                user=request.user, section=section, project=form.cleaned_data["project"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Insatsen ”%(title)s” är tillagd. Granska och justera texterna för rapporten.")
                % {"title": insats.title},
            )
            return redirect("reporting:insats_edit", pk=insats.pk)
    return render(
        request,
        "reporting/section_detail.html",
        _section_context(request, section, add_form=form),
        status=400,
    )


def _insats_get(pk) -> Insats:
    return get_object_or_404(Insats.objects.select_related("section__report", "project"), pk=pk)


@require_http_methods(["GET", "POST"])
def insats_edit(request, pk):
    insats = _insats_get(pk)
    section = insats.section
    require(permissions.can_edit_insatser(request.user, section))
    if insats.project_id:
        require(
            project_permissions.can_edit_marked_texts(
                request.user,
                [insats.name, insats.goal, insats.outputs, insats.effects],
                project=insats.project_id,
            )
        )
    status = 200
    if request.method == "POST":
        form = forms.InsatsForm(request.POST)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                services.insats_update(
                    user=request.user,
                    insats=insats,
                    data=data,
                    version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
                status = 400
            except Conflict as exc:
                form.add_error(None, str(exc))
                status = form_status(request, conflict=True)
            else:
                messages.success(request, _("Insatsen är sparad."))
                return redirect(
                    reverse("reporting:section_detail", args=[section.report.year, section.number])
                    + "#insatser"
                )
        else:
            status = 400
    else:
        form = forms.InsatsForm(
            initial={
                "version": insats.version,
                "name": insats.name,
                "goal": insats.goal,
                "outputs": insats.outputs,
                "effects": insats.effects,
            }
        )
    return render(
        request,
        "reporting/insats_edit.html",
        {"insats": insats, "section": section, "report": section.report, "form": form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def insats_delete(request, pk):
    """GET: the confirmation page; POST: removes the row (core.http.confirm_removal)."""
    insats = _insats_get(pk)
    section = insats.section
    require(permissions.can_edit_insatser(request.user, section))
    return confirm_removal(
        request,
        title=_("Ta bort insats"),
        question=_("Ta bort insatsen ”%(title)s” ur tabellen i avsnitt %(number)s?")
        % {"title": insats.title, "number": section.number},
        remove=lambda: services.insats_delete(user=request.user, insats=insats),
        back_url=reverse("reporting:section_detail", args=[section.report.year, section.number])
        + "#insatser",
        done_message=_("Insatsen ”%(title)s” är borttagen ur tabellen.") % {"title": insats.title},
    )


@require_POST
def insats_move(request, pk):
    insats = _insats_get(pk)
    section = insats.section
    require(permissions.can_edit_insatser(request.user, section))
    direction = request.POST.get("direction", "")
    return _post_action(
        request,
        lambda: services.insats_move(user=request.user, insats=insats, direction=direction),
        _("Ordningen är ändrad."),
        reverse("reporting:section_detail", args=[section.report.year, section.number])
        + "#insatser",
    )


# --- Figures --------------------------------------------------------------------------


def _flatten(data, prefix="") -> dict:
    out = {}
    if isinstance(data, dict):
        for key, value in data.items():
            out.update(_flatten(value, f"{prefix}{key}."))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            name = value.get("key", index) if isinstance(value, dict) else index
            out.update(_flatten(value, f"{prefix}{name}."))
    else:
        out[prefix.rstrip(".")] = data
    return out


def figures_page(request, year):
    report = selectors.report_get(year)
    require(permissions.can_view_figures(request.user, report))
    figures = report_figures(report)
    check = selectors.latest_check(report)
    changed = []
    if check is not None:
        then, now = _flatten(check.figures), _flatten(figures.as_dict())
        changed = sorted(key for key in set(then) | set(now) if then.get(key) != now.get(key))
    can_check = permissions.can_check_figures(request.user, report)
    return render(
        request,
        "reporting/figures.html",
        {
            "report": report,
            "figures": figures,
            "definitions": FIGURE_DEFINITIONS,
            "check": check,
            "changed": changed,
            "can_check": can_check,
            "check_form": forms.FigureCheckForm() if can_check else None,
            "bs_url": reverse("financing:business_support_list") + f"?year={report.year}",
            "can_import_business_support": financing_permissions.can_import_business_support(
                request.user
            ),
        },
    )


@require_POST
def figures_check(request, year):
    report = selectors.report_get(year)
    require(permissions.can_check_figures(request.user, report))
    form = forms.FigureCheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Kommentaren får vara högst 2000 tecken."))
        return redirect("reporting:figures", year=year)
    return _post_action(
        request,
        lambda: services.figures_check(
            user=request.user, report=report, note=form.cleaned_data["note"]
        ),
        _("Kontrollen av nyckeltalen är registrerad."),
        reverse("reporting:figures", args=[year]),
    )


def figures_commitments(request, year):
    report = selectors.report_get(year)
    require(permissions.can_view_figures(request.user, report))
    filters = {key: request.GET.get(key) or None for key in ("category", "priority", "gender")}
    rows = commitments_behind(report.year, **filters)
    totals = rows.aggregate(
        amount=Sum("amount"),
        released=Sum("released_sum"),
        net=Sum("net_amount"),
        paid=Sum("paid_sum"),
    )
    labels = {
        "category": dict(GrantCategory.choices),
        "priority": dict(ReportPriority.choices),
        "gender": dict(LeaderGender.choices),
    }
    active = []
    for key, value in filters.items():
        if value is not None:
            if value not in labels[key]:
                raise Http404("unknown filter value")
            active.append(labels[key][value])
    return render(
        request,
        "reporting/figures_commitments.html",
        {"report": report, "rows": rows, "totals": totals, "active_filters": active},
    )


def figures_cases(request, year, group):
    report = selectors.report_get(year)
    require(permissions.can_view_figures(request.user, report))
    if group not in CASE_GROUPS:
        raise Http404("unknown group")
    labels = {
        "received": _("Inkomna ansökningar om medfinansiering"),
        "granted": _("Beviljade ansökningar om medfinansiering"),
        "rejected": _("Avslagna ansökningar om medfinansiering"),
        "projects": _("Årets beviljade projekt"),
        "equality": _("Beviljade projekt med huvudsyfte jämställdhet"),
        "diversity": _("Beviljade projekt med huvudsyfte mångfald och integration"),
        "environment": _("Beviljade projekt med huvudsyfte miljö och klimat"),
    }
    return render(
        request,
        "reporting/figures_cases.html",
        {
            "report": report,
            "rows": cases_behind(report.year, group),
            "label": labels[group],
            "group": group,
        },
    )


# --- Generation ----------------------------------------------------------------------


def _job_partial(request, job, *, with_files=False):
    urls = _job_urls(request, job)
    context = {
        "job": job,
        "poll_url": urls["poll"],
        "retry_url": urls["retry"],
        "label": urls["label"],
        "report": job.report,
        "with_files": with_files,
    }
    if with_files:
        context.update(_generation_context(request, job.report))
        context["job"] = job
    return render(request, "reporting/partials/job.html", context)


@require_POST
def generate(request, year):
    report = selectors.report_get(year)
    require(permissions.can_generate(request.user, report))
    job, created = services.report_job_request(user=request.user, report=report)
    if not created:
        messages.info(request, _("En generering av rapporten pågår redan; följ den nedan."))
    if request.htmx:
        return _job_partial(request, selectors.job_get(job.pk))
    return redirect(reverse("reporting:report_detail", args=[year]) + "#generation")


def job_status(request, pk):
    job = selectors.job_get(pk)
    require(permissions.can_view_reports(request.user))
    if not request.htmx:
        return redirect(reverse("reporting:report_detail", args=[job.report.year]) + "#generation")
    return _job_partial(request, job, with_files=job.is_finished)


@require_POST
def job_retry(request, pk):
    job = selectors.job_get(pk)
    require(permissions.can_retry_job(request.user, job))
    try:
        services.report_job_retry(user=request.user, job=job)
    except Conflict as exc:
        if not request.htmx:
            messages.error(request, str(exc))
    else:
        job.refresh_from_db()
        if not request.htmx and not job.broker_unavailable:
            messages.success(request, _("Jobbet är skickat igen."))
    if request.htmx:
        return _job_partial(request, selectors.job_get(pk))
    return redirect(reverse("reporting:report_detail", args=[job.report.year]) + "#generation")


@conflicts_as_409
def file_download(request, pk):
    generated = get_object_or_404(GeneratedReport.objects.select_related("report"), pk=pk)
    require(permissions.can_download(request.user, generated))
    handle = open_verified(generated.file, generated.sha256, what=generated.filename)
    response = FileResponse(
        handle, as_attachment=True, filename=generated.filename, content_type=generated.content_type
    )
    response["X-Content-SHA256"] = generated.sha256
    return response


# --- The Word template ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def word_template(request):
    """Which Word template the report is built on; administrators upload a replacement."""
    require(permissions.can_manage_word_template(request.user))
    status = 200
    form = forms.WordTemplateForm()
    if request.method == "POST":
        form = forms.WordTemplateForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                services.word_template_upload(
                    user=request.user, data=upload.read(), filename=upload.name
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
                status = 400
            else:
                messages.success(
                    request, _("Den nya Word-mallen används från och med nu när rapporten skapas.")
                )
                return redirect("reporting:word_template")
        else:
            status = 400
    return render(
        request,
        "reporting/word_template.html",
        {
            "form": form,
            "current": selectors.word_template_in_use(),
            "history": selectors.word_templates(),
        },
        status=status,
    )


@require_POST
def word_template_reset(request):
    require(permissions.can_manage_word_template(request.user))
    services.word_template_reset(user=request.user)
    messages.success(request, _("Rapporten byggs åter på den levererade Word-mallen."))
    return redirect("reporting:word_template")


def word_template_download(request):
    """The template in use, to restyle in Word (everyone who reads reports)."""
    require(permissions.can_view_reports(request.user))
    current = selectors.word_template_in_use()
    name = current.filename if current else "aterrapportering-mall.docx"
    return FileResponse(
        io.BytesIO(active_template_bytes()),
        as_attachment=True,
        filename=name,
        content_type=CONTENT_TYPES[ReportFormat.DOCX],
    )
