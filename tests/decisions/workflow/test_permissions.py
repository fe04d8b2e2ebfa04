"""The permission matrix: every transition x every role.

Allowed ones succeed; refused ones raise PermissionDenied and change nothing (state, log,
granted amount, records). The expected table is written out here on purpose, not read
from ``decisions.permissions``, so a change to the rules has to change this test too.
"""

import pytest
from django.core.exceptions import PermissionDenied

from decisions.workflow import services as wf
from decisions.workflow.models import Assessment, DelegationDecision, TransitionLog
from projects.models import Case, CaseKind, CaseState
from tests.decisions.workflow.factories import fire, prepare_for, walk_cofinancing, walk_idea

pytestmark = pytest.mark.django_db

S = CaseState
OFFICER = "officer"
SECRETARY = "secretary"
DIRECTOR = "director"  # beslutsfattare with decisions.decide_by_delegation
DECISION_MAKER = "decision_maker"  # beslutsfattare without the delegation
CONTROLLER = "controller"
READER = "reader"
ROLES = [OFFICER, SECRETARY, DIRECTOR, DECISION_MAKER, CONTROLLER, READER]

# transition: (kind, state to start from, AU route, roles allowed)
MATRIX = {
    "start_au_preparation": (CaseKind.PROJECT_IDEA, S.REGISTERED, "forum", {OFFICER}),
    "record_au_assessment": (CaseKind.PROJECT_IDEA, S.AU_PREPARATION, "forum", {OFFICER}),
    "delegation_approve": (CaseKind.PROJECT_IDEA, S.AU_ASSESSED, "delegation", {DIRECTOR}),
    "delegation_reject": (CaseKind.PROJECT_IDEA, S.AU_ASSESSED, "delegation", {DIRECTOR}),
    "send_to_forum": (CaseKind.PROJECT_IDEA, S.AU_ASSESSED, "forum", {OFFICER}),
    "forum_recommend": (CaseKind.PROJECT_IDEA, S.AT_FORUM, "forum", {SECRETARY}),
    "council_approve": (CaseKind.PROJECT_IDEA, S.AT_COUNCIL, "forum", {SECRETARY}),
    "council_reject": (CaseKind.PROJECT_IDEA, S.AT_COUNCIL, "forum", {SECRETARY}),
    "council_return": (CaseKind.PROJECT_IDEA, S.AT_COUNCIL, "forum", {SECRETARY}),
    "council_refer": (CaseKind.PROJECT_IDEA, S.AT_COUNCIL, "forum", {SECRETARY}),
    "management_group_forward": (
        CaseKind.PROJECT_IDEA,
        S.AT_MANAGEMENT_GROUP,
        "forum",
        {SECRETARY},
    ),
    "management_group_return": (
        CaseKind.PROJECT_IDEA,
        S.AT_MANAGEMENT_GROUP,
        "forum",
        {SECRETARY},
    ),
    "board_approve": (CaseKind.PROJECT_IDEA, S.AT_BOARD, "forum", {SECRETARY}),
    "board_reject": (CaseKind.PROJECT_IDEA, S.AT_BOARD, "forum", {SECRETARY}),
    "board_return": (CaseKind.PROJECT_IDEA, S.AT_BOARD, "forum", {SECRETARY}),
    "start_application": (CaseKind.PROJECT_IDEA, S.APPROVED, "forum", {OFFICER}),
    "send_application": (CaseKind.PROJECT_IDEA, S.APPLICATION_WRITING, "forum", {OFFICER}),
    "record_funded": (CaseKind.PROJECT_IDEA, S.APPLICATION_SENT, "forum", {OFFICER}),
    "record_not_funded": (CaseKind.PROJECT_IDEA, S.APPLICATION_SENT, "forum", {OFFICER}),
    "start_preparation": (CaseKind.CO_FINANCING, S.REGISTERED, None, {OFFICER}),
    "mark_ready_for_run": (CaseKind.CO_FINANCING, S.PREPARATION, None, {OFFICER}),
    "return_to_preparation": (
        CaseKind.CO_FINANCING,
        S.READY_FOR_RUN,
        None,
        {OFFICER, SECRETARY},
    ),
    "grant": (CaseKind.CO_FINANCING, S.READY_FOR_RUN, None, {SECRETARY}),
    "reject": (CaseKind.CO_FINANCING, S.READY_FOR_RUN, None, {SECRETARY}),
    "delegation_grant": (CaseKind.CO_FINANCING, S.READY_FOR_RUN, None, {DIRECTOR}),
    "delegation_reject_application": (CaseKind.CO_FINANCING, S.READY_FOR_RUN, None, {DIRECTOR}),
    "refer_to_body": (CaseKind.CO_FINANCING, S.READY_FOR_RUN, None, {DIRECTOR}),
    "start_project": (CaseKind.CO_FINANCING, S.GRANTED, None, {OFFICER}),
    "submit_final_report": (CaseKind.CO_FINANCING, S.RUNNING, None, {OFFICER}),
    "close": (CaseKind.CO_FINANCING, S.FINAL_REPORT, None, {OFFICER}),
    "withdraw": (CaseKind.PROJECT_IDEA, S.AU_PREPARATION, "forum", {OFFICER}),
}


