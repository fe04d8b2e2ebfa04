"""Each route walked end to end through ``case_transition``, with what every step records."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from decisions.workflow import services as wf
from decisions.workflow.models import (
    Assessment,
    DelegationDecision,
    ForumRecommendation,
    TransitionLog,
)
from projects import services as project_services
from projects.models import Case, CaseState, Obligation, Project
from tests.decisions.workflow.factories import (
    DAY,
    add_anchoring,
    fire,
    walk_cofinancing,
    walk_idea,
    write_proposal,
)
from tests.projects.factories import ProjectFactory, co_financing_case, idea_case

pytestmark = pytest.mark.django_db
S = CaseState


def states(case):
    return list(
        TransitionLog.objects.filter(case=case).order_by("pk").values_list("target", flat=True)
    )


def record_closure(case, officer):
    project_services.project_close(
        user=officer,
        project=case.project,
        result_summary="Projektet nådde sina mål.",
        recommendation=Project.Recommendation.WIDE_IMPLEMENTATION,
        closed_on=datetime.date(2023, 3, 1),
    )


def test_project_idea_decided_by_the_director_on_delegation_then_funded_run_and_closed(
    actors,
):
    officer, director = actors.officer, actors.director
    case = idea_case(officer=officer, project=ProjectFactory(end_date=datetime.date(2024, 1, 1)))
    fire(case, "start_au_preparation", officer)
    fire(case, "record_au_assessment", officer, route="delegation")
    assessment = Assessment.objects.get(case=case)
    assert assessment.proposed_route == Assessment.Route.DELEGATION
    assert assessment.assessed_by == officer

    log = fire(
        case,
        "delegation_approve",
        director,
        decided_on=datetime.date(2020, 2, 20),
        decision_text="Förstudien godkänns.",
    )
    case.refresh_from_db()
    assert case.state == S.APPROVED
    assert case.decided_on == datetime.date(2020, 2, 20)
    decision = DelegationDecision.objects.get(case=case)
    assert decision.outcome == DelegationDecision.Outcome.APPROVED
    assert decision.decided_by == director
    assert decision.decision_text == "Förstudien godkänns."
    assert decision.reported_on is None and not decision.is_reported
    assert log.data == {"decided_on": "2020-02-20", "decision_text": "Förstudien godkänns."}

    for name in ("start_application", "send_application", "record_funded"):
        fire(case, name, officer)
    fire(case, "start_project", officer, started_on=datetime.date(2020, 9, 1))
    case.refresh_from_db()
    assert case.project.started_on == datetime.date(2020, 9, 1)
    fire(case, "submit_final_report", officer)

    with pytest.raises(ValidationError) as excinfo:
        fire(case, "close", officer)
    assert "rekommendation" in " ".join(excinfo.value.messages)
    assert Case.objects.get(pk=case.pk).state == S.FINAL_REPORT

    record_closure(case, officer)
    fire(case, "close", officer)
    case.refresh_from_db()
    assert case.state == S.CLOSED
    assert states(case) == [
        S.AU_PREPARATION,
        S.AU_ASSESSED,
        S.APPROVED,
        S.APPLICATION_WRITING,
        S.APPLICATION_SENT,
        S.FUNDED,
        S.RUNNING,
        S.FINAL_REPORT,
        S.CLOSED,
    ]


def test_delegation_rejection_is_registered_and_closes_the_case(actors):
    case = walk_idea(actors, S.AU_ASSESSED, route="delegation")
    fire(case, "delegation_reject", actors.director)
    case.refresh_from_db()
    assert case.state == S.REJECTED and not case.is_open
    assert DelegationDecision.objects.get(case=case).outcome == "rejected"


def test_project_idea_via_forum_to_council_approval(actors):
    officer, secretary = actors.officer, actors.secretary
    case = walk_idea(actors, S.AU_ASSESSED, route="forum")
    add_anchoring(case, officer)
    fire(case, "send_to_forum", officer)
    fire(
        case,
        "forum_recommend",
        secretary,
        recommendation="approve",
        text="Forumet rekommenderar.",
        recommended_on=datetime.date(2020, 3, 2),
    )
    recommendation = ForumRecommendation.objects.get(case=case)
    assert recommendation.recommendation == "approve"
    assert recommendation.recorded_by == secretary
    log = fire(
        case,
        "council_approve",
        secretary,
        decided_on=datetime.date(2020, 3, 10),
        reference="Utvecklingsrådet 2020-03-10 § 4",
    )
    case.refresh_from_db()
    assert case.state == S.APPROVED
    assert case.decided_on == datetime.date(2020, 3, 10)
    assert log.data["reference"] == "Utvecklingsrådet 2020-03-10 § 4"
    assert states(case) == [S.AU_PREPARATION, S.AU_ASSESSED, S.AT_FORUM, S.AT_COUNCIL, S.APPROVED]


def test_council_refers_to_management_group_and_the_board_approves(actors):
    secretary = actors.secretary
    case = walk_idea(actors, S.AT_COUNCIL)
    fire(case, "council_refer", secretary, decided_on=datetime.date(2020, 3, 10))
    fire(case, "management_group_forward", secretary, decided_on=datetime.date(2020, 3, 12))
    fire(case, "board_approve", secretary, decided_on=datetime.date(2020, 3, 20))
    case.refresh_from_db()
    assert case.state == S.APPROVED
    assert case.decided_on == datetime.date(2020, 3, 20)
    assert states(case)[-3:] == [S.AT_MANAGEMENT_GROUP, S.AT_BOARD, S.APPROVED]


@pytest.mark.parametrize(
    ("state", "name"),
    [
        (S.AT_COUNCIL, "council_return"),
        (S.AT_MANAGEMENT_GROUP, "management_group_return"),
        (S.AT_BOARD, "board_return"),
    ],
)
def test_return_for_more_preparation_goes_back_to_au_and_needs_a_new_assessment(
    actors, state, name
):
    case = walk_idea(actors, state)
    with pytest.raises(ValidationError) as excinfo:
        fire(case, name, actors.secretary, motivation="")
    assert "motivation" in excinfo.value.message_dict
    fire(case, name, actors.secretary, motivation="Kostnaderna behöver utredas.")
    case.refresh_from_db()
    assert case.state == S.AU_PREPARATION
    assert TransitionLog.objects.filter(case=case).last().motivation == (
        "Kostnaderna behöver utredas."
    )
    # The old assessment stays in the record; AU assesses again.
    fire(case, "record_au_assessment", actors.officer, route="delegation")
    assert Assessment.objects.filter(case=case).count() == 2
    fire(case, "delegation_approve", actors.director)
    assert Case.objects.get(pk=case.pk).state == S.APPROVED


def test_co_financing_granted_with_special_conditions_that_become_obligations(actors):
    officer, secretary = actors.officer, actors.secretary
    project = ProjectFactory(requested_amount=Decimal("1347090"))
    case = co_financing_case(officer=officer, project=project)
    fire(case, "start_preparation", officer)
    write_proposal(
        case,
        officer,
        amount="1 347 090",
        decision_points="1. Projektet beviljas 1 347 090 kr.\n2) Medlen anvisas ur 1:1.",
    )
    fire(case, "mark_ready_for_run", officer)
    log = fire(
        case,
        "grant",
        secretary,
        amount="1 300 000 kr",
        decided_on=DAY,
        reference="RUN 2020-03-24 § 40",
        special_conditions=[
            {
                "text": "Beskriv i slutrapporten hur SMF i inlandet inkluderats.",
                "due_date": "2022-12-31",
            },
            {"text": "Redovisa jämställdhetsarbetet.", "due_date": None},
        ],
        year_split={"2020": "500 000", "2021": "800 000"},
    )
    case.refresh_from_db()
    assert case.state == S.GRANTED
    assert case.granted_amount == Decimal("1300000.00")
    assert case.decided_on == DAY
    obligations = list(Obligation.objects.filter(case=case).order_by("pk"))
    assert [o.text for o in obligations] == [
        "Beskriv i slutrapporten hur SMF i inlandet inkluderats.",
        "Redovisa jämställdhetsarbetet.",
    ]
    assert obligations[0].due_date == datetime.date(2022, 12, 31)
    assert obligations[1].due_date is None
    assert {o.source for o in obligations} == {"RUN 2020-03-24 § 40"}
    assert all(o.project_id == project.pk for o in obligations)
    # The decision points default to the proposal's, numbering stripped.
    assert log.data["decision_points"] == [
        "Projektet beviljas 1 347 090 kr.",
        "Medlen anvisas ur 1:1.",
    ]
    assert log.data["amount"] == "1300000.00"
    assert log.data["year_split"] == {"2020": "500000.00", "2021": "800000.00"}

    fire(case, "start_project", officer)
    fire(case, "submit_final_report", officer)
    fire(case, "close", officer)
    assert Case.objects.get(pk=case.pk).state == S.CLOSED


def test_grant_without_conditions_in_the_data_takes_the_proposal_conditions(actors):
    case = walk_cofinancing(actors, S.PREPARATION)
    write_proposal(
        case,
        actors.officer,
        amount="1 000 000",
        special_conditions=[{"text": "Rapportera antalet företag.", "due_date": "2021-06-30"}],
    )
    fire(case, "mark_ready_for_run", actors.officer)
    fire(case, "grant", actors.secretary, amount="1 000 000")
    obligation = Obligation.objects.get(case=case)
    assert obligation.text == "Rapportera antalet företag."
    assert obligation.due_date == datetime.date(2021, 6, 30)
    assert obligation.source == "RUN 2020-03-24 § 36"


def test_co_financing_rejected_keeps_no_granted_amount(actors):
    case = walk_cofinancing(actors, S.READY_FOR_RUN)
    log = fire(case, "reject", actors.secretary, reason="Projektet saknar förankring.")
    case.refresh_from_db()
    assert case.state == S.REJECTED
    assert case.granted_amount is None
    assert case.decided_on == DAY
    assert log.data["reason"] == "Projektet saknar förankring."
    assert not Obligation.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    ("kind", "state"),
    [
        ("idea", S.REGISTERED),
        ("idea", S.AU_ASSESSED),
        ("idea", S.AT_COUNCIL),
        ("idea", S.APPLICATION_SENT),
        ("cofinancing", S.PREPARATION),
        ("cofinancing", S.READY_FOR_RUN),
        ("cofinancing", S.RUNNING),
    ],
)
def test_withdraw_from_open_states_needs_a_motivation(actors, kind, state):
    case = walk_idea(actors, state) if kind == "idea" else walk_cofinancing(actors, state)
    with pytest.raises(ValidationError) as excinfo:
        fire(case, "withdraw", actors.officer, motivation="  ")
    assert "motivation" in excinfo.value.message_dict
    fire(case, "withdraw", actors.officer, motivation="Sökanden har dragit tillbaka ansökan.")
    case.refresh_from_db()
    assert case.state == S.WITHDRAWN
    assert TransitionLog.objects.filter(case=case).last().source == state


@pytest.mark.parametrize("state", [S.REJECTED, S.NOT_FUNDED])
def test_a_decided_case_cannot_be_withdrawn(actors, state):
    case = walk_idea(actors, state)
    with pytest.raises(ValidationError, match="kan inte göras"):
        fire(case, "withdraw", actors.officer, motivation="x")
    assert Case.objects.get(pk=case.pk).state == state


def test_co_financing_close_needs_no_recommendation_but_project_idea_does(actors):
    case = walk_cofinancing(actors, S.FINAL_REPORT)
    assert wf.unmet_preconditions(case, "close") == []
    idea = walk_idea(actors, S.FINAL_REPORT)
    assert wf.unmet_preconditions(idea, "close") == [
        "Projektets rekommendation vid avslut (vidareutveckling, breddinförande, förvaltning) "
        "är inte registrerad."
    ]
    record_closure(idea, actors.officer)
    idea.refresh_from_db()
    idea.project.refresh_from_db()
    fire(idea, "close", actors.officer)
    assert Case.objects.get(pk=idea.pk).state == S.CLOSED


def test_the_case_history_records_who_moved_the_state_and_why(actors):
    case = walk_cofinancing(actors, S.READY_FOR_RUN)
    fire(case, "return_to_preparation", actors.secretary, motivation="Beloppet ska ses över.")
    latest = Case.objects.get(pk=case.pk).history.first()
    assert latest.state == S.PREPARATION
    assert latest.history_user == actors.secretary
    assert "Åter till beredning" in latest.history_change_reason
    assert "Beloppet ska ses över." in latest.history_change_reason


def test_the_callers_case_object_is_refreshed(actors):
    case = walk_idea(actors, S.REGISTERED)
    fire(case, "start_au_preparation", actors.officer)
    assert case.state == S.AU_PREPARATION
    fire(case, "record_au_assessment", actors.officer)  # no stale-state conflict
    assert case.state == S.AU_ASSESSED
