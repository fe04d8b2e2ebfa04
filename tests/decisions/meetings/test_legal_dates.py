"""Dates as the law counts them (issue "The signed record", points 7 and 8): omedelbar
justering of one § with its own record, extract, notice and appeal dates; "kan
verkställas" and "laga kraft" with appeals; extracts certified and confirmed before they
are sent."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from core.errors import Conflict
from decisions.meetings import services as svc
from decisions.meetings.models import (
    Appeal,
    GeneratedDocument,
    Motion,
    Paragraph,
    ProtocolRecord,
)
from decisions.meetings.selectors import paragraph_legal_status
from tests.core.factories import PASSWORD
from tests.decisions.meetings.factories import case_ready_for_run, held_meeting, seed

pytestmark = pytest.mark.django_db
REJECTED_TEXT = {
    "decision_text": "Regionala utvecklingsnämnden beslutar att avslå ansökan.",
    "decision_points": [],
}


def _signers():
    User = get_user_model()
    return User.objects.get(username="ordforande_t"), User.objects.get(username="justerare_t")


def _decided_paragraph(secretary, officer, members):
    meeting = held_meeting(secretary, members)
    case = case_ready_for_run(officer, seed(39))
    item = svc.agenda_item_add(user=secretary, meeting=meeting, kind="case", case=case)
    paragraph = svc.paragraph_add(user=secretary, item=item)
    svc.paragraph_record_decision(user=secretary, paragraph=paragraph, transition="reject")
    # the text says what was decided: a § justerad at once can never be corrected
    svc.paragraph_update(user=secretary, paragraph=paragraph, data=REJECTED_TEXT)
    paragraph.refresh_from_db()
    return paragraph


def test_omedelbar_justering_freezes_one_paragraph_with_its_own_extract_and_dates(
    secretary, officer, members
):
    paragraph = _decided_paragraph(secretary, officer, members)
    chair, adjuster = _signers()
    assert (
        not paragraph_legal_status(paragraph).executable
        or not paragraph_legal_status(paragraph).signed_on
    )
    svc.paragraph_sign(user=chair, paragraph=paragraph, password=PASSWORD)
    with pytest.raises(PermissionDenied):  # already signed by the chair
        svc.paragraph_sign(user=chair, paragraph=paragraph, password=PASSWORD)
    svc.paragraph_sign(user=adjuster, paragraph=paragraph, password=PASSWORD)
    paragraph.refresh_from_db()
    assert paragraph.adjusted_at is not None
    assert ProtocolRecord.objects.filter(paragraph=paragraph).exists()
    # Frozen: the services refuse, and the database would too.
    with pytest.raises(Conflict, match="omedelbart justerad"):
        svc.paragraph_update(user=secretary, paragraph=paragraph, data={"title": "Ändrad"})
    with pytest.raises(DatabaseError):
        with transaction.atomic():
            Paragraph.objects.filter(pk=paragraph.pk).update(title="Ändrad")
    # Its own extract, before the rest of the protocol is signed.
    assert paragraph.meeting.status == "held"
    extract = svc.document_store(
        kind="extract", meeting=paragraph.meeting, paragraph=paragraph, user=secretary
    )
    assert extract.final
    # Its own notice and appeal period.
    signed_on = timezone.localdate(paragraph.adjusted_at)
    svc.paragraph_notice_publish(user=secretary, paragraph=paragraph, posted_on=signed_on)
    status = paragraph_legal_status(Paragraph.objects.get(pk=paragraph.pk))
    assert status.executable and status.signed_on == signed_on
    assert status.appeal_ends_on >= signed_on + datetime.timedelta(weeks=3)
    assert not status.final
    later = status.appeal_ends_on + datetime.timedelta(days=1)
    assert paragraph_legal_status(Paragraph.objects.get(pk=paragraph.pk), today=later).final


def test_laga_kraft_waits_for_a_recorded_appeal(signed_run_meeting, secretary):
    meeting = signed_run_meeting["meeting"]
    p35 = signed_run_meeting["p35"]
    posted_on = timezone.localdate(meeting.signed_at)
    svc.notice_publish(user=secretary, meeting=meeting, posted_on=posted_on)
    p35 = Paragraph.objects.select_related("meeting").get(pk=p35.pk)
    status = paragraph_legal_status(p35)
    after = status.appeal_ends_on + datetime.timedelta(days=1)
    assert paragraph_legal_status(p35, today=after).final
    appeal = svc.appeal_record(
        user=secretary,
        paragraph=p35,
        received_on=posted_on,
        appellant="Kommunmedlem i Luleå",
        court_reference="Mål nr 1234-20",
    )
    status = paragraph_legal_status(p35, today=after)
    assert not status.final and "Överklagat" in status.label
    svc.appeal_decide(
        user=secretary,
        appeal=appeal,
        status="dismissed",
        decided_on=after + datetime.timedelta(days=60),
    )
    assert not paragraph_legal_status(p35, today=after).final
    # the court's ruling can itself be appealed: final only when it is
    p35 = Paragraph.objects.select_related("meeting").get(pk=p35.pk)
    status = paragraph_legal_status(p35, today=after + datetime.timedelta(days=60))
    assert not status.final and "avslogs" in status.label
    ruling_final = after + datetime.timedelta(days=85)
    with pytest.raises(ValidationError):
        svc.appeal_decide(
            user=secretary,
            appeal=appeal,
            status="dismissed",
            decided_on=after + datetime.timedelta(days=60),
            final_on=after,  # before the ruling
        )
    svc.appeal_decide(
        user=secretary,
        appeal=appeal,
        status="dismissed",
        decided_on=after + datetime.timedelta(days=60),
        final_on=ruling_final,
    )
    p35 = Paragraph.objects.select_related("meeting").get(pk=p35.pk)
    before = ruling_final - datetime.timedelta(days=1)
    assert not paragraph_legal_status(p35, today=before).final
    status = paragraph_legal_status(p35, today=ruling_final)
    assert status.final and status.final_on == ruling_final


def test_an_appeal_that_came_in_too_late_does_not_hold_up_laga_kraft(
    signed_run_meeting, secretary, client_for
):
    meeting = signed_run_meeting["meeting"]
    posted_on = timezone.localdate(meeting.signed_at)
    svc.notice_publish(user=secretary, meeting=meeting, posted_on=posted_on)
    p35 = Paragraph.objects.select_related("meeting").get(pk=signed_run_meeting["p35"].pk)
    last = paragraph_legal_status(p35).appeal_ends_on
    on_time = svc.appeal_record(
        user=secretary, paragraph=p35, received_on=posted_on, appellant="Medlem A"
    )
    svc.appeal_decide(user=secretary, appeal=on_time, status="withdrawn", decided_on=posted_on)
    late_day = last + datetime.timedelta(days=1)
    # recorded as it comes from the court, after the last day
    late = Appeal.objects.create(
        paragraph=p35, received_on=late_day, appellant="Medlem B", recorded_by=secretary
    )
    p35 = Paragraph.objects.select_related("meeting").get(pk=p35.pk)
    status = paragraph_legal_status(p35, today=late_day)
    assert status.final and status.final_on == late_day
    assert [a.late for a in status.appeals] == [False, True]
    assert late.status == "pending"
    page = client_for(secretary).get(p35.get_absolute_url()).content.decode()
    assert "för sent" in page


def test_an_appeal_cannot_be_recorded_before_justering(run_meeting, secretary):
    with pytest.raises(PermissionDenied):
        svc.appeal_record(
            user=secretary,
            paragraph=run_meeting["p35"],
            received_on=timezone.localdate(),
            appellant="Någon",
        )


def test_sending_extracts_shows_recipients_message_and_attachment_first(
    signed_run_meeting, secretary, client_for, django_capture_on_commit_callbacks
):
    meeting = signed_run_meeting["meeting"]
    client = client_for(secretary)
    asked = client.post(f"/workflow/sammantraden/{meeting.pk}/utdrag/", {"send": "1"})
    assert asked.status_code == 302 and asked["Location"].endswith("/utdrag/skicka/")
    assert not mail.outbox
    page = client.get(asked["Location"])
    html = page.content.decode()
    assert "Regional utvecklingsdirektör" in html and "utvecklingsdirektor@example.se" in html
    assert "Protokollsutdrag RUN 2020-03-24 § 35" in html  # the subject
    assert "Protokollsutdrag-RUN-2020-03-24-par35.pdf" in html  # the attachment
    assert "Bekräfta och skicka" in html
    preview = client.get(f"/workflow/paragrafer/{signed_run_meeting['p35'].pk}/utdrag/visa/")
    assert preview.status_code == 200 and "Rätt utdraget intygar" in preview.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/workflow/sammantraden/{meeting.pk}/utdrag/", {"send": "1", "confirmed": "1"})
    assert GeneratedDocument.objects.filter(meeting=meeting, kind="extract", final=True).exists()
    assert {m.to[0] for m in mail.outbox} == {"utvecklingsdirektor@example.se"}


def test_a_motion_cannot_be_added_to_an_immediately_adjusted_paragraph(secretary, officer, members):
    paragraph = _decided_paragraph(secretary, officer, members)
    chair, adjuster = _signers()
    svc.paragraph_sign(user=chair, paragraph=paragraph, password=PASSWORD)
    svc.paragraph_sign(user=adjuster, paragraph=paragraph, password=PASSWORD)
    with pytest.raises(Conflict):
        svc.motion_add(
            user=secretary,
            paragraph=paragraph,
            movers=[members["Jan Anders Perdal"]],
            kind=Motion.Kind.REJECTION,
            text="avslag",
        )
    assert paragraph.granted_amount is None or paragraph.granted_amount >= Decimal(0)


def test_what_an_adjusted_paragraph_rests_on_is_not_changed_afterwards(secretary, officer, members):
    """Once a § is justerad at once, the meeting's attendance, its adjuster, date, place and
    secretary are what that § rests on: refused with the reason (409). The end time is set
    later, as the meeting goes on, and a guest for a later § is still added."""
    paragraph = _decided_paragraph(secretary, officer, members)
    chair, adjuster = _signers()
    for user in (chair, adjuster):
        svc.paragraph_sign(user=user, paragraph=paragraph, password=PASSWORD)
    meeting = paragraph.meeting
    present = [
        {"member": row.member, "present": False, "serving_for": None}
        for row in meeting.attendance.select_related("member")[:1]
    ]
    attempts = [
        lambda: svc.attendance_set(user=secretary, meeting=meeting, entries=present),
        lambda: svc.meeting_set_adjuster(user=secretary, meeting=meeting, adjuster=None),
        lambda: svc.meeting_update(user=secretary, meeting=meeting, data={"place": "Kiruna"}),
    ]
    for attempt in attempts:
        with pytest.raises(Conflict, match=f"§ {paragraph.number} är omedelbart justerad"):
            attempt()
    svc.meeting_update(user=secretary, meeting=meeting, data={"end_time": datetime.time(16, 30)})
    svc.other_attendee_add(user=secretary, meeting=meeting, name="Sen Gäst", paragraphs="§ 99")
    meeting.refresh_from_db()
    assert meeting.end_time == datetime.time(16, 30) and meeting.place != "Kiruna"


def test_the_secretary_records_the_ruling_and_its_legal_force_on_the_page(
    signed_run_meeting, secretary, client_for
):
    """Through the appeal's form: dismissed without the day the ruling won legal force,
    the § waits; recorded again with it (the § page offers it), the § is final from then."""
    from django.urls import reverse

    meeting = signed_run_meeting["meeting"]
    posted_on = timezone.localdate(meeting.signed_at)
    svc.notice_publish(user=secretary, meeting=meeting, posted_on=posted_on)
    p35 = Paragraph.objects.select_related("meeting").get(pk=signed_run_meeting["p35"].pk)
    appeal = svc.appeal_record(
        user=secretary, paragraph=p35, received_on=posted_on, appellant="Kommunmedlem"
    )
    client = client_for(secretary)
    url = reverse("decisions:appeal_decide", args=[appeal.pk])
    decided = posted_on + datetime.timedelta(days=40)
    data = {"status": "dismissed", "decided_on": decided.isoformat(), "note": ""}
    assert client.post(url, data).status_code == 302
    page = client.get(p35.get_absolute_url()).content.decode()
    assert "Registrera när avgörandet vann laga kraft" in page
    bad = client.post(url, {**data, "final_on": (decided - datetime.timedelta(days=1)).isoformat()})
    assert bad.status_code == 400 and "innan det meddelades" in bad.content.decode()
    final = decided + datetime.timedelta(days=25)
    assert client.post(url, {**data, "final_on": final.isoformat()}).status_code == 302
    status = paragraph_legal_status(Paragraph.objects.get(pk=p35.pk), today=final)
    assert status.final and status.final_on == final


def test_an_immediately_adjusted_paragraph_prints_as_justerad_with_its_own_signers_and_dates(
    secretary, officer, members
):
    """Review F7, F5, F8: the extract of a § justerad at once read "utkast" with empty sign
    boxes and "tillkännages ... senast" although its notice was posted; the protocol did not
    say the § was justerad at once; every extract of a meeting had the same document id."""
    from decisions.meetings import documents
    from tests.decisions.meetings.factories import sign_meeting
    from tests.e2e.helpers import pdf_text

    meeting = held_meeting(secretary, members)
    paragraph, other = (
        svc.paragraph_add(
            user=secretary,
            item=svc.agenda_item_add(
                user=secretary,
                meeting=meeting,
                kind="case",
                case=case_ready_for_run(officer, seed(number)),
            ),
        )
        for number in (39, 35)
    )
    for each in (paragraph, other):
        svc.paragraph_update(
            user=secretary,
            paragraph=each,
            data={
                "decision_text": "Regionala utvecklingsnämnden beslutar att avslå ansökan.",
                "decision_points": [],
            },
        )
        svc.paragraph_record_decision(user=secretary, paragraph=each, transition="reject")
    chair, adjuster = _signers()
    for user in (chair, adjuster):
        svc.paragraph_sign(user=user, paragraph=paragraph, password=PASSWORD)
    paragraph.refresh_from_db()
    signed_on = timezone.localdate(paragraph.adjusted_at)
    svc.paragraph_notice_publish(user=secretary, paragraph=paragraph, posted_on=signed_on)
    paragraph.refresh_from_db()
    appeal_ends = paragraph_legal_status(paragraph).appeal_ends_on

    def own_extract(text):
        text = " ".join(text.split())
        assert "justerat" in text and "utkast" not in text
        assert "NOL" in text and "LH" in text  # the §'s signers' initials in the sign boxes
        assert f"Paragrafen justerades omedelbart {signed_on:%Y-%m-%d}" in text
        assert f"tillkännagetts på anslagstavlan {signed_on:%Y-%m-%d}" in text
        assert f"Överklagandetiden löper ut {appeal_ends:%Y-%m-%d}" in text
        assert "senast" not in text
        assert f"-U{paragraph.number:03d}" in text

    stored = svc.document_store(
        kind="extract", meeting=meeting, paragraph=paragraph, user=secretary
    )
    with stored.file.open("rb") as handle:
        own_extract(pdf_text(handle.read()))

    sign_meeting(secretary, meeting)
    pdf, _name = documents.render(kind="extract", meeting=meeting, paragraph=paragraph)
    own_extract(pdf_text(pdf))
    other_pdf, _name = documents.render(kind="extract", meeting=meeting, paragraph=other)
    other_text = pdf_text(other_pdf)
    assert f"-U{other.number:03d}" in other_text and f"-U{paragraph.number:03d}" not in other_text

    protocol, _name = documents.render(kind="protocol", meeting=meeting)
    text = " ".join(pdf_text(protocol).split())
    assert f"Paragrafen justerades omedelbart {signed_on:%Y-%m-%d}" in text
    assert "tiden för överklagande av paragrafen räknas från det anslaget" in text
    assert f"Justerad omedelbart § {paragraph.number}, {signed_on:%Y-%m-%d}" in text


def test_a_paragraph_whose_text_contradicts_its_decision_is_not_justerad_at_once(
    secretary, officer, members
):
    """The protocol's check ran only when the whole protocol went out for signing, where a
    § justerad at once could no longer be corrected (and then blocked the protocol)."""
    paragraph = _decided_paragraph(secretary, officer, members)
    svc.paragraph_update(
        user=secretary,
        paragraph=paragraph,
        data={"decision_text": "Regionala utvecklingsnämnden beslutar att bevilja ansökan."},
    )
    chair, _adjuster = _signers()
    with pytest.raises(Conflict, match="Rätta beslutstexten"):
        svc.paragraph_sign(user=chair, paragraph=paragraph, password=PASSWORD)
    paragraph.refresh_from_db()
    assert paragraph.adjusted_at is None and not paragraph.signatures.exists()


def test_an_appeal_before_the_meeting_or_a_meeting_in_year_1_is_a_typing_mistake(
    signed_run_meeting, secretary
):
    meeting = signed_run_meeting["meeting"]
    p35 = Paragraph.objects.select_related("meeting").get(pk=signed_run_meeting["p35"].pk)
    with pytest.raises(ValidationError) as error:
        svc.appeal_record(
            user=secretary,
            paragraph=p35,
            received_on=meeting.date - datetime.timedelta(days=1),
            appellant="Medlem A",
        )
    assert "före den dagen" in " ".join(error.value.message_dict["received_on"])
    assert not Appeal.objects.exists()
    from decisions.meetings.services.bodies import body_get
    from decisions.workflow.constants import BodyCode

    for typed in (datetime.date(1, 1, 1), datetime.date(2202, 3, 24)):
        with pytest.raises(ValidationError) as error:
            svc.meeting_create(
                user=secretary,
                body=body_get(BodyCode.AU),
                date=typed,
                start_time=datetime.time(9, 0),
            )
        assert "Kontrollera datumet" in " ".join(error.value.message_dict["date"])


def test_an_other_attendees_paragraphs_typed_with_the_sign_print_once(secretary, members):
    meeting = held_meeting(secretary, members)
    other = svc.other_attendee_add(
        user=secretary, meeting=meeting, name="Karin Ek", function="Controller", paragraphs="§ 3"
    )
    assert other.paragraphs == "3"  # the pages print "§ 3", not "§ § 3"
