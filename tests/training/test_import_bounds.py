"""Spreadsheet imports bound their work before parsing (issue 15, item 10): a zip bomb is refused in milliseconds."""

import time
import zipfile
from io import BytesIO

import pytest
from openpyxl import Workbook

from requests.services.catalogue_import import MatterImportFileError, import_matters
from training.importing import MAX_ROWS, read_questions


def _workbook(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _zip_bomb(base: bytes) -> bytes:
    """The base workbook with its sharedStrings.xml replaced by ~37 MB of one repeated string (compresses to ~KB)."""
    strings = "<si><t>重复的题目文字重复的题目文字</t></si>" * 700_000
    shared = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        f' count="700000" uniqueCount="700000">{strings}</sst>'
    ).encode()
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(base)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "xl/sharedStrings.xml":
                target.writestr(info, source.read(info.filename))
        target.writestr("xl/sharedStrings.xml", shared)
    return out.getvalue()


HEADER = ["题型", "主题", "题目", "A", "B", "答案"]


def test_a_question_bank_zip_bomb_is_refused_quickly_with_a_message():
    bomb = _zip_bomb(_workbook([HEADER, ["单选", "政策", "题目一", "甲", "乙", "A"]]))
    assert len(bomb) < 1024 * 1024
    started = time.monotonic()
    rows, errors = read_questions(bomb)
    assert time.monotonic() - started < 2
    assert rows == []
    assert "too large" in errors[0][1] or "过大" in errors[0][1]


def test_a_question_bank_with_too_many_rows_is_refused():
    rows = [HEADER] + [["单选", "政策", f"题目{i}", "甲", "乙", "A"] for i in range(MAX_ROWS + 1)]
    _rows, errors = read_questions(_workbook(rows))
    assert any(str(MAX_ROWS) in message for _number, message in errors)


def test_a_normal_question_bank_file_still_reads():
    rows, errors = read_questions(_workbook([HEADER, ["单选", "政策", "题目一", "甲", "乙", "A"]]))
    assert errors == []
    assert [row.text for row in rows] == ["题目一"]


@pytest.mark.django_db
def test_a_catalogue_zip_bomb_is_refused_quickly_before_parsing():
    bomb = _zip_bomb(_workbook([["事项编码", "主项名称", "部门"], ["X1", "户籍迁移", "公安"]]))
    started = time.monotonic()
    with pytest.raises(MatterImportFileError, match="MB"):
        import_matters(file=BytesIO(bomb), filename="catalogue.xlsx")
    assert time.monotonic() - started < 2


@pytest.mark.django_db
def test_a_catalogue_with_too_many_rows_is_refused(monkeypatch):
    monkeypatch.setattr("requests.services.catalogue_import.MAX_ROWS", 5)
    rows = [["事项编码", "主项名称", "部门"]] + [[f"X{i}", "户籍迁移", "公安"] for i in range(10)]
    with pytest.raises(MatterImportFileError, match="最多 5 行"):
        import_matters(file=BytesIO(_workbook(rows)), filename="catalogue.xlsx")
