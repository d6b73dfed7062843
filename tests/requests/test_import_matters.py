"""Importing the service catalogue from .xlsx / .csv (F-CAT-1): idempotent by 事项编码, all-or-nothing per matter."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from requests.models import HandlingType, Matter, RequiredMaterial, SubmissionForm
from requests.services import import_matters
from requests.services.catalogue_import import MatterImportFileError
from tests.factories import DepartmentFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "序号",
    "事项编码",
    "主项名称",
    "子项名称",
    "所属部门",
    "受理窗口",
    "办理类型",
    "承诺时限",
    "收费标准",
    "设定依据",
    "办理流程",
    "帮办代办人员",
    "联系电话",
    "材料名称",
    "获取方式",
    "材料形式",
    "份数",
    "可容缺",
]

LAND = {
    "事项编码": "BDC-001",
    "主项名称": "不动产登记",
    "子项名称": "首次登记",
    "所属部门": "不动产登记中心",
    "受理窗口": "A01",
    "办理类型": "承诺件",
    "承诺时限": 5,
    "收费标准": "每件80元",
    "设定依据": "《不动产登记暂行条例》",
    "办理流程": "申请—受理—审核—登簿—发证",
    "帮办代办人员": "张敏",
    "联系电话": 6321234,
}
FUND = {
    "事项编码": "GJJ-001",
    "主项名称": "住房公积金提取",
    "所属部门": "GJJ",
    "办理类型": "即办",
    "承诺时限": 0,
}
PRINT = {"事项编码": "GJJ-002", "主项名称": "缴存证明打印", "所属部门": "公积金", "办理类型": "即办"}


def material(name: str, form: str = "原件", copies: int | str = 1, waivable: str = "否", source: str = "") -> dict:
    return {"材料名称": name, "材料形式": form, "份数": copies, "可容缺": waivable, "获取方式": source}


def standard_rows() -> list[dict]:
    """Rows 2–7 of the sheet; the land matter's rows are deliberately not adjacent."""
    return [
        {**LAND, **material("不动产登记申请书", source="窗口领取")},  # row 2
        {**FUND, **material("身份证")},  # row 3
        {**LAND, **material("身份证明", form="原件及复印件", copies=2)},  # row 4
        {**LAND, **material("竣工验收资料", form="复印件", waivable="是")},  # row 5
        {**FUND, **material("购房合同", form="电子")},  # row 6
        PRINT,  # row 7
    ]


def write_xlsx(path: Path, rows: list[dict], header: list[str] = HEADER) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for number, row in enumerate(rows, start=1):
        sheet.append([number if column == "序号" else row.get(column) for column in header])
    workbook.save(path)
    return path


def write_csv(path: Path, rows: list[dict], *, encoding: str = "utf-8-sig", header: list[str] = HEADER) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for number, row in enumerate(rows, start=1):
            writer.writerow([number if column == "序号" else row.get(column, "") for column in header])
    return path


@pytest.fixture
def departments(db):
    return {
        "land": DepartmentFactory(code="BDC", name="不动产登记中心"),
        "fund": DepartmentFactory(code="GJJ", name="住房公积金管理中心", short_name="公积金"),
    }


@pytest.fixture
def helper(db):
    return StaffMemberFactory(name="张敏")


def material_rows(code: str) -> list[tuple]:
    return list(
        RequiredMaterial.objects.filter(matter__code=code)
        .order_by("position")
        .values_list("position", "name", "submission_form", "copies", "tolerant_waivable")
    )


