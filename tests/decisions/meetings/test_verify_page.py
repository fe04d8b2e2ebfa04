"""The verify page checks an uploaded copy twice: its SHA-256 against the stored documents,
and its digital seal (core.seal.verify_pdf); a checksum alone checks only the first."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.jobs import sha256_bytes
from decisions.meetings import services as svc

URL = "/workflow/dokument/kontrollera/"


@pytest.fixture
def stored(signed_run_meeting, secretary):
    """The signed meeting's final protocol as stored (sealed at the justering) and its
    kallelse (stored, not sealed: it is not a signed record)."""
    meeting = signed_run_meeting["meeting"]
    document = svc.document_store(kind="protocol", meeting=meeting, paragraph=None, user=secretary)
    with document.file.open("rb") as handle:
        sealed = handle.read()
    kallelse = svc.document_store(kind="kallelse", meeting=meeting, paragraph=None, user=secretary)
    with kallelse.file.open("rb") as handle:
        plain = handle.read()
    return {"plain": plain, "sealed": sealed, "signatures": list(meeting.signatures.all())}


def _upload(client, data: bytes):
    page = client.post(URL, {"file": SimpleUploadedFile("kopia.pdf", data, "application/pdf")})
    assert page.status_code == 200
    return page.content.decode()


def test_a_sealed_copy_matches_its_stored_document_and_its_seal_is_valid(
    stored, client_for, secretary
):
    html = _upload(client_for(secretary), stored["sealed"])
    assert "Dokumentet stämmer med ett sparat dokument." in html
    assert "Förseglingen är giltig" in html
    assert "Region Norrbotten" in html
    assert "Regionens nuvarande sigillcertifikat." in html
    chair, adjuster = sorted(stored["signatures"], key=lambda s: s.at)
    assert (
        f"Justerat: Nils-Olov Lindfors (C) (ordförande) {timezone.localtime(chair.at):%Y-%m-%d %H:%M}, "
        f"Lage Hortlund (SD) (justerare) {timezone.localtime(adjuster.at):%Y-%m-%d %H:%M}"
    ) in html
    assert "Ja, varje byte är som när det förseglades." in html


def test_a_tampered_copy_is_unknown_and_its_seal_broken(stored, client_for, secretary):
    data = bytearray(stored["sealed"])
    position = data.index(b"stream\n", 100) + 40
    data[position] ^= 0x01
    html = _upload(client_for(secretary), bytes(data))
    assert "Inget sparat dokument har den kontrollsumman." in html
    assert "Förseglingen är inte giltig" in html
    assert "ändrats efter att det förseglades" in html


def test_an_unsealed_copy_matches_but_has_no_seal(stored, client_for, secretary):
    html = _upload(client_for(secretary), stored["plain"])
    assert "Dokumentet stämmer med ett sparat dokument." in html
    assert "Dokumentet har ingen digital försegling." in html


def test_a_file_that_is_not_a_pdf_is_answered_not_refused(
    signed_run_meeting, client_for, secretary
):
    html = _upload(client_for(secretary), b"inte en pdf")
    assert "Inget sparat dokument har den kontrollsumman." in html
    assert "Förseglingen är inte giltig: filen är inte en PDF." in html


def test_a_checksum_alone_checks_no_seal(stored, client_for, secretary):
    page = client_for(secretary).post(URL, {"checksum": sha256_bytes(stored["sealed"])})
    html = page.content.decode()
    assert "Dokumentet stämmer med ett sparat dokument." in html
    assert "Ladda upp PDF-filen för att kontrollera dess digitala försegling." in html


def test_the_page_in_english(stored, client_for, secretary):
    client = client_for(secretary)
    client.cookies["django_language"] = "en"
    html = _upload(client, stored["sealed"])
    assert "Digital seal" in html
    assert "The seal is valid" in html
