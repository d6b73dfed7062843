"""Import the service catalogue (F-CAT-1) from a spreadsheet: matters and their required materials.

The file has a header row and one row per (matter, material). The matter columns repeat on every row of that
matter; rows are grouped by 事项编码, the idempotency key. A matter with no materials has one row whose material
columns are empty. Every bad row is reported with its spreadsheet row number (the header is row 1); a matter with
any bad row is left untouched as a whole, while the good matters of the same file are imported, each in its own
transaction through ``matter_save``.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from hallservice.core.errors import DomainError
from hallservice.core.xlsx_limits import XlsxTooLarge, check_xlsx_archive
from staff.models import Department, StaffMember

from ..models import HandlingType, Matter, RequiredMaterial, SubmissionForm
from .catalogue import matter_pinyin, matter_save

__all__ = ["ImportResult", "MatterImportFileError", "RowError", "import_matters"]


class MatterImportFileError(DomainError):
    """The file as a whole cannot be read (wrong type, bad encoding, missing header); nothing was imported."""


@dataclass(frozen=True)
class RowError:
    """One problem found in one spreadsheet row; ``code`` is the matter it belongs to, when known."""

    row: int
    message: str
    code: str = ""

    def __str__(self) -> str:
        return f"第 {self.row} 行：{self.message}"


@dataclass
class ImportResult:
    """What an import did: matters created, updated and left unchanged, the row errors and the matters skipped."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)


# --- Columns ------------------------------------------------------------------------------------------------------

# Field key → Chinese header. The first six are the item list of seed 001, attachment 2.
COLUMN_LABELS: dict[str, str] = {
    "seq": "序号",
    "main_item": "主项名称",
    "sub_item": "子项名称",
    "accepting_window": "受理窗口",
    "contact_helper": "帮办代办人员",
    "contact_phone": "联系电话",
    "code": "事项编码",
    "department": "所属部门",
    "handling_type": "办理类型",
    "time_limit_days": "承诺时限",
    "fees": "收费标准",
    "legal_basis": "设定依据",
    "process": "办理流程",
    "material_name": "材料名称",
    "how_to_obtain": "获取方式",
    "submission_form": "材料形式",
    "copies": "份数",
    "tolerant_waivable": "可容缺",
}

# Extra header spellings, compared after _normalise_header (lower case, no spaces, underscores or hyphens).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "seq": ("no", "seq"),
    "main_item": ("mainitem", "事项名称"),
    "sub_item": ("subitem",),
    "accepting_window": ("window", "acceptingwindow"),
    "contact_helper": ("helper", "contacthelper", "帮办代办员"),
    "contact_phone": ("phone", "contactphone"),
    "code": ("code", "mattercode"),
    "department": ("department", "dept"),
    "handling_type": ("handlingtype", "type"),
    "time_limit_days": ("timelimit", "timelimitdays"),
    "fees": ("fees", "fee"),
    "legal_basis": ("legalbasis", "basis"),
    "process": ("process",),
    "material_name": ("material", "materialname"),
    "how_to_obtain": ("howtoobtain", "source"),
    "submission_form": ("form", "submissionform"),
    "copies": ("copies",),
    "tolerant_waivable": ("waivable", "tolerantwaivable"),
}

REQUIRED_COLUMNS = ("code", "main_item", "department")

# Columns that describe the matter; they must agree on every row of one code.
MATTER_COLUMNS = (
    "main_item",
    "sub_item",
    "department",
    "accepting_window",
    "contact_helper",
    "contact_phone",
    "handling_type",
    "time_limit_days",
    "fees",
    "legal_basis",
    "process",
)
MATERIAL_COLUMNS = ("material_name", "how_to_obtain", "submission_form", "copies", "tolerant_waivable")

# Plain text columns whose length the model limits, checked here so the clerk gets the row number.
MATTER_TEXT_FIELDS = ("code", "main_item", "sub_item", "accepting_window", "contact_phone", "fees")

HANDLING_TYPES: dict[str, str] = {
    "即办": HandlingType.IMMEDIATE,
    "即办件": HandlingType.IMMEDIATE,
    "承诺件": HandlingType.PENDING,
    "承诺": HandlingType.PENDING,
    "待办": HandlingType.PENDING,
    HandlingType.IMMEDIATE.value: HandlingType.IMMEDIATE,
    HandlingType.PENDING.value: HandlingType.PENDING,
}

