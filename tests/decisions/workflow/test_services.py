"""The service's rules: preconditions explained, data validated by the transition's form,
hooks of higher apps, stale and refused transitions changing nothing, side effects on
commit, the decision proposal, anchoring and the delegation register."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from core.errors import Conflict
from decisions.meetings.services.bodies import body_get
from decisions.workflow import services as wf
from decisions.workflow.constants import BodyCode
from decisions.workflow.models import (
    BODY_TRANSITIONS,
    AnchoringContact,
    Assessment,
    DecisionProposal,
    DelegationDecision,
    TransitionLog,
)
from decisions.workflow.selectors import (
    anchoring_status,
    cases_ready_for,
    queue_counts,
)
from projects.models import Case, CaseState
from tests.decisions.workflow.factories import (
    DAY,
    add_anchoring,
    fire,
    walk_cofinancing,
    walk_idea,
    write_proposal,
)
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db
S = CaseState


def snapshot(case):
    fresh = Case.objects.get(pk=case.pk)
    return (
        fresh.state,
        fresh.granted_amount,
        fresh.decided_on,
        TransitionLog.objects.filter(case=case).count(),
        fresh.history.count(),
    )


# --- Preconditions explained ---------------------------------------------------------


def test_missing_assessment_is_explained(actors):
    case = walk_idea(actors, S.AU_ASSESSED, route="delegation")
    Assessment.objects.filter(case=case).delete()
    before = snapshot(case)
    with pytest.raises(ValidationError) as excinfo:
        fire(case, "delegation_approve", actors.director)
    assert excinfo.value.messages == ["Bedömning från AU saknas."]
    assert snapshot(case) == before
    assert not DelegationDecision.objects.filter(case=case).exists()


def test_missing_anchoring_is_explained_and_shown_on_the_button(actors):
    case = walk_idea(actors, S.AU_ASSESSED, route="forum")
    with pytest.raises(ValidationError) as excinfo:
        fire(case, "send_to_forum", actors.officer)
    assert excinfo.value.messages == ["Ingen förankring med berörd verksamhet är registrerad."]
    button = {t.name: t for t in wf.available_transitions(actors.officer, case)}["send_to_forum"]
    assert not button.allowed
    assert button.permitted
    assert button.reasons == ["Ingen förankring med berörd verksamhet är registrerad."]
    add_anchoring(case, actors.officer)
    fresh = Case.objects.get(pk=case.pk)
    assert {t.name: t for t in wf.available_transitions(actors.officer, fresh)}[
        "send_to_forum"
    ].allowed


def test_every_unmet_precondition_is_listed_together(actors):
    case = walk_idea(actors, S.AU_ASSESSED, route="delegation")
    with pytest.raises(ValidationError) as excinfo:
        fire(case, "send_to_forum", actors.officer)
    assert excinfo.value.messages == [
        "AU:s bedömning föreslår inte att ärendet går till utvecklingsforum.",
        "Ingen förankring med berörd verksamhet är registrerad.",
    ]


def test_the_director_cannot_decide_a_case_the_assessment_sends_to_the_forum(actors):
    case = walk_idea(actors, S.AU_ASSESSED, route="forum")
    with pytest.raises(ValidationError, match="föreslår inte beslut på delegation"):
        fire(case, "delegation_approve", actors.director)


def test_proposal_missing_or_without_amount_is_explained(actors):
    case = walk_cofinancing(actors, S.PREPARATION)
    with pytest.raises(ValidationError) as excinfo:
        fire(case, "mark_ready_for_run", actors.officer)
    assert excinfo.value.messages == ["Beslutsförslag saknas."]
    write_proposal(case, actors.officer, amount="", decision_points="")
    with pytest.raises(ValidationError) as excinfo:
        fire(case, "mark_ready_for_run", actors.officer)
    assert excinfo.value.messages == [
        "Beslutsförslaget saknar numrerade beslutspunkter.",
        "Beslutsförslaget saknar belopp.",
    ]
    assert Case.objects.get(pk=case.pk).state == S.PREPARATION


def test_a_proposal_to_reject_needs_no_amount(actors):
    case = walk_cofinancing(actors, S.PREPARATION)
    write_proposal(case, actors.officer, rejection=True)
    fire(case, "mark_ready_for_run", actors.officer)
    assert Case.objects.get(pk=case.pk).state == S.READY_FOR_RUN


def test_blockers_from_a_higher_layer_refuse_and_explain(actors):
    """The financing layer passes its reasons (no approved plan) as ``blockers``: they
    refuse the transition like the machine's own conditions and explain the button."""
    reason = "Finansieringsplanen är inte godkänd av en controller."
    case = walk_cofinancing(actors, S.PREPARATION)
    write_proposal(case, actors.officer)
    with pytest.raises(ValidationError) as excinfo:
        fire(case, "mark_ready_for_run", actors.officer, blockers=[reason])
    assert excinfo.value.messages == [reason]
    buttons = {
        t.name: t
        for t in wf.available_transitions(actors.officer, case, {"mark_ready_for_run": [reason]})
    }
    assert buttons["mark_ready_for_run"].access.reason == reason
    assert Case.objects.get(pk=case.pk).state == S.PREPARATION
    plain = {t.name: t for t in wf.available_transitions(actors.officer, case)}
    assert plain["mark_ready_for_run"].allowed


