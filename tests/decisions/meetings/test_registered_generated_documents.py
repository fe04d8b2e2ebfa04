"""Protocols and extracts the app makes are registered in the cases they decide."""

import pytest

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
