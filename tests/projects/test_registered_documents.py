"""The case's registry (diarium): numbers, direction, dates, parties; e-mail; inline view;
the registry on the case page and its PDF/XLSX export."""

import datetime
import io
import threading
from email.message import EmailMessage

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.roles import Role
from projects import services
from projects.models import Document
from tests.core.factories import user_with_role
from tests.e2e.helpers import pdf_text
from tests.projects.factories import PDF_BYTES, PNG_BYTES, register_case, upload

pytestmark = pytest.mark.django_db


def _register(case, user, name="a.pdf", content=PDF_BYTES, title="Bilaga", **kwargs):
    return services.document_upload(
        user=user, case=case, file=upload(name, content), title=title, **kwargs
    )


def test_documents_get_running_numbers_within_the_case(case, officer):
    first = _register(case, officer, title="Ansökan")
    second = _register(case, officer, "b.pdf", PDF_BYTES + b"%2", title="Ansökan")
    third = _register(case, officer, "c.png", PNG_BYTES, title="Karta")
    assert [first.registry_number, second.registry_number, third.registry_number] == [1, 2, 3]
    assert third.registry_label == f"{case.dnr}-3"
    other_case = register_case(officer=officer)
    assert _register(other_case, officer).registry_number == 1


def test_registration_fields_are_kept_and_default_to_today(case, officer):
    document = _register(
        case,
        officer,
        title="Yttrande",
        direction=Document.Direction.OUTGOING,
        document_date=datetime.date(2020, 3, 2),
        party_kind=Document.PartyKind.ORGANISATION,
        party_name="Piteå kommun",
        description="Yttrande över ansökan om medfinansiering",
    )
    document.refresh_from_db()
    assert document.direction == "utgaende"
    assert document.document_date == datetime.date(2020, 3, 2)
    assert (document.party_kind, document.party_name) == ("organisation", "Piteå kommun")
    assert document.description == "Yttrande över ansökan om medfinansiering"
    assert document.registered_by == officer and document.registered_at is not None
    plain = _register(case, officer, "p.pdf", PDF_BYTES + b"%p", title="Plain")
    assert plain.direction == "inkommande"
    assert plain.document_date == timezone.localdate()
    assert plain.description == "Plain"


def test_an_unknown_direction_is_refused(case, officer):
    with pytest.raises(ValidationError):
        _register(case, officer, direction="sidledes")
    assert not Document.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.xdist_group("connections")
@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_in_one_case_get_consecutive_numbers():
    officer = user_with_role(Role.OFFICER, username="parallel-docs")
    case = register_case(officer=officer)
    barrier = threading.Barrier(12)
    errors = []

    def register(i):
        try:
            barrier.wait(timeout=30)
            _register(case, officer, f"d{i}.pdf", PDF_BYTES + f"%{i}".encode(), title=f"D{i}")
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    numbers = sorted(case.documents.values_list("registry_number", flat=True))
    assert numbers == list(range(1, 13))


def _eml(*, attachments=(("Budget Vätgasdalen.pdf", PDF_BYTES),)) -> bytes:
    message = EmailMessage()
    message["From"] = "Anna Berg <anna.berg@example.se>"
    message["To"] = "diarium@norrbotten.se"
    message["Subject"] = "Komplettering av ansökan"
    message["Date"] = "Tue, 03 Mar 2020 10:15:00 +0100"
    message.set_content("Hej! Här kommer den reviderade budgeten.")
    for name, content in attachments:
        message.add_attachment(content, maintype="application", subtype="pdf", filename=name)
    return message.as_bytes()


def test_an_email_is_registered_with_its_attachments(case, officer):
    message = services.document_register_email(
        user=officer, case=case, file=upload("in.eml", _eml(), "message/rfc822")
    )
    assert message.title == "Komplettering av ansökan"
    assert message.direction == "inkommande"
    assert message.document_date == datetime.date(2020, 3, 3)
    assert message.party_name == "Anna Berg <anna.berg@example.se>"
    assert message.party_kind == "person"
    with message.file.open("rb") as handle:
        text = handle.read().decode()
    assert "reviderade budgeten" in text and "Från: Anna Berg" in text
    (attachment,) = message.attachments.all()
    assert attachment.original_name == "Budget Vätgasdalen.pdf"
    assert attachment.registry_number == message.registry_number + 1
    assert attachment.document_date == datetime.date(2020, 3, 3)