def test_xlsx_import_creates_matters_with_materials_in_file_order(tmp_path, departments, helper):
    result = import_matters(path=write_xlsx(tmp_path / "matters.xlsx", standard_rows()))

    assert (result.created, result.updated, result.unchanged, result.errors) == (3, 0, 0, [])
    land = Matter.objects.get(code="BDC-001")
    assert land.name == "不动产登记（首次登记）"
    assert land.department == departments["land"]
    assert (land.handling_type, land.time_limit_days) == (HandlingType.PENDING, 5)
    assert land.contact_helper == helper
    assert land.contact_phone == "6321234"
    assert land.legal_basis == "《不动产登记暂行条例》"
    assert material_rows("BDC-001") == [
        (1, "不动产登记申请书", SubmissionForm.ORIGINAL, 1, False),
        (2, "身份证明", SubmissionForm.ORIGINAL_AND_COPY, 2, False),
        (3, "竣工验收资料", SubmissionForm.COPY, 1, True),
    ]
    assert land.materials.get(position=1).how_to_obtain == "窗口领取"
    fund = Matter.objects.get(code="GJJ-001")
    assert fund.department == departments["fund"]  # matched by department code
    assert (fund.handling_type, fund.time_limit_days) == (HandlingType.IMMEDIATE, 0)
    assert material_rows("GJJ-001") == [
        (1, "身份证", SubmissionForm.ORIGINAL, 1, False),
        (2, "购房合同", SubmissionForm.UPLOADED, 1, False),
    ]
    printing = Matter.objects.get(code="GJJ-002")
    assert printing.department == departments["fund"]  # matched by short name
    assert not printing.materials.exists()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8"])
def test_csv_import_with_or_without_bom_creates_the_same_catalogue(tmp_path, departments, helper, encoding):
    result = import_matters(path=write_csv(tmp_path / "matters.csv", standard_rows(), encoding=encoding))

    assert (result.created, result.errors) == (3, [])
    assert [m.name for m in Matter.objects.get(code="BDC-001").materials.all()] == [
        "不动产登记申请书",
        "身份证明",
        "竣工验收资料",
    ]
    assert Matter.objects.get(code="BDC-001").contact_phone == "6321234"


def test_an_uploaded_file_object_is_imported_by_its_filename(departments, helper):
    buffer = io.BytesIO()
    write_xlsx_to = Workbook()
    sheet = write_xlsx_to.active
    sheet.append(["事项编码", "主项名称", "所属部门", "办理类型"])
    sheet.append(["GJJ-002", "缴存证明打印", "住房公积金管理中心", "即办"])
    write_xlsx_to.save(buffer)
    buffer.seek(0)

    result = import_matters(file=buffer, filename="上传.XLSX")

    assert result.created == 1
    assert Matter.objects.get(code="GJJ-002").is_immediate


def test_reimporting_the_same_file_changes_nothing(tmp_path, departments, helper):
    path = write_xlsx(tmp_path / "matters.xlsx", standard_rows())
    import_matters(path=path)
    before = {
        "matters": list(Matter.objects.order_by("pk").values()),
        "materials": list(RequiredMaterial.objects.order_by("pk").values()),
    }

    result = import_matters(path=path)

    assert (result.created, result.updated, result.unchanged, result.errors) == (0, 0, 3, [])
    assert list(Matter.objects.order_by("pk").values()) == before["matters"]
    assert list(RequiredMaterial.objects.order_by("pk").values()) == before["materials"]


def test_an_edited_file_updates_fields_reorders_and_drops_removed_materials(tmp_path, departments, helper):
    import_matters(path=write_xlsx(tmp_path / "first.xlsx", standard_rows()))
    kept = RequiredMaterial.objects.get(matter__code="BDC-001", name="身份证明")
    edited_land = {**LAND, "承诺时限": 3, "收费标准": "不收费", "帮办代办人员": ""}
    rows = [
        {**edited_land, **material("身份证明", form="复印件", copies=1)},
        {**edited_land, **material("不动产登记申请书", source="网上下载")},
        {**FUND, **material("身份证")},
        {**FUND, **material("购房合同", form="电子")},
        PRINT,
    ]

    result = import_matters(path=write_csv(tmp_path / "second.csv", rows))

    assert (result.created, result.updated, result.unchanged, result.errors) == (0, 1, 2, [])
    land = Matter.objects.get(code="BDC-001")
    assert (land.time_limit_days, land.fees, land.contact_helper) == (3, "不收费", None)
    assert material_rows("BDC-001") == [
        (1, "身份证明", SubmissionForm.COPY, 1, False),
        (2, "不动产登记申请书", SubmissionForm.ORIGINAL, 1, False),
    ]
    assert land.materials.get(name="身份证明").pk == kept.pk
    assert land.materials.get(name="不动产登记申请书").how_to_obtain == "网上下载"
    assert Matter.objects.count() == 3


