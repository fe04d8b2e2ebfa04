"""HTML views of the decision workflow and its sections on the case page.

Transition forms open as htmx dialogs and work as plain pages without JavaScript. A
refused action answers 403, a stale one 409 with a clear message; for htmx requests the
answer also carries ``HX-Redirect`` back to the case page, where the message is shown.
"""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import batch
from core.access import require
from core.errors import Conflict
from core.http import (
    apply_service_errors,
    confirm_removal,
    conflict_response,
    form_status,
    query_without,
)
from core.money import format_amount
from core.pagination import register_page
from decisions.workflow import bodies, deadlines, permissions, selectors, services
from decisions.workflow.diagram import case_route_svg
from decisions.workflow.forms import (
    TRANSITION_FORMS,
    AnchoringContactForm,
    DecisionProposalForm,
    DelegationFilterForm,
)
from decisions.workflow.models import (
    AnchoringContact,
    DecisionProposal,
    latest_assessment,
    latest_forum_recommendation,
)
from projects import permissions as project_permissions
from projects.case_page import Section
from projects.filters import CaseFilter, sort_columns
from projects.models import STATE_TONES, Case, CaseKind, CaseState

S = CaseState


def state_badge(state: str) -> str:
    """The badge modifier of a state, the same colours as the projects app's badges."""
    tone = STATE_TONES.get(state, "amber")
    return f"badge--{tone}" if tone else ""


def _get_case(pk) -> Case:
    return get_object_or_404(
        Case.objects.select_related("project__applicant", "project__owner", "officer"), pk=pk
    )


def _case_url(case) -> str:
    return case.get_absolute_url()


def _refused(request, case, message: str, status: int):
    """A refused or stale action on a case: a clear message, the right status."""
    if request.htmx:
        messages.error(request, message)
        response = HttpResponse(status=status)
        response["HX-Redirect"] = _case_url(case)
        return response
    if status == 403:
        raise PermissionDenied(message)
    return conflict_response(
        request,
        message,
        title=_("Ärendet har ändrats"),
        back_url=_case_url(case),
        back_label=_("Tillbaka till ärendet %(dnr)s") % {"dnr": case.dnr},
    )


def _done(request, case, message: str):
    messages.success(request, message)
    if request.htmx:
        response = HttpResponse(status=200)
        response["HX-Redirect"] = _case_url(case)
        return response
    return HttpResponseRedirect(_case_url(case))


# --- Firing a transition ----------------------------------------------------------------


def _transition_context(request, case, info, form, reasons):
    assessment = latest_assessment(case) if case.kind == CaseKind.PROJECT_IDEA else None
    recommendation = None
    if case.kind == CaseKind.PROJECT_IDEA and case.state == S.AT_COUNCIL:
        recommendation = latest_forum_recommendation(case)
    return {
        "case": case,
        "transition": info,
        "form": form,
        "reasons": reasons,
        "action": reverse("decisions:workflow_transition", args=[case.pk, info.name]),
        "expected_state": case.state,
        "assessment": assessment,
        "recommendation": recommendation,
        "state_badge": state_badge(case.state),
    }


def _render_transition(request, context, status=200):
    template = (
        "decisions/workflow/partials/transition_modal.html"
        if request.htmx
        else "decisions/workflow/transition_page.html"
    )
    return render(request, template, context, status=status)


def _prefilled_texts_access(user, case, info):
    """A transition's form pre-filled with texts that hold marked material (a proposal's
    decision points, an assessment's proposal) is refused to a user who may not see it."""
    form = info.form_class(case=case, user=user)
    values = [form.initial, *(field.initial for field in form.fields.values())]
    return project_permissions.can_edit_marked_texts(user, values, case=case)