# --- Data validated by the transition's form -----------------------------------------


def test_grant_above_the_applied_amount_is_refused_with_a_clear_message(actors):
    case = walk_cofinancing(actors, S.READY_FOR_RUN)  # applied 1 222 867 kr
    before = snapshot(case)
    with pytest.raises(ValidationError) as excinfo:
        fire(case, "grant", actors.secretary, amount="1 300 000")
    assert excinfo.value.message_dict["amount"] == [
        "Beviljat belopp (1 300 000 kr) kan inte vara högre än det sökta beloppet från "
        "anslag 1:1 (1 222 867 kr)."
    ]
    assert snapshot(case) == before


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"amount": "tolv kronor"}, "amount", "Skriv beloppet"),
        ({"amount": "0"}, "amount", "större än noll"),
        ({"amount": ""}, "amount", "obligatoriskt"),
        ({"decided_on": "2020-13-45"}, "decided_on", "giltigt datum"),
        ({"decided_on": "2019-12-31"}, "decided_on", "före ärendets inkomstdatum"),
        ({"year_split": {"2020": "100"}}, "year_split", "stämmer inte"),
        ({"year_split": {"20": "1 000 000"}}, "year_split", "fyra siffror"),
        (
            {"special_conditions": [{"text": "", "due_date": "2021-01-01"}]},
            "special_conditions",
            "ingen text",
        ),
        (
            {"special_conditions": [{"text": "X", "due_date": "snart"}]},
            "special_conditions",
            "ÅÅÅÅ-MM-DD",
        ),
    ],
)
def test_grant_data_errors_name_the_field(actors, overrides, field, fragment):
    case = walk_cofinancing(actors, S.READY_FOR_RUN)
    before = snapshot(case)
    with pytest.raises(ValidationError) as excinfo:
        fire(case, "grant", actors.secretary, **overrides)
    assert fragment in " ".join(excinfo.value.message_dict[field])
    assert snapshot(case) == before


def test_a_decision_date_in_the_future_is_refused(actors):
    case = walk_idea(actors, S.AT_COUNCIL)
    with pytest.raises(ValidationError) as excinfo:
        fire(case, "council_approve", actors.secretary, decided_on=datetime.date(2999, 1, 1))
    assert excinfo.value.message_dict["decided_on"] == ["Datumet kan inte vara i framtiden."]


def test_amounts_in_tkr_are_accepted(actors):
    project = ProjectFactory(requested_amount=Decimal("2000000"))
    case = walk_cofinancing(actors, S.READY_FOR_RUN, project=project)
    fire(case, "grant", actors.secretary, amount="2 000 tkr")
    assert Case.objects.get(pk=case.pk).granted_amount == Decimal("2000000.00")


def test_assessment_fields_are_required(actors):
    case = walk_idea(actors, S.AU_PREPARATION)
    with pytest.raises(ValidationError) as excinfo:
        wf.case_transition(
            user=actors.officer,
            case=case,
            transition="record_au_assessment",
            data={"proposed_route": "somewhere"},
        )
    errors = excinfo.value.message_dict
    assert set(errors) == {"assessment", "proposed_route", "direction_proposal"}
    assert not Assessment.objects.filter(case=case).exists()


def test_unknown_transition_is_a_validation_error(actors):
    case = walk_idea(actors, S.REGISTERED)
    with pytest.raises(ValidationError, match="Okänd övergång"):
        wf.case_transition(user=actors.officer, case=case, transition="teleport")


