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
    """Append a row to an openpyxl sheet; text that looks like a formula stays text."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if is_formula_like(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True