def transition_page(request, pk, name, *, fire, unmet):
    """GET: the transition's form (dialog or page). POST: fire it with ``fire``.

    The endpoint is ``financing.views.case_transition``: a transition may move money, so
    it passes ``financing.services.decisions.case_transition`` (the workflow's transition
    plus the money) as ``fire`` and its ``unmet_preconditions`` as ``unmet``.
    """
    case = _get_case(pk)
    if name not in TRANSITION_FORMS:
        raise Http404
    info = services.transition_info(name)
    access = permissions.can_fire(request.user, case, name)
    if not access:
        return _refused(request, case, access.reason, 403)
    if name in services.DECIDED_IN_PARAGRAPH and info.applies_to(case):
        return _refused(request, case, services.paragraph_only_message(name), 409)
    access = _prefilled_texts_access(request.user, case, info)
    if not access:
        return _refused(request, case, access.reason, 403)
    if request.method == "GET":
        if not info.applies_to(case):
            return _refused(
                request,
                case,
                _("”%(label)s” kan inte göras när ärendet har status %(state)s.")
                % {"label": info.label, "state": case.get_state_display()},
                409,
            )
        form = info.form_class(case=case, user=request.user)
        reasons = unmet(case, name)
        return _render_transition(request, _transition_context(request, case, info, form, reasons))

    expected = request.POST.get("expected_state") or case.state
    try:
        fire(
            user=request.user,
            case=case,
            transition=name,
            data=request.POST,
            motivation=request.POST.get("motivation", ""),
            expected_state=expected,
        )
    except PermissionDenied as exc:
        return _refused(request, case, str(exc) or _("Du har inte behörighet."), 403)
    except Conflict as exc:
        return _refused(request, case, str(exc), 409)
    except ValidationError as exc:
        form = info.form_class(data=request.POST, case=case, user=request.user)
        if form.is_valid():
            # The form parsed it; the transition's rules, its state or a precondition
            # refused it: each message on the field it names, the rest on top.
            apply_service_errors(form, exc)
        context = _transition_context(request, case, info, form, [])
        return _render_transition(request, context, status=200 if request.htmx else 400)
    return _done(
        request,
        case,
        _("%(label)s: ärendet har nu status %(state)s.")
        % {"label": info.label, "state": case.get_state_display()},
    )


# --- Anchoring contacts -------------------------------------------------------------------


def _anchoring_context(request, case, form=None, contacts=None):
    access = permissions.can_record_anchoring(request.user, case)
    if contacts is None:
        contacts = list(
            AnchoringContact.objects.filter(case_id=case.pk)
            .select_related("recorded_by")
            .order_by("contacted_on", "pk")
        )
    return {
        "case": case,
        "contacts": contacts,
        "can_record": bool(access),
        "can_delete": bool(access)
        and case.state in (S.REGISTERED, S.AU_PREPARATION, S.AU_ASSESSED),
        "form": form or (AnchoringContactForm() if access else None),
    }


def _anchoring_changed(request, case, *, saved=False):
    """The htmx answer once a contact is added or removed: the anchoring block and, out of
    band, the case's workflow actions ("Skicka till utvecklingsforum" needs anchoring)."""
    case = _get_case(case.pk)  # fresh: no preconditions cached before the change
    context = _anchoring_context(request, case)
    context["saved"] = saved
    context["actions"] = actions_section(request, case)
    return render(request, "decisions/workflow/partials/anchoring_changed.html", context)


@require_http_methods(["GET", "POST"])
def anchoring_add(request, pk):
    case = _get_case(pk)
    access = permissions.can_record_anchoring(request.user, case)
    if not access:
        return _refused(request, case, access.reason, 403)
    form = AnchoringContactForm(request.POST or None)
    if request.method == "POST":
        try:
            services.anchoring_contact_create(
                user=request.user,
                case=case,
                unit=request.POST.get("unit", ""),
                person=request.POST.get("person", ""),
                contacted_on=request.POST.get("contacted_on", ""),
                outcome=request.POST.get("outcome", ""),
            )
        except PermissionDenied as exc:
            return _refused(request, case, str(exc), 403)
        except ValidationError:
            form.is_valid()
        else:
            if request.htmx:
                return _anchoring_changed(request, case, saved=True)
            messages.success(request, _("Förankringen är registrerad."))
            return HttpResponseRedirect(_case_url(case) + "#anchoring")
    context = _anchoring_context(request, case, form)
    if request.htmx:
        return render(request, "decisions/workflow/partials/anchoring.html", context)
    return render(request, "decisions/workflow/anchoring_page.html", context)


@require_http_methods(["GET", "POST"])
def anchoring_delete(request, pk, contact_pk):
    """GET (and a POST without htmx): the confirmation page, ``core.http.confirm_removal``;
    htmx posts after its own confirm dialog and gets the section back."""
    case = _get_case(pk)
    contact = get_object_or_404(AnchoringContact.objects.select_related("case"), pk=contact_pk)
    if contact.case_id != case.pk:
        raise Http404
    if request.method == "GET" or not request.htmx:
        require(permissions.can_record_anchoring(request.user, case))
        return confirm_removal(
            request,
            title=_("Ta bort förankringskontakt"),
            question=_("Ta bort kontakten med %(unit)s den %(date)s från ärendet %(dnr)s?")
            % {"unit": contact.unit, "date": contact.contacted_on, "dnr": case.dnr},
            details=[line for line in (contact.person, contact.outcome) if line],
            remove=lambda: services.anchoring_contact_delete(user=request.user, contact=contact),
            back_url=_case_url(case) + "#anchoring",
            done_message=_("Förankringskontakten är borttagen."),
        )
    try:
        services.anchoring_contact_delete(user=request.user, contact=contact)
    except PermissionDenied as exc:
        return _refused(request, case, str(exc), 403)
    except Conflict as exc:
        return _refused(request, case, str(exc), 409)
    return _anchoring_changed(request, case)


