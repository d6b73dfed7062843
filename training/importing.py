"""Reading questions from a spreadsheet (xlsx): pure functions from bytes to rows; the service decides.

The first row names the columns, in English or Chinese, in any order: kind (题型), topic (主题), question
(题干), options A–H (选项A…), answer (答案: letters such as "A" or "ACD"; 对/错 for true/false), explanation
(解析), difficulty (难度: 1–3 or 易/中/难) and optionally session (培训场次, the training's number) and variant
group (变式组: rows of one topic with the same value are variants of one question; a paper holds one of them).
"""

from __future__ import annotations

import re
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from hallservice.core.xlsx_limits import XlsxTooLarge, check_xlsx_archive

from .models import Difficulty, QuestionKind
from .services.bank import LETTERS, ImportRow

COLUMNS = {
    "kind": {"kind", "type", "题型", "类型"},
    "topic": {"topic", "主题", "知识点", "培训主题"},
    "question": {"question", "text", "题干", "题目", "试题"},
    "answer": {"answer", "答案", "正确答案"},
    "explanation": {"explanation", "解析", "答案解析"},
    "difficulty": {"difficulty", "难度"},
    "session": {"session", "培训场次", "培训编号"},
    "variant_group": {"variant group", "variant_group", "变式组", "变式"},
}
OPTION_COLUMNS = {letter: {letter.lower(), f"option {letter.lower()}", f"选项{letter.lower()}"} for letter in LETTERS}

KINDS = {
    QuestionKind.SINGLE: {"single", "单选", "单选题", "单项选择", "单项选择题"},
    QuestionKind.MULTIPLE: {"multiple", "多选", "多选题", "多项选择", "多项选择题"},
    QuestionKind.TRUE_FALSE: {"true_false", "true/false", "tf", "判断", "判断题"},
}
TRUE_WORDS = {"a", "t", "true", "对", "正确", "是", "√", "✓", "y", "yes"}
FALSE_WORDS = {"b", "f", "false", "错", "错误", "否", "×", "✗", "x", "n", "no"}
DIFFICULTIES = {
    Difficulty.EASY: {"1", "easy", "易", "简单"},
    Difficulty.MEDIUM: {"2", "", "medium", "中", "中等", "一般"},
    Difficulty.HARD: {"3", "hard", "难", "困难"},
}
MAX_ROWS = 2000


class ParseError(Exception):
    def __init__(self, row: int, message: str):
        super().__init__(message)
        self.row = row
        self.message = message


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _norm(value: str) -> str:
    return re.sub(r"\s+", " ", value.strip().lower())


def parse_kind(value: str) -> str:
    key = _norm(value)
    for kind, words in KINDS.items():
        if key in words:
            return kind
    raise ValueError(_("Unknown kind “%(kind)s”: write 单选, 多选 or 判断.") % {"kind": value})


def parse_answer(kind: str, value: str) -> list[int]:
    """Letters of the correct options as 0-based positions ("AC" → [0, 2]); 对/错 for true/false.

    Letters beyond the question's options are kept: the bank check names them ("E is not among A–D")."""
    text = _norm(value)
    if kind == QuestionKind.TRUE_FALSE:
        if text in TRUE_WORDS:
            return [0]
        if text in FALSE_WORDS:
            return [1]
        raise ValueError(_("Answer a true/false question with 对 or 错."))
    letters = re.sub(r"[\s,，、;；/]+", "", text).upper()
    if not letters:
        return []
    unknown = [ch for ch in letters if ch not in LETTERS]
    if unknown:
        raise ValueError(_("The answer “%(answer)s” is not made of option letters A–H.") % {"answer": value})
    return sorted({LETTERS.index(ch) for ch in letters})


def parse_difficulty(value: str) -> int:
    key = _norm(value)
    for level, words in DIFFICULTIES.items():
        if key in words:
            return level
    raise ValueError(_("Difficulty is 1, 2 or 3 (易, 中, 难)."))


def _header(row) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, value in enumerate(row):
        key = _norm(_cell(value))
        for name, words in COLUMNS.items():
            if key in words:
                found.setdefault(name, index)
        for letter, words in OPTION_COLUMNS.items():
            if key in words:
                found.setdefault(letter, index)
    return found


def read_questions(content: bytes) -> tuple[list[ImportRow], list[tuple[int, str]]]:
    """The rows of the first sheet as ImportRows, and (row number, message) for rows that cannot be read."""
    try:
        check_xlsx_archive(content)
    except XlsxTooLarge as exc:
        return [], [(0, str(exc))]
    try:
        workbook = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors for files that are not xlsx
        return [], [(0, _("The file is not an xlsx spreadsheet."))]
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header_row = next(rows, None)
    columns = _header(header_row or ())
    missing = [name for name in ("kind", "question", "answer") if name not in columns]
    if missing or not ("topic" in columns or "session" in columns):
        return [], [(1, _("The first row must name the columns: kind, topic, question, A, B, …, answer."))]
    result: list[ImportRow] = []
    errors: list[tuple[int, str]] = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            errors.append((number, _("At most %(n)d questions per file.") % {"n": MAX_ROWS}))
            break

        def get(name: str, values=values) -> str:
            index = columns.get(name)
            return _cell(values[index]) if index is not None and index < len(values) else ""

        if not any(_cell(v) for v in values):
            continue
        try:
            kind = parse_kind(get("kind"))
            options = [get(letter) for letter in LETTERS if letter in columns]
            session = get("session")
            result.append(
                ImportRow(
                    row=number,
                    kind=kind,
                    topic=get("topic"),
                    text=get("question"),
                    options=options,
                    answer=parse_answer(kind, get("answer")),
                    explanation=get("explanation"),
                    difficulty=parse_difficulty(get("difficulty")),
                    session_id=int(session) if session.isdigit() else None,
                    variant_group=get("variant_group"),
                )
            )
        except ValueError as exc:
            errors.append((number, str(exc)))
    workbook.close()
    return result, errors


def stated_rows(content: bytes) -> int | None:
    """The number of rows below the header as the first sheet's ``<dimension>`` states it, read without parsing
    the rows; None when the sheet states no dimension. Raises ValueError for a file that is not a readable xlsx or
    is too large once unpacked (``read_questions`` then gives the message). The import page uses it to decide
    whether the file is imported at once or in the background."""
    check_xlsx_archive(content)
    try:
        workbook = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors for files that are not xlsx
        raise ValueError(str(exc)) from exc
    try:
        max_row = workbook.worksheets[0].max_row
    finally:
        workbook.close()
    return None if max_row is None else max(max_row - 1, 0)
