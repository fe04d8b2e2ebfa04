"""XLSX exports (openpyxl): the dashboard table and the financing plans.

Every row goes through ``core.exports.xlsx_append``: text that looks like a formula is
written as text.

Amounts are written as numbers (kronor) so they can be summed in Excel; the number
format shows thousands separators.
"""

from decimal import Decimal
from io import BytesIO

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.exports import xlsx_append

MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.0"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="0B3D6B")
TOTAL_FONT = Font(bold=True)


def _sheet(workbook, title, headers, widths=None):
    sheet = workbook.create_sheet(title=title[:31])
    xlsx_append(sheet, [str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    return sheet


def _money_columns(sheet, columns, start_row=2):
    for row in sheet.iter_rows(min_row=start_row):
        for cell in row:
            if cell.column in columns and isinstance(cell.value, (int, float, Decimal)):
                cell.number_format = MONEY_FORMAT


def _save(workbook) -> bytes:
    if "Sheet" in workbook.sheetnames and len(workbook.sheetnames) > 1:
        del workbook["Sheet"]
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


FIGURE_HEADERS = (
    "Anslag/fördelat (kr)",
    "Beslutat (kr)",
    "Utbetalt (kr)",
    "Återfört (kr)",
    "Öppet saldo (kr)",
    "Kvar att besluta (kr)",
)


def _figure_row(label, figures, group=""):
    return [
        group,
        label,
        figures.allocated,
        figures.committed,
        figures.paid,
        figures.released,
        figures.open,
        figures.left,
    ]


def dashboard_workbook(*, summary, multi_year, commitments) -> bytes:
    workbook = Workbook()
    headers = [_("Grupp"), _("Rad"), *[_(h) for h in FIGURE_HEADERS]]
    if summary is not None:
        year = summary.grant.year
        sheet = _sheet(
            workbook,
            _("Översikt %(year)s") % {"year": year},
            headers,
            [16, 48, 20, 18, 18, 18, 18, 20],
        )
        xlsx_append(
            sheet,
            _figure_row(_("Anslag 1:1 %(year)s") % {"year": year}, summary.total, _("Totalt")),
        )
        for cell in sheet[sheet.max_row]:
            cell.font = TOTAL_FONT
        for figures in summary.categories:
            xlsx_append(sheet, _figure_row(figures.label, figures, _("Kategori")))
        for figures in summary.priorities:
            xlsx_append(sheet, _figure_row(figures.label, figures, _("Prioritering")))
        _money_columns(sheet, range(3, 9))
    years = _sheet(
        workbook,
        _("Flerårsöversikt"),
        [_("År"), *[_(h) for h in FIGURE_HEADERS]],
        [10, 20, 18, 18, 18, 18, 20],
    )
    for figures in multi_year:
        xlsx_append(
            years,
            [
                int(figures.key),
                figures.allocated,
                figures.committed,
                figures.paid,
                figures.released,
                figures.open,
                figures.left,
            ],
        )
    _money_columns(years, range(2, 8))
    open_sheet = _sheet(
        workbook,
        _("Öppna åtaganden"),
        [
            _("År"),
            _("Beslutsdatum"),
            _("Kategori"),
            _("Prioritering"),
            _("Dnr"),
            _("Mottagare"),
            _("Beskrivning"),
            _("Beslutsreferens"),
            _("Belopp (kr)"),
            _("Utbetalt (kr)"),
            _("Återfört (kr)"),
            _("Återstår (kr)"),
        ],
        [8, 13, 26, 34, 12, 32, 40, 24, 16, 16, 16, 16],
    )
    for c in commitments:
        xlsx_append(
            open_sheet,
            [
                c.grant.year,
                c.committed_on,
                c.get_category_display(),
                c.get_priority_display(),
                c.case.dnr if c.case_id else "",
                c.recipient.name if c.recipient_id else "",
                c.description,
                c.reference,
                c.amount,
                c.paid,
                c.released,
                c.remaining,
            ],
        )
    for row in open_sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    _money_columns(open_sheet, range(9, 13))
    return _save(workbook)


def plans_workbook(*, plans, rows) -> bytes:
    workbook = Workbook()
    sheet = _sheet(
        workbook,
        _("Finansieringsplaner"),
        [
            _("Dnr"),
            _("NYPS-id"),
            _("Projekt"),
            _("Stödsökande"),
            _("Projektperiod"),
            _("Status"),
            _("Total budget enligt ansökan (kr)"),
            _("Summa rader (kr)"),
            _("%(region)s 1:1 (kr)") % {"region": settings.REGION_NAME},
            _("%(region)s egna medel (kr)") % {"region": settings.REGION_NAME},
            _("Regionens andel (%)"),
            _("Beviljat totalt (kr)"),
            _("Granskad av"),
            _("Granskad"),
            _("Granskningskommentar"),
        ],
        [12, 11, 48, 32, 24, 24, 20, 18, 18, 18, 12, 18, 22, 18, 40],
    )
    for plan in plans:
        cases = list(plan.project.cases.all())
        case = cases[0] if cases else None
        project = plan.project
        period = ""
        if project.start_date and project.end_date:
            period = f"{project.start_date:%Y-%m-%d} – {project.end_date:%Y-%m-%d}"
        region = plan.region_1_1 + plan.region_own
        share = (
            (region * 100 / plan.total_applied).quantize(Decimal("0.1"))
            if plan.total_applied
            else None
        )
        xlsx_append(
            sheet,
            [
                case.dnr if case else "",
                (case.nyps_id or "") if case else "",
                project.title,
                project.applicant.name if project.applicant_id else "",
                period,
                plan.get_status_display(),
                plan.stated_total,
                plan.total_applied,
                plan.region_1_1,
                plan.region_own,
                share,
                plan.total_granted,
                plan.reviewed_by.get_full_name() if plan.reviewed_by_id else "",
                plan.reviewed_at.strftime("%Y-%m-%d %H:%M") if plan.reviewed_at else "",
                plan.review_comment,
            ],
        )
    _money_columns(sheet, {7, 8, 9, 10, 12})
    for row in sheet.iter_rows(min_row=2, min_col=11, max_col=11):
        for cell in row:
            cell.number_format = PERCENT_FORMAT
    row_sheet = _sheet(
        workbook,
        _("Finansieringsrader"),
        [
            _("Projekt"),
            _("Finansiär"),
            _("Finansieringstyp"),
            _("År"),
            _("Annat än pengar"),
            _("Sökt belopp (kr)"),
            _("Beviljat belopp (kr)"),
            _("Andel av budget (%)"),
        ],
        [48, 36, 28, 12, 14, 18, 18, 14],
    )
    for row in rows:
        total = row.plan.stated_total
        share = (row.amount_applied * 100 / total).quantize(Decimal("0.1")) if total else None
        xlsx_append(
            row_sheet,
            [
                row.plan.project.title,
                row.financier.name,
                row.get_funding_type_display(),
                row.year if row.year else _("Hela perioden"),
                _("Ja") if row.in_kind else _("Nej"),
                row.amount_applied,
                row.amount_granted,
                share,
            ],
        )
    _money_columns(row_sheet, {6, 7})
    for cells in row_sheet.iter_rows(min_row=2, min_col=8, max_col=8):
        for cell in cells:
            cell.number_format = PERCENT_FORMAT
    return _save(workbook)
