"""The protocol and the extracts, rendered as PDF and read back (seed 001's layout)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from core.jobs import sha256_bytes
from decisions.meetings import documents
from decisions.meetings import services as svc
from decisions.meetings.models import DocumentJob, ExtractDispatch, GeneratedDocument
from decisions.meetings.notice_dates import posting_deadline
from tests.e2e.helpers import pdf_text

pytestmark = pytest.mark.django_db


def _text(document: GeneratedDocument) -> str:
    with document.file.open("rb") as handle:
        return pdf_text(handle.read())


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_signed_protocol_pdf_has_seed_001_layout(
    signed_run_meeting, secretary, django_capture_on_commit_callbacks
):
    meeting = signed_run_meeting["meeting"]
    with django_capture_on_commit_callbacks(execute=True):
        job = svc.document_job_request(user=secretary, meeting=meeting, kind="protocol")
    job.refresh_from_db()
    assert job.status == "done", job.error
    document = job.document
    text = _flat(_text(document))
    (Path(settings.MEDIA_ROOT).parent / "protocol.txt").write_text(text)
    assert "PROTOKOLL" in text
    assert "Regionala utvecklingsnämnden 2020-03-24" in text
    assert re.search(r"Sida 1 \(\d+\)", text)
    assert f"Sida {document.pages} ({document.pages})" in text
    assert "Regionhuset, Luleå, 2020-03-24 kl. 09:00" in text
    assert "Nils-Olov Lindfors (C), ordförande" in text
    assert "Utses att justera Lage Hortlund (SD)" in text
    assert "§ 35-41" in text
    assert "ORDFÖRANDE SIGN" in text and "JUSTERARE SIGN" in text and "DOKUMENT-ID" in text
    # § 35: granted 1 754 698 kr from anslag 1:1, three numbered points, recipients
    assert "§ 35" in text
    assert "Medfinansiering av projektet DioD Digital och Delaktig" in text
    assert "Dnr " in text and "NYPS-id: 20204888" in text
    assert "Regionala utvecklingsnämndens beslut" in text
    assert "Regionala utvecklingsnämnden beslutar att:" in text
    assert (
        "1. Projektet DioD Digital och Delaktig beviljas medfinansiering med 1 754 698 kronor."
        in text
    )
    assert "2. Medlen anvisas ur det statliga anslaget 1:1." in text
    assert "3. Region Norrbottens villkor för regionala projektstöd ska följas." in text
    assert "Region Norrbotten (1:1) 1 754 698 kr" in text
    assert "Total projektbudget 6 886 900 kr" in text
    assert "Protokollsutdrag skickas till: Regional utvecklingsdirektör" in text
    assert "Yttrande till beslutsförslaget" in text and "Sammanfattning" in text
    assert "Finansiering" in text
    # § 41: motion, propositionsordning, reservation
    assert "§ 41" in text
    assert "Ärendets behandling under sammanträdet" in text
    assert "Jan Anders Perdal (V) yrkar avslag till projektansökan." in text
    assert (
        "Ordföranden ställer förslagen mot varandra och finner att regionala "
        "utvecklingsnämnden beslutar i enlighet med det liggande förslaget." in text
    )
    assert (
        "Reservation Jan Anders Perdal (V) reserverar sig till förmån för det egna förslaget."
        in text
    )
    # signed: who and when
    assert "Justerat elektroniskt" in text
    assert "ANSLAG/BEVIS" in text
    # taken at the justering, before the notice is posted: the box says by when and where
    # it is posted, not empty dates
    meeting = signed_run_meeting["meeting"]
    deadline = posting_deadline(timezone.localdate(meeting.signed_at))
    assert f"Anslås senast {deadline:%Y-%m-%d}" in text
    assert "Region Norrbottens anslagstavla" in text and "/anslagstavla/" in text
    assert "Datum då anslaget sätts upp" not in text


def test_a_signed_protocol_is_made_once_and_served_as_stored(signed_run_meeting, secretary):
    meeting = signed_run_meeting["meeting"]
    first = svc.document_store(kind="protocol", meeting=meeting, paragraph=None, user=secretary)
    # a fresh rendering (sealed anew, so not byte-identical) says exactly the same
    pdf_again, _name = documents.render(kind="protocol", meeting=meeting)
    assert _flat(pdf_text(pdf_again)) == _flat(_text(first))
    second = svc.document_store(kind="protocol", meeting=meeting, paragraph=None, user=secretary)
    assert second.pk == first.pk
    with first.file.open("rb") as handle:
        assert sha256_bytes(handle.read()) == first.sha256


def test_extracts_are_generated_sent_and_logged(
    signed_run_meeting, secretary, django_capture_on_commit_callbacks
):
    meeting = signed_run_meeting["meeting"]
    with django_capture_on_commit_callbacks(execute=True):
        jobs = svc.meeting_request_extracts(user=secretary, meeting=meeting, send=True)
    assert len(jobs) == 2
    for job in jobs:
        job.refresh_from_db()
        assert job.status == "done", job.error
    p35 = signed_run_meeting["p35"]
    extract = GeneratedDocument.objects.get(kind="extract", paragraph=p35)
    text = _flat(_text(extract))
    assert "PROTOKOLLSUTDRAG" in text
    assert "Regionala utvecklingsnämnden 2020-03-24" in text
    assert "Sida 1 (" in text
    assert "§ 35" in text and "§ 41" not in text
    assert "1 754 698 kronor" in text
    assert "Rätt utdraget intygar" in text
    assert "Monica Lejon, sekreterare" in text
    assert "Protokollet justerat" in text
    # e-mail with the PDF attached, one per recipient and paragraph, logged with checksum
    assert len(mail.outbox) == 2
    message = next(m for m in mail.outbox if "§ 35" in m.subject)
    assert message.to == ["utvecklingsdirektor@example.se"]
    filename, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and filename.endswith("par35.pdf")
    assert sha256_bytes(content) == extract.sha256
    dispatch = ExtractDispatch.objects.get(document=extract)
    assert dispatch.status == "sent"
    assert dispatch.email == "utvecklingsdirektor@example.se"
    assert dispatch.sha256 == extract.sha256
    assert dispatch.sent_at is not None


def test_extract_cannot_be_made_before_justering(run_meeting, secretary):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        svc.document_job_request(
            user=secretary,
            meeting=run_meeting["meeting"],
            kind="extract",
            paragraph=run_meeting["p35"],
        )
    assert not DocumentJob.objects.exists()


def test_kallelse_lists_the_agenda(run_meeting, secretary):
    meeting = run_meeting["meeting"]
    pdf, filename = documents.render(kind="kallelse", meeting=meeting)
    text = _flat(pdf_text(pdf))
    assert filename == "Kallelse-RUN-2020-03-24.pdf"
    assert "KALLELSE" in text and "Föredragningslista" in text
    assert "Medfinansiering av projektet DioD Digital och Delaktig" in text
    assert "Sida 1 (1)" in text or "Sida 1 (2)" in text
