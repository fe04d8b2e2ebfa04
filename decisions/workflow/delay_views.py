"""Pages of delayed cases (förvaltningslagen 11-12 §§, ``decisions.workflow.delays``): the
case page's section, the delay notice, a party's request for a decision and its refusal."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import batch
from core.errors import Conflict
from core.http import apply_service_errors, form_status
from decisions.workflow import deadlines, delays, permissions
from decisions.workflow.forms import DecisionDemandForm, DelayNoticeForm, DemandRefusalForm
from decisions.workflow.models import DecisionDemand, DelayNotice
from projects import permissions as project_permissions
from projects import secrecy
from projects.case_page import Section
from projects.models import Case

ANCHOR = "forsening"
FORM_TEMPLATE = "projects/simple_form.html"


def _case(pk) -> Case:
    return get_object_or_404(
        Case.objects.select_related("project__applicant", "project__owner", "officer"), pk=pk
    )


def _back(case) -> str:
    return f"{case.get_absolute_url()}#{ANCHOR}"


def _guard(access) -> None:
    if not access:
        raise PermissionDenied(access.reason)


def _form_page(request, form, save, *, case, title, intro, success_message, submit_label):
    """GET shows the form; a valid POST runs ``save()`` and goes back to the case. A
    service's ValidationError becomes the form's errors (400); a Conflict (the case was
    decided meanwhile, a request already waits) keeps what was typed, with the reason (409)."""
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except Conflict as exc:
            conflict = str(exc)
            form.add_error(None, conflict)
        else:
            messages.success(request, success_message)
            return redirect(_back(case))
    return render(
        request,
        FORM_TEMPLATE,
        {
            "case": case,
            "form": form,
            "title": title,
            "subtitle": f"{case.dnr} {case.title}",
            "intro": intro,
            "cancel_url": _back(case),
            "submit_label": submit_label,
            "conflict": conflict,
        },
        status=form_status(request, conflict=bool(conflict)),
    )


@require_http_methods(["GET", "POST"])
def delay_notice_create(request, pk):
    case = _case(pk)
    _guard(project_permissions.can_edit_case(request.user, case))
    form = DelayNoticeForm(request.POST or None, initial={"recipient": delays.party_of(case)})

    def save():
        data = form.cleaned_data
        return delays.notify_delay(
            user=request.user,
            case=case,
            recipient=data["recipient"],
            reason=data["reason"],
            expected_on=data["expected_on"],
            token=str(data["token"] or ""),
        )

    return _form_page(
        request,
        form,
        save,
        case=case,
        title=_("Underrätta om försening"),
        intro=_(
            "När beslutet i ett ärende som en part har inlett bedöms bli väsentligt försenat "
            "ska parten underrättas om det och om anledningen (11 § förvaltningslagen). "
            "Brevet skapas som PDF och registreras som utgående handling i ärendet."
        ),
        success_message=_("Underrättelsen om försening skapades och registrerades."),
        submit_label=_("Skapa och registrera brevet"),
    )


@require_http_methods(["GET", "POST"])
def demand_register(request, pk):
    case = _case(pk)
    _guard(project_permissions.can_edit_case(request.user, case))
    secrets = secrecy.secrets_for(request.user, [case])

    def hidden_label(document):
        marking = secrets.hides_document(document)
        return secrecy.mask_label(marking) if marking else ""

    form = DecisionDemandForm(
        request.POST or None,
        request.FILES or None,
        documents=delays.demand_documents(case),
        hidden_label=hidden_label,
        initial={"party": delays.party_of(case)},
    )

    def save():
        data = form.cleaned_data
        return delays.register_demand(
            user=request.user,
            case=case,
            party=data["party"],
            received_on=data["received_on"],
            document=data["document"],
            file=data["file"],
        )

    return _form_page(
        request,
        form,
        save,
        case=case,
        title=_("Registrera begäran om avgörande"),
        intro=_(
            "En part vars ärende inte har avgjorts inom sex månader får skriftligen begära "
            "att det avgörs (12 § förvaltningslagen); i detta ärende från och med %(date)s. "
            "Regionen ska inom fyra veckor från att begäran kom in antingen avgöra ärendet "
            "eller avslå begäran i ett särskilt beslut."
        )
        % {"date": f"{delays.may_demand_from(case):%Y-%m-%d}"},
        success_message=_("Begäran om avgörande registrerades."),
        submit_label=_("Registrera begäran"),
    )


@require_http_methods(["GET", "POST"])
def demand_refuse(request, pk, demand_pk):
    case = _case(pk)
    demand = get_object_or_404(DecisionDemand, pk=demand_pk, case=case)
    _guard(project_permissions.can_edit_case(request.user, case))
    form = DemandRefusalForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda: delays.refuse_demand(
            user=request.user, demand=demand, reasoning=form.cleaned_data["reasoning"]
        ),
        case=case,
        title=_("Avslå begäran om avgörande"),
        intro=_(
            "Begäran kom in %(received)s. Avslaget är ett eget beslut med skälen och hur det "
            "överklagas; det skapas som PDF och registreras som utgående handling. "
            "Handläggningen av ärendet fortsätter."
        )
        % {"received": f"{demand.received_on:%Y-%m-%d}"},
        success_message=_("Beslutet om avslag skapades och registrerades."),
        submit_label=_("Fatta och registrera beslutet"),
    )


# --- The case page's section ------------------------------------------------------------


def preload(request, case) -> dict:
    if not permissions.can_view_workflow(request.user):
        return {}
    return {
        "workflow.delay_notices": DelayNotice.objects.filter(case=case).select_related("document"),
        "workflow.decision_demands": DecisionDemand.objects.filter(case=case).select_related(
            "request_document", "refusal_document"
        ),
    }


def section(request, case):
    """The case's delay notices and requests for a decision, and the actions: shown when
    there are some, or when 11-12 §§ bind the open case and it is late against its target
    or past six months."""
    if not permissions.can_view_workflow(request.user):
        return None
    if batch.is_loaded(case, "workflow.delay_notices"):
        notices = list(batch.loaded(case, "workflow.delay_notices", ()))
        demands = list(batch.loaded(case, "workflow.decision_demands", ()))
    else:
        notices = list(preload(request, case)["workflow.delay_notices"])
        demands = list(preload(request, case)["workflow.decision_demands"])
    applies = delays.applies(case)
    pending = applies and delays.is_pending(case)
    late = False
    if pending:
        known = None
        if batch.is_loaded(case, "workflow.targets"):
            known = deadlines.targets(batch.loaded(case, "workflow.targets", ()))
        late = deadlines.case_timing(case, known).late
    demand_from = delays.may_demand_from(case)
    past_six_months = pending and demand_from <= timezone.localdate()
    if not (notices or demands or late or past_six_months):
        return None
    can_act = bool(pending and project_permissions.can_edit_case(request.user, case))
    waiting = pending and any(
        not d.refused_on and not delays.is_premature(d, case) for d in demands
    )
    return {
        "case": case,
        "notices": notices,
        "demands": [
            {
                "demand": d,
                "status": delays.demand_status(d, case),
                "can_refuse": can_act and not d.refused_on and not delays.is_premature(d, case),
            }
            for d in demands
        ],
        "late": late,
        "past_six_months": past_six_months,
        "demand_from": demand_from,
        "can_notify": can_act,
        "can_register": can_act and not waiting,
    }


DELAYS_SECTION = Section(
    key="workflow_delays",
    area="main",
    template="decisions/workflow/partials/case_delays.html",
    context=section,
    preload=preload,
)
