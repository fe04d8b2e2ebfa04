"""Documents: checked uploads, versions by title, checksums, confidential for läsare."""

import hashlib
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.roles import Role
from projects import services
from projects.documents import sanitise_filename
from projects.models import Document
from tests.core.factories import user_with_role
from tests.projects.factories import (
    DOCX_BYTES,
    JPEG_BYTES,
    ODT_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    XLSX_BYTES,
    document_for,
    upload,
    zip_bytes,
)

pytestmark = pytest.mark.django_db


def _upload(case, user, name, content, title="Bilaga", **kwargs):
    return services.document_upload(
        user=user, case=case, file=upload(name, content), title=title, **kwargs
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("beslut.pdf", PDF_BYTES, "application/pdf"),
        (
            "ansokan.docx",
            DOCX_BYTES,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "budget.xlsx",
            XLSX_BYTES,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("rapport.odt", ODT_BYTES, "application/vnd.oasis.opendocument.text"),
        ("karta.png", PNG_BYTES, "image/png"),
        ("foto.jpg", JPEG_BYTES, "image/jpeg"),
        ("FOTO.JPEG", JPEG_BYTES, "image/jpeg"),
        ("yttrande.txt", "Yttrande över ansökan, åäö.\n".encode(), "text/plain"),
    ],
)
def test_allowed_types_are_stored_with_checksum_under_media_root(
    case, officer, settings, name, content, content_type
):
    document = _upload(case, officer, name, content)
    assert document.content_type == content_type
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.size == len(content)
    stored = Path(document.file.path)
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT))
    assert stored.read_bytes() == content
    assert f"cases/{case.year}/{case.dnr}/" in document.file.name


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("program.exe", b"MZ\x90\x00", "file_type"),
        ("skript.sh", b"#!/bin/sh\n", "file_type"),
        ("utan_filandelse", b"hej", "file_type"),
        ("falsk.pdf", b"<html>inte en pdf</html>", "file_content"),
        ("falsk.png", PDF_BYTES, "file_content"),
        ("falsk.docx", PDF_BYTES, "file_content"),
        ("xlsx-som-docx.docx", XLSX_BYTES, "file_content"),
        ("zip.xlsx", zip_bytes({"annat.txt": b"x"}), "file_content"),
        ("fel.odt", zip_bytes({"mimetype": b"application/zip"}), "file_content"),
        ("binar.txt", b"text\x00\x01\x02", "file_content"),
        ("tom.pdf", b"", "file_empty"),
    ],
)
def test_wrong_type_or_content_is_refused_and_nothing_is_stored(
    case, officer, settings, name, content, code
):
    with pytest.raises(ValidationError) as info:
        _upload(case, officer, name, content)
    assert "file" in info.value.message_dict
    assert not Document.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_too_large_files_are_refused_with_the_limit_in_the_message(case, officer, settings):
    settings.DOCUMENT_MAX_UPLOAD_SIZE = 1024
    with pytest.raises(ValidationError) as info:
        _upload(case, officer, "stor.pdf", PDF_BYTES + b"0" * 2048)
    assert "1 kB" in info.value.message_dict["file"][0]
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\system.ini.txt", "system.ini.txt"),
        ("/var/www/../../x.pdf", "x.pdf"),
        ("Ansökan 2020 (slutlig).pdf", "Ansokan_2020_slutlig_.pdf"),
        ("..", "dokument"),
        (".pdf", "pdf"),
        ("a" * 300 + ".PDF", "a" * 100 + ".pdf"),
    ],
)
def test_file_names_are_sanitised(given, safe):
    assert sanitise_filename(given) == safe


def test_path_traversal_in_the_upload_name_stays_inside_the_case_folder(case, officer, settings):
    document = _upload(case, officer, "../../../../etc/passwd.txt", b"root:x:0:0\n")
    assert document.original_name == "passwd.txt"
    stored = Path(document.file.path).resolve()
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve() / "cases")
    assert ".." not in document.file.name


