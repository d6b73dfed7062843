"""Formula-injection guard for every spreadsheet export (xlsx and csv).

Text written to a spreadsheet that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
read by Excel, WPS and LibreOffice as a formula (``=HYPERLINK(...)``, ``=1+1``, ``@SUM(A1)``), so an
applicant's name or a reason typed by anyone becomes live content in the supervisor's spreadsheet.

The rule chosen here (OWASP "CSV injection"):

* **csv** — a text cell that starts with one of those characters is written with a leading apostrophe
  ``'`` (``'=1+1``); spreadsheet programs then show it as text. :func:`safe_cell` does this.
* **xlsx** — the cell keeps its exact text but is written with the *string* data type (``data_type "s"``),
  so it is stored as a shared string and never as a formula; no apostrophe is shown to the reader.
  :func:`append_row` / :func:`set_cell` do this (openpyxl would otherwise store any text starting with
  ``=`` as a formula).

Numbers, dates, ``None`` and booleans are never touched: a negative number stays a number.
Every export goes through this module; ``tests/hallservice/test_spreadsheet_formula_injection.py``
checks that no module writes rows any other way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    """True for text a spreadsheet program would evaluate (starts with = + - @ tab or CR)."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def safe_cell(value: Any) -> Any:
    """A csv cell: formula-like text gets a leading apostrophe; anything else is returned unchanged."""
    if is_formula_like(value):
        return "'" + value
    return value


def csv_rows(rows: Iterable[Sequence[Any]]) -> list[list[Any]]:
    return [[safe_cell(value) for value in row] for row in rows]


def write_csv(writer: Any, rows: Iterable[Sequence[Any]]) -> None:
    """``writer.writerows`` with every cell passed through :func:`safe_cell`."""
    writer.writerows(csv_rows(rows))


def set_cell(cell: Any, value: Any) -> None:
    """Set an openpyxl cell's value; formula-like text is kept verbatim as a string, never a formula."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def append_row(sheet: Worksheet, row: Iterable[Any]) -> None:
    """``sheet.append(row)``, then every text cell of the new row is forced to the string data type."""
    values = list(row)
    sheet.append(values)
    if not values:
        return
    row_number = sheet.max_row
    for column, value in enumerate(values, start=1):
        if isinstance(value, str):
            sheet.cell(row=row_number, column=column).data_type = "s"
