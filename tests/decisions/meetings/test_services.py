"""Meeting services: agenda, attendance, jäv and votes, recording decisions (workflow),
justering and the freeze after it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.errors import Conflict
from decisions.meetings import documents
from decisions.meetings import services as svc
from decisions.meetings.models import AgendaItem, Paragraph, Vote
from decisions.workflow.models import TransitionLog
from projects.models import CaseState
from tests.core.factories import PASSWORD
from tests.decisions.meetings.factories import held_meeting

pytestmark = pytest.mark.django_db


def _other_paragraph(secretary, meeting, title="Motion om haverikommission"):
    svc.meeting_number_items(user=secretary, meeting=meeting)
    item = svc.agenda_item_add(user=secretary, meeting=meeting, kind="other", title=title)
    paragraph = svc.paragraph_add(user=secretary, item=item)
    svc.paragraph_update(
        user=secretary,
        paragraph=paragraph,
        data={"decision_text": "Regionala utvecklingsnämnden beslutar att avslå motionen."},
    )
    return paragraph


# --- Agenda and numbering ------------------------------------------------------------------


def test_new_meeting_gets_the_formal_items(secretary, members):
    body = members["Lage Hortlund"].body
    meeting = svc.meeting_create(
        user=secretary, body=body, date=datetime.date(2020, 6, 9), start_time=datetime.time(9)
    )
    kinds = list(meeting.items.values_list("kind", flat=True))
    assert kinds == ["opening", "adjuster", "agenda"]
    assert meeting.place == "Regionhuset, Luleå"


def test_only_secretaries_plan_meetings(officer, members):
    with pytest.raises(PermissionDenied):
        svc.meeting_create(
            user=officer,
            body=members["Lage Hortlund"].body,
            date=datetime.date(2020, 6, 9),
            start_time=datetime.time(9),
        )


def test_agenda_reorders_with_up_and_down(secretary, meeting):
    a = svc.agenda_item_add(user=secretary, meeting=meeting, kind="information", title="A")
    b = svc.agenda_item_add(user=secretary, meeting=meeting, kind="other", title="B")
    svc.agenda_item_move(user=secretary, item=b, direction="up")
    titles = list(meeting.items.order_by("position").values_list("title", flat=True))
    assert titles[-2:] == ["B", "A"]
    svc.agenda_item_move(user=secretary, item=b, direction="down")
    titles = list(meeting.items.order_by("position").values_list("title", flat=True))
    assert titles[-2:] == ["A", "B"]
    assert a.pk


def test_numbering_follows_the_agenda_and_continues_across_meetings(secretary, members, meeting):
    body = meeting.body
    svc.paragraph_counter_set_start(user=secretary, body=body, year=2020, first_number=22)
    created = svc.meeting_number_items(user=secretary, meeting=meeting)
    assert [p.number for p in created] == [22, 23]  # adjuster, agenda (opening has no §)
    adjuster = created[0]
    assert adjuster.decision_text == (
        "Regionala utvecklingsnämnden beslutar att utse Lage Hortlund (SD) att jämte "
        "ordföranden justera dagens protokoll."
    )
    assert created[1].decision_text.endswith("beslutar att fastställa föredragningslistan.")
    later = svc.meeting_create(
        user=secretary, body=body, date=datetime.date(2020, 9, 1), start_time=datetime.time(9)
    )
    next_paragraphs = svc.meeting_number_items(user=secretary, meeting=later)
    assert [p.number for p in next_paragraphs] == [24, 25]
    other_year = svc.meeting_create(
        user=secretary, body=body, date=datetime.date(2021, 2, 1), start_time=datetime.time(9)
    )
    assert [p.number for p in svc.meeting_number_items(user=secretary, meeting=other_year)] == [
        1,
        2,
    ]


def test_counter_cannot_start_below_a_used_number(secretary, meeting):
    svc.meeting_number_items(user=secretary, meeting=meeting)
    with pytest.raises(ValidationError) as err:
        svc.paragraph_counter_set_start(
            user=secretary, body=meeting.body, year=2020, first_number=1
        )
    assert "redan använd" in str(err.value)


def test_only_the_last_paragraph_can_be_removed(secretary, meeting):
    first, second = svc.meeting_number_items(user=secretary, meeting=meeting)
    with pytest.raises(Conflict):
        svc.paragraph_remove(user=secretary, paragraph=first)
    svc.paragraph_remove(user=secretary, paragraph=second)
    assert svc.next_paragraph_number(meeting.body, 2020) == second.number


def test_numbered_items_cannot_be_reordered(secretary, meeting):
    svc.meeting_number_items(user=secretary, meeting=meeting)
    item = meeting.items.get(kind="agenda")
    with pytest.raises(Conflict):
        svc.agenda_item_move(user=secretary, item=item, direction="up")


# --- Attendance, jäv, votes -------------------------------------------------------------------


def test_substitute_serves_only_for_an_absent_member(secretary, members, meeting):
    entries = [
        {"member": m, "present": True, "serving_for": None}
        for m in members.values()
        if not m.is_substitute
    ]
    entries.append(
        {
            "member": members["Anna Sandberg"],
            "present": True,
            "serving_for": members["Helena Öhlund"],
        }
    )
    with pytest.raises(ValidationError) as err:
        svc.attendance_set(user=secretary, meeting=meeting, entries=entries)
    assert "som är närvarande" in str(err.value)
    entries[1]["present"] = False  # Helena Öhlund absent
    svc.attendance_set(user=secretary, meeting=meeting, entries=entries)
    voters = {m.name for m in svc.voting_members(meeting)}
    assert "Anna Sandberg" in voters and "Helena Öhlund" not in voters


def test_only_those_who_take_part_in_the_decision_may_move_and_reserve(secretary, members, meeting):
    """Review F2 (KL 4 kap. 27 §): a substitute present but not serving takes no part in the
    decision; the motion and reservation lists leave them out and the services refuse them.
    Serving for an absent member, they may."""
    from decisions.meetings import forms

    paragraph = _other_paragraph(secretary, meeting)
    substitute = members["Anna Sandberg"]
    entries = [{"member": m, "present": True, "serving_for": None} for m in members.values()]
    svc.attendance_set(user=secretary, meeting=meeting, entries=entries)
    assert substitute not in svc.paragraph_participants(paragraph)
    assert substitute not in forms.MotionForm(paragraph=paragraph).fields["movers"].queryset
    assert substitute not in forms.ReservationForm(paragraph=paragraph).fields["members"].queryset
    with pytest.raises(ValidationError, match="ersättare utan att tjänstgöra"):
        svc.motion_add(
            user=secretary,
            paragraph=paragraph,
            movers=[substitute],
            kind="addition",
            text="att en uppföljning redovisas i juni",
        )
    with pytest.raises(ValidationError, match="ersättare utan att tjänstgöra"):
        svc.reservation_add(user=secretary, paragraph=paragraph, members=[substitute])
    assert not paragraph.motions.exists() and not paragraph.reservations.exists()

    ohlund = members["Helena Öhlund"]
    for entry in entries:
        if entry["member"] == ohlund:
            entry["present"] = False
        if entry["member"] == substitute:
            entry["serving_for"] = ohlund
    svc.attendance_set(user=secretary, meeting=meeting, entries=entries)
    assert substitute in forms.MotionForm(paragraph=paragraph).fields["movers"].queryset
    svc.motion_add(user=secretary, paragraph=paragraph, movers=[substitute], kind="rejection")
    svc.reservation_add(user=secretary, paragraph=paragraph, members=[substitute])


def test_jav_member_takes_no_part_and_is_not_counted(secretary, members, meeting):
    paragraph = _other_paragraph(secretary, meeting)
    lage, perdal = members["Lage Hortlund"], members["Jan Anders Perdal"]
    svc.conflict_declare(user=secretary, paragraph=paragraph, member=lage, reason="styrelseledamot")
    motion = svc.motion_add(
        user=secretary,
        paragraph=paragraph,
        movers=[perdal],
        kind="approval",
        text="att regionala utvecklingsnämnden bifaller motionen",
    )
    with pytest.raises(ValidationError):
        svc.motion_add(user=secretary, paragraph=paragraph, movers=[lage], kind="approval")
    votes = {m.pk: Vote.Choice.YES for m in svc.voting_members(meeting)}
    votes[perdal.pk] = Vote.Choice.NO
    with pytest.raises(ValidationError) as err:
        svc.vote_record(user=secretary, paragraph=paragraph, votes=votes, no_motion=motion)
    assert "jäv" in str(err.value)
    assert not paragraph.votes.exists()
    del votes[lage.pk]
    svc.vote_record(user=secretary, paragraph=paragraph, votes=votes, no_motion=motion)
    assert svc.vote_totals(paragraph) == {"yes": 3, "no": 1, "abstain": 0}
    assert lage not in svc.paragraph_voters(paragraph)
    text = documents.proceedings_text(Paragraph.objects.get(pk=paragraph.pk))
    assert "Lage Hortlund (SD) anmäler jäv och deltar inte i handläggningen av ärendet." in text
    assert "Jan Anders Perdal (V) yrkar att regionala utvecklingsnämnden bifaller motionen." in text
    assert "Omröstning begärs och verkställs." in text
    assert "Med 3 ja-röster mot 1 nej-röst beslutar regionala utvecklingsnämnden" in text
    assert "Nej: Jan Anders Perdal (V)." in text


def test_vote_needs_every_voter_and_tie_goes_to_the_chair(secretary, members, meeting):
    paragraph = _other_paragraph(secretary, meeting)
    perdal = members["Jan Anders Perdal"]
    motion = svc.motion_add(user=secretary, paragraph=paragraph, movers=[perdal], kind="rejection")
    voters = svc.voting_members(meeting)
    with pytest.raises(ValidationError) as err:
        svc.vote_record(user=secretary, paragraph=paragraph, votes={}, no_motion=motion)
    assert "Röst saknas" in str(err.value)
    assert len(voters) == 5
    votes = {
        members["Nils-Olov Lindfors"].pk: Vote.Choice.NO,
        members["Helena Öhlund"].pk: Vote.Choice.NO,
        members["Lage Hortlund"].pk: Vote.Choice.YES,
        members["Lennart Thörnlund"].pk: Vote.Choice.YES,
        perdal.pk: Vote.Choice.ABSTAIN,
    }
    paragraph = svc.vote_record(user=secretary, paragraph=paragraph, votes=votes, no_motion=motion)
    assert paragraph.carried_motion == motion  # the chair voted nej: the motion is carried
    text = documents.proceedings_text(Paragraph.objects.get(pk=paragraph.pk))
    assert "Med 2 ja-röster mot 2 nej-röster (1 avstår) och ordförandens utslagsröst" in text
    assert "i enlighet med Jan Anders Perdals (V) yrkande." in text


def test_proceedings_override_and_regenerate(secretary, members, meeting):
    paragraph = _other_paragraph(secretary, meeting)
    svc.paragraph_update(
        user=secretary, paragraph=paragraph, data={"proceedings_override": "Egen text."}
    )
    assert documents.proceedings_text(Paragraph.objects.get(pk=paragraph.pk)) == "Egen text."
    svc.paragraph_update(user=secretary, paragraph=paragraph, data={"proceedings_override": ""})
    assert documents.proceedings_text(Paragraph.objects.get(pk=paragraph.pk)) == ""


def test_addition_carried_is_written_in_the_seed_wording(secretary, members, meeting):
    paragraph = _other_paragraph(secretary, meeting, "Ansökan om förstudie")
    helena = members["Helena Öhlund"]
    addition = svc.motion_add(
        user=secretary,
        paragraph=paragraph,
        movers=[helena],
        kind="addition",
        text="att återkoppling till nämnden ska ske efter halva utredningstiden",
    )
    svc.paragraph_set_proposition(
        user=secretary, paragraph=paragraph, put=False, accepted_additions=[addition]
    )
    text = documents.proceedings_text(Paragraph.objects.get(pk=paragraph.pk))
    assert (
        "Regionala utvecklingsnämnden beslutar i enlighet med det liggande förslaget med "
        "tilläggsyrkandet av Helena Öhlund (S)." in text
    )


# --- Recording decisions fires the workflow ------------------------------------------------------


def test_recording_the_grant_moves_the_case_and_logs_the_paragraph(run_meeting):
    case = run_meeting["case35"]
    case.refresh_from_db()
    assert case.state == CaseState.GRANTED
    assert case.granted_amount == Decimal("1754698")
    assert case.decided_on == datetime.date(2020, 3, 24)
    log = TransitionLog.objects.get(case=case, transition="grant")
    assert log.data["reference"] == "RUN 2020-03-24 § 35"
    paragraph = run_meeting["p35"]
    assert paragraph.outcome == "granted"
    assert paragraph.decision_recorded_at is not None


def test_rejection_is_recorded_with_its_reason(secretary, officer, members):
    from tests.decisions.meetings.factories import case_ready_for_run, seed

    meeting = held_meeting(secretary, members)
    case = case_ready_for_run(officer, seed(34))
    item = svc.agenda_item_add(user=secretary, meeting=meeting, kind="case", case=case)
    paragraph = svc.paragraph_add(user=secretary, item=item)
    svc.paragraph_record_decision(user=secretary, paragraph=paragraph, transition="reject")
    case.refresh_from_db()
    assert case.state == CaseState.REJECTED
    assert TransitionLog.objects.get(case=case, transition="reject").data["reason"]


def test_decision_cannot_be_recorded_twice(run_meeting, secretary):
    with pytest.raises(Conflict):
        svc.paragraph_record_decision(
            user=secretary, paragraph=run_meeting["p35"], transition="grant"
        )


# --- Justering and freeze ------------------------------------------------------------------------


def test_justering_rejected_with_comment_then_signed(run_meeting, secretary):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    meeting = run_meeting["meeting"]
    chair = User.objects.get(username="ordforande_t")
    adjuster = User.objects.get(username="justerare_t")
    svc.meeting_submit_for_signing(user=secretary, meeting=meeting)
    with pytest.raises(Conflict):
        svc.paragraph_update(user=secretary, paragraph=run_meeting["p35"], data={"summary": "x"})
    with pytest.raises(PermissionDenied):
        svc.protocol_sign(user=secretary, meeting=meeting, password=PASSWORD)
    svc.protocol_reject(user=adjuster, meeting=meeting, comment="Stavfel i § 41.")
    meeting.refresh_from_db()
    assert meeting.status == "held" and meeting.signing_comment == "Stavfel i § 41."
    svc.paragraph_update(user=secretary, paragraph=run_meeting["p41"], data={"summary": "Rättad."})
    svc.meeting_submit_for_signing(user=secretary, meeting=meeting)
    svc.protocol_sign(user=chair, meeting=meeting, password=PASSWORD)
    meeting.refresh_from_db()
    assert meeting.status == "signing"
    with pytest.raises(PermissionDenied):
        svc.protocol_sign(
            user=chair, meeting=meeting, password=PASSWORD
        )  # already answered this round
    svc.protocol_sign(user=adjuster, meeting=meeting, password=PASSWORD)
    meeting.refresh_from_db()
    assert meeting.status == "signed" and meeting.signed_at is not None
    assert meeting.signatures.filter(round=2, decision="signed").count() == 2


def test_signed_protocol_refuses_every_write(signed_run_meeting, secretary):
    meeting = signed_run_meeting["meeting"]
    p35, p41 = signed_run_meeting["p35"], signed_run_meeting["p41"]
    members = signed_run_meeting["members"]
    writes = [
        lambda: svc.paragraph_update(user=secretary, paragraph=p35, data={"summary": "x"}),
        lambda: svc.motion_add(
            user=secretary, paragraph=p41, movers=[members["Helena Öhlund"]], kind="approval"
        ),
        lambda: svc.vote_record(
            user=secretary, paragraph=p41, votes={}, no_motion=signed_run_meeting["motion"]
        ),
        lambda: svc.attendance_set(user=secretary, meeting=meeting, entries=[]),
        lambda: svc.agenda_item_add(user=secretary, meeting=meeting, kind="other", title="Ny"),
        lambda: svc.conflict_declare(
            user=secretary, paragraph=p35, member=members["Lennart Thörnlund"]
        ),
        lambda: svc.recipient_add(user=secretary, paragraph=p35, name="X", email="x@example.se"),
        lambda: svc.reservation_add(
            user=secretary, paragraph=p35, members=[members["Helena Öhlund"]]
        ),
        lambda: svc.meeting_set_adjuster(user=secretary, meeting=meeting, adjuster=None),
        lambda: svc.paragraph_remove(user=secretary, paragraph=p41),
        lambda: svc.paragraph_record_decision(user=secretary, paragraph=p35, transition="grant"),
        lambda: svc.meeting_update(user=secretary, meeting=meeting, data={"place": "Kiruna"}),
    ]
    for write in writes:
        with pytest.raises(Conflict) as err:
            write()
        assert "justerat" in str(err.value)
    p35.refresh_from_db()
    assert p35.summary != "x"
    assert meeting.attendance.count() == 5 + 1


def test_signing_needs_adjuster_and_decided_cases(secretary, members):
    meeting = svc.meeting_create(
        user=secretary,
        body=members["Lage Hortlund"].body,
        date=datetime.date(2020, 4, 21),
        start_time=datetime.time(9),
    )
    svc.meeting_mark_held(user=secretary, meeting=meeting)
    with pytest.raises(ValidationError) as err:
        svc.meeting_submit_for_signing(user=secretary, meeting=meeting)
    messages = " ".join(err.value.messages)
    assert "Ingen justerare är vald." in messages
    assert "Närvaron är inte registrerad." in messages
    assert "Punkter utan paragrafnummer" in messages


def test_agenda_item_kinds_cover_the_formal_items():
    assert {"opening", "adjuster", "agenda", "information", "delegation", "case", "other"} <= set(
        AgendaItem.Kind.values
    )


def test_signers_and_secretary_are_told_in_the_app_and_by_email(
    run_meeting, secretary, django_capture_on_commit_callbacks, mailoutbox, settings
):
    from django.contrib.auth import get_user_model

    from core.models import Notification
    from tests.decisions.meetings.factories import sign_meeting

    settings.SITE_URL = "https://cases.example.se"
    User = get_user_model()
    chair, adjuster = (
        User.objects.get(username="ordforande_t"),
        User.objects.get(username="justerare_t"),
    )
    meeting = run_meeting["meeting"]
    link = f"https://cases.example.se{meeting.get_absolute_url()}"
    with django_capture_on_commit_callbacks(execute=True):
        svc.meeting_submit_for_signing(user=secretary, meeting=meeting)
    asked = {m.to[0]: m for m in mailoutbox}
    assert set(asked) == {"ordforande_t@example.se", "justerare_t@example.se"}
    for message in asked.values():
        assert "väntar på din justering" in message.body and link in message.body
    for signer in (chair, adjuster):
        (notice,) = Notification.objects.filter(recipient=signer)
        assert notice.kind == "signing_requested" and notice.url == meeting.get_absolute_url()

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        svc.protocol_reject(user=chair, meeting=meeting, comment="Fel i § 35.")
    (message,) = mailoutbox
    assert message.to == [secretary.email]
    assert "Fel i § 35." in message.body and link in message.body
    assert Notification.objects.get(recipient=secretary).kind == "signing_returned"

    # Once both have signed, the secretary is told to post the notice, by the deadline.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sign_meeting(secretary, meeting)
    notice = Notification.objects.get(recipient=secretary, kind="notice_to_post")
    assert notice.url == meeting.get_absolute_url()
    (told,) = [m for m in mailoutbox if m.to == [secretary.email]]
    assert "Anslå justeringen senast" in told.body and link in told.body
