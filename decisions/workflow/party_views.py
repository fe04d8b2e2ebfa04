"""The party's pages under förvaltningslagen: kommunicering (25 §,
``decisions.workflow.communication``), the delay notice and a party's request for a decision
and its refusal (11-12 §§, ``decisions.workflow.delays``), and the case page's section that
holds them."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import batch
from core.access import require
from core.http import conflicts_as_409, form_page
from decisions.workflow import communication, deadlines, delays, permissions
from decisions.workflow.forms import (
    CommunicationForm,
    CommunicationReplyForm,
    DecisionDemandForm,
    DelayNoticeForm,
    DemandRefusalForm,
)
from decisions.workflow.models import (
    Communication,
    DecisionDemand,
    DelayNotice,
    decision_proposal_of,
)
from projects import permissions as project_permissions
from projects import secrecy
from projects.case_page import Section
from projects.models import Case

ANCHOR = "parten"
FORM_TEMPLATE = "projects/simple_form.html"


def _case(pk) -> Case:
    return get_object_or_404(
        Case.objects.select_related("project__applicant", "project__owner", "officer"), pk=pk
    )


def _back(case) -> str:
    return f"{case.get_absolute_url()}#{ANCHOR}"


def _form_page(request, form, save, *, case, title, intro, success_message, submit_label):
    """``core.http.form_page`` on the simple form page, back to the party's section."""
    return form_page(
        request,
        form,
        save,
        done=_back(case),
        success_message=success_message,
        template=FORM_TEMPLATE,
        context={
            "case": case,
            "title": title,
            "subtitle": f"{case.dnr} {case.title}",
            "intro": intro,
            "cancel_url": _back(case),
            "submit_label": submit_label,
        },
    )


def _hidden_label(request, case):
    """The mask shown for a document secret to the user, or "" (``projects.secrecy``)."""
    secrets = secrecy.secrets_for(request.user, [case])

    def label(document):
        marking = secrets.hides_document(document)
        return secrecy.mask_label(marking) if marking else ""

    return label


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def communication_create(request, pk):
    case = _case(pk)
    require(project_permissions.can_edit_case(request.user, case))
    communication.require_applies(case)
    form = CommunicationForm(
        request.POST or None,
        documents=communication.material_documents(case),
        hidden_label=_hidden_label(request, case),
        reply_by=communication.default_reply_by(),
        initial={"recipient": delays.party_of(case)},
    )

    def save():
        data = form.cleaned_data
        return communication.communicate(
            user=request.user,
            case=case,
            recipient=data["recipient"],
            documents=list(data["documents"]),
            message=data["message"],
            reply_by=data["reply_by"],
            token=str(data["token"] or ""),
        )

    return _form_page(
        request,
        form,
        save,
        case=case,
        title=_("Kommunicera underlag"),
        intro=_(
            "Innan ärendet avgörs ska parten få ta del av det underlag som har betydelse för "
            "beslutet och yttra sig inom en bestämd tid, om det inte är uppenbart obehövligt "
            "(25 § förvaltningslagen). Brevet listar underlaget; det skapas som PDF och "
            "registreras som utgående handling. Skicka handlingarna med brevet."
        ),
        success_message=_("Kommuniceringen skapades och registrerades."),
        submit_label=_("Skapa och registrera brevet"),
    )


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def communication_reply(request, pk, communication_pk):
    case = _case(pk)
    item = get_object_or_404(Communication, pk=communication_pk, case=case)
    require(project_permissions.can_edit_case(request.user, case))
    form = CommunicationReplyForm(
        request.POST or None,
        request.FILES or None,
        documents=communication.reply_documents(case),
        hidden_label=_hidden_label(request, case),
    )

    def save():
        data = form.cleaned_data
        return communication.record_reply(
            user=request.user,
            communication=item,
            received_on=data["received_on"],
            document=data["document"],
            file=data["file"],
        )

    return _form_page(
        request,
        form,
        save,
        case=case,
        title=_("Registrera partens svar"),
        intro=_("Underlaget kommunicerades %(sent)s med svar senast %(by)s.")
        % {"sent": f"{item.sent_on:%Y-%m-%d}", "by": f"{item.reply_by:%Y-%m-%d}"},
        success_message=_("Svaret registrerades."),
        submit_label=_("Registrera svaret"),
    )


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def delay_notice_create(request, pk):
    case = _case(pk)
    require(project_permissions.can_edit_case(request.user, case))
    delays.require_applies(case)
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
@conflicts_as_409
def demand_register(request, pk):
    case = _case(pk)
    require(project_permissions.can_edit_case(request.user, case))
    delays.require_applies(case)
    form = DecisionDemandForm(
        request.POST or None,
        request.FILES or None,
        documents=delays.demand_documents(case),
        hidden_label=_hidden_label(request, case),
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
@conflicts_as_409
def demand_refuse(request, pk, demand_pk):
    case = _case(pk)
    demand = get_object_or_404(DecisionDemand, pk=demand_pk, case=case)
    require(project_permissions.can_edit_case(request.user, case))
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
        "workflow.communications": Communication.objects.filter(case=case).select_related(
            "letter", "reply"
        ),
        "workflow.delay_notices": DelayNotice.objects.filter(case=case).select_related("document"),
        "workflow.decision_demands": DecisionDemand.objects.filter(case=case).select_related(
            "request_document", "refusal_document"
        ),
    }