SUBMISSION_FORMS: dict[str, str] = {
    "原件": SubmissionForm.ORIGINAL,
    "复印件": SubmissionForm.COPY,
    "原件及复印件": SubmissionForm.ORIGINAL_AND_COPY,
    "原件和复印件": SubmissionForm.ORIGINAL_AND_COPY,
    "原件、复印件": SubmissionForm.ORIGINAL_AND_COPY,
    "电子": SubmissionForm.UPLOADED,
    "电子件": SubmissionForm.UPLOADED,
    "电子材料": SubmissionForm.UPLOADED,
    "告知承诺": SubmissionForm.PLEDGE,
    **{form.value: form for form in SubmissionForm},
}

YES_NO: dict[str, bool] = {"是": True, "否": False, "yes": True, "no": False, "y": True, "n": False}

# PositiveSmallIntegerField holds at most this on every supported database.
SMALL_INT_MAX = 32767
# Bounds on a catalogue file (one row per material; a district's whole catalogue is a few thousand rows).
MAX_ROWS = 20000
MAX_COLUMNS = 100


def _normalise_header(text: str) -> str:
    """Drop spaces (also full-width), required-column stars and a trailing note such as “（工作日）”."""
    text = re.sub(r"[\s_\-*＊]+", "", text).lower()
    bare = re.sub(r"[（(][^（）()]*[）)]$", "", text)
    return bare or text


HEADER_LOOKUP: dict[str, str] = {
    _normalise_header(label): key
    for key, labels in ((k, (COLUMN_LABELS[k], *COLUMN_ALIASES[k])) for k in COLUMN_LABELS)
    for label in labels
}


# --- Reading the file ---------------------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    """A cell as trimmed text; Excel stores 5 as 5.0 and a phone number as an integer, so undo that."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _xlsx_rows(source: str | Path | BinaryIO) -> Iterator[list[str]]:
    try:
        if isinstance(source, str | Path):
            with open(source, "rb") as stream:
                check_xlsx_archive(stream)
        else:
            check_xlsx_archive(source)
    except XlsxTooLarge as exc:
        raise MatterImportFileError(str(exc)) from exc
    except OSError:
        pass  # load_workbook below reports a missing or unreadable file
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise MatterImportFileError(f"无法读取 Excel 文件：{exc}") from exc
    try:
        if not workbook.worksheets:
            return
        for number, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            if number > MAX_ROWS + 1:
                raise MatterImportFileError(f"文件行数过多：最多 {MAX_ROWS} 行数据。")
            if len(values) > MAX_COLUMNS:
                raise MatterImportFileError(f"第 {number} 行列数过多：最多 {MAX_COLUMNS} 列。")
            yield [_cell_text(v) for v in values]
    finally:
        # A read-only workbook keeps the file open until closed.
        workbook.close()


def _csv_rows(source: str | Path | BinaryIO) -> Iterator[list[str]]:
    if isinstance(source, str | Path):
        data: bytes | str = Path(source).read_bytes()
    else:
        data = source.read()
    if isinstance(data, bytes):
        try:
            # utf-8-sig drops the BOM Excel writes and reads plain UTF-8 as well.
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise MatterImportFileError(
                "CSV 文件不是 UTF-8 编码；请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后再导入。"
            ) from exc
    for values in csv.reader(io.StringIO(data.removeprefix("\ufeff"))):
        yield [_cell_text(v) for v in values]


def _read_rows(*, path: str | Path | None, file: BinaryIO | None, filename: str) -> list[list[str]]:
    suffix = Path(filename).suffix.lower()
    source: str | Path | BinaryIO
    if path is not None:
        if not Path(path).is_file():
            raise MatterImportFileError(f"文件“{path}”不存在。")
        source = path
    elif file is not None:
        source = file
    else:
        raise MatterImportFileError("没有指定要导入的文件。")
    if suffix == ".xlsx":
        return list(_xlsx_rows(source))
    if suffix == ".csv":
        return list(_csv_rows(source))
    raise MatterImportFileError(f"不支持的文件类型“{suffix or filename}”：只能导入 .xlsx 或 .csv 文件。")