# --- Decision proposal --------------------------------------------------------------


def _proposal_initial(case, proposal):
    if proposal is None:
        initial = services.decision_proposal_defaults(case)
        initial["version"] = 0
        return initial
    return {
        "decision_points": proposal.decision_points,
        "proposed_amount": proposal.proposed_amount,
        "proposes_rejection": proposal.proposes_rejection,
        "rejection_reason": proposal.rejection_reason,
        "statement": proposal.statement,
        "summary": proposal.summary,
        "special_conditions": proposal.special_conditions,
        "version": proposal.version,
    }


@require_http_methods(["GET", "POST"])
def proposal_edit(request, pk):
    case = _get_case(pk)
    access = permissions.can_edit_decision_proposal(request.user, case)
    if not access:
        return _refused(request, case, access.reason, 403)
    proposal = DecisionProposal.objects.filter(case_id=case.pk).first()
    access = project_permissions.can_edit_marked_texts(
        request.user, _proposal_initial(case, proposal), case=case
    )
    if not access:
        return _refused(request, case, access.reason, 403)
    anchoring = selectors.anchoring_status(case)
    status = 200
    conflict = ""
    if request.method == "POST":
        form = DecisionProposalForm(request.POST, case=case)
        version = _int_or_none(request.POST.get("version"))
        try:
            services.decision_proposal_save(
                user=request.user, case=case, data=request.POST, version=version
            )
        except PermissionDenied as exc:
            return _refused(request, case, str(exc), 403)
        except Conflict as exc:
            conflict = str(exc)
            status = 409
            form.is_valid()
        except ValidationError as exc:
            if form.is_valid():  # parsed: the proposal's rules refused it
                apply_service_errors(form, exc)
            status = form_status(request)
        else:
            messages.success(request, _("Beslutsförslaget är sparat."))
            return HttpResponseRedirect(_case_url(case) + "#proposal")
    else:
        form = DecisionProposalForm(initial=_proposal_initial(case, proposal), case=case)
    return render(
        request,
        "decisions/workflow/proposal_edit.html",
        {
            "case": case,
            "form": form,
            "proposal": proposal,
            "anchoring": anchoring,
            "conflict": conflict,
            "current": proposal if conflict else None,
        },
        status=status,
    )


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- Work queues --------------------------------------------------------------------


def queues(request):
    require(permissions.can_view_workflow(request.user))
    counts = selectors.queue_counts()
    return render(
        request,
        "decisions/workflow/queues.html",
        {"queues": _queue_cards(counts, None), "queue": None},
    )


QUEUE_FILTER_FIELDS = ("q", "officer", "year", "applicant")


QUEUE_PER_PAGE = 50


def queue(request, key):
    """One work queue: the projects app's case filter, table and pagination."""
    require(permissions.can_view_workflow(request.user))
    if key not in selectors.QUEUES_BY_KEY:
        raise Http404
    counts = selectors.queue_counts()
    case_filter = CaseFilter(
        request.GET or None, queryset=selectors.queue_cases(key), request=request
    )
    cases = case_filter.qs if case_filter.is_bound else case_filter.queryset
    current_sort = case_filter.current_sort
    if not request.GET.get("sort") and current_sort:
        # a queue is worked oldest first, filtered or not, unless a column is chosen (or a
        # search ranks the matches): no column header claims the order
        cases = cases.order_by(*selectors.QUEUE_ORDER)
        current_sort = ""
    page = register_page(cases, QUEUE_PER_PAGE, request.GET.get("page"))
    kinds = selectors.QUEUES_BY_KEY[key].kinds
    return render(
        request,
        "decisions/workflow/queues.html",
        {
            "queues": _queue_cards(counts, key),
            "queue": selectors.QUEUES_BY_KEY[key],
            "count": counts[key],
            "page": page,
            "filter": case_filter,
            "filter_fields": [case_filter.form[name] for name in QUEUE_FILTER_FIELDS],
            "filtered": case_filter.active_filter_count,
            "sort_links": sort_columns(request, current_sort),
            "query_without_page": query_without(request, "page"),
            "hide_columns": "granted" + (" kind" if len(kinds) == 1 else ""),
        },
    )