def test_a_transition_of_the_other_route_is_refused(actors):
    case = walk_cofinancing(actors, S.REGISTERED)
    with pytest.raises(ValidationError, match="kan inte göras"):
        fire(case, "start_au_preparation", actors.officer)
    assert [t.name for t in wf.available_transitions(actors.officer, case)] == [
        "start_preparation",
        "withdraw",
    ]


# --- Stale transitions --------------------------------------------------------------


def test_a_transition_on_a_stale_case_is_a_conflict_and_changes_nothing(actors):
    case = walk_idea(actors, S.AT_COUNCIL)
    stale = Case.objects.get(pk=case.pk)  # what the second secretary's page showed
    fire(case, "council_approve", actors.secretary)
    before = snapshot(case)
    with pytest.raises(Conflict) as excinfo:
        fire(stale, "council_reject", actors.secretary)
    assert "Ärendet har ändrats av någon annan" in str(excinfo.value)
    assert "Godkänt" in str(excinfo.value)
    assert snapshot(case) == before


def test_expected_state_given_explicitly(actors):
    case = walk_idea(actors, S.AU_PREPARATION)
    with pytest.raises(Conflict):
        wf.case_transition(
            user=actors.officer,
            case=case,
            transition="withdraw",
            motivation="x",
            expected_state=S.REGISTERED,
        )
    assert Case.objects.get(pk=case.pk).state == S.AU_PREPARATION


# --- Side effects on commit -------------------------------------------------------------


def test_the_officer_is_told_by_mail_after_commit_when_someone_else_moves_the_case(
    actors, django_capture_on_commit_callbacks
):
    actors.officer.email = "anna@example.se"
    actors.officer.save()
    case = walk_idea(actors, S.AT_COUNCIL)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        fire(case, "council_approve", actors.secretary)
    assert mail.outbox == []  # nothing before commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna@example.se"]
    assert case.dnr in message.subject
    assert "Hos utvecklingsrådet" in message.body and "Godkänt" in message.body


def test_no_mail_when_the_officer_moves_their_own_case(actors, django_capture_on_commit_callbacks):
    case = walk_idea(actors, S.REGISTERED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        fire(case, "start_au_preparation", actors.officer)
    assert mail.outbox == []


def test_a_refused_transition_queues_nothing(actors, django_capture_on_commit_callbacks):
    case = walk_idea(actors, S.AU_ASSESSED)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError):
        fire(case, "send_to_forum", actors.officer)
    assert callbacks == []


# --- Anchoring, linked cases and the decision proposal ---------------------------------


def test_anchoring_contacts_are_recorded_by_officers_on_project_ideas(actors):
    case = walk_idea(actors, S.AU_PREPARATION)
    contact = add_anchoring(case, actors.officer)
    assert contact.recorded_by == actors.officer
    with pytest.raises(PermissionDenied):
        add_anchoring(case, actors.secretary)
    with pytest.raises(ValidationError) as excinfo:
        wf.anchoring_contact_create(
            user=actors.officer,
            case=case,
            unit="",
            person="Karin",
            contacted_on=datetime.date(2999, 1, 1),
            outcome="",
        )
    assert set(excinfo.value.message_dict) == {"unit", "contacted_on", "outcome"}
    cofinancing = walk_cofinancing(actors, S.REGISTERED)
    with pytest.raises(PermissionDenied, match="projektidéer"):
        add_anchoring(cofinancing, actors.officer)


def test_anchoring_can_be_removed_only_before_the_forum(actors):
    case = walk_idea(actors, S.AU_ASSESSED)
    contact = add_anchoring(case, actors.officer)
    second = add_anchoring(case, actors.officer, unit="Division Närsjukvård")
    wf.anchoring_contact_delete(user=actors.officer, contact=second)
    fire(case, "send_to_forum", actors.officer)
    with pytest.raises(Conflict):
        wf.anchoring_contact_delete(user=actors.officer, contact=contact)
    assert AnchoringContact.objects.filter(pk=contact.pk).exists()


