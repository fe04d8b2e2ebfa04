"""Protocols and extracts the app makes are registered in the cases they decide."""

import datetime

import pytest
from django.utils import timezone

from decisions.meetings import services as svc
from decisions.meetings.models import GeneratedDocument
from projects.models import Document

pytestmark = pytest.mark.django_db


def test_final_protocol_and_sent_extract_are_registered(
    signed_run_meeting, secretary, django_capture_on_commit_callbacks
):
    meeting = signed_run_meeting["meeting"]
    p35 = signed_run_meeting["p35"]
    protocol = svc.document_store(kind="protocol", meeting=meeting, paragraph=None, user=secretary)
    entries = Document.objects.filter(source_key=f"meetings.generated:{protocol.pk}")
    cases = {p.case_id for p in meeting.paragraphs.all() if p.case_id}
    assert {e.case_id for e in entries} == cases and cases
    entry = entries.get(case=p35.case)
    assert entry.direction == Document.Direction.DRAWN_UP
    assert entry.sha256 == protocol.sha256
    assert entry.title.startswith("Protokoll ") and f"§ {p35.number}" in entry.title
    # again: the same entry, not a second one
    svc.document_store(kind="protocol", meeting=meeting, paragraph=None, user=secretary)
    assert Document.objects.filter(source_key=f"meetings.generated:{protocol.pk}").count() == len(
        cases
    )

    with django_capture_on_commit_callbacks(execute=True):
        svc.meeting_request_extracts(user=secretary, meeting=meeting, send=True)
    extract = GeneratedDocument.objects.get(kind="extract", paragraph=p35)
    registered = Document.objects.get(source_key=f"meetings.generated:{extract.pk}")
    assert registered.case == p35.case
    assert registered.direction == Document.Direction.OUTGOING
    assert p35.recipients.first().name in registered.party_name
    assert registered.sha256 == extract.sha256


def test_a_protocol_is_dated_the_day_it_was_signed_whenever_its_pdf_is_made(
    signed_run_meeting, secretary, monkeypatch
):
    """TF 2 kap. 10 §: a protocol is drawn up when it is signed. A final PDF made days
    later (a queued job) is still registered with the signing date."""
    meeting = signed_run_meeting["meeting"]
    signed_on = timezone.localdate(meeting.signed_at)
    real_localdate = timezone.localdate
    three_days_later = signed_on + datetime.timedelta(days=3)
    monkeypatch.setattr(
        timezone,
        "localdate",
        lambda *args, **kw: real_localdate(*args, **kw) if args else three_days_later,
    )
    protocol = svc.document_store(kind="protocol", meeting=meeting, paragraph=None, user=secretary)
    entries = list(Document.objects.filter(source_key=f"meetings.generated:{protocol.pk}"))
    assert entries
    assert {entry.document_date for entry in entries} == {signed_on}