def _queue_cards(counts, current):
    return [
        {
            "key": q.key,
            "label": q.label,
            "description": q.description,
            "count": counts[q.key],
            "current": q.key == current,
            "url": reverse("decisions:workflow_queue", args=[q.key]),
        }
        for q in selectors.QUEUES
    ]


# --- Delegation register ---------------------------------------------------------------


DELEGATIONS_PER_PAGE = 50


def delegation_register(request):
    require(permissions.can_view_workflow(request.user))
    form = DelegationFilterForm(request.GET or None)
    reported = None
    if form.is_valid():
        reported = {"yes": True, "no": False}.get(form.cleaned_data["reported"])
    decisions = selectors.delegation_register(reported=reported)
    # it grows with every delegated decision: counted up to 1 000 past the page
    page = register_page(decisions, DELEGATIONS_PER_PAGE, request.GET.get("page"))
    return render(
        request,
        "decisions/workflow/delegation_register.html",
        {
            "form": form,
            "page": page,
            "reported": reported,
            "query": query_without(request, "page"),
        },
    )


# --- Sections on the case page (registered in DecisionsConfig.ready) --------------------


def _log_rows(case):
    cache = case.__dict__.setdefault("_workflow_view_cache", {})
    if "log" not in cache:
        cache["log"] = batch.loaded(
            case, "workflow.log", lambda: selectors.transition_log_for(case)
        )
    return cache["log"]


def _linked(case):
    cache = case.__dict__.setdefault("_workflow_view_cache", {})
    if "linked" not in cache:
        project_cases = getattr(case.project, "_prefetched_objects_cache", {}).get("cases")
        if project_cases is not None and all(other.pk == case.pk for other in project_cases):
            cache["linked"] = []  # the case page loaded the project's cases: none other
        else:
            cache["linked"] = selectors.linked_cases(case)
    return cache["linked"]


def actions_section(request, case, *, available=services.available_transitions):
    """Header: state, the transitions this user may fire now, the anchoring warning.

    On the case page this is ``financing.case_page.ACTIONS_SECTION``, which passes
    ``financing.services.decisions.available_transitions`` (the money's reasons on the
    buttons)."""
    if not permissions.can_view_workflow(request.user):
        return None
    everything = available(request.user, case)
    transitions = [t for t in everything if t.permitted]
    # A body's decision is not a button: it is recorded in the body's § at its meeting.
    # (their codes: the case page names them as the region has named its bodies)
    deciding_codes = sorted(
        {
            services.DECIDED_IN_PARAGRAPH[t.name]
            for t in everything
            if t.name in services.DECIDED_IN_PARAGRAPH
        }
    )
    known = None  # the bodies' names as the region has them, read with the page's rows
    if batch.is_loaded(case, "workflow.bodies"):
        known = bodies.names(batch.loaded(case, "workflow.bodies", ()))
    elif deciding_codes:
        known = bodies.names()
    deciding_bodies = sorted(bodies.label(code, known) for code in deciding_codes)
    for t in transitions:
        t.url = reverse("decisions:workflow_transition", args=[case.pk, t.name])
    linked = _linked(case)
    anchors_for = []
    if case.kind == CaseKind.PROJECT_IDEA and case.project.involves_healthcare:
        # The co-financing cases this idea anchors in utvecklingsrådet (seed 001 § 34).
        anchors_for = [other for other in linked if other.kind == CaseKind.CO_FINANCING]
        for other in anchors_for:
            other.state_badge = state_badge(other.state)
    return {
        "case": case,
        "state_badge": state_badge(case.state),
        "transitions": transitions,
        "deciding_bodies": deciding_bodies,
        "anchoring": selectors.anchoring_status(case, linked),
        "anchors_for": anchors_for,
        "council_passed": any(
            row.transition in selectors.COUNCIL_PASSED_TRANSITIONS for row in _log_rows(case)
        ),
    }