@pytest.mark.parametrize(
    ("first_row", "second_row", "expected_row", "expected_message"),
    [
        ({"所属部门": "XX局"}, {"所属部门": "XX局"}, 4, "所属部门“XX局”不存在"),
        ({}, {"主项名称": "不动产转移登记"}, 5, "事项编码“BDC-001”重复，且与第 4 行的事项信息不一致（主项名称）"),
        ({"承诺时限": -1}, {"承诺时限": -1}, 4, "承诺时限“-1”不能小于 0"),
        ({"承诺时限": "五天"}, {"承诺时限": "五天"}, 4, "承诺时限“五天”不是整数"),
        ({"承诺时限": 2.5}, {"承诺时限": 2.5}, 4, "承诺时限“2.5”不是整数"),
        ({"帮办代办人员": "李四"}, {"帮办代办人员": "李四"}, 4, "帮办代办人员“李四”不存在或已停用"),
        ({}, {"材料形式": "扫描件"}, 5, "材料形式“扫描件”无法识别"),
        ({}, {"份数": 0}, 5, "份数“0”不能小于 1"),
        ({}, {"可容缺": "可以"}, 5, "可容缺“可以”应填“是”或“否”"),
        ({}, {"材料名称": "身份证明"}, 5, "材料“身份证明”在事项“BDC-001”中重复（第 4 行已列出）"),
    ],
    ids=[
        "unknown-department",
        "duplicate-code-conflicting-data",
        "negative-time-limit",
        "text-time-limit",
        "fractional-time-limit",
        "unknown-helper",
        "unknown-form",
        "zero-copies",
        "unknown-yes-no",
        "duplicate-material",
    ],
)
def test_a_bad_row_is_reported_and_its_whole_matter_skipped(
    tmp_path, departments, helper, first_row, second_row, expected_row, expected_message
):
    rows = [
        {**FUND, **material("身份证")},  # row 2
        {**FUND, **material("购房合同")},  # row 3
        {**LAND, **material("身份证明"), **first_row},  # row 4
        {**LAND, **material("申请书"), **second_row},  # row 5
    ]
    # The error must be found whether the file is a workbook or a CSV.
    for path in (write_xlsx(tmp_path / "bad.xlsx", rows), write_csv(tmp_path / "bad.csv", rows)):
        result = import_matters(path=path)

        assert [(e.row, e.code) for e in result.errors] == [(expected_row, "BDC-001")]
        assert expected_message in result.errors[0].message
        assert result.skipped == ["BDC-001"]
        assert not Matter.objects.filter(code="BDC-001").exists()
        assert not RequiredMaterial.objects.filter(name="申请书").exists()
        assert material_rows("GJJ-001") == [
            (1, "身份证", SubmissionForm.ORIGINAL, 1, False),
            (2, "购房合同", SubmissionForm.ORIGINAL, 1, False),
        ]


@pytest.mark.parametrize(
    ("bad_matter", "expected_message"),
    [
        ({**LAND, "办理类型": "承诺件", "承诺时限": 0}, "承诺件的承诺时限（工作日）必须大于 0"),
        ({**LAND, "办理类型": "急办"}, "办理类型“急办”无法识别，应为“即办”或“承诺件”"),
        ({**LAND, "主项名称": ""}, "缺少主项名称"),
        ({**LAND, "所属部门": ""}, "缺少所属部门"),
        ({**LAND, "事项编码": "B" * 41}, "事项编码超过 40 个字符"),
    ],
)
def test_matter_column_errors_are_reported_on_the_row(tmp_path, departments, helper, bad_matter, expected_message):
    rows = [{**FUND, **material("身份证")}, bad_matter]

    result = import_matters(path=write_xlsx(tmp_path / "bad.xlsx", rows))

    assert [str(e) for e in result.errors] == [f"第 3 行：{expected_message}"]
    assert result.created == 1
    assert list(Matter.objects.values_list("code", flat=True)) == ["GJJ-001"]


def test_a_row_without_code_is_reported_and_other_rows_imported(tmp_path, departments, helper):
    rows = [{**FUND, "事项编码": ""}, PRINT]

    result = import_matters(path=write_csv(tmp_path / "matters.csv", rows))

    assert [str(e) for e in result.errors] == ["第 2 行：缺少事项编码"]
    assert list(Matter.objects.values_list("code", flat=True)) == ["GJJ-002"]