def test_an_email_with_a_forbidden_attachment_registers_nothing(case, officer):
    eml = _eml(attachments=(("ok.pdf", PDF_BYTES), ("virus.exe", b"MZ\x90\x00")))
    with pytest.raises(ValidationError):
        services.document_register_email(user=officer, case=case, file=upload("x.eml", eml))
    assert not Document.objects.exists()


def test_not_an_email_is_refused(case, officer):
    with pytest.raises(ValidationError):
        services.document_register_email(
            user=officer, case=case, file=upload("x.eml", b"just text\n")
        )
    with pytest.raises(ValidationError):
        services.document_register_email(user=officer, case=case, file=upload("x.pdf", PDF_BYTES))


def test_email_page_registers_the_message(case, officer, client_for):
    client = client_for(officer)
    url = reverse("projects:document_email", args=[case.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"file": upload("in.eml", _eml()), "title": ""})
    assert response.status_code == 302
    assert case.documents.count() == 2
    assert client_for(user_with_role(Role.READER)).get(url).status_code == 403


def test_documents_open_inline_under_their_own_name(case, officer, client_for):
    document = _register(case, officer, "Budget Vätgasdalen.pdf", title="Budget")
    assert document.original_name == "Budget Vätgasdalen.pdf"
    client = client_for(user_with_role(Role.READER))
    view = client.get(reverse("projects:document_view", args=[document.pk]))
    assert view.status_code == 200
    disposition = view["Content-Disposition"]
    assert disposition.startswith("inline;")
    assert "filename*=utf-8''Budget%20V%C3%A4tgasdalen.pdf" in disposition
    assert b"".join(view.streaming_content) == PDF_BYTES
    download = client.get(reverse("projects:document_download", args=[document.pk]))
    assert download["Content-Disposition"].startswith("attachment;")
    assert "V%C3%A4tgasdalen" in download["Content-Disposition"]


def test_a_docx_is_never_shown_inline(case, officer, client_for):
    from tests.projects.factories import DOCX_BYTES

    document = _register(case, officer, "ansokan.docx", DOCX_BYTES, title="Ansökan")
    response = client_for(officer).get(reverse("projects:document_view", args=[document.pk]))
    assert response["Content-Disposition"].startswith("attachment;")


def test_case_page_shows_the_registry_in_order(case, officer, client_for):
    _register(case, officer, title="Ansökan", party_name="Piteå Science Park AB")
    _register(
        case,
        officer,
        "b.pdf",
        PDF_BYTES + b"%b",
        title="Beslutsbrev",
        direction=Document.Direction.OUTGOING,
    )
    page = client_for(officer).get(case.get_absolute_url()).content.decode()
    section = page[page.index('id="diarium"') :]
    assert section.index(f"{case.dnr}-1") < section.index(f"{case.dnr}-2")
    assert "Piteå Science Park AB" in section and "Utgående" in section


def test_registry_exports_read_back(case, officer, client_for):
    _register(case, officer, title="Ansökan", party_name="Piteå Science Park AB")
    _register(case, officer, "b.pdf", PDF_BYTES + b"%b", title="=HYPERLINK(evil)")
    client = client_for(user_with_role(Role.READER))
    pdf = client.get(reverse("projects:case_registry_export", args=[case.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert f"Diarium för ärende {case.dnr}" in text
    assert f"{case.dnr}-1" in text and "Piteå Science Park AB" in text
    xlsx = client.get(reverse("projects:case_registry_export", args=[case.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    assert rows[0][0] == f"{case.dnr}-1" and rows[0][4] == "Ansökan"
    assert rows[1][4] == "=HYPERLINK(evil)" and sheet.cell(row=4, column=5).data_type == "s"
    missing = client.get(reverse("projects:case_registry_export", args=[case.pk, "doc"]))
    assert missing.status_code == 404
