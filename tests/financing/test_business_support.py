"""Business support decided in NYPS 2020: the import (good, bad and repeated files, CSV and
XLSX), entry by hand, the pages and who may use them."""

import hashlib
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import Workbook

from financing import selectors
from financing.demo import NYPS_EXPORT_2022
from financing.models import BusinessSupport, BusinessSupportImport
from financing.services import business_support as service
from tests.financing.factories import BusinessSupportFactory, org_number

D = Decimal
pytestmark = pytest.mark.django_db

HEADER = (
    "Ärende-id;Inkom;Beslutsdatum;Beslut;Beviljat belopp;Företag;Organisationsnummer;"
    "Ledning;Bransch;Stödområde;Stödtyp;EU-ramprojekt;Andel EU (%)"
)


def csv_file(*rows: str) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode("utf-8-sig")


def row(app_id, *, decision="Beviljad", amount="400 000", org=None, gender="Kvinna", **kw):
    values = {
        "received": "2022-02-01",
        "decided": "2022-03-15" if decision else "",
        "company": f"Företag {app_id} AB",
        "industry": "Besöksnäring",
        "area": "Företagsstöd",
        "type": "Regionalt investeringsstöd",
        "framework": "",
        "share": "",
        **kw,
    }
    return ";".join(
        [
            app_id,
            values["received"],
            values["decided"],
            decision,
            amount if decision == "Beviljad" else "",
            values["company"],
            org or org_number(int(app_id) % 1000),
            gender,
            values["industry"],
            values["area"],
            values["type"],
            values["framework"],
            values["share"],
        ]
    )


def run_import(user, content, *, year=2022, filename="nyps.csv"):
    preview = service.export_preview(user=user, year=year, content=content, filename=filename)
    assert not preview.errors, preview.errors
    return service.business_support_import(
        user=user, year=year, sha256=preview.sha256, filename=filename
    )


def test_luhn_check_of_organisation_numbers():
    assert service.org_number_valid("5560360793")  # a real one: Saab AB
    assert service.org_number_valid("2021002841")  # seed 001's example (Region Norrbotten)
    assert not service.org_number_valid("5560360794")
    assert not service.org_number_valid("556036079")


def test_a_good_file_is_imported_with_its_source_kept(controller):
    content = csv_file(
        row("20221001", gender="Kvinna", framework="REACT-EU", share="100"),
        row("20221002", gender="Man", amount="1 250 000 kr", framework="Covid 19", share="50 %"),
        row("20221003", decision="Avslag"),
        row("20221004", decision="", gender=""),
    )
    source = run_import(controller, content)
    assert (source.rows_created, source.rows_updated, source.rows_unchanged) == (4, 0, 0)
    assert source.sha256 == hashlib.sha256(content).hexdigest()
    with source.file.open("rb") as handle:
        assert handle.read() == content
    granted = BusinessSupport.objects.get(application_id="20221002")
    assert granted.amount == D("1250000.00") and granted.eu_share == D("50.00")
    assert granted.source == source and granted.updated_by == controller
    rejected = BusinessSupport.objects.get(application_id="20221003")
    assert rejected.decision == "rejected" and rejected.amount is None
    assert BusinessSupport.objects.get(application_id="20221004").decided_on is None

    figures = selectors.business_support_figures(2022)
    assert (figures.received, figures.granted, figures.rejected) == (4, 2, 1)
    assert figures.rejection_share == D(33)
    assert (figures.companies_women, figures.companies_men) == (1, 1)
    assert figures.eu_cofinanced == 2