def test_a_bad_row_leaves_an_existing_matter_untouched(tmp_path, departments, helper):
    import_matters(path=write_xlsx(tmp_path / "first.xlsx", standard_rows()))
    rows = [
        {**LAND, "承诺时限": 10, **material("身份证明")},
        {**LAND, "承诺时限": 10, **material("新材料", form="扫描件")},
    ]

    result = import_matters(path=write_xlsx(tmp_path / "second.xlsx", rows))

    assert [e.row for e in result.errors] == [3]
    land = Matter.objects.get(code="BDC-001")
    assert land.time_limit_days == 5
    assert [m.name for m in land.materials.all()] == ["不动产登记申请书", "身份证明", "竣工验收资料"]


def test_imported_matters_are_found_by_pinyin(tmp_path, departments, helper):
    import_matters(path=write_xlsx(tmp_path / "matters.xlsx", standard_rows()))

    assert [m.code for m in Matter.objects.search("bdc")] == ["BDC-001"]
    assert [m.code for m in Matter.objects.search("gongjijin")] == ["GJJ-001"]


def test_english_aliases_and_header_notes_are_accepted(tmp_path, departments):
    header = ["Code", "Main item", "Department", " 承诺时限（工作日） ", "Handling type", "材料名称*"]
    with (tmp_path / "matters.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, ["BDC-002", "不动产抵押登记", "BDC", "7", "pending", "抵押合同"]])

    result = import_matters(path=tmp_path / "matters.csv")

    assert result.errors == []
    matter = Matter.objects.get(code="BDC-002")
    assert (matter.time_limit_days, matter.handling_type) == (7, HandlingType.PENDING)
    assert [m.name for m in matter.materials.all()] == ["抵押合同"]


def test_missing_required_header_is_a_command_error_and_saves_nothing(tmp_path, departments):
    header = [column for column in HEADER if column != "所属部门"]
    path = write_xlsx(tmp_path / "matters.xlsx", standard_rows(), header=header)

    with pytest.raises(CommandError, match="缺少必填列：所属部门"):
        call_command("import_matters", str(path))

    assert not Matter.objects.exists()


def test_unknown_extension_is_a_command_error(tmp_path, departments):
    path = tmp_path / "matters.xls"
    path.write_bytes(b"not a workbook")

    with pytest.raises(CommandError, match=r"只能导入 \.xlsx 或 \.csv"):
        call_command("import_matters", str(path))


def test_a_gbk_csv_is_refused_with_advice(tmp_path, departments):
    path = write_csv(tmp_path / "matters.csv", standard_rows(), encoding="gbk")

    with pytest.raises(MatterImportFileError, match="UTF-8"):
        import_matters(path=path)
    assert not Matter.objects.exists()


def test_command_imports_good_matters_prints_errors_and_fails(tmp_path, departments, helper):
    tax = {"事项编码": "SW-001", "主项名称": "税务登记", "所属部门": "XX局", "承诺时限": 3}
    rows = [*standard_rows(), {**tax, **material("营业执照")}]  # row 8
    path = write_csv(tmp_path / "matters.csv", rows)
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match="共 1 个错误"):
        call_command("import_matters", str(path), stdout=out, stderr=err)

    assert "新增 3 项，更新 0 项，未变 0 项，未导入 1 项" in out.getvalue()
    assert "第 8 行：所属部门“XX局”不存在" in err.getvalue()
    assert "未导入的事项编码：SW-001" in err.getvalue()
    assert set(Matter.objects.values_list("code", flat=True)) == {"BDC-001", "GJJ-001", "GJJ-002"}


def test_the_sample_file_imports_cleanly_and_idempotently(db):
    DepartmentFactory(code="BDC", name="不动产登记中心")
    DepartmentFactory(code="GJJ", name="住房公积金管理中心")
    DepartmentFactory(code="SCJG", name="市场监督管理局")
    sample = Path(settings.BASE_DIR) / "docs" / "samples" / "matters.csv"
    assert sample.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8
    out = io.StringIO()

    call_command("import_matters", str(sample), stdout=out)
    call_command("import_matters", str(sample), stdout=out)

    assert "新增 4 项" in out.getvalue()
    assert "新增 0 项，更新 0 项，未变 4 项" in out.getvalue()
    assert Matter.objects.count() == 4
    assert RequiredMaterial.objects.filter(matter__code="BDC-001").count() == 3
    assert not Matter.objects.get(code="GJJ-002").materials.exists()
