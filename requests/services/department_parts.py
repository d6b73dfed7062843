"""Department parts' clocks: opening a part, moving its deadline with the request's pauses, and the daily sweep that
reminds before the deadline and escalates after it (rules in requests/department_clock.py).

Seed 003 (帮办代办人员职责): "负责解答咨询、材料预审、受理代办、督促相关部门按承诺时限办结。" The sweep is the helper's
urging made systematic: a reminder before the deadline, then one escalation step per N working days overdue, each
recorded on the request and told to the people of that step; a sweep run twice sends nothing twice.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from hallservice.core.actors import SYSTEM
from hallservice.core.workdays import WorkingCalendar

from ..department_clock import (
    RUNNING_PARTS,
    RUNNING_REQUESTS,
    escalation_due,
    overdue_working_days,
    part_deadline,
    reminder_due,
)
from ..models import DepartmentTask, EscalationLevel, ServiceRequest, Suspension, TaskStatus
from .base import lock_request, record_event


def part_open(task: DepartmentTask, *, today: date, calendar: WorkingCalendar) -> None:
    """Start the part's clock today (unsaved): it may be claimed, and its deadline is set."""
    task.status = TaskStatus.OPEN
    task.opened_on = today
    task.deadline = part_deadline(today, task.working_days, calendar=calendar)


def open_followers(task: DepartmentTask, *, req: ServiceRequest, actor, today: date) -> list[DepartmentTask]:
    """The part ``task`` is done: the parts waiting for it open today, each with an event (the request is locked)."""
    calendar = WorkingCalendar()
    opened = []
    for follower in (
        task.followers.select_for_update(of=("self",)).select_related("department").filter(status=TaskStatus.WAITING)
    ):
        part_open(follower, today=today, calendar=calendar)
        follower.save(update_fields=["status", "opened_on", "deadline"])
        record_event(
            req,
            actor=actor,
            verb="department_task_opened",
            public=True,
            note=_("%(dept)s's part opens after %(before)s's: due %(deadline)s (%(days)d working days).")
            % {
                "dept": follower.department.name,
                "before": task.department.name,
                "deadline": f"{follower.deadline:%Y-%m-%d}",
                "days": follower.working_days,
            },
        )
        opened.append(follower)
    return opened


def shift_part_deadlines(req: ServiceRequest, suspension: Suspension, *, today: date) -> None:
    """The request resumes: each running part's deadline moves by the working days it was paused (from the later of
    the suspension's start and the part's opening), and its reminder may come again for the new date."""
    calendar = WorkingCalendar()
    parts = req.department_tasks.select_for_update().filter(status__in=RUNNING_PARTS, deadline__isnull=False)
    for part in parts:
        paused = calendar.working_days_between(max(suspension.started_on, part.opened_on or today), today)
        if paused > 0:
            part.deadline = calendar.add_working_days(part.deadline, paused)
            part.reminded_on = None
            part.save(update_fields=["deadline", "reminded_on"])


def _running():
    return DepartmentTask.objects.filter(
        status__in=RUNNING_PARTS, request__status__in=RUNNING_REQUESTS, deadline__isnull=False
    ).order_by("deadline", "pk")


def _lock_part(pk: int, request_id: int) -> tuple[ServiceRequest, DepartmentTask]:
    req = lock_request(request_id)
    return req, DepartmentTask.objects.select_for_update(of=("self",)).select_related("department").get(pk=pk)


def remind_department_tasks(today: date) -> list[int]:
    """Remind the department and the helper once when a running part is due within the reminder horizon."""
    from ..notifications import after_commit, notify_department_task_reminder

    calendar = WorkingCalendar()
    candidates = _running().filter(deadline__gte=today, reminded_on__isnull=True)
    touched = []
    for pk, request_id, deadline in candidates.values_list("pk", "request_id", "deadline"):
        if not reminder_due(deadline, today, calendar=calendar):
            continue
        with transaction.atomic():
            req, part = _lock_part(pk, request_id)
            # Read again under the lock: done, reminded or moved since the query, there is nothing to say.
            stale = part.reminded_on or part.status not in RUNNING_PARTS or req.status not in RUNNING_REQUESTS
            if stale or not reminder_due(part.deadline, today, calendar=calendar):
                continue
            part.reminded_on = today
            part.save(update_fields=["reminded_on"])
            record_event(
                req,
                actor=SYSTEM,
                verb="department_task_reminder",
                note=_("%(dept)s's part is due by %(deadline)s (%(days)d working days left).")
                % {
                    "dept": part.department.name,
                    "deadline": f"{part.deadline:%Y-%m-%d}",
                    "days": calendar.working_days_between(today, part.deadline),
                },
            )
            after_commit(notify_department_task_reminder, task_id=pk)
            touched.append(pk)
    return touched


def escalate_department_tasks(today: date) -> list[tuple[int, int]]:
    """Escalate each overdue running part to the level its working days overdue call for, one step at a time.

    Every level not reached before is recorded in order (an event each, and its messages), so a sweep that missed
    days still leaves helper → duty leader → supervision section → bureau leader in the history. The part remembers
    its level: a second run finds nothing new to do. Returns (part id, level) of each step taken.
    """
    from ..notifications import after_commit, notify_department_task_escalation

    calendar = WorkingCalendar()
    top = max(EscalationLevel.values)
    candidates = _running().filter(deadline__lt=today, escalation_level__lt=top)
    steps = []
    for pk, request_id in candidates.values_list("pk", "request_id"):
        with transaction.atomic():
            req, part = _lock_part(pk, request_id)
            if part.status not in RUNNING_PARTS or req.status not in RUNNING_REQUESTS or part.deadline is None:
                continue
            days = overdue_working_days(part.deadline, today, calendar=calendar)
            due = escalation_due(days)
            if due <= part.escalation_level:
                continue
            for level in range(part.escalation_level + 1, due + 1):
                record_event(
                    req,
                    actor=SYSTEM,
                    verb="department_task_escalated",
                    note=_(
                        "%(dept)s's part was due by %(deadline)s, %(days)d working days overdue: escalated to %(level)s."
                    )
                    % {
                        "dept": part.department.name,
                        "deadline": f"{part.deadline:%Y-%m-%d}",
                        "days": days,
                        "level": EscalationLevel(level).label,
                    },
                )
                after_commit(notify_department_task_escalation, task_id=pk, level=level, overdue_days=days)
                steps.append((pk, level))
            part.escalation_level = due
            part.save(update_fields=["escalation_level"])
    return steps
