"""Spreadsheets of the training reports and the question-import template (openpyxl).

Pure functions from already-loaded rows to .xlsx bytes; the views choose the rows through the selectors.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from hallservice.core.spreadsheets import append_row, new_workbook, one_sheet_workbook, titled_sheet, workbook_bytes

from .models import AttendanceStatus, TrainingSession
from .selectors import AttendanceRow, ScoreReport

MARKS = {
    AttendanceStatus.PRESENT: "✓",
    AttendanceStatus.ABSENT: "✗",
    AttendanceStatus.EXCUSED: "○",
    AttendanceStatus.PENDING: "",
}


def filename(kind: str, centre_code: str, month: date) -> str:
    return f"training-{kind}-{centre_code}-{month:%Y-%m}.xlsx"


def scores_workbook(*, centre_name: str, month: date, report: ScoreReport) -> bytes:
    """The month's test: one row a person with score, result, study day and failures in a row; a summary."""
    workbook, sheet = new_workbook(_("Scores"))
    rows = []
    for r in report.rows:
        a = r.attempt
        rows.append(
            (
                r.staff.name,
                r.staff.get_kind_display(),
                r.staff.dispatch_company,
                a.get_status_display() if a else _("Not started"),
                float(a.score) if a is not None and a.score is not None else None,
                (_("pass") if a.passed else _("fail")) if a is not None and a.is_graded else "",
                f"{r.study_day.day:%Y-%m-%d}" if r.study_day else "",
                r.streak or "",
            )
        )
    titled_sheet(
        sheet,
        _("%(centre)s monthly test %(month)s") % {"centre": centre_name, "month": f"{month:%Y-%m}"},
        [
            (_("Name"), 12),
            (_("Kind"), 14),
            (_("Labour-dispatch company"), 30),
            (_("Status"), 12),
            (_("Score"), 8),
            (_("Result"), 8),
            (_("Off-post study"), 14),
            (_("Failed months in a row"), 10),
        ],
        rows,
    )
    summary = workbook.create_sheet(_("Summary"))
    titled_sheet(
        summary,
        _("Summary"),
        [(_("Item"), 20), (_("Value"), 14)],
        [
            (_("Graded"), len(report.graded)),
            (_("Passed"), report.passed),
            (_("Excused (not counted)"), len(report.excused)),
            (_("Pass rate (%)"), float(report.pass_rate) if report.pass_rate is not None else None),
            (_("Average score"), float(report.average) if report.average is not None else None),
            (_("Exported at"), f"{timezone.localtime():%Y-%m-%d %H:%M}"),
        ],
    )
    return workbook_bytes(workbook)


def attendance_workbook(
    *, centre_name: str, month: date, sessions: list[TrainingSession], rows: list[AttendanceRow]
) -> bytes:
    """One row a person, one column a training (✓ present, ✗ absent, ○ excused), then totals and the rate."""
    columns = [(_("Name"), 12)]
    columns += [(f"{timezone.localtime(s.starts_at):%m-%d} {s.title}", 14) for s in sessions]
    columns += [(_("Present"), 8), (_("Absent"), 8), (_("Excused"), 8), (_("Attendance rate (%)"), 10)]
    return one_sheet_workbook(
        _("Attendance"),
        _("%(centre)s training attendance %(month)s") % {"centre": centre_name, "month": f"{month:%Y-%m}"},
        columns,
        (
            (
                r.staff.name,
                *(MARKS.get(r.sessions.get(s.pk, ""), "") for s in sessions),
                r.present,
                r.absent,
                r.excused,
                float(r.rate) if r.rate is not None else None,
            )
            for r in rows
        ),
    )


def question_template_workbook() -> bytes:
    """An import template with the expected columns and one example of each kind."""
    workbook, sheet = new_workbook("题库")
    append_row(sheet, ["题型", "主题", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "难度", "变式组"])
    append_row(
        sheet,
        [
            "单选",
            "不动产登记",
            "办理不动产转移登记，承诺办结时限为几个工作日？",
            "1个",
            "3个",
            "5个",
            "10个",
            "C",
            "以窗口公示的承诺时限为准。",
            "易",
            "转移登记时限",
        ],
    )
    append_row(
        sheet,
        [
            "多选",
            "服务礼仪",
            "帮办代办人员上岗时应当做到哪些？",
            "提前十分钟到岗",
            "佩戴专门标识",
            "党员佩戴党徽",
            "收取服务费",
            "ABC",
            "帮办代办服务无偿提供。",
            "中",
        ],
    )
    append_row(
        sheet,
        [
            "单选",
            "不动产登记",
            "存量房转移登记的承诺办结时限是几个工作日？",
            "1个",
            "3个",
            "5个",
            "10个",
            "C",
            "同一题的变式：与第一题同一变式组，一张试卷只抽其中一道。",
            "易",
            "转移登记时限",
        ],
    )
    append_row(
        sheet, ["判断", "服务礼仪", "帮办代办服务可以收取少量费用。", "", "", "", "", "错", "全程无偿服务。", "易"]
    )
    for letter, width in zip("ABCDEFGHIJK", (8, 14, 40, 14, 14, 14, 14, 8, 30, 6, 16), strict=True):
        sheet.column_dimensions[letter].width = width
    return workbook_bytes(workbook)