def test_same_title_makes_a_new_version_and_keeps_the_old(case, officer):
    first = _upload(case, officer, "v1.pdf", PDF_BYTES, title="Ansökan")
    second = _upload(case, officer, "v2.pdf", PDF_BYTES + b"%v2", title="ansökan ")
    assert (first.version, second.version) == (1, 2)
    assert second.title == "Ansökan"  # the first spelling is kept
    assert Path(first.file.path).exists() and Path(second.file.path).exists()
    other = _upload(case, officer, "b.pdf", PDF_BYTES, title="Budget")
    assert other.version == 1


def test_identical_file_as_new_version_is_refused(case, officer):
    _upload(case, officer, "v1.pdf", PDF_BYTES, title="Ansökan")
    with pytest.raises(ValidationError) as info:
        _upload(case, officer, "kopia.pdf", PDF_BYTES, title="Ansökan")
    assert "identisk" in info.value.message_dict["file"][0]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.OFFICER, True),
        (Role.SECRETARY, True),
        (Role.CONTROLLER, True),
        (Role.DECISION_MAKER, False),
        (Role.READER, False),
    ],
)
def test_who_may_upload(case, role, allowed):
    user = user_with_role(role)
    if allowed:
        assert _upload(case, user, "a.pdf", PDF_BYTES).uploaded_by == user
    else:
        with pytest.raises(PermissionDenied):
            _upload(case, user, "a.pdf", PDF_BYTES)
        assert not Document.objects.exists()