def test_a_bad_file_names_every_error_by_row_and_column_and_imports_nothing(controller):
    content = csv_file(
        row("20221001"),
        row("20221002", org="556036-0794"),  # wrong check digit
        row("20221003", received="2022-13-01"),
        row("20221004", decision="Kanske"),
        row("20221005", amount=""),  # granted without an amount
        row("20221006", framework="REACT-EU", share=""),
        row("20221001"),  # the same application twice
        row("20231007", received="2023-02-01", decided="2023-03-01"),  # another year
    )
    preview = service.export_preview(
        user=controller, year=2022, content=content, filename="nyps.csv"
    )
    errors = {(e.row, e.column) for e in preview.errors}
    assert errors == {
        (3, "Organisationsnummer"),
        (4, "Inkom"),
        (5, "Beslut"),
        (6, "Beviljat belopp"),
        (7, "Andel EU (%)"),
        (8, "Ärende-id"),
        (9, "Inkom"),
    }
    assert "kontrollsiffra" in next(e.message for e in preview.errors if e.row == 3)
    assert "rad 2" in next(e.message for e in preview.errors if e.row == 8)
    with pytest.raises(ValidationError, match="inget har importerats"):
        service.business_support_import(
            user=controller, year=2022, sha256=preview.sha256, filename="nyps.csv"
        )
    assert not BusinessSupport.objects.exists()
    assert not BusinessSupportImport.objects.exists()


def test_a_file_without_the_required_columns_is_refused(controller):
    content = b"Id;Datum\r\n1;2022-01-01\r\n"
    with pytest.raises(ValidationError) as caught:
        service.export_preview(user=controller, year=2022, content=content, filename="x.csv")
    assert "Kolumnen Ärende-id saknas." in caught.value.messages
    with pytest.raises(ValidationError, match="CSV eller XLSX"):
        service.export_preview(user=controller, year=2022, content=b"%PDF", filename="x.pdf")


def test_a_repeated_file_updates_instead_of_duplicating(controller):
    first = csv_file(row("20221001"), row("20221002", decision="", gender="Man"))
    run_import(controller, first)
    again = csv_file(
        row("20221001"),  # unchanged
        row("20221002", decision="Avslag", gender="Man"),  # decided since
        row("20221003"),  # new
    )
    preview = service.export_preview(user=controller, year=2022, content=again, filename="b.csv")
    assert [(r.row, r.status) for r in preview.rows] == [
        (2, "unchanged"),
        (3, "changed"),
        (4, "new"),
    ]
    assert "beslut" in preview.rows[1].changes
    source = service.business_support_import(
        user=controller, year=2022, sha256=preview.sha256, filename="b.csv"
    )
    assert (source.rows_created, source.rows_updated, source.rows_unchanged) == (1, 1, 1)
    assert BusinessSupport.objects.count() == 3
    assert BusinessSupport.objects.get(application_id="20221002").decision == "rejected"
    assert BusinessSupportImport.objects.count() == 2


def test_an_xlsx_export_with_dates_numbers_and_percent_cells(controller):
    import datetime

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(";"))
    sheet.append(
        [
            20221001,
            datetime.date(2022, 2, 1),
            datetime.date(2022, 4, 1),
            "Beviljad",
            350000,
            "Kiruna Test AB",
            "556036-0793",
            "Delat ledarskap",
            "Testverksamhet",
            "Företagsstöd",
            "Regionalt investeringsstöd",
            "REACT-EU",
            1,  # shown as 100 % (a percentage cell)
        ]
    )
    sheet.cell(row=2, column=13).number_format = "0%"
    buffer = io.BytesIO()
    book.save(buffer)
    run_import(controller, buffer.getvalue(), filename="export.xlsx")
    support = BusinessSupport.objects.get()
    assert support.application_id == "20221001"
    assert support.amount == D("350000.00") and support.eu_share == D("100.00")
    assert support.leader_gender == "shared"


def test_only_controllers_import(officer):
    with pytest.raises(PermissionDenied):
        service.export_preview(
            user=officer, year=2022, content=csv_file(row("1")), filename="a.csv"
        )


def test_the_shipped_demo_export_gives_seed_004s_figures(controller):
    run_import(controller, NYPS_EXPORT_2022.read_bytes(), filename=NYPS_EXPORT_2022.name)
    figures = selectors.business_support_figures(2022)
    assert (figures.received, figures.granted, figures.rejected) == (164, 125, 39)
    assert figures.rejection_share == D(24)
    assert figures.companies == 125
    assert (figures.share_women, figures.share_men, figures.share_shared) == (24, 66, 10)
    assert figures.eu_cofinanced == 46
    assert [(f.share, f.decisions) for f in figures.frameworks] == [(100, 39), (50, 7)]