def test_health_care_co_financing_needs_a_project_idea_that_passed_the_council(actors):
    project = ProjectFactory(involves_healthcare=True)
    cofinancing = walk_cofinancing(actors, S.PREPARATION, project=project)
    status = anchoring_status(cofinancing)
    assert status.required and not status.anchored and status.warning
    defaults = wf.decision_proposal_defaults(cofinancing)
    assert defaults["proposes_rejection"] is True
    assert defaults["rejection_reason"] == (
        "Projektet har inte behandlats av utvecklingsrådet och är således inte prioriterat "
        "eller förankrat."
    )
    assert defaults["decision_points"][0].startswith(
        "Regionala utvecklingsnämnden beslutar att avslå ansökan"
    )
    # the deciding body as the region names it (data), not the code's label
    body = body_get(BodyCode.RUN)
    body.name = "Regionutvecklingsnämnden"
    body.save()
    defaults = wf.decision_proposal_defaults(cofinancing)
    assert defaults["decision_points"][0].startswith(
        "Regionutvecklingsnämnden beslutar att avslå ansökan om den sökta medfinansieringen"
    )

    idea = walk_idea(actors, S.AT_COUNCIL, project=project)
    assert anchoring_status(cofinancing).warning  # at the council is not yet passed
    assert [c.pk for c in anchoring_status(cofinancing).idea_cases] == [idea.pk]
    fire(idea, "council_approve", actors.secretary)
    status = anchoring_status(cofinancing)
    assert status.anchored and not status.warning
    defaults = wf.decision_proposal_defaults(cofinancing)
    assert defaults["proposes_rejection"] is False
    assert defaults["proposed_amount"] == project.requested_amount
    assert defaults["decision_points"][1] == "Medlen anvisas ur det statliga anslaget 1:1."


def test_board_approval_after_referral_also_counts_as_passed(actors):
    project = ProjectFactory(involves_healthcare=True)
    cofinancing = walk_cofinancing(actors, S.REGISTERED, project=project)
    walk_idea(actors, S.APPROVED, project=project)  # council_approve
    assert anchoring_status(cofinancing).anchored
    project2 = ProjectFactory(involves_healthcare=True)
    other = walk_cofinancing(actors, S.REGISTERED, project=project2)
    idea = walk_idea(actors, S.AT_BOARD, project=project2)
    fire(idea, "board_approve", actors.secretary)
    assert anchoring_status(other).anchored


def test_projects_without_health_care_need_no_council_anchoring(actors):
    case = walk_cofinancing(actors, S.REGISTERED)
    status = anchoring_status(case)
    assert not status.required and not status.warning


def test_decision_proposal_versions_guard_against_lost_updates(actors):
    case = walk_cofinancing(actors, S.PREPARATION)
    proposal = write_proposal(case, actors.officer)
    assert proposal.version == 1
    data = {
        "decision_points": "Punkt ett",
        "proposed_amount": "1 000 000",
        "statement": "Nytt yttrande",
        "summary": "",
    }
    updated = wf.decision_proposal_save(user=actors.officer, case=case, data=data, version=1)
    assert updated.version == 2
    assert updated.decision_points == ["Punkt ett"]
    with pytest.raises(Conflict, match="Någon annan har ändrat beslutsförslaget"):
        wf.decision_proposal_save(
            user=actors.officer, case=case, data={**data, "statement": "Gammal"}, version=1
        )
    assert DecisionProposal.objects.get(case=case).statement == "Nytt yttrande"


def test_decision_proposal_rules(actors):
    case = walk_cofinancing(actors, S.PREPARATION)  # applied 1 222 867 kr
    with pytest.raises(ValidationError) as excinfo:
        wf.decision_proposal_save(
            user=actors.officer,
            case=case,
            data={"proposed_amount": "5 000 000", "proposes_rejection": "on"},
        )
    assert set(excinfo.value.message_dict) == {"proposed_amount", "rejection_reason"}
    with pytest.raises(PermissionDenied):
        write_proposal(case, actors.secretary)
    with pytest.raises(ValidationError, match="Beslutsförslag saknas"):
        fire(case, "mark_ready_for_run", actors.officer)  # the refused save left none


def test_the_proposal_is_frozen_once_ready_for_run(actors):
    case = walk_cofinancing(actors, S.READY_FOR_RUN)
    with pytest.raises(PermissionDenied, match="under beredning"):
        write_proposal(case, actors.officer)
    fire(case, "return_to_preparation", actors.officer, motivation="Justera beloppet.")
    write_proposal(case, actors.officer, amount="1 100 000")
    assert DecisionProposal.objects.get(case=case).proposed_amount == Decimal("1100000.00")


# --- Delegation register ----------------------------------------------------------------


