"""Case decisions that move money, in one place.

The workflow (``decisions.workflow``) and the meetings (``decisions.meetings``) know
nothing of money; this module fires their transitions and does what a decision means for
the anslag in the same transaction, so reading it shows everything a decision does:

- a co-financing case goes before RUN only with a financing plan a controller approved;
- a RUN grant commits the granted amount against each payment year's anslag; when it
  does not fit, the decision is refused and nothing is saved;
- closing a case releases what is left of its commitments.

Every page and API endpoint that fires a case transition or records a body's decision
calls these functions (``financing.views``, ``financing.api``), never the lower layers'.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from decisions.meetings import services as meetings
from decisions.meetings.models import Paragraph
from decisions.workflow import services as workflow
from decisions.workflow.models import TransitionLog
from financing.models import FinancingPlan, PlanStatus
from financing.services.commitments import (
    commitments_for_grant_decision,
    releases_at_case_closure,
)
from projects.models import Case, CaseKind


def plan_approved_before_run(case: Case) -> list[str]:
    """Why a co-financing case may not go before RUN yet (empty: it may). Cheap and
    free of side effects: it also explains a disabled button."""
    if case.kind != CaseKind.CO_FINANCING:
        return []
    approved = FinancingPlan.objects.filter(
        project_id=case.project_id, status=PlanStatus.APPROVED
    ).exists()
    if approved:
        return []
    return [_("Finansieringsplanen är inte godkänd av en controller.")]


def transition_blockers(case: Case, transition: str | None = None) -> dict[str, list[str]]:
    """{transition: reasons} this layer adds to the workflow's own conditions."""
    if transition not in (None, "mark_ready_for_run"):
        return {}
    reasons = plan_approved_before_run(case)
    return {"mark_ready_for_run": reasons} if reasons else {}


def available_transitions(user, case: Case) -> list[workflow.AvailableTransition]:
    """The workflow's available transitions, with this layer's reasons on the buttons."""
    return workflow.available_transitions(user, case, transition_blockers(case))


def unmet_preconditions(case: Case, transition: str) -> list[str]:
    return workflow.unmet_preconditions(
        case, transition, transition_blockers(case, transition).get(transition, ())
    )


def _money_effects(*, user, case: Case, log: TransitionLog) -> None:
    if log.transition == "grant":
        commitments_for_grant_decision(case=case, user=user, data=log.data, log=log)
    elif log.transition == "close":
        releases_at_case_closure(case=case, user=user, data=log.data, log=log)


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
    that does not fit raises ``ValidationError`` and the transition is rolled back."""
    log = workflow.case_transition(
        user=user,
        case=case,
        transition=transition,
        data=data,
        motivation=motivation,
        expected_state=expected_state,
        notify=notify,
        decided_in=decided_in,
        blockers=transition_blockers(case, transition).get(transition, ()),
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
    paragraph = meetings.paragraph_record_decision(user=user, paragraph=paragraph, **decision)
    if paragraph.case_id is None or decision.get("import_only"):
        return paragraph
    log = TransitionLog.objects.filter(case_id=paragraph.case_id).order_by("-pk").first()
    if log is not None and (before is None or log.pk != before.pk) and paragraph.case is not None:
        _money_effects(user=user, case=paragraph.case, log=log)
    return paragraph