# --- Pages ---------------------------------------------------------------------------------


def test_upload_preview_and_confirm_through_the_pages(client_for, controller):
    client = client_for(controller)
    content = csv_file(row("20221001"), row("20221002", decision="Avslag"))
    upload = io.BytesIO(content)
    upload.name = "nyps-2022.csv"
    response = client.post(
        reverse("financing:business_support_import"), {"year": 2022, "file": upload}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "2 nya, 0 ändras och 0 är oförändrade." in body
    assert not BusinessSupport.objects.exists()  # a preview writes nothing

    sha = hashlib.sha256(content).hexdigest()
    response = client.post(
        reverse("financing:business_support_import_confirm"),
        {"year": 2022, "sha256": sha, "filename": "nyps-2022.csv"},
    )
    assert response.status_code == 302
    assert BusinessSupport.objects.count() == 2
    page = client.get(response.url)
    assert "20221001" in page.content.decode()
    source = BusinessSupportImport.objects.get()
    download = client.get(reverse("financing:business_support_source", args=[source.pk]))
    assert b"".join(download.streaming_content) == content


def test_a_bad_upload_answers_400_with_the_errors_and_no_import_button(client_for, controller):
    upload = io.BytesIO(csv_file(row("20221001", org="556036-0794")))
    upload.name = "nyps.csv"
    response = client_for(controller).post(
        reverse("financing:business_support_import"), {"year": 2022, "file": upload}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "har fel kontrollsiffra" in body
    assert reverse("financing:business_support_import_confirm") not in body


def test_entry_by_hand_and_correction_with_the_edit_version(client_for, controller):
    client = client_for(controller)
    data = {
        "application_id": "20229999",
        "category": "business_support",
        "support_type": "Innovationsstöd",
        "received_on": "2022-05-02",
        "decision": "beviljad",
        "decided_on": "2022-06-01",
        "amount": "2 000 tkr",
        "company_name": "Luleå Rymd AB",
        "org_number": "5560360793",
        "leader_gender": "woman",
        "industry": "Innovation",
        "eu_framework": "",
        "eu_share": "",
    }
    response = client.post(reverse("financing:business_support_create"), data)
    assert response.status_code == 302
    support = BusinessSupport.objects.get()
    assert support.org_number == "556036-0793" and support.amount == D("2000000.00")

    url = reverse("financing:business_support_edit", args=[support.pk])
    stale = {**data, "version": support.version, "leader_gender": "shared"}
    assert client.post(url, stale).status_code == 302
    response = client.post(url, {**stale, "leader_gender": "man"})  # the old version again
    assert response.status_code == 409
    assert BusinessSupport.objects.get().leader_gender == "shared"

    bad = client.post(reverse("financing:business_support_create"), {**data, "decided_on": ""})
    assert bad.status_code == 400
    assert "Ett beslut har ett beslutsdatum." in bad.content.decode()


def test_the_dashboard_shows_business_support_beside_co_financing(client_for, reader):
    from tests.financing.factories import GrantFactory

    GrantFactory(year=2022)
    BusinessSupportFactory(leader_gender="woman")
    BusinessSupportFactory(decision="rejected")
    body = client_for(reader).get(reverse("financing:dashboard") + "?year=2022").content.decode()
    assert "Medfinansiering ur anslaget (ärenden)" in body
    assert "Företagsstöd (beslutade i NYPS 2020)" in body
    assert "Beslut medfinansierade med EU-medel via ramprojekt" in body


def test_the_list_page_filters_the_rows_behind_a_figure(client_for, reader):
    BusinessSupportFactory(application_id="20220001", leader_gender="woman")
    BusinessSupportFactory(application_id="20220002", leader_gender="man")
    url = reverse("financing:business_support_list") + "?year=2022&group=women"
    body = client_for(reader).get(url).content.decode()
    assert "20220001" in body and "20220002" not in body
