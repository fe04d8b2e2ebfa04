"""Case decisions that move money, in one place.

The workflow (``decisions.workflow``) and the meetings (``decisions.meetings``) know
nothing of money; this module fires their transitions and does what a decision means for
the anslag in the same transaction, so reading it shows everything a decision does:

- a co-financing case goes before RUN only with a financing plan a controller approved;
- the delegationsordning (``financing.rules``) decides who decides: a case a rule covers
  is decided by the delegate (and RUN's buttons say so), any other by the body;
- a RUN grant commits the granted amount against each payment year's anslag; when it
  does not fit, the decision is refused and nothing is saved;
- closing or withdrawing a case releases what is left of its commitments, and so does an
  appeal that annuls the § that granted the money (``appeal_decide``).

Every page and API endpoint that fires a case transition or records a body's decision
calls these functions (``financing.views``, ``financing.api``), never the lower layers'.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import batch
from core.money import AmountError, parse_amount
from decisions.meetings import services as meetings
from decisions.meetings.models import Appeal, Paragraph
from decisions.workflow import permissions as workflow_permissions
from decisions.workflow import services as workflow
from decisions.workflow.models import TransitionLog
from financing import rules
from financing.models import FinancingPlan, PlanStatus
from financing.services.commitments import (
    commitments_for_grant_decision,
    release_remainders,
    releases_at_case_closure,
    releases_at_withdrawal,
)
from financing.services.payments import effects_of_grant_decision
from projects.models import Case, CaseKind, CaseState


def plan_approved_before_run(case: Case) -> list[str]:
    """Why a co-financing case may not go before RUN yet (empty: it may). Cheap and
    free of side effects: it also explains a disabled button."""
    if case.kind != CaseKind.CO_FINANCING:
        return []
    if batch.is_loaded(case, "financing.plan"):  # the case page has read the plan
        approved = any(
            p.status == PlanStatus.APPROVED for p in batch.loaded(case, "financing.plan", ())
        )
    else:
        approved = FinancingPlan.objects.filter(
            project_id=case.project_id, status=PlanStatus.APPROVED
        ).exists()
    if approved:
        return []
    return [_("Finansieringsplanen är inte godkänd av en controller.")]


# The states in which the ordinance decides between the delegate and the body.
DECISION_STATES: dict[str, str] = {
    CaseKind.PROJECT_IDEA: CaseState.AU_ASSESSED,
    CaseKind.CO_FINANCING: CaseState.READY_FOR_RUN,
}


def _referred_to_body(case: Case) -> TransitionLog | None:
    """The delegate's hand-over to the body since the case was last made ready."""
    last = (
        TransitionLog.objects.filter(case_id=case.pk, transition__in=rules.HANDOVERS)
        .order_by("-pk")
        .first()
    )
    return last if last is not None and last.transition == "refer_to_body" else None


def case_route(
    case: Case, *, amount: Decimal | None = None, on: datetime.date | None = None
) -> rules.Route:
    """Who decides ``case`` now: the ordinance's route (in force ``on``, default today),
    or the body after the delegate handed the case over. For what the case says today it
    is weighed once per case object (the case page asks for it for the buttons and for the
    route it shows); a transition forgets it (``_workflow_cache``, as the workflow's own
    reads of the case)."""
    if amount is None and on is None:
        cache = case.__dict__.setdefault("_workflow_cache", {})
        if "route" not in cache:
            cache["route"] = _case_route(case)
        return cache["route"]
    return _case_route(case, amount=amount, on=on)


def _case_route(
    case: Case, *, amount: Decimal | None = None, on: datetime.date | None = None
) -> rules.Route:
    route = rules.decision_route(case, amount=amount, on=on)
    route.body_names = rules.loaded_body_names(case)
    referral = _referred_to_body(case) if route.by_delegate else None
    if referral is not None:
        route.rule = None
        route.reasons = [
            _("Delegaten lämnade över ärendet till nämnden %(date)s: %(why)s")
            % {
                "date": timezone.localdate(referral.timestamp).isoformat(),
                "why": referral.motivation,
            }
        ]
    return route


