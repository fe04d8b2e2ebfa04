"""What a § says it decided follows what the meeting carried (issue "The signed record",
points 1 and 2): a carried motion to reject or amend replaces the proposal, a carried
tilläggsyrkande is added, the vote counts are correct Swedish, a decision that contradicts
the words is refused before signing; what was prepared on the case flows into the §."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from decisions.meetings import documents, wording
from decisions.meetings import services as svc
from decisions.meetings.models import AgendaItem
from decisions.workflow import services as wf
from projects.models import CaseState, Document
from tests.decisions.meetings.factories import case_ready_for_run, held_meeting, seed
from tests.projects.factories import ProjectFactory, register_case

pytestmark = pytest.mark.django_db


def _paragraph(secretary, officer, members, seed_number=39):
    meeting = held_meeting(secretary, members)
    case = case_ready_for_run(officer, seed(seed_number))
    item = svc.agenda_item_add(
        user=secretary, meeting=meeting, kind=AgendaItem.Kind.CASE, case=case
    )
    return svc.paragraph_add(user=secretary, item=item), case


def test_a_carried_motion_to_reject_replaces_the_proposal_and_the_grant_is_refused(
    secretary, officer, members
):
    paragraph, case = _paragraph(secretary, officer, members)
    assert "beviljas" in wording.decision_words(paragraph.decision_text, paragraph.decision_points)
    motion = svc.motion_add(
        user=secretary,
        paragraph=paragraph,
        movers=[members["Jan Anders Perdal"]],
        kind="rejection",
        text="avslag till projektansökan",
    )
    svc.paragraph_set_proposition(
        user=secretary, paragraph=paragraph, put=True, carried_motion=motion
    )
    paragraph.refresh_from_db()
    assert paragraph.decision_points == []
    assert paragraph.decision_text == (
        "Regionala utvecklingsnämnden beslutar att avslå ansökan om medfinansiering."
    )
    with pytest.raises(ValidationError, match="Ett yrkande om avslag bifölls"):
        svc.paragraph_record_decision(
            user=secretary, paragraph=paragraph, transition="grant", amount=Decimal("100000")
        )
    svc.paragraph_record_decision(user=secretary, paragraph=paragraph, transition="reject")
    case.refresh_from_db()
    assert case.state == CaseState.REJECTED
    text = documents.paragraph_context(paragraph)
    assert text["points"] == [] and "avslå ansökan" in paragraph.decision_text
    # The main proposal carried after all (the propositionsordning set again): it is back.
    assert svc.signing_problems(paragraph.meeting) == []


def test_the_proposal_comes_back_when_it_is_carried_after_all(secretary, officer, members):
    paragraph, _case = _paragraph(secretary, officer, members)
    proposal = paragraph.decision_points
    motion = svc.motion_add(
        user=secretary,
        paragraph=paragraph,
        movers=[members["Jan Anders Perdal"]],
        kind="rejection",
        text="avslag",
    )
    svc.paragraph_set_proposition(
        user=secretary, paragraph=paragraph, put=True, carried_motion=motion
    )
    svc.paragraph_set_proposition(
        user=secretary, paragraph=paragraph, put=True, carried_motion=None
    )
    paragraph.refresh_from_db()
    assert paragraph.decision_points == proposal


WRITTEN = ["Ärendet bereds vidare till utvecklingsrådet.", "AU:s bedömning godkänns."]


def _write_decision(secretary, paragraph):
    svc.paragraph_update(user=secretary, paragraph=paragraph, data={"decision_points": WRITTEN})


def _rejection(secretary, paragraph, members):
    return svc.motion_add(
        user=secretary,
        paragraph=paragraph,
        movers=[members["Jan Anders Perdal"]],
        kind="rejection",
        text="avslag",
    )


def test_a_carried_main_proposal_keeps_the_decision_the_secretary_wrote(
    secretary, officer, members
):
    """Review F1: the propositionsordning used to put back the proposal as it was when the
    § was numbered, erasing the points the secretary had written since."""
    paragraph, _case = _paragraph(secretary, officer, members)
    _write_decision(secretary, paragraph)
    _rejection(secretary, paragraph, members)
    svc.paragraph_set_proposition(
        user=secretary, paragraph=paragraph, put=True, carried_motion=None
    )
    paragraph.refresh_from_db()
    assert [p["text"] for p in paragraph.decision_points] == WRITTEN


def test_a_vote_for_the_main_proposal_keeps_the_decision_the_secretary_wrote(
    secretary, officer, members
):
    paragraph, _case = _paragraph(secretary, officer, members)
    _write_decision(secretary, paragraph)
    motion = _rejection(secretary, paragraph, members)
    votes = {
        members[name].pk: "yes"
        for name in ("Nils-Olov Lindfors", "Helena Öhlund", "Lage Hortlund", "Lennart Thörnlund")
    }
    votes[members["Jan Anders Perdal"].pk] = "no"
    svc.vote_record(user=secretary, paragraph=paragraph, votes=votes, no_motion=motion)
    paragraph.refresh_from_db()
    assert [p["text"] for p in paragraph.decision_points] == WRITTEN


def test_a_carried_rejection_still_replaces_the_written_decision_and_it_comes_back(
    secretary, officer, members
):
    paragraph, _case = _paragraph(secretary, officer, members)
    _write_decision(secretary, paragraph)
    motion = _rejection(secretary, paragraph, members)
    svc.paragraph_set_proposition(
        user=secretary, paragraph=paragraph, put=True, carried_motion=motion
    )
    paragraph.refresh_from_db()
    assert paragraph.decision_points == []
    assert "avslå" in paragraph.decision_text
    # Rewording the rejection does not make it the main proposal.
    svc.paragraph_update(
        user=secretary,
        paragraph=paragraph,
        data={"decision_text": "Regionala utvecklingsnämnden beslutar att avslå ansökan."},
    )
    svc.paragraph_set_proposition(
        user=secretary, paragraph=paragraph, put=True, carried_motion=None
    )
    paragraph.refresh_from_db()
    assert [p["text"] for p in paragraph.decision_points] == WRITTEN


def test_a_carried_amendment_replaces_and_an_addition_is_added(secretary, officer, members):
    paragraph, _case = _paragraph(secretary, officer, members)
    perdal, ohlund = members["Jan Anders Perdal"], members["Helena Öhlund"]
    amendment = svc.motion_add(
        user=secretary,
        paragraph=paragraph,
        movers=[ohlund],
        kind="amendment",
        text="att projektet beviljas 800 000 kr i medfinansiering",
    )
    addition = svc.motion_add(
        user=secretary,
        paragraph=paragraph,
        movers=[perdal],
        kind="addition",
        text="att slutrapporten redovisar antalet deltagande företag",
    )
    svc.paragraph_set_proposition(
        user=secretary,
        paragraph=paragraph,
        put=True,
        carried_motion=amendment,
        accepted_additions=[addition],
    )
    paragraph.refresh_from_db()
    assert [p["text"] for p in paragraph.decision_points] == [
        "Projektet beviljas 800 000 kr i medfinansiering.",
        "Slutrapporten redovisar antalet deltagande företag.",
    ]


def test_vote_counts_are_correct_swedish(secretary, officer, members):
    paragraph, _case = _paragraph(secretary, officer, members)
    motion = svc.motion_add(
        user=secretary,
        paragraph=paragraph,
        movers=[members["Jan Anders Perdal"]],
        kind="rejection",
        text="avslag",
    )
    votes = {
        members[name].pk: "yes"
        for name in ("Nils-Olov Lindfors", "Helena Öhlund", "Lage Hortlund", "Lennart Thörnlund")
    }
    votes[members["Jan Anders Perdal"].pk] = "no"
    svc.vote_record(user=secretary, paragraph=paragraph, votes=votes, no_motion=motion)
    paragraph.refresh_from_db()
    lines = documents.generated_proceedings(paragraph)
    assert any("Med 4 ja-röster mot 1 nej-röst beslutar" in line for line in lines)


def test_signing_is_refused_while_the_words_contradict_the_decision(secretary, officer, members):
    paragraph, _case = _paragraph(secretary, officer, members)
    svc.paragraph_record_decision(
        user=secretary, paragraph=paragraph, transition="grant", amount=Decimal("500000")
    )
    problems = svc.signing_problems(paragraph.meeting)
    assert any("nämner inte det beviljade beloppet 500 000 kr" in p for p in problems), problems
    with pytest.raises(ValidationError):
        svc.meeting_submit_for_signing(user=secretary, meeting=paragraph.meeting)
    svc.paragraph_update(
        user=secretary,
        paragraph=paragraph,
        data={
            "decision_points": [
                "Projektet beviljas 500 tkr i medfinansiering.",
                "Medlen anvisas ur det statliga 1:1 anslaget.",
            ]
        },
    )
    assert not [p for p in svc.signing_problems(paragraph.meeting) if "§" in p]


def test_a_council_decision_without_wording_gets_the_decision_in_words(secretary, actors):
    from tests.decisions.meetings.factories import committee
    from tests.decisions.workflow.factories import walk_idea

    case = walk_idea(actors, CaseState.AT_COUNCIL)
    council = svc.body_get("council")
    council_members = {name: member for name, member in committee(secretary, council).items()}
    meeting = held_meeting(secretary, council_members, body=council)
    item = svc.agenda_item_add(user=secretary, meeting=meeting, kind="case", case=case)
    paragraph = svc.paragraph_add(user=secretary, item=item)
    svc.paragraph_record_decision(user=secretary, paragraph=paragraph, transition="council_approve")
    paragraph.refresh_from_db()
    case.refresh_from_db()
    assert paragraph.decision_text == "Utvecklingsrådet beslutar att godkänna projektidén."
    assert case.state == CaseState.APPROVED


def test_conditions_become_lettered_points_however_the_proposal_is_worded(
    secretary, officer, members
):
    project = ProjectFactory(requested_amount=Decimal("300000"), title="Solceller i Boden")
    case = register_case(officer=officer, project=project)
    wf.case_transition(user=officer, case=case, transition="start_preparation")
    wf.decision_proposal_save(
        user=officer,
        case=case,
        data={
            "decision_points": "Projektet beviljas 300 000 kr.\nMedlen anvisas ur anslaget 1:1.",
            "proposed_amount": "300000",
            "special_conditions": [
                {"text": "Redovisa antalet företag i slutrapporten.", "due_date": "2023-04-30"},
                {"text": "Styrgruppen ska ha en ledamot från Bodens kommun."},
            ],
        },
    )
    wf.case_transition(user=officer, case=case, transition="mark_ready_for_run")
    meeting = held_meeting(secretary, members)
    item = svc.agenda_item_add(user=secretary, meeting=meeting, kind="case", case=case)
    paragraph = svc.paragraph_add(user=secretary, item=item)
    assert paragraph.decision_points[-1] == {
        "text": "Följande särskilda villkor ska följas:",
        "sub": [
            "Redovisa antalet företag i slutrapporten.",
            "Styrgruppen ska ha en ledamot från Bodens kommun.",
        ],
    }
    html = documents.render_html(kind="protocol", meeting=meeting)
    assert "a) Redovisa antalet företag i slutrapporten." in html or (
        "Redovisa antalet företag i slutrapporten." in html and "a)" in html
    )


def test_the_approved_plan_and_the_basis_documents_flow_into_the_paragraph(
    secretary, officer, controller, members
):
    from tests.financing.factories import make_plan

    case = case_ready_for_run(officer, seed(39))
    plan = make_plan(case, status="approved", controller=controller)
    assert plan.status == "approved"
    case.project.refresh_from_db()
    assert [r["financier"] for r in case.project.approved_financing]
    document = Document.objects.create(
        case=case,
        title="Ansökan om medfinansiering",
        kind=Document.Kind.DECISION_BASIS,
        file="cases/x.pdf",
        original_name="ansokan.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=officer,
    )
    meeting = held_meeting(secretary, members)
    item = svc.agenda_item_add(user=secretary, meeting=meeting, kind="case", case=case)
    paragraph = svc.paragraph_add(user=secretary, item=item)
    assert [r["financier"] for r in paragraph.financing_rows] == [
        r["financier"] for r in case.project.approved_financing
    ]
    assert list(paragraph.basis_documents.all()) == [document]
    context = documents.paragraph_context(paragraph)
    assert context["financing_shares"]
    assert "Ansökan om medfinansiering (v1)" in context["decision_basis"]
    assert [r["share"] for r in context["financing_rows"]] == ["40,0\u00a0%", "60,0\u00a0%"]


def test_reopening_the_plan_takes_the_approved_financing_back(officer, controller):
    from financing import services as financing_services
    from tests.financing.factories import make_plan
    from tests.projects.factories import co_financing_case

    case = co_financing_case(officer=officer)
    plan = make_plan(case, status="approved", controller=controller)
    case.project.refresh_from_db()
    assert case.project.approved_financing_on is not None
    financing_services.financing_plan_reopen(user=controller, plan=plan, comment="Ny budget.")
    case.project.refresh_from_db()
    assert case.project.approved_financing == [] and case.project.approved_financing_on is None