def _map_header(header: list[str]) -> dict[str, int]:
    """Field key → column index; a missing required column or a column given twice refuses the whole file."""
    columns: dict[str, int] = {}
    for index, text in enumerate(header):
        key = HEADER_LOOKUP.get(_normalise_header(text)) if text else None
        if key is None:
            continue
        if key in columns:
            raise MatterImportFileError(f"表头中“{COLUMN_LABELS[key]}”列出现了两次，请删除其中一列。")
        columns[key] = index
    missing = [COLUMN_LABELS[key] for key in REQUIRED_COLUMNS if key not in columns]
    if missing:
        raise MatterImportFileError(f"第 1 行应为表头，缺少必填列：{'、'.join(missing)}。未导入任何事项。")
    return columns


# --- Checking the rows --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    number: int
    cells: dict[str, str]

    def matter_cells(self) -> tuple[str, ...]:
        return tuple(self.cells[key] for key in MATTER_COLUMNS)


@dataclass
class _MaterialPlan:
    name: str
    how_to_obtain: str
    submission_form: str
    copies: int
    tolerant_waivable: bool


@dataclass
class _MatterPlan:
    code: str
    fields: dict[str, Any]
    materials: list[_MaterialPlan]


class _Lookups:
    """Departments and helpers by the text a clerk typed, cached for the whole file."""

    def __init__(self) -> None:
        self._departments: dict[str, Department | str] = {}
        self._helpers: dict[str, StaffMember | str] = {}

    def department(self, text: str) -> Department | str:
        """The department, or the reason it cannot be found."""
        if text not in self._departments:
            # Name and code are unique; the short name is not, so it is tried last and must be unambiguous.
            found = Department.objects.filter(name=text).first() or Department.objects.filter(code=text).first()
            if found is None:
                by_short = list(Department.objects.filter(short_name=text)[:2])
                if len(by_short) == 1:
                    found = by_short[0]
                elif by_short:
                    self._departments[text] = f"所属部门“{text}”对应多个部门的简称，请填写部门全称或编码"
            self._departments.setdefault(text, found or f"所属部门“{text}”不存在")
        return self._departments[text]

    def helper(self, text: str) -> StaffMember | str:
        """The one active staff member of that name, or the reason there is not exactly one."""
        if text not in self._helpers:
            members = list(StaffMember.objects.active().filter(name=text)[:2])
            if not members:
                self._helpers[text] = f"帮办代办人员“{text}”不存在或已停用"
            elif len(members) > 1:
                self._helpers[text] = f"帮办代办人员“{text}”有多名在职人员同名，无法确定是哪一位"
            else:
                self._helpers[text] = members[0]
        return self._helpers[text]


def _parse_int(text: str, *, label: str, minimum: int, default: int) -> tuple[int | None, str]:
    """(value, "") or (None, reason) for a whole number column."""
    if not text:
        return default, ""
    if not re.fullmatch(r"[+-]?\d+", text):
        return None, f"{label}“{text}”不是整数"
    value = int(text)
    if value < minimum:
        return None, f"{label}“{text}”不能小于 {minimum}"
    if value > SMALL_INT_MAX:
        return None, f"{label}“{text}”过大"
    return value, ""


def _check_lengths(cells: dict[str, str], *, keys: Iterable[str], model: type) -> list[str]:
    problems = []
    for key in keys:
        model_field = "name" if key == "material_name" else key
        limit = model._meta.get_field(model_field).max_length
        if limit and len(cells[key]) > limit:
            problems.append(f"{COLUMN_LABELS[key]}超过 {limit} 个字符")
    return problems


def _parse_matter(cells: dict[str, str], *, lookups: _Lookups) -> tuple[dict[str, Any], list[str]]:
    """The model fields of the matter columns of one row, and the problems found in them."""
    problems = _check_lengths(cells, keys=MATTER_TEXT_FIELDS, model=Matter)
    text_fields = ("main_item", "sub_item", "accepting_window", "contact_phone", "fees", "legal_basis", "process")
    fields: dict[str, Any] = {key: cells[key] for key in text_fields}
    if not cells["main_item"]:
        problems.append("缺少主项名称")

    if not cells["department"]:
        problems.append("缺少所属部门")
    else:
        department = lookups.department(cells["department"])
        if isinstance(department, str):
            problems.append(department)
        fields["department"] = department

    fields["contact_helper"] = None
    if cells["contact_helper"]:
        helper = lookups.helper(cells["contact_helper"])
        if isinstance(helper, str):
            problems.append(helper)
        fields["contact_helper"] = helper

    handling_type = HANDLING_TYPES.get(cells["handling_type"].lower() or "承诺件")
    if handling_type is None:
        problems.append(f"办理类型“{cells['handling_type']}”无法识别，应为“即办”或“承诺件”")
    fields["handling_type"] = handling_type

    days, problem = _parse_int(cells["time_limit_days"], label="承诺时限", minimum=0, default=0)
    if problem:
        problems.append(problem)
    elif handling_type == HandlingType.PENDING and days == 0:
        problems.append("承诺件的承诺时限（工作日）必须大于 0")
    fields["time_limit_days"] = days
    return fields, problems


