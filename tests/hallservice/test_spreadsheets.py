"""The shared xlsx pieces (hallservice.core.spreadsheets): the titled sheet, its bytes and the download."""

from io import BytesIO

from openpyxl import Workbook, load_workbook

from hallservice.core.spreadsheets import XLSX_CONTENT_TYPE, titled_sheet, workbook_bytes, xlsx_response


def test_a_titled_sheet_has_a_merged_title_a_header_and_frozen_rows():
    workbook = Workbook()
    titled_sheet(workbook.active, "Roster 2026-03", [("Name", 14), ("Reason", 60)], [("甲", "=1+1"), ("乙", 3)])
    sheet = load_workbook(BytesIO(workbook_bytes(workbook))).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Roster 2026-03", None],
        ["Name", "Reason"],
        ["甲", "=1+1"],  # text, never a formula
        ["乙", 3],
    ]
    assert sheet["B3"].data_type == "s"
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:B1"]
    assert sheet["A2"].font.bold and sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["B"].width == 60


def test_the_download_is_an_xlsx_attachment():
    response = xlsx_response(b"PK", "ledger-20260301.xlsx")
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="ledger-20260301.xlsx"'
    assert b"".join(response.streaming_content) == b"PK"