def test_the_matrix_covers_every_transition_of_the_machine():
    assert set(MATRIX) == set(wf.transitions())


@pytest.fixture
def users(officer, secretary, director, decision_maker, controller, reader):
    return {
        OFFICER: officer,
        SECRETARY: secretary,
        DIRECTOR: director,
        DECISION_MAKER: decision_maker,
        CONTROLLER: controller,
        READER: reader,
    }


def _case_for(name, actors):
    kind, state, route, _allowed = MATRIX[name]
    if kind == CaseKind.PROJECT_IDEA:
        return walk_idea(actors, state, route=route)
    return walk_cofinancing(actors, state)


def _snapshot(case):
    fresh = Case.objects.get(pk=case.pk)
    return {
        "state": fresh.state,
        "granted_amount": fresh.granted_amount,
        "decided_on": fresh.decided_on,
        "log": TransitionLog.objects.filter(case=case).count(),
        "assessments": Assessment.objects.filter(case=case).count(),
        "delegation": DelegationDecision.objects.filter(case=case).count(),
        "obligations": fresh.obligations.count(),
        "history": fresh.history.count(),
    }


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_every_role_against_every_transition(name, actors, users):
    kind, state, route, allowed = MATRIX[name]
    refused_case = _case_for(name, actors)
    prepare_for(refused_case, name, actors)
    before = _snapshot(refused_case)
    for role in ROLES:
        if role in allowed:
            continue
        with pytest.raises(PermissionDenied) as excinfo:
            fire(refused_case, name, users[role], route=route or "forum")
        assert str(excinfo.value), "a refusal carries a Swedish reason"
        assert _snapshot(refused_case) == before, (name, role)
    for role in sorted(allowed):
        case = _case_for(name, actors)
        prepare_for(case, name, actors)
        log = fire(case, name, users[role], route=route or "forum")
        case.refresh_from_db()
        info = wf.transition_info(name)
        assert case.state == info.target == log.target, (name, role)
        assert log.source == state
        assert log.user == users[role]


def test_superuser_holds_every_role(actors, db):
    from tests.core.factories import UserFactory

    admin = UserFactory(is_superuser=True)
    case = walk_idea(actors, S.AU_ASSESSED, route="delegation")
    fire(case, "delegation_approve", admin)
    assert Case.objects.get(pk=case.pk).state == S.APPROVED


def test_a_user_without_any_role_is_refused_with_a_reason(actors):
    from tests.core.factories import UserFactory

    nobody = UserFactory()
    case = walk_idea(actors, S.REGISTERED)
    with pytest.raises(PermissionDenied, match="ingen roll"):
        fire(case, "start_au_preparation", nobody)


def test_available_transitions_show_only_what_the_role_may_fire(actors, users):
    case = walk_idea(actors, S.AT_COUNCIL)
    as_secretary = {t.name: t for t in wf.available_transitions(users[SECRETARY], case)}
    assert set(as_secretary) == {
        "council_approve",
        "council_reject",
        "council_return",
        "council_refer",
        "withdraw",
    }
    # The council's decisions are the secretary's, but recorded in the council's §.
    for name in ("council_approve", "council_reject", "council_return", "council_refer"):
        assert not as_secretary[name].allowed
        assert "registreras i organets paragraf" in as_secretary[name].access.reason
    assert not as_secretary["withdraw"].allowed
    as_officer = {t.name: t for t in wf.available_transitions(users[OFFICER], case)}
    assert as_officer["withdraw"].allowed
    assert not as_officer["council_approve"].allowed
    assert "nämndsekreterare" in as_officer["council_approve"].access.reason
    assert all(not t.allowed for t in wf.available_transitions(users[READER], case))