def _parse_material(cells: dict[str, str]) -> tuple[_MaterialPlan | None, list[str]]:
    """The material of one row (None when the row lists none), and the problems found in it."""
    if not any(cells[key] for key in MATERIAL_COLUMNS):
        return None, []
    problems = _check_lengths(cells, keys=("material_name", "how_to_obtain"), model=RequiredMaterial)
    if not cells["material_name"]:
        problems.append("填写了材料信息，但缺少材料名称")
    form = SUBMISSION_FORMS.get(cells["submission_form"].lower()) if cells["submission_form"] else None
    if cells["submission_form"] and form is None:
        problems.append(
            f"材料形式“{cells['submission_form']}”无法识别，应为原件、复印件、原件及复印件、电子或告知承诺"
        )
    copies, problem = _parse_int(cells["copies"], label="份数", minimum=1, default=1)
    if problem:
        problems.append(problem)
    waivable = YES_NO.get(cells["tolerant_waivable"].lower() or "否")
    if waivable is None:
        problems.append(f"可容缺“{cells['tolerant_waivable']}”应填“是”或“否”")
    if problems:
        return None, problems
    material = _MaterialPlan(
        name=cells["material_name"],
        how_to_obtain=cells["how_to_obtain"],
        submission_form=form or RequiredMaterial._meta.get_field("submission_form").default,
        copies=copies,
        tolerant_waivable=bool(waivable),
    )
    return material, []


def _plan_matter(*, code: str, rows: list[_Row], lookups: _Lookups) -> tuple[_MatterPlan | None, list[RowError]]:
    """Check every row of one code; a plan only when all of them are good.

    The matter columns are checked on the code's first row only: the later rows must repeat them exactly, so a bad
    value is reported once rather than on every material row, and a later row that differs is a conflict.
    """
    first = rows[0]
    fields, problems = _parse_matter(first.cells, lookups=lookups)
    errors = [RowError(row=first.number, message=problem, code=code) for problem in problems]
    materials: list[_MaterialPlan] = []
    material_rows: dict[str, int] = {}
    for row in rows:
        problems = []
        if row is not first and row.matter_cells() != first.matter_cells():
            differing = "、".join(COLUMN_LABELS[key] for key in MATTER_COLUMNS if row.cells[key] != first.cells[key])
            problems.append(f"事项编码“{code}”重复，且与第 {first.number} 行的事项信息不一致（{differing}）")
        material, material_problems = _parse_material(row.cells)
        problems.extend(material_problems)
        if material is not None:
            if material.name in material_rows:
                problems.append(
                    f"材料“{material.name}”在事项“{code}”中重复（第 {material_rows[material.name]} 行已列出）"
                )
            else:
                material_rows[material.name] = row.number
                materials.append(material)
        errors.extend(RowError(row=row.number, message=problem, code=code) for problem in problems)
    if errors:
        return None, errors
    return _MatterPlan(code=code, fields=fields, materials=materials), []


# --- Writing ------------------------------------------------------------------------------------------------------

MATERIAL_FIELDS = ("how_to_obtain", "submission_form", "copies", "tolerant_waivable")
MATTER_FOREIGN_KEYS = ("department", "contact_helper")


def _material_state(material: RequiredMaterial | _MaterialPlan, position: int) -> tuple:
    return (
        material.name,
        position,
        material.how_to_obtain,
        material.submission_form,
        material.copies,
        material.tolerant_waivable,
    )


