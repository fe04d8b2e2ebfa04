"""Frozen at justering, by construction (issue "The signed record", points 3, 4 and 7):
the final protocol and the extracts are made once from the record taken at the last
signature and served as stored; PostgreSQL refuses any change of a signed record; the
admin cannot write one; who signs is who was elected; justering on paper."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.utils import timezone

from core.errors import Conflict
from decisions.meetings import services as svc
from decisions.meetings.models import (
    AgendaItem,
    Attendance,
    BodyMember,
    ConflictOfInterest,
    GeneratedDocument,
    Meeting,
    Motion,
    OtherAttendee,
    Paragraph,
    ProtocolRecord,
    Reservation,
    Signature,
    Vote,
)
from tests.core.factories import PASSWORD, user_with_role
from tests.decisions.meetings.factories import sign_meeting
from tests.e2e.helpers import pdf_text

pytestmark = pytest.mark.django_db


def _pdf_text(document: GeneratedDocument) -> str:
    with document.file.open("rb") as handle:
        return pdf_text(handle.read())


def test_the_signed_protocol_is_stored_once_and_a_renamed_member_does_not_reach_it(
    signed_run_meeting, secretary
):
    meeting = signed_run_meeting["meeting"]
    record = ProtocolRecord.objects.get(meeting=meeting)
    assert [s["name"] for s in record.signers] == [
        "Nils-Olov Lindfors (C)",
        "Lage Hortlund (SD)",
    ]
    first = svc.document_store(kind="protocol", meeting=meeting, paragraph=None, user=secretary)
    assert first.final
    hortlund = signed_run_meeting["members"]["Lage Hortlund"]
    svc.body_member_update(user=secretary, member=hortlund, data={"name": "Lage Nyberg"})
    again = svc.document_store(kind="protocol", meeting=meeting, paragraph=None, user=secretary)
    assert again.pk == first.pk and again.sha256 == first.sha256
    assert (
        GeneratedDocument.objects.filter(meeting=meeting, kind="protocol", final=True).count() == 1
    )
    text = _pdf_text(again)
    assert "Lage Hortlund" in text and "Lage Nyberg" not in text
    assert "LH" in text  # the adjuster's initials as they signed


def test_extracts_come_from_the_record_once_and_certify(signed_run_meeting, secretary):
    meeting = signed_run_meeting["meeting"]
    p41 = signed_run_meeting["p41"]
    extract = svc.document_store(kind="extract", meeting=meeting, paragraph=p41, user=secretary)
    svc.body_member_update(
        user=secretary,
        member=signed_run_meeting["members"]["Nils-Olov Lindfors"],
        data={"party": "M"},
    )
    again = svc.document_store(kind="extract", meeting=meeting, paragraph=p41, user=secretary)
    assert again.pk == extract.pk
    text = _pdf_text(again)
    assert "Rätt utdraget intygar" in text
    assert f"{timezone.localdate():%Y-%m-%d}" in text
    assert secretary.get_full_name() in text
    assert "Nils-Olov Lindfors (C)" in text and "Lindfors (M)" not in text


def test_postgresql_refuses_any_change_of_a_signed_record(signed_run_meeting):
    meeting = signed_run_meeting["meeting"]
    p35 = signed_run_meeting["p35"]
    attempts = [
        lambda: Paragraph.objects.filter(pk=p35.pk).update(decision_text="Något annat."),
        lambda: Paragraph.objects.filter(pk=p35.pk).delete(),
        lambda: Motion.objects.filter(paragraph__meeting=meeting).update(text="x"),
        lambda: Attendance.objects.filter(meeting=meeting).update(present=False),
        lambda: Signature.objects.filter(meeting=meeting).delete(),
        lambda: Meeting.objects.filter(pk=meeting.pk).update(status="held"),
        lambda: ProtocolRecord.objects.filter(meeting=meeting).update(protocol_html=""),
        lambda: signed_run_meeting["motion"].movers.clear(),
    ]
    for attempt in attempts:
        with pytest.raises(DatabaseError, match="signed protocol"):
            with transaction.atomic():
                attempt()
    # Posting the notice is still possible: it is not a change of the record.
    posted_on = timezone.localdate(meeting.signed_at)
    svc.notice_publish(user=meeting.secretary, meeting=meeting, posted_on=posted_on)
    meeting.refresh_from_db()
    assert meeting.status == "signed" and meeting.notice_posted_on == posted_on
    # Once posted, the day the appeal period runs from is never moved or undone.
    later = posted_on + datetime.timedelta(days=1)
    for attempt in (
        lambda: Meeting.objects.filter(pk=meeting.pk).update(notice_posted_on=None),
        lambda: Meeting.objects.filter(pk=meeting.pk).update(notice_posted_on=later),
        lambda: Meeting.objects.filter(pk=meeting.pk).update(notice_posted_by=None),
    ):
        with pytest.raises(DatabaseError, match="cannot be moved or undone"):
            with transaction.atomic():
                attempt()


def test_a_paragraphs_own_notice_is_posted_once(secretary, officer):
    from tests.decisions.meetings.factories import seed_meeting

    world = seed_meeting(secretary, officer)
    p35 = world["p35"]
    Paragraph.objects.filter(pk=p35.pk).update(notice_posted_on=datetime.date(2020, 3, 25))
    with pytest.raises(DatabaseError, match="cannot be moved or undone"), transaction.atomic():
        Paragraph.objects.filter(pk=p35.pk).update(notice_posted_on=None)


def test_postgresql_refuses_a_new_row_in_a_signed_record(signed_run_meeting, officer):
    """Nothing is added to a signed protocol by any path: no vote, motion, reservation,
    jäv, attendee, signature, §, agenda item, mover or reported delegation decision."""
    meeting = signed_run_meeting["meeting"]
    p35, p41 = signed_run_meeting["p35"], signed_run_meeting["p41"]
    motion = signed_run_meeting["motion"]
    member = signed_run_meeting["members"]["Nils-Olov Lindfors"]
    reservation = Reservation.objects.filter(paragraph=p41).first()
    item = meeting.items.first()
    attempts = {
        "vote": lambda: Vote.objects.create(paragraph=p41, member=member, choice="yes"),
        "motion": lambda: Motion.objects.create(paragraph=p35, kind="rejection", text="x"),
        "reservation": lambda: Reservation.objects.create(paragraph=p35, in_favour_of=motion),
        "jäv": lambda: ConflictOfInterest.objects.create(paragraph=p35, member=member),
        "attendee": lambda: OtherAttendee.objects.create(meeting=meeting, name="Ny Person"),
        "attendance": lambda: Attendance.objects.create(
            meeting=meeting, member=_new_member(meeting)
        ),
        "signature": lambda: Signature.objects.create(
            meeting=meeting,
            round=meeting.signing_round,
            role="chair",
            member=member,
            member_name=member.display_name,
            decision="signed",
            at=timezone.now(),
        ),
        "paragraph": lambda: Paragraph.objects.create(
            meeting=meeting, body=meeting.body, number=99, year=2020, title="Ny §"
        ),
        "agenda item": lambda: AgendaItem.objects.create(
            meeting=meeting, position=99, kind="information", title="Ny punkt"
        ),
        "mover": lambda: motion.movers.add(_new_member(meeting)),
        "reserving member": lambda: reservation.members.add(_new_member(meeting)),
        "reported decision": lambda: item.delegation_decisions.add(_delegation_decision(officer)),
    }
    for what, attempt in attempts.items():
        with pytest.raises(DatabaseError, match="signed protocol"), transaction.atomic():
            attempt()
            pytest.fail(f"{what} was added")
    with pytest.raises(DatabaseError, match="signed protocol"), transaction.atomic():
        AgendaItem.objects.filter(pk=item.pk).update(title="Ändrad")


def _new_member(meeting):
    return BodyMember.objects.create(body=meeting.body, name="Tillagd Ledamot", role="member")


def _delegation_decision(officer):
    from decisions.workflow.models import DelegationDecision
    from tests.projects.factories import co_financing_case

    return DelegationDecision.objects.create(
        case=co_financing_case(officer=officer),
        decided_on=datetime.date(2020, 3, 2),
        outcome="rejected",
        decision_text="Ansökan avslås.",
        decided_by=officer,
    )


def test_the_admin_cannot_write_a_signed_paragraph(signed_run_meeting, client):
    admin_user = user_with_role("läsare", username="admin_t", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    p35 = signed_run_meeting["p35"]
    before = Paragraph.objects.get(pk=p35.pk).decision_points
    history_id = p35.history.first().history_id
    data = {"title": "Ändrad", "decision_text": "Ändrad", "outcome": "rejected"}
    change = client.post(f"/admin/decisions/paragraph/{p35.pk}/change/", data)
    revert = client.post(f"/admin/decisions/paragraph/{p35.pk}/history/{history_id}/", data)
    assert change.status_code == 403 and revert.status_code == 403
    page = client.get(f"/admin/decisions/paragraph/{p35.pk}/history/")
    assert page.status_code == 200
    meeting = signed_run_meeting["meeting"]
    status = client.post(
        f"/admin/decisions/meeting/{meeting.pk}/history/{meeting.history.first().history_id}/",
        {"status": "held"},
    )
    assert status.status_code == 403
    assert Paragraph.objects.get(pk=p35.pk).decision_points == before
    assert Meeting.objects.get(pk=meeting.pk).status == "signed"


def test_who_signs_is_locked_while_the_protocol_is_out_for_signing(run_meeting, secretary):
    meeting = run_meeting["meeting"]
    members = run_meeting["members"]
    svc.meeting_submit_for_signing(user=secretary, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.chair == members["Nils-Olov Lindfors"]  # pinned at submission
    intruder = user_with_role("beslutsfattare", username="intruder")
    with pytest.raises(Conflict, match="ute för justering"):
        svc.body_member_update(
            user=secretary, member=members["Nils-Olov Lindfors"], data={"user": intruder}
        )
    with pytest.raises(Conflict, match="ute för justering"):
        svc.body_member_update(
            user=secretary, member=members["Lage Hortlund"], data={"role": "substitute"}
        )
    with pytest.raises(Conflict):
        svc.meeting_set_adjuster(user=secretary, meeting=meeting, adjuster=members["Helena Öhlund"])
    # The name can be corrected; the signature keeps the name as it was signed.
    svc.body_member_update(
        user=secretary, member=members["Nils-Olov Lindfors"], data={"party": "C"}
    )


def test_the_final_protocol_is_ordered_when_the_last_signature_is_made(
    run_meeting, secretary, django_capture_on_commit_callbacks
):
    meeting = run_meeting["meeting"]
    with django_capture_on_commit_callbacks(execute=True):
        sign_meeting(secretary, meeting)
    document = GeneratedDocument.objects.get(meeting=meeting, kind="protocol", final=True)
    assert "Justerat elektroniskt" in _pdf_text(document)


def test_justering_on_paper_keeps_the_scan_and_freezes_the_protocol(run_meeting, secretary):
    meeting = run_meeting["meeting"]
    scan = SimpleUploadedFile("skannat.pdf", b"%PDF-1.4 skannat protokoll", "application/pdf")
    signed_on = meeting.date + datetime.timedelta(days=2)
    svc.protocol_record_paper_signing(
        user=secretary, meeting=meeting, signed_on=signed_on, scan=scan, scan_name="skannat.pdf"
    )
    meeting.refresh_from_db()
    assert meeting.status == "signed"
    assert timezone.localdate(meeting.signed_at) == signed_on
    assert meeting.paper_protocol_sha256 and meeting.paper_protocol.name
    signatures = meeting.signatures.filter(round=meeting.signing_round)
    assert {s.method for s in signatures} == {"paper"}
    assert {s.member_name for s in signatures} == {"Nils-Olov Lindfors (C)", "Lage Hortlund (SD)"}
    protocol = svc.document_store(kind="protocol", meeting=meeting, paragraph=None, user=secretary)
    text = _pdf_text(protocol)
    assert "Justerat på papper" in text
    # the front page says how and when it was justerat: not "Elektronisk justering"
    assert f"Justering på papper {signed_on.isoformat()}" in text
    assert "Elektronisk justering" not in text


def test_a_paper_justering_needs_a_pdf_and_a_date_not_before_the_meeting(run_meeting, secretary):
    from django.core.exceptions import ValidationError

    meeting = run_meeting["meeting"]
    with pytest.raises(ValidationError):
        svc.protocol_record_paper_signing(
            user=secretary,
            meeting=meeting,
            signed_on=meeting.date - datetime.timedelta(days=1),
            scan=SimpleUploadedFile("x.pdf", b"%PDF-1.4"),
        )
    with pytest.raises(ValidationError):
        svc.protocol_record_paper_signing(
            user=secretary,
            meeting=meeting,
            signed_on=meeting.date,
            scan=SimpleUploadedFile("x.txt", b"inte en pdf"),
        )
    meeting.refresh_from_db()
    assert meeting.status == "held"


def test_signing_asks_for_the_password_again(run_meeting, secretary):
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError

    meeting = run_meeting["meeting"]
    svc.meeting_submit_for_signing(user=secretary, meeting=meeting)
    chair = get_user_model().objects.get(username="ordforande_t")
    with pytest.raises(ValidationError):
        svc.protocol_sign(user=chair, meeting=meeting, password="fel")
    signature = svc.protocol_sign(user=chair, meeting=meeting, password=PASSWORD)
    assert signature.method == "password"


def test_the_final_protocol_is_pdfa_sealed_naming_the_signers_and_breaks_on_tampering(
    signed_run_meeting, secretary, tmp_path
):
    from core.seal import verify_pdf
    from tests.core.test_seal import pdfsig

    document = svc.document_store(
        kind="protocol", meeting=signed_run_meeting["meeting"], paragraph=None, user=secretary
    )
    with document.file.open("rb") as handle:
        pdf = handle.read()
    import io

    from pypdf import PdfReader

    xmp = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="2"' in xmp  # PDF/A-2
    report = verify_pdf(pdf)
    assert report.valid and report.intact
    assert "Nils-Olov Lindfors (C) (ordförande)" in report.reason
    assert "Lage Hortlund (SD) (justerare)" in report.reason
    assert pdfsig(pdf, tmp_path)["Signature Validation"] == "Signature is Valid."
    import subprocess

    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Elektroniskt förseglat" in text  # the visible block on the last page
    # One byte changed inside the signed range: both checks fail.
    position = pdf.index(b"stream") + 20
    tampered = pdf[:position] + bytes([pdf[position] ^ 0x01]) + pdf[position + 1 :]
    assert not verify_pdf(tampered).valid
    assert pdfsig(tampered, tmp_path)["Signature Validation"] != "Signature is Valid."


def test_a_document_of_the_record_reads_only_its_own_html(signed_run_meeting):
    """A long protocol's record holds the protocol and every § extract: an extract reads
    its own in the database, the protocol its HTML, neither the other's."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from decisions.meetings import documents

    meeting = signed_run_meeting["meeting"]
    p41 = signed_run_meeting["p41"]
    record = ProtocolRecord.objects.get(meeting=meeting)
    with CaptureQueriesContext(connection) as queries:
        html = documents.render_html(kind="extract", meeting=meeting, paragraph=p41)
    read = " ".join(q["sql"] for q in queries.captured_queries if "protocolrecord" in q["sql"])
    assert '"extracts" ->>' in read and '"extracts",' not in read and "protocol_html" not in read
    day = f"{timezone.localdate():%Y-%m-%d}"
    # The record's text, certified today, with the notice as the board stands now.
    assert html == (
        record.extracts[str(p41.pk)]
        .replace(documents.CERTIFIED_ON, day)
        .replace(documents.NOTICE_MARK, documents.extract_notice_html(meeting, p41))
    )
    with CaptureQueriesContext(connection) as queries:
        html = documents.render_html(kind="protocol", meeting=meeting)
    read = " ".join(q["sql"] for q in queries.captured_queries if "protocolrecord" in q["sql"])
    assert "protocol_html" in read and '"extracts"' not in read
    assert html == record.protocol_html
    missing = Paragraph(pk=p41.pk + 10_000, meeting=meeting)  # a § not in the record
    with pytest.raises(documents.DocumentError):
        documents.render_html(kind="extract", meeting=meeting, paragraph=missing)
