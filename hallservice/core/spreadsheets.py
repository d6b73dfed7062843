"""Every spreadsheet export's pieces: the formula-injection guard (xlsx and csv), the titled sheet, the bytes and
the download answer.

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
from io import BytesIO
from typing import Any

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def new_workbook(first_sheet: str) -> tuple[Workbook, Worksheet]:
    """An empty workbook and its first sheet, named ``first_sheet``."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = first_sheet
    return workbook, sheet


def one_sheet_workbook(
    sheet_name: str, title: str, columns: Sequence[tuple[str, int]], rows: Iterable[Sequence[Any]]
) -> bytes:
    """The bytes of an .xlsx file of one :func:`titled_sheet` named ``sheet_name``."""
    workbook, sheet = new_workbook(sheet_name)
    titled_sheet(sheet, title, columns, rows)
    return workbook_bytes(workbook)


def titled_sheet(
    sheet: Worksheet,
    title: str,
    columns: Sequence[tuple[str, int]],
    rows: Iterable[Sequence[Any]],
    *,
    freeze: str = "A3",
) -> None:
    """A title row merged over the columns, a bold header of ``(heading, width)`` columns, then the rows.

    Title and header stay in view while scrolling (``freeze`` is the first cell that scrolls).
    """
    append_row(sheet, [title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(columns), 1))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    append_row(sheet, [str(heading) for heading, _width in columns])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for position, (_heading, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    for row in rows:
        append_row(sheet, row)
    sheet.freeze_panes = freeze


def workbook_bytes(workbook: Workbook) -> bytes:
    """The workbook as the bytes of an .xlsx file."""
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str) -> FileResponse:
    """The download of an .xlsx file's bytes, named ``filename``."""
    return FileResponse(BytesIO(content), as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