def _matter_is_current(matter: Matter, plan: _MatterPlan, current: list[RequiredMaterial]) -> bool:
    for key, value in plan.fields.items():
        # Compare foreign keys by id so checking an unchanged matter costs no extra queries.
        current_value = getattr(matter, f"{key}_id") if key in MATTER_FOREIGN_KEYS else getattr(matter, key)
        wanted_value = value.pk if key in MATTER_FOREIGN_KEYS and value is not None else value
        if current_value != wanted_value:
            return False
    if (matter.pinyin_initials, matter.pinyin_full) != matter_pinyin(f"{matter.main_item}{matter.sub_item}"):
        return False
    wanted = [_material_state(m, position) for position, m in enumerate(plan.materials, start=1)]
    return wanted == [_material_state(m, m.position) for m in current]


@transaction.atomic
def _matter_apply(*, plan: _MatterPlan) -> str:
    """Create or update one matter and its materials; returns "created", "updated" or "unchanged"."""
    # Lock the row: an admin editing the same matter meanwhile must not be overwritten half-way.
    matter = Matter.objects.select_for_update().filter(code=plan.code).first()
    outcome = "updated"
    if matter is None:
        matter = Matter(code=plan.code)
        outcome = "created"
    current = list(matter.materials.order_by("position", "pk")) if matter.pk else []
    if matter.pk and _matter_is_current(matter, plan, current):
        return "unchanged"

    for key, value in plan.fields.items():
        setattr(matter, key, value)
    matter_save(matter=matter)

    wanted_names = {m.name for m in plan.materials}
    stale = [m.pk for m in current if m.name not in wanted_names]
    if stale:
        RequiredMaterial.objects.filter(pk__in=stale).delete()
    by_name = {m.name: m for m in current}
    for position, wanted in enumerate(plan.materials, start=1):
        material = by_name.get(wanted.name) or RequiredMaterial(matter=matter, name=wanted.name)
        if material.pk and _material_state(material, material.position) == _material_state(wanted, position):
            continue
        material.position = position
        for key in MATERIAL_FIELDS:
            setattr(material, key, getattr(wanted, key))
        material.full_clean()
        material.save()
    return outcome


# --- Entry point --------------------------------------------------------------------------------------------------


def import_matters(
    *, path: str | Path | None = None, file: BinaryIO | None = None, filename: str | None = None
) -> ImportResult:
    """Import matters and their materials from an .xlsx or .csv file, by path or from an open binary file.

    ``filename`` decides the format (it defaults to the name of ``path``), so an uploaded file can be passed with
    its original name. Raises MatterImportFileError, importing nothing, when the file itself is unusable; row
    problems are collected in the result and only the matters they touch are skipped.
    """
    name = filename or (Path(path).name if path is not None else "")
    table = _read_rows(path=path, file=file, filename=name)
    if not table or not any(table[0]):
        raise MatterImportFileError("文件是空的：第 1 行应为表头。")
    columns = _map_header(table[0])

    result = ImportResult()
    groups: dict[str, list[_Row]] = {}
    for number, values in enumerate(table[1:], start=2):
        cells = {
            key: values[columns[key]] if key in columns and columns[key] < len(values) else "" for key in COLUMN_LABELS
        }
        if not any(value for key, value in cells.items() if key != "seq"):
            continue
        if not cells["code"]:
            result.errors.append(RowError(row=number, message="缺少事项编码"))
            continue
        groups.setdefault(cells["code"], []).append(_Row(number=number, cells=cells))

    lookups = _Lookups()
    plans: list[tuple[_MatterPlan, int]] = []
    for code, rows in groups.items():
        plan, errors = _plan_matter(code=code, rows=rows, lookups=lookups)
        if plan is None:
            result.errors.extend(errors)
            result.skipped.append(code)
        else:
            plans.append((plan, rows[0].number))

    for plan, first_row in plans:
        try:
            outcome = _matter_apply(plan=plan)
        except (ValidationError, IntegrityError) as exc:
            # The checks above should catch everything; this is the model's last word (or a concurrent insert).
            reason = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            result.errors.append(
                RowError(row=first_row, message=f"保存事项“{plan.code}”失败：{reason}", code=plan.code)
            )
            result.skipped.append(plan.code)
            continue
        setattr(result, outcome, getattr(result, outcome) + 1)

    result.errors.sort(key=lambda error: error.row)
    return result
