"""The registry of a case as a document: PDF (WeasyPrint via ``core.pdf``) and XLSX.

Rows go through ``core.exports.xlsx_append`` (text that looks like a formula stays text).
"""

from io import BytesIO

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from core.exports import xlsx_append
from core.pdf import render_pdf


def _headers() -> list[str]:
    return [
        _("Nr"),
        _("Dokumentdatum"),
        _("Riktning"),
        _("Avsändare/mottagare"),
        _("Titel"),
        _("Beskrivning"),
        _("Registrerad"),
        _("Registrerad av"),
    ]


def registry_rows(entries) -> list[list]:
    rows = []
    for document in entries:
        registered_by = document.registered_by
        masked = getattr(document, "masked", None)
        if masked:
            rows.append(
                [
                    document.registry_label,
                    document.document_date,
                    document.get_direction_display(),
                    "",
                    document.mask_label,
                    "",
                    timezone.localtime(document.registered_at).strftime("%Y-%m-%d %H:%M"),
                    "",
                ]
            )
            continue
        rows.append(
            [
                document.registry_label,
                document.document_date,
                document.get_direction_display(),
                document.party_name,
                document.title,
                document.description,
                timezone.localtime(document.registered_at).strftime("%Y-%m-%d %H:%M"),
                (registered_by.get_full_name() or registered_by.username) if registered_by else "",
            ]
        )
    return rows


def registry_xlsx(case, entries) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = case.dnr
    xlsx_append(sheet, [_("Diarium för ärende %(dnr)s") % {"dnr": case.dnr}, case.title])
    sheet["A1"].font = Font(bold=True)
    xlsx_append(sheet, _headers())
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in registry_rows(entries):
        xlsx_append(sheet, row)
        sheet.cell(row=sheet.max_row, column=2).number_format = "yyyy-mm-dd"
    for column, width in zip("ABCDEFGH", (16, 13, 12, 30, 36, 40, 17, 22), strict=True):
        sheet.column_dimensions[column].width = width
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def registry_pdf(case, entries) -> bytes:
    with translation.override("sv"):
        html = render_to_string(
            "projects/registry_document.html",
            {
                "case": case,
                "headers": _headers(),
                "rows": registry_rows(entries),
                "printed": timezone.localtime(),
            },
        )
    return render_pdf(html)


def refusal_pdf(request) -> bytes:
    """The decision refusing a request for public documents, wholly or in part (a copy
    released with the secret parts masked), with the provision and how to appeal (to the administrative court of appeal, through the region, within three
    weeks from the day the requester got the decision)."""
    with translation.override("sv"):
        html = render_to_string(
            "projects/refusal_document.html",
            {
                "request": request,
                "case": request.case,
                "documents": list(request.documents.order_by("registry_number")),
                "region": getattr(settings, "REGION_NAME", "Region Norrbotten"),
            },
        )
    return render_pdf(html)
