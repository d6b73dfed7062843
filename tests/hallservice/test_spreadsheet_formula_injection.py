"""Issue 15 item 8: text starting with = + - @ tab or CR is written as text in every xlsx and csv export."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from hallservice.core.spreadsheets import append_row, safe_cell
from tests.factories import ServiceRequestFactory

HOSTILE = ['=HYPERLINK("http://x","y")', "=1+1", "+1", "@SUM(A1)", "-2+3", "\t=1", "\r=1"]
ROOT = Path(__file__).resolve().parents[2]


def _roundtrip(rows: list[list]) -> list[tuple]:
    workbook = Workbook()
    for row in rows:
        append_row(workbook.active, row)
    buffer = BytesIO()
    workbook.save(buffer)
    return list(load_workbook(BytesIO(buffer.getvalue())).active.iter_rows())


def _assert_text_cells(cells, expected: list[str]) -> None:
    for cell, text in zip(cells, expected, strict=True):
        assert cell.data_type == "s", (text, cell.data_type)
        assert cell.value == text.replace("\r", "\n")  # XML stores a CR as a line feed


@pytest.mark.parametrize("text", HOSTILE)
def test_a_formula_like_text_is_stored_as_a_string_in_xlsx(text):
    (row,) = _roundtrip([[text]])
    _assert_text_cells(row, [text])


def test_numbers_and_negative_numbers_stay_numbers_in_xlsx():
    (row,) = _roundtrip([[-2, 3.5, 0, "=1+1"]])
    assert [c.data_type for c in row] == ["n", "n", "n", "s"]
    assert [c.value for c in row] == [-2, 3.5, 0, "=1+1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_formula_like_text_gets_an_apostrophe_in_csv(text):
    assert safe_cell(text) == "'" + text


def test_ordinary_text_and_numbers_are_unchanged_in_csv():
    assert [safe_cell(v) for v in ["张三", "a=b", -2, 3.5, None, ""]] == ["张三", "a=b", -2, 3.5, None, ""]


@pytest.mark.django_db
def test_the_ledger_xlsx_writes_a_hyperlink_name_and_a_formula_reason_as_text(client, supervisor_user, hall):
    ServiceRequestFactory(
        centre=hall["district"], applicant_name='=HYPERLINK("http://x","y")', reason="=1+1", applicant_phone_masked=""
    )
    ServiceRequestFactory(centre=hall["district"], applicant_name="@SUM(A1)", reason="-2+3", applicant_phone_masked="")
    ServiceRequestFactory(centre=hall["district"], applicant_name="+1", reason="+1", applicant_phone_masked="")
    client.force_login(supervisor_user)
    response = client.get(reverse("requests:ledger"), {"format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=3))
    reason, applicant = 3, 7  # columns of requests.ledger.LEDGER_COLUMNS
    cells = {(row[applicant].value, row[reason].value): row for row in rows}
    assert set(cells) == {('=HYPERLINK("http://x","y")', "=1+1"), ("@SUM(A1)", "-2+3"), ("+1", "+1")}
    for row in rows:
        assert row[applicant].data_type == "s" and row[reason].data_type == "s"
        assert row[0].data_type == "n"  # the row number stays a number


def test_the_statistics_csv_escapes_text_and_keeps_numbers(monkeypatch, supervisor_user, client, db):
    from supervision import views

    monkeypatch.setattr(
        views,
        "chart_tables",
        lambda stats: {"department": {"header": ["部门", "件数"], "rows": [["=1+1", 3], ["@SUM(A1)", -2], ["+1", 0]]}},
    )
    client.force_login(supervisor_user)
    response = client.get(
        reverse("supervision:statistics-csv"),
        {"date_from": "2026-11-01", "date_to": "2026-11-30", "chart": "department"},
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["部门", "件数"], ["'=1+1", "3"], ["'@SUM(A1)", "-2"], ["'+1", "0"]]


def test_the_archive_csv_escapes_an_event_note():
    from requests.archive import _csv

    rows = list(csv.reader(io.StringIO(_csv([["说明"], ["=1+1"], ["-2+3"], ["正常"]]).decode("utf-8-sig"))))
    assert rows == [["说明"], ["'=1+1"], ["'-2+3"], ["正常"]]


@pytest.mark.parametrize(
    "module",
    ["hallservice.core.spreadsheets", "supervision.reports"],
)
def test_every_sheet_helper_writes_hostile_rows_as_text(module):
    import importlib

    exports = importlib.import_module(module)
    workbook = Workbook()
    if module.endswith("reports"):
        exports._write(workbook.active, "=title", ["=head", "n"], [[text, -2] for text in HOSTILE])
    else:
        exports.titled_sheet(workbook.active, "=title", [("=head", 10), ("n", 5)], [[text, -2] for text in HOSTILE])
    buffer = BytesIO()
    workbook.save(buffer)
    rows = list(load_workbook(BytesIO(buffer.getvalue())).active.iter_rows())
    _assert_text_cells([rows[0][0]], ["=title"])
    _assert_text_cells([rows[1][0]], ["=head"])
    for row, text in zip(rows[2:], HOSTILE, strict=True):
        _assert_text_cells([row[0]], [text])
        assert row[1].data_type == "n" and row[1].value == -2


def test_the_assessment_xlsx_writes_a_formula_like_centre_name_as_text():
    from supervision.assessment import assessment_workbook

    sheet = load_workbook(BytesIO(assessment_workbook(rows=[], year=2026, scope_name="=1+1"))).active
    assert sheet["A1"].data_type == "s" and sheet["A1"].value.endswith("=1+1")


def test_the_training_template_has_no_formula_cells():
    from training.exports import question_template_workbook

    for sheet in load_workbook(BytesIO(question_template_workbook())).worksheets:
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_no_export_writes_rows_around_the_guard():
    """Every csv row and worksheet row goes through hallservice.core.spreadsheets (grep of the app code)."""
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(("tests/", ".venv/", "var/")) or relative == "hallservice/core/spreadsheets.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\.writerows?\(", text):
            offenders.append(relative + ": writerow")
        if "openpyxl" in text and re.search(r"\b(sheet|first|note|ws|worksheet|book\.active)\.append\(", text):
            offenders.append(relative + ": sheet.append")
    assert offenders == []


def test_a_date_cell_stays_a_date():
    (row,) = _roundtrip([[date(2026, 11, 3), "=x"]])
    assert row[0].is_date and row[1].data_type == "s"