def test_download_needs_login_and_is_an_attachment(case, officer, client, client_for):
    document = document_for(case, officer)
    url = reverse("projects:document_download", args=[document.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    response = client_for(user_with_role(Role.READER)).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"].startswith('attachment; filename="ansokan.pdf"')
    assert response["Content-Type"] == "application/pdf"


def test_files_are_not_served_from_the_media_url(case, officer, client_for):
    document = document_for(case, officer)
    response = client_for(officer).get("/media/" + document.file.name)
    assert response.status_code == 404


def test_confidential_documents_are_hidden_from_readers_everywhere(
    case, officer, reader, client_for
):
    open_doc = document_for(case, officer, title="Ansökan")
    secret = document_for(case, officer, title="Affärsplan", confidential=True, name="plan.pdf")
    download = reverse("projects:document_download", args=[secret.pk])

    client = client_for(reader)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Ansökan" in page and "Affärsplan" not in page
    assert client.get(download).status_code == 403
    assert client.get(reverse("projects:document_download", args=[open_doc.pk])).status_code == 200
    history = client.get(reverse("projects:case_history", args=[case.pk])).content.decode()
    assert "Affärsplan" not in history
    api = client.get("/api/v1/documents/", {"case": case.pk}).json()
    assert [d["title"] for d in api["results"]] == ["Ansökan"]
    assert client.get(f"/api/v1/documents/{secret.pk}/").status_code == 403
    assert client.get(f"/api/v1/documents/{secret.pk}/download/").status_code == 403

    # the secrecy settings (projects.secrecy): beslutsfattare and the case's own officer see
    # it; other officers, secretaries and controllers do not
    for user in (officer, user_with_role(Role.DECISION_MAKER)):
        other = client_for(user)
        assert "Affärsplan" in other.get(case.get_absolute_url()).content.decode()
        assert other.get(download).status_code == 200
    for role in (Role.OFFICER, Role.SECRETARY, Role.CONTROLLER):
        other = client_for(user_with_role(role))
        assert "Affärsplan" not in other.get(case.get_absolute_url()).content.decode()
        assert other.get(download).status_code == 403


def test_upload_through_the_page_keeps_the_form_on_errors(case, officer, client_for):
    client = client_for(officer)
    url = reverse("projects:document_upload", args=[case.pk])
    response = client.post(
        url,
        {
            "title": "Min titel",
            "kind": "bilaga",
            "party_name": "Piteå kommun",
            "file": upload("x.exe", b"MZ"),
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Filtypen är inte tillåten" in body
    assert 'value="Min titel"' in body
    response = client.post(
        url,
        {
            "title": "Min titel",
            "kind": "bilaga",
            "confidential": "on",
            "party_name": "Piteå kommun",
            "file": upload(),
        },
    )
    # a marking names the provision it rests on
    assert response.status_code == 200
    assert "Ange bestämmelsen som sekretessmarkeringen grundas på" in response.content.decode()
    from projects.models import SecrecyMarking, SecrecyProvision

    provision = SecrecyProvision.objects.get(name="31 kap. 16 § OSL")
    response = client.post(
        url,
        {
            "title": "Min titel",
            "kind": "bilaga",
            "confidential": "on",
            "provision": provision.pk,
            "party_name": "Piteå kommun",
            "file": upload(),
        },
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.confidential and document.title == "Min titel"
    assert SecrecyMarking.objects.get(document=document).provision == provision
    # OSL 5:2: an incoming document is registered with whom it came from
    response = client.post(url, {"title": "Brev", "kind": "bilaga", "file": upload("b.pdf")})
    assert response.status_code == 200
    assert "kom från (offentlighets- och sekretesslagen 5:2)" in response.content.decode()
    assert Document.objects.count() == 1


def test_another_officer_cannot_open_a_document_marked_secret_for_them(case, officer, client_for):
    """The edit page would show the marked document's title; its flag is not theirs to
    lift."""
    document = document_for(case, officer)
    services.document_update(user=officer, document=document, kind="bilaga", confidential=True)
    other = user_with_role(Role.OFFICER, username="officer_other")
    url = reverse("projects:document_edit", args=[document.pk])
    response = client_for(other).get(url)
    assert response.status_code == 403 and document.title not in response.content.decode()
    assert client_for(other).post(url, {"kind": "bilaga"}).status_code == 403
    document.refresh_from_db()
    assert document.confidential
    assert client_for(officer).get(url).status_code == 200  # the case's own officer


def test_officer_changes_kind_and_confidentiality(case, officer, secretary, client_for):
    document = document_for(case, officer)
    url = reverse("projects:document_edit", args=[document.pk])
    assert (
        client_for(secretary).post(url, {"kind": "bilaga", "confidential": "on"}).status_code == 403
    )
    document.refresh_from_db()
    assert not document.confidential
    response = client_for(officer).post(url, {"kind": "bilaga", "confidential": "on"})
    assert response.status_code == 400  # the provision it rests on
    assert "Ange bestämmelsen" in response.content.decode()
    from projects.models import SecrecyProvision

    provision = SecrecyProvision.objects.get(name="31 kap. 16 § OSL")
    response = client_for(officer).post(
        url, {"kind": "bilaga", "confidential": "on", "provision": provision.pk}
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.confidential and document.kind == "bilaga"
    assert document.secrecy_markings.get().provision == provision
    # kept marked, the provision is not asked again
    assert (
        client_for(officer).post(url, {"kind": "rapport", "confidential": "on"}).status_code == 302
    )


def test_a_new_version_of_a_marked_document_is_marked_as_it_is(case, officer, decision_maker):
    """The same information in a new file: the marking (and its provision) follows, so the
    e-diarium does not publish the title and other roles cannot open the new version."""
    from projects.models import SecrecyMarking, SecrecyProvision

    first = services.document_upload(
        user=officer, case=case, file=upload("plan.pdf", b"%PDF-1.4 v1"), title="Affärsplan"
    )
    provision = SecrecyProvision.objects.get(name="31 kap. 16 § OSL")
    services.secrecy_mark(user=decision_maker, case=case, document=first, provision=provision)
    second = services.document_upload(
        user=officer, case=case, file=upload("plan.pdf", b"%PDF-1.4 v2"), title="Affärsplan"
    )
    assert second.version == 2 and second.confidential
    marking = SecrecyMarking.objects.get(document=second, lifted_at__isnull=True)
    assert marking.provision == provision