def _loaded(request, case) -> dict[str, list]:
    names = ("workflow.communications", "workflow.delay_notices", "workflow.decision_demands")
    if batch.is_loaded(case, names[0]):
        return {name: list(batch.loaded(case, name, ())) for name in names}
    return {name: list(queryset) for name, queryset in preload(request, case).items()}


def section(request, case):
    """What the region has sent the party and the party has asked (förvaltningslagen 11-12
    and 25 §§), with the actions: shown on a pending application (11-12 §§ only where the
    applicant is an enskild part), and wherever there is something to show."""
    if not permissions.can_view_workflow(request.user):
        return None
    rows = _loaded(request, case)
    communications = rows["workflow.communications"]
    notices = rows["workflow.delay_notices"]
    demands = rows["workflow.decision_demands"]
    pending = communication.applies(case) and delays.is_pending(case)
    if not (pending or communications or notices or demands):
        return None
    enskild = pending and delays.applies(case)  # 11-12 §§ bind it too
    late = False
    if enskild:
        known = None
        if batch.is_loaded(case, "workflow.targets"):
            known = deadlines.targets(batch.loaded(case, "workflow.targets", ()))
        late = deadlines.case_timing(case, known).late
    demand_from = delays.may_demand_from(case)
    past_six_months = enskild and demand_from <= timezone.localdate()
    can_act = bool(pending and project_permissions.can_edit_case(request.user, case))
    waiting = delays.waiting_demand(demands, case) is not None
    if batch.is_loaded(case, "workflow.proposal"):
        proposal = next(iter(batch.loaded(case, "workflow.proposal", ())), None)
    else:
        proposal = decision_proposal_of(case)
    return {
        "case": case,
        # in the case page's table of contents (``projects/case_detail.html``)
        "toc_anchor": ANCHOR,
        "toc_label": _("Parten"),
        "communications": [
            {
                "item": c,
                "status": communication.status(c),
                "can_reply": can_act and not c.replied_on,
            }
            for c in communications
        ],
        "needs_communication": communication.needs_communication(case, communications, proposal),
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
        "can_act": can_act,
        "can_notify": can_act and enskild,
        "can_register": can_act and enskild and not waiting,
    }


PARTY_SECTION = Section(
    key="workflow_party",
    area="main",
    template="decisions/workflow/partials/case_party.html",
    context=section,
    preload=preload,
)
