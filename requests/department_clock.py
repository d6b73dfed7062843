"""The clock of a department's part of a multi-department request: its deadline, reminder and escalation.

Seed 003 (帮办代办人员职责): "负责解答咨询、材料预审、受理代办、督促相关部门按承诺时限办结。" and seed 001 四:
"所有帮办代办人员……负责……协调、指导、督促事项办理". The helper urges each department to finish its part in time;
when it does not, the matter goes up: helper → duty leader → supervision section → bureau leader.

The rules, read by the services, the daily sweep, the pages and the API alike:

- A part gets a time limit in working days when it is added (``DEPARTMENT_TASK_WORKING_DAYS`` if none is entered).
- In parallel (no ``after``) a part opens when it is added. In sequence (``after`` an earlier part of the same
  request) it waits, without a clock and unclaimable, until that part is reported done, and opens that day. Added
  after a part already done, it opens at once. A blocked part is not done: the part after it keeps waiting.
- Its deadline is the ``working_days``-th working day after the day it opens (that day not counted), on the
  statutory calendar (hallservice/core/workdays.py).
- While the request is suspended the parts' clocks pause with the request's: on resumption their deadlines move by
  the same paused working days (requests.services.handling.request_resume).
- Reminder: once, when a running part (open, claimed or blocked) has ``DEPARTMENT_TASK_REMINDER_WORKING_DAYS`` or
  fewer working days left, to the department's users and the helper.
- Overdue: the working days after the deadline up to and including today (the sweep runs after midnight, so the
  deadline day is over). One escalation step per ``DEPARTMENT_TASK_ESCALATION_WORKING_DAYS`` (N) of them: days
  1…N the helper, N+1…2N the duty leader, 2N+1…3N the supervision section, then the bureau leader. Each step is
  recorded once, in order, even when the sweep missed days.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings

from hallservice.core.workdays import WorkingCalendar

from .ledger import DeadlineInfo
from .models import DepartmentTask, EscalationLevel, Status, TaskStatus

# A part's clock runs while the department still owes it.
RUNNING_PARTS = (TaskStatus.OPEN, TaskStatus.CLAIMED, TaskStatus.BLOCKED)
# The request's states in which the parts' clocks run; suspended pauses them.
RUNNING_REQUESTS = (Status.ACCEPTED, Status.IN_PROGRESS)


def part_deadline(opened_on: date, working_days: int, *, calendar: WorkingCalendar) -> date:
    return calendar.add_working_days(opened_on, working_days)


def overdue_working_days(deadline: date, today: date, *, calendar: WorkingCalendar) -> int:
    """Working days after ``deadline`` up to and including ``today``; 0 before or on it."""
    return max(calendar.working_days_between(deadline, today), 0)


def escalation_due(overdue_days: int) -> int:
    """The escalation level ``overdue_days`` working days past the deadline call for (0 when not overdue)."""
    if overdue_days <= 0:
        return EscalationLevel.NONE
    step = max(settings.DEPARTMENT_TASK_ESCALATION_WORKING_DAYS, 1)
    return min(1 + (overdue_days - 1) // step, max(EscalationLevel.values))


def reminder_due(deadline: date, today: date, *, calendar: WorkingCalendar) -> bool:
    """Whether a part due on ``deadline`` is within the reminder horizon today (and not yet past it)."""
    return today <= deadline <= calendar.add_working_days(today, settings.DEPARTMENT_TASK_REMINDER_WORKING_DAYS)


def part_deadline_info(task: DepartmentTask, *, calendar: WorkingCalendar, today: date) -> DeadlineInfo:
    """The part's deadline as the pages show it: days left only while the department owes it and the request runs."""
    if task.deadline is None:
        return DeadlineInfo(None, None)
    if task.status not in RUNNING_PARTS:
        return DeadlineInfo(task.deadline, None)
    days_left = calendar.working_days_between(today, task.deadline)
    if task.request.status in RUNNING_REQUESTS:
        return DeadlineInfo(task.deadline, days_left)
    if task.request.status == Status.SUSPENDED:
        return DeadlineInfo(task.deadline, days_left, paused=True)
    return DeadlineInfo(task.deadline, None)


def part_rows(
    tasks, *, today: date, calendar: WorkingCalendar | None = None
) -> list[tuple[DepartmentTask, DeadlineInfo]]:
    """Each part with its deadline as shown, one calendar for the lot (the request page, the dashboards)."""
    calendar = calendar or WorkingCalendar()
    return [(task, part_deadline_info(task, calendar=calendar, today=today)) for task in tasks]