def route_blockers(
    case: Case,
    transition: str | None = None,
    *,
    user=None,
    amount: Decimal | None = None,
    on: datetime.date | None = None,
) -> dict[str, list[str]]:
    """{transition: reasons} the delegationsordning adds: the body's decision while a rule
    lets the delegate decide, the delegate's while none does."""
    delegate = rules.DELEGATE_TRANSITIONS.get(case.kind, ())
    body = rules.BODY_TRANSITIONS.get(case.kind, ())
    if transition is not None and transition not in (*delegate, *body):
        return {}
    if case.state != DECISION_STATES.get(case.kind):
        return {}
    route = case_route(case, amount=amount, on=on)
    blockers: dict[str, list[str]] = {}
    if route.by_delegate:
        message = _("Enligt delegationsordningen beslutar %(decider)s. %(why)s") % {
            "decider": route.decider,
            "why": route.explanation,
        }
        for name in body:
            blockers[name] = [message]
        rule = route.rule
        if user is not None and rule is not None and not rules.may_decide(user, route):
            named = rule.delegate.get_full_name() if rule.delegate else rule.delegate_title
            for name in delegate:
                blockers[name] = [
                    _("Enligt ”%(rule)s” är det %(delegate)s som beslutar.")
                    % {"rule": rule.name, "delegate": named}
                ]
    else:
        message = _("%(decider)s beslutar ärendet. %(why)s") % {
            "decider": route.decider,
            "why": route.explanation,
        }
        for name in delegate:
            if name != "refer_to_body":
                blockers[name] = [message]
        blockers["refer_to_body"] = [message]
    return blockers


def transition_blockers(
    case: Case,
    transition: str | None = None,
    *,
    user=None,
    amount: Decimal | None = None,
    on: datetime.date | None = None,
) -> dict[str, list[str]]:
    """{transition: reasons} this layer adds to the workflow's own conditions (the
    ordinance weighed for ``amount`` decided ``on``, default what the case says, today)."""
    blockers = route_blockers(case, transition, user=user, amount=amount, on=on)
    if transition in (None, "mark_ready_for_run"):
        reasons = plan_approved_before_run(case)
        if reasons:
            blockers["mark_ready_for_run"] = reasons
    return blockers


def available_transitions(user, case: Case) -> list[workflow.AvailableTransition]:
    """The workflow's available transitions, with this layer's reasons on the buttons."""
    return workflow.available_transitions(user, case, transition_blockers(case, user=user))


def unmet_preconditions(case: Case, transition: str, user=None) -> list[str]:
    return workflow.unmet_preconditions(
        case, transition, transition_blockers(case, transition, user=user).get(transition, ())
    )


def _decided_on_in(data: dict | None) -> datetime.date | None:
    value = (data or {}).get("decided_on")
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None  # the transition's form says what is wrong with it


def _amount_in(data: dict | None) -> Decimal | None:
    try:
        value = (data or {}).get("amount")
        return None if value in (None, "") else parse_amount(value)
    except AmountError:
        return None  # the transition's form says what is wrong with it


def _require_role(user, case: Case, transition: str) -> None:
    """The workflow's role check, with the ordinance's route in the refusal: a delegate
    who tries the body's decision learns who decides the case and why."""
    access = workflow_permissions.can_fire(user, case, transition)
    if access:
        return
    message = access.reason
    if case.state == DECISION_STATES.get(case.kind) and transition in (
        *rules.DELEGATE_TRANSITIONS.get(case.kind, ()),
        *rules.BODY_TRANSITIONS.get(case.kind, ()),
    ):
        route = case_route(case)
        message = f"{message} " + _("Ärendet beslutas av %(decider)s: %(why)s") % {
            "decider": route.decider,
            "why": route.explanation,
        }
    raise PermissionDenied(message)