def records_section(request, case):
    """Main: AU assessment, anchoring, forum recommendation, delegation decision, proposal."""
    if not permissions.can_view_workflow(request.user):
        return None
    records = selectors.case_workflow_records(case)
    context = {"case": case, **records}
    if case.kind == CaseKind.PROJECT_IDEA:
        context["anchoring"] = _anchoring_context(
            request, case, contacts=records["anchoring_contacts"]
        )
    else:
        context["can_edit_proposal"] = bool(
            permissions.can_edit_decision_proposal(request.user, case)
        )
        context["anchoring_status"] = selectors.anchoring_status(case, _linked(case))
        context["anchoring_rejection_reason"] = selectors.ANCHORING_REJECTION_REASON
    return context


def diagram_section(request, case):
    if not permissions.can_view_workflow(request.user):
        return None
    return {"case": case, "svg": case_route_svg(case, _log_rows(case))}


LOG_HIDDEN_KEYS = {"decision_points", "special_conditions"}


def _display_value(field, value):
    if value in (None, "", [], {}):
        return None
    choices = dict(getattr(field, "choices", []) or [])
    if choices and value in choices:
        return str(choices[value])
    if field.__class__.__name__ == "AmountField":
        try:
            return format_amount(Decimal(str(value)))
        except (InvalidOperation, ValueError):
            return str(value)
    if field.__class__.__name__ == "YearSplitField" and isinstance(value, dict):
        return ", ".join(
            f"{year}: {format_amount(Decimal(str(amount)))}" for year, amount in value.items()
        )
    if isinstance(value, list):
        return "; ".join(str(v.get("text", v)) if isinstance(v, dict) else str(v) for v in value)
    return str(value)


def log_entries(rows) -> list[dict]:
    """The log as the page shows it: who, when, from, to, why and the recorded data."""
    entries = []
    for row in rows:
        form_class = TRANSITION_FORMS.get(row.transition)
        details = []
        if form_class is not None:
            for key, value in (row.data or {}).items():
                field = form_class.base_fields.get(key)
                if field is None:
                    continue
                shown = _display_value(field, value)
                if shown is None:
                    continue
                if key in LOG_HIDDEN_KEYS and isinstance(value, list):
                    shown = (
                        _("%(n)s st.") % {"n": len(value)}
                        if key != "decision_points"
                        else (_("%(n)s punkter") % {"n": len(value)})
                    )
                details.append({"label": field.label, "value": shown})
        entries.append(
            {
                "row": row,
                "label": row.label,
                "user": row.user.get_full_name() or row.user.get_username(),
                "details": details,
                "source_badge": state_badge(row.source),
                "target_badge": state_badge(row.target),
            }
        )
    return entries


def log_section(request, case):
    if not permissions.can_view_workflow(request.user):
        return None
    return {"case": case, "entries": log_entries(_log_rows(case))}


def timing_section(request, case):
    """Header: who acts next and since when, the case's age against its handling-time
    targets and whether it is late (förvaltningslagen 9 §)."""
    if not permissions.can_view_workflow(request.user):
        return None
    known = body_names = None
    if batch.is_loaded(case, "workflow.targets"):
        known = deadlines.targets(batch.loaded(case, "workflow.targets", ()))
    if batch.is_loaded(case, "workflow.bodies"):
        body_names = bodies.names(batch.loaded(case, "workflow.bodies", ()))
    return {
        "case": case,
        "next": deadlines.who_acts_next(case, body_names),
        "timing": deadlines.case_timing(case, known),
    }


def preload(request, case) -> dict:
    """The rows the workflow's sections read, run with the rest of the case page's
    (``projects.case_page``, ``core.batch``)."""
    if not permissions.can_view_workflow(request.user):
        return {}
    return {
        "workflow.log": selectors.transition_log_for(case),
        "workflow.targets": deadlines.targets_queryset(),
        **({"workflow.bodies": rows} if (rows := bodies.names_queryset()) is not None else {}),
        **selectors.case_workflow_records_querysets(case),
    }


# --- Sections of the case page (settings.CASE_PAGE_SECTIONS) ----------------------------

TIMING_SECTION = Section(
    key="workflow_timing",
    area="header",
    template="decisions/workflow/partials/case_timing.html",
    context=timing_section,
    preload=preload,  # for all the workflow's sections
)

RECORDS_SECTION = Section(
    key="workflow_records",
    area="main",
    template="decisions/workflow/partials/case_records.html",
    context=records_section,
)
DIAGRAM_SECTION = Section(
    key="workflow_diagram",
    area="main",
    template="decisions/workflow/partials/case_diagram.html",
    context=diagram_section,
)
LOG_SECTION = Section(
    key="workflow_log",
    area="main",
    template="decisions/workflow/partials/case_log.html",
    context=log_section,
)