def _delegated(actors, decided_on=datetime.date(2020, 2, 20)):
    case = walk_idea(actors, S.AU_ASSESSED, route="delegation")
    fire(case, "delegation_approve", actors.director, decided_on=decided_on)
    return DelegationDecision.objects.get(case=case)


def test_delegation_decisions_are_marked_reported_at_a_meeting(actors):
    first, second = _delegated(actors), _delegated(actors)
    assert list(DelegationDecision.objects.filter(reported_on=None).order_by("pk")) == [
        first,
        second,
    ]
    marked = wf.delegation_decision_mark_reported(
        user=actors.secretary,
        decisions=[first, second.pk],
        reported_on=DAY,
        reference="RUN 2020-03-24 § 25",
    )
    assert {d.pk for d in marked} == {first.pk, second.pk}
    first.refresh_from_db()
    assert first.reported_on == DAY and first.report_reference == "RUN 2020-03-24 § 25"
    assert not DelegationDecision.objects.filter(reported_on=None).exists()
    # Reporting again at the same paragraph is harmless; elsewhere is a conflict.
    wf.delegation_decision_mark_reported(
        user=actors.secretary, decisions=[first], reported_on=DAY, reference="RUN 2020-03-24 § 25"
    )
    with pytest.raises(Conflict, match="redan anmält"):
        wf.delegation_decision_mark_reported(
            user=actors.secretary,
            decisions=[first],
            reported_on=DAY,
            reference="RUN 2020-04-21 § 50",
        )


def test_marking_delegation_decisions_is_checked(actors):
    decision = _delegated(actors, decided_on=datetime.date(2020, 3, 20))
    with pytest.raises(PermissionDenied):
        wf.delegation_decision_mark_reported(
            user=actors.officer, decisions=[decision], reported_on=DAY, reference="RUN § 25"
        )
    with pytest.raises(ValidationError) as excinfo:
        wf.delegation_decision_mark_reported(
            user=actors.secretary, decisions=[decision], reported_on=DAY, reference=" "
        )
    assert "reference" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        wf.delegation_decision_mark_reported(
            user=actors.secretary,
            decisions=[decision],
            reported_on=datetime.date(2020, 3, 1),
            reference="RUN § 25",
        )
    assert "reported_on" in excinfo.value.message_dict
    decision.refresh_from_db()
    assert decision.reported_on is None


# --- For the meetings part ---------------------------------------------------------------


def test_body_transitions_name_real_transitions():
    names = set(wf.transitions())
    for body, transitions in BODY_TRANSITIONS.items():
        assert set(transitions) <= names, body


def test_cases_ready_for_each_body(actors):
    registered = walk_idea(actors, S.REGISTERED)
    preparing = walk_idea(actors, S.AU_PREPARATION)
    at_forum = walk_idea(actors, S.AT_FORUM)
    at_council = walk_idea(actors, S.AT_COUNCIL)
    at_group = walk_idea(actors, S.AT_MANAGEMENT_GROUP)
    at_board = walk_idea(actors, S.AT_BOARD)
    ready = walk_cofinancing(actors, S.READY_FOR_RUN)
    walk_cofinancing(actors, S.REGISTERED)  # a co-financing case is never AU's

    def pks(body):
        return set(cases_ready_for(body).values_list("pk", flat=True))

    assert pks(BodyCode.AU) == {registered.pk, preparing.pk}
    assert pks(BodyCode.FORUM) == {at_forum.pk}
    assert pks(BodyCode.COUNCIL) == {at_council.pk}
    assert pks(BodyCode.MANAGEMENT_GROUP) == {at_group.pk}
    assert pks(BodyCode.BOARD) == {at_board.pk}
    assert pks(BodyCode.RUN) == {ready.pk}
    assert pks(BodyCode.RUU) == set()
    counts = queue_counts()
    assert counts == {
        "au": 2,
        "assessed": 0,
        "forum": 1,
        "council": 1,
        "management": 2,
        "run": 1,
    }


def test_queue_counts_read_the_maintained_counts_not_the_cases():
    """The start page's queue counts read the counts per kind and state the triggers keep
    (``projects.CaseStateCount``), not the cases in the queues (60 000 index entries at
    200 000 cases on every start page)."""
    from decisions.workflow.selectors import queue_counts_queryset

    sql, params = queue_counts_queryset().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "projects_casestatecount" in plan and " projects_case " not in plan
