"""Spreadsheets of a month's roster (rotation, day covers, help area) and of the duty schedule (openpyxl).

Pure functions from already-loaded rows to .xlsx bytes; the views choose the rows through the selectors.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl.worksheet.worksheet import Worksheet

from hallservice.core.spreadsheets import new_workbook, one_sheet_workbook, titled_sheet, workbook_bytes

from .models import DutyDay, Substitution
from .selectors import PlanGrid


def _weekday(day: date) -> str:
    return formats.date_format(day, "l")


def plan_workbook(grid: PlanGrid) -> bytes:
    """The month plan: helpers at windows, day covers, help-area turns, duty leaders."""
    plan = grid.plan
    month = f"{plan.month:%Y-%m}"
    windows = {w.pk: w for w in grid.inputs.windows}
    workbook, rotation = new_workbook(_("Rotation"))
    titled_sheet(
        rotation,
        _("%(centre)s rotation plan %(month)s (%(status)s)")
        % {"centre": plan.centre.name, "month": month, "status": plan.get_status_display()},
        [(_("Helper"), 14), (_("Window"), 10), (_("Window name"), 26), (_("Party member"), 10), (_("Reason"), 60)],
        (
            (
                row.helper.name,
                windows[row.window_id].number if row.window_id in windows else "",
                windows[row.window_id].name if row.window_id in windows else _("no window"),
                _("yes") if row.helper.is_party_member else "",
                row.reason,
            )
            for row in grid.rows
        ),
    )
    names = {row.helper.pk: row.helper.name for row in grid.rows}
    covers = workbook.create_sheet(_("Day covers"))
    titled_sheet(
        covers,
        _("Day covers %(month)s") % {"month": month},
        [(_("Day"), 12), (_("Helper"), 14), (_("Covers window"), 12), (_("Reason"), 50)],
        (
            (
                c.day,
                names.get(c.helper_id, ""),
                windows[c.window_id].number if c.window_id in windows else "",
                c.reason,
            )
            for c in grid.covers
        ),
    )
    help_area = workbook.create_sheet(_("Help area"))
    titled_sheet(
        help_area,
        _("Help-area turns %(month)s") % {"month": month},
        [(_("Day"), 12), (_("Weekday"), 10), (_("Department"), 24), (_("Helper"), 14)],
        (
            (day, _weekday(day), t.department.name, t.helper.name)
            for day, turns in sorted(grid.help_area.items())
            for t in turns
        ),
    )
    duty = workbook.create_sheet(_("Duty leaders"))
    _duty_rows(duty, _("Duty leaders %(month)s") % {"month": month}, grid.duty_days, [])
    return workbook_bytes(workbook)


def _duty_rows(sheet: Worksheet, title: str, duty_days: Sequence[DutyDay], substitutions: Sequence[Substitution]):
    by_day: dict[date, list[Substitution]] = {}
    for s in substitutions:
        by_day.setdefault(s.day, []).append(s)
    titled_sheet(
        sheet,
        title,
        [
            (_("Day"), 12),
            (_("Weekday"), 10),
            (_("Duty leader"), 14),
            (_("Planned"), 14),
            (_("Leading bureau leader"), 16),
            (_("Substitutions"), 50),
        ],
        (
            (
                d.day,
                _weekday(d.day),
                d.leader.name,
                d.planned_leader.name if d.is_substituted else "",
                d.week_leader.name if d.week_leader else "",
                "；".join(
                    f"{s.get_duty_display()} {s.absent.name}→{s.substitute.name}（{s.reason}）"
                    for s in by_day.get(d.day, [])
                ),
            )
            for d in duty_days
        ),
    )


def duty_schedule_workbook(
    *, centre_name: str, month: date, duty_days: Sequence[DutyDay], substitutions: Sequence[Substitution]
) -> bytes:
    """The duty schedule of a month as published, with every substitution in effect."""
    workbook, sheet = new_workbook(_("Duty schedule"))
    _duty_rows(
        sheet,
        _("%(centre)s duty schedule %(month)s") % {"centre": centre_name, "month": f"{month:%Y-%m}"},
        duty_days,
        substitutions,
    )
    return workbook_bytes(workbook)


def attendance_workbook(*, centre_name: str, month: date, rows) -> bytes:
    """Lateness and absence per staff member for a month."""
    return one_sheet_workbook(
        _("Attendance"),
        _("%(centre)s lateness and absence %(month)s") % {"centre": centre_name, "month": f"{month:%Y-%m}"},
        [
            (_("Staff member"), 14),
            (_("On time"), 10),
            (_("Late"), 8),
            (_("Absent"), 8),
            (_("Without badge"), 12),
            (_("Late on"), 30),
            (_("Absent on"), 30),
        ],
        (
            (
                r.staff.name,
                r.on_time,
                r.late,
                r.absent,
                r.no_badge,
                "、".join(f"{d:%m-%d}" for d in r.late_days),
                "、".join(f"{d:%m-%d}" for d in r.absent_days),
            )
            for r in rows
        ),
    )


def filename(kind: str, centre_code: str, month: date) -> str:
    return f"{kind}-{centre_code}-{month:%Y%m}.xlsx"
