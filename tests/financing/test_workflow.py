"""Case decisions with their money (financing.services.decisions): the plan before RUN,
commitments on grant, releases on closure."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from financing.models import Commitment, Release
from projects.models import Case, CaseState
from tests.decisions.workflow.factories import fire, walk_cofinancing
from tests.financing.factories import make_grant, make_plan

D = Decimal
pytestmark = pytest.mark.django_db
MESSAGE = "Finansieringsplanen är inte godkänd av en controller."


def test_ready_for_run_waits_for_an_approved_plan(actors, controller, grant_2020):
    from financing.services.decisions import unmet_preconditions

    case = walk_cofinancing(actors, CaseState.PREPARATION)
    assert MESSAGE in unmet_preconditions(case, "mark_ready_for_run")
    plan = make_plan(case, status="submitted")
    assert MESSAGE in unmet_preconditions(case, "mark_ready_for_run")
    from financing import services

    services.financing_plan_approve(user=controller, plan=plan, comment="OK")
    assert MESSAGE not in unmet_preconditions(case, "mark_ready_for_run")


def test_marking_ready_without_plan_is_refused_with_the_message(actors, officer):
    from financing.services.decisions import case_transition

    case = walk_cofinancing(actors, CaseState.PREPARATION)
    with pytest.raises(ValidationError) as error:
        case_transition(user=officer, case=case, transition="mark_ready_for_run")
    assert MESSAGE in error.value.messages
    assert Case.objects.get(pk=case.pk).state == CaseState.PREPARATION


def test_grant_through_the_workflow_commits_and_a_refusal_rolls_back(actors, secretary):
    from financing.services.decisions import case_transition

    make_grant(year=2020, amount="10000000", project="1500000")
    case = walk_cofinancing(actors, CaseState.READY_FOR_RUN)
    case_transition(
        user=secretary,
        case=case,
        transition="grant",
        decided_in="RUN 2020-03-24 § 36",
        data={
            "amount": "1 222 867",
            "decided_on": "2020-03-24",
            "reference": "RUN 2020-03-24 § 36",
        },
    )
    commitment = Commitment.objects.get(case=case)
    assert commitment.amount == D("1222867")
    assert commitment.reference == "RUN 2020-03-24 § 36"
    assert Case.objects.get(pk=case.pk).state == CaseState.GRANTED

    other = walk_cofinancing(actors, CaseState.READY_FOR_RUN)
    with pytest.raises(ValidationError) as error:
        case_transition(
            user=secretary,
            case=other,
            transition="grant",
            decided_in="RUN 2020-03-24 § 36",
            data={"amount": "1 000 000", "decided_on": "2020-03-24"},
        )
    assert "277 133 kr kvar inom projektverksamhet" in " ".join(error.value.messages)
    other = Case.objects.get(pk=other.pk)
    assert other.state == CaseState.READY_FOR_RUN
    assert other.granted_amount is None
    assert not Commitment.objects.filter(case=other).exists()


def test_grant_with_year_split_through_the_workflow(actors, secretary):
    from financing.services.decisions import case_transition

    make_grant(year=2020, amount="10000000")
    make_grant(year=2021, amount="10000000")
    case = walk_cofinancing(actors, CaseState.READY_FOR_RUN)
    case_transition(
        user=secretary,
        case=case,
        transition="grant",
        decided_in="RUN 2020-03-24 § 36",
        data={
            "amount": "1 222 867",
            "decided_on": "2020-03-24",
            "year_split": {"2020": "222 867", "2021": "1 000 000"},
        },
    )
    assert {c.grant.year: c.amount for c in Commitment.objects.filter(case=case)} == {
        2020: D("222867"),
        2021: D("1000000"),
    }


def test_close_through_the_workflow_releases_the_remainder(actors, officer, secretary, controller):
    from financing.services import payments
    from financing.services.decisions import case_transition

    make_grant(year=2020, amount="10000000")
    case = walk_cofinancing(actors, CaseState.READY_FOR_RUN)
    case_transition(
        user=secretary,
        case=case,
        transition="grant",
        decided_in="RUN 2020-03-24 § 36",
        data={"amount": "1 000 000", "decided_on": "2020-03-24"},
    )
    commitment = Commitment.objects.get(case=case)
    requisition = payments.requisition_record(
        user=controller,
        case=case,
        reference="Rekvisition 1",
        received_on=datetime.date(2020, 12, 10),
        period_start=datetime.date(2020, 9, 1),
        period_end=datetime.date(2020, 11, 30),
        costs_reported="3 000 000",
        amount_requested="750 000",
    )
    payments.payment_register(
        user=controller,
        case=case,
        kind="arrears",
        paid_on=datetime.date(2020, 12, 15),
        amount="750 000",
        requisition=requisition,
    )
    fire(case, "start_project", officer)
    fire(case, "submit_final_report", officer)
    case_transition(user=officer, case=case, transition="close")
    release = Release.objects.get(commitment=commitment)
    assert release.amount == D("250000")
    assert Case.objects.get(pk=case.pk).state == CaseState.CLOSED


def test_a_grant_that_does_not_fit_leaves_no_decided_paragraph(officer, secretary, members):
    """Recorded from RUN's §: when the anslag has no room the § stays undecided, the case
    stays ready for RUN, and nothing (log, commitment, obligations) is saved."""
    from decisions.meetings import services as meetings
    from decisions.workflow.models import TransitionLog
    from financing.services.decisions import paragraph_record_decision
    from tests.decisions.meetings.factories import case_ready_for_run, held_meeting, seed

    make_grant(year=2020, amount="1000000", project="500000")
    meeting = held_meeting(secretary, members)
    case = case_ready_for_run(officer, seed(36))
    item = meetings.agenda_item_add(user=secretary, meeting=meeting, kind="case", case=case)
    paragraph = meetings.paragraph_add(user=secretary, item=item)
    with pytest.raises(ValidationError) as error:
        paragraph_record_decision(
            user=secretary, paragraph=paragraph, transition="grant", amount=D("1222867")
        )
    assert "kvar inom projektverksamhet" in " ".join(error.value.messages)
    paragraph.refresh_from_db()
    case.refresh_from_db()
    assert paragraph.decision_recorded_at is None and paragraph.outcome == ""
    assert case.state == CaseState.READY_FOR_RUN
    assert not TransitionLog.objects.filter(case=case, transition="grant").exists()
    assert not Commitment.objects.filter(case=case).exists()
    assert not case.obligations.exists()
