"""The monthly report (数据统计上报) as xlsx and PDF: pure functions from computed Statistics to bytes.

The xlsx has the key figures on the first sheet and one sheet per breakdown, with the same rows as the
dashboard's tables and CSV downloads (statistics.chart_tables), so the numbers agree everywhere.
"""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from hallservice.core.spreadsheets import append_row, workbook_bytes

from .statistics import Statistics, chart_tables, headline

# Sheet names: at most 31 characters, unique; the report is for the hall, so it is written in Chinese.
SHEETS = ["department", "kind", "channel", "category", "priority", "satisfaction", "helpers", "weekly", "monthly"]


def report_title(stats: Statistics) -> str:
    scope = stats.scope
    name = scope.centre.name if scope.centre else _("All centres")
    return _("%(centre)s help-and-agency statistics, %(start)s to %(end)s") % {
        "centre": name,
        "start": f"{scope.date_from:%Y-%m-%d}",
        "end": f"{scope.date_to:%Y-%m-%d}",
    }


def _write(sheet, title: str, header: list, rows: list) -> None:
    append_row(sheet, [title])
    sheet["A1"].font = Font(bold=True, size=13)
    append_row(sheet, header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for row in rows:
        append_row(sheet, row)
    for position in range(1, len(header) + 1):
        sheet.column_dimensions[get_column_letter(position)].width = 34 if position == 1 else 14
    sheet.freeze_panes = "A3"


def report_xlsx(stats: Statistics) -> bytes:
    with translation.override("zh-hans"):
        workbook = Workbook()
        first = workbook.active
        first.title = _("Key figures")
        _write(first, report_title(stats), [_("Figure"), _("Value")], [list(pair) for pair in headline(stats)])
        append_row(first, [])
        append_row(first, [_("Generated at"), f"{timezone.localtime():%Y-%m-%d %H:%M}"])
        tables = chart_tables(stats)
        for key in SHEETS:
            table = tables[key]
            _write(workbook.create_sheet(str(table["title"])[:31]), table["title"], table["header"], table["rows"])
        return workbook_bytes(workbook)


def report_pdf(stats: Statistics) -> bytes:
    from hallservice.core.pdf import render_pdf

    with translation.override("zh-hans"):
        tables = chart_tables(stats)
        context = {
            "title": report_title(stats),
            "headline": headline(stats),
            "tables": [(numeral, tables[key]) for numeral, key in zip("二三四五六七八九十", SHEETS, strict=True)],
            "generated_at": f"{timezone.localtime():%Y-%m-%d %H:%M}",
        }
        return render_pdf("supervision/documents/monthly_report.html", context)
