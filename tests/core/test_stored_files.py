"""Served as stored: a file whose bytes on disk no longer match the SHA-256 it was stored
with is not handed out (409 with the reason, an error logged), wherever it is downloaded;
``manage.py verify_files`` finds it among all stored files."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from decisions.meetings.services import documents as document_services
from projects import services
from tests.decisions.meetings.factories import seed_meeting
from tests.projects.factories import PDF_BYTES, co_financing_case, upload

pytestmark = pytest.mark.django_db


def _tamper(fieldfile):
    path = fieldfile.path
    with open(path, "ab") as handle:
        handle.write(b"% changed afterwards\n")


def test_a_changed_registered_document_is_refused_and_found(officer, client_for, caplog):
    case = co_financing_case(officer=officer)
    document = services.document_upload(
        user=officer, case=case, file=upload("beslut.pdf", PDF_BYTES), title="Beslut"
    )
    client = client_for(officer)
    url = reverse("projects:document_download", args=[document.pk])
    assert client.get(url).status_code == 200
    call_command("verify_files")
    _tamper(document.file)
    response = client.get(url)
    assert response.status_code == 409
    assert "stämmer inte med kontrollsumman" in response.content.decode()
    assert "does not match its SHA-256" in caplog.text
    api = client.get(f"/api/v1/documents/{document.pk}/download/")
    assert api.status_code == 409
    with pytest.raises(CommandError, match="1 stored file"):
        call_command("verify_files")


def test_a_changed_signed_protocol_is_not_served(secretary, officer, client_for):
    world = seed_meeting(secretary, officer, sign=True)
    protocol = document_services.document_store(
        kind="protocol", meeting=world["meeting"], paragraph=None, user=secretary
    )
    client = client_for(secretary)
    url = reverse("decisions:document_download", args=[protocol.pk])
    assert client.get(url).status_code == 200
    _tamper(protocol.file)
    assert client.get(url).status_code == 409
    assert client.get(f"/api/v1/meeting-documents/{protocol.pk}/download/").status_code == 409
