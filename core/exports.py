"""Spreadsheet exports that cannot carry a formula (CSV/formula injection).

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would
be read by Excel or LibreOffice as a formula (``=HYPERLINK(...)``, ``=cmd|...``). Every CSV
and XLSX export of the app writes its rows through the two helpers below, so such text is
written as text: in CSV with a leading apostrophe (OWASP's advice; spreadsheet programs
show the text after it), in XLSX as a string cell with the "quote prefix" style.
Numbers and dates are written as they are.
"""

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import Cell  # type: ignore[import-untyped]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def csv_safe(value: Any) -> Any:
    """``value`` as a CSV cell that spreadsheet programs read as text."""
    if is_formula_like(value):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_safe(value) for value in values]


def xlsx_append(sheet, values: Iterable[Any]) -> None:
    """Append a row to an openpyxl sheet; text that looks like a formula stays text.

    The formula-like values go in as cells made text here: reading the appended row back
    (``sheet[sheet.max_row]``) measured the whole sheet on every row, and a year's 5 000
    commitments took 11 s to export."""
    row = []
    for value in values:
        if is_formula_like(value):
            cell = Cell(sheet, value=value)
            cell.data_type = "s"
            cell.quotePrefix = True
            row.append(cell)
        else:
            row.append(value)
    sheet.append(row)