def _money_effects(*, user, case: Case, log: TransitionLog) -> None:
    if log.transition in ("grant", "delegation_grant"):
        commitments_for_grant_decision(case=case, user=user, data=log.data, log=log)
        effects_of_grant_decision(case=case, user=user, data=log.data)
    elif log.transition == "close":
        releases_at_case_closure(case=case, user=user, data=log.data, log=log)
    elif log.transition == "withdraw":
        releases_at_withdrawal(case=case, user=user, data=log.data, log=log)


@transaction.atomic
def case_transition(
    *,
    user,
    case: Case,
    transition: str,
    data: dict | None = None,
    motivation: str = "",
    expected_state: str | None = None,
    notify: bool = True,
    decided_in: str = "",
) -> TransitionLog:
    """Fire ``transition`` on ``case`` (``decisions.workflow.services.case_transition``)
    and then what it means for the money. Raises what the workflow raises; a commitment
    that does not fit raises ``ValidationError`` and the transition is rolled back. A
    delegate's decision is registered under the ordinance's rule that covers the case."""
    _require_role(user, case, transition)
    # the case locked before its money is weighed: a second transition waits for this one
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).first()
    amount, on = _amount_in(data), _decided_on_in(data)
    blockers = transition_blockers(case, transition, user=user, amount=amount, on=on)
    rule = None
    if transition in workflow_permissions.DELEGATION_TRANSITIONS:
        rule = case_route(case, amount=amount, on=on).rule
    log = workflow.case_transition(
        user=user,
        case=case,
        transition=transition,
        data=data,
        motivation=motivation,
        expected_state=expected_state,
        notify=notify,
        decided_in=decided_in,
        blockers=blockers.get(transition, ()),
        delegation_rule=rule,
    )
    _money_effects(user=user, case=case, log=log)
    return log


@transaction.atomic
def paragraph_record_decision(*, user, paragraph: Paragraph, **decision) -> Paragraph:
    """Record the body's decision in the § (``decisions.meetings.services``), which fires
    the case's transition, and then what the decision means for the money (a RUN grant
    commits). ``decision``: the keyword arguments of the meetings service."""
    before = (
        TransitionLog.objects.filter(case_id=paragraph.case_id).order_by("-pk").first()
        if paragraph.case_id
        else None
    )
    blockers = (
        route_blockers(paragraph.case, amount=decision.get("amount"), on=paragraph.meeting.date)
        if paragraph.case_id is not None and paragraph.case is not None
        else {}
    )
    paragraph = meetings.paragraph_record_decision(
        user=user, paragraph=paragraph, blockers=blockers, **decision
    )
    if paragraph.case_id is None or decision.get("import_only"):
        return paragraph
    log = TransitionLog.objects.filter(case_id=paragraph.case_id).order_by("-pk").first()
    if log is not None and (before is None or log.pk != before.pk) and paragraph.case is not None:
        _money_effects(user=user, case=paragraph.case, log=log)
    return paragraph


@transaction.atomic
def appeal_decide(
    *, user, appeal: Appeal, status: str, decided_on, note: str = "", final_on=None
) -> Appeal:
    """Record the court's outcome of an appeal (``decisions.meetings.services``); when it
    annuls a § that granted money, the grant falls and its unpaid part is released."""
    appeal = meetings.appeal_decide(
        user=user,
        appeal=appeal,
        status=status,
        decided_on=decided_on,
        note=note,
        final_on=final_on,
    )
    paragraph = appeal.paragraph
    if (
        appeal.status == Appeal.Status.ANNULLED
        and paragraph.case_id is not None
        and paragraph.outcome == Paragraph.Outcome.GRANTED
    ):
        case = Case.objects.get(pk=paragraph.case_id)
        with translation.override("sv"):
            reason = _(
                "Återföring: beslutet %(body)s %(date)s § %(number)s upphävdes efter "
                "överklagande (%(decided)s)."
            ) % {
                "body": paragraph.body.code.upper(),
                "date": paragraph.meeting.date.isoformat(),
                "number": paragraph.number,
                "decided": appeal.decided_on.isoformat() if appeal.decided_on else "",
            }
        release_remainders(
            case=case,
            user=user,
            released_on=appeal.decided_on or timezone.localdate(),
            reason=reason,
        )
    return appeal
