"""The lifecycle's timers, run daily by Celery beat; each is idempotent (safe to run twice on one day).

Each works through the same state checks as a clerk's action, with the system as actor (events with no
actor), and returns the ids it touched so the task can report them.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hallservice.core.actors import SYSTEM
from hallservice.core.workdays import WorkingCalendar

from ..models import MaterialCheck, MaterialCorrection, MaterialStatus, ServiceRequest, Status
from .base import lock_request, record_event
from .closing import _terminate

RUNNING = (Status.ACCEPTED, Status.IN_PROGRESS)


def _flag_once(pk: int, today: date, field: str, *, lapsed, verb: str, note) -> bool:
    """Stamp ``field`` of the request with today and log ``verb`` with ``note(req)``, once, under the request's lock.

    False when it was stamped already or ``lapsed(req)`` says it no longer applies (it changed since the query).
    """
    with transaction.atomic():
        req = lock_request(pk)
        if getattr(req, field) or lapsed(req):
            return False
        setattr(req, field, today)
        req.save(update_fields=[field])
        record_event(req, actor=SYSTEM, verb=verb, note=note(req))
        return True


def warn_deadlines(today: date) -> list[int]:
    """Warn once when a running request is N working days or fewer from its promised deadline."""
    cal = WorkingCalendar()
    horizon = cal.add_working_days(today, settings.DEADLINE_WARNING_WORKING_DAYS)
    candidates = ServiceRequest.objects.filter(
        status__in=RUNNING, deadline__gte=today, deadline__lte=horizon, deadline_warned_on__isnull=True
    ).values_list("pk", flat=True)
    return [
        pk
        for pk in candidates
        if _flag_once(
            pk,
            today,
            "deadline_warned_on",
            lapsed=lambda req: req.status not in RUNNING,
            verb="deadline_warning",
            note=lambda req: (
                _("%(days)d working days left until the promised date %(deadline)s.")
                % {"days": cal.working_days_between(today, req.deadline), "deadline": f"{req.deadline:%Y-%m-%d}"}
            ),
        )
    ]


def flag_overdue(today: date) -> list[int]:
    """Flag, once, each running request past its promised deadline."""
    candidates = (
        ServiceRequest.objects.overdue(today).filter(overdue_flagged_on__isnull=True).values_list("pk", flat=True)
    )
    return [
        pk
        for pk in candidates
        if _flag_once(
            pk,
            today,
            "overdue_flagged_on",
            lapsed=lambda req: req.status not in RUNNING or req.deadline >= today,
            verb="overdue",
            note=lambda req: _("Past the promised date %(deadline)s.") % {"deadline": f"{req.deadline:%Y-%m-%d}"},
        )
    ]


def expire_suspensions(today: date) -> list[int]:
    """A suspension past its resumption deadline ends the service (seed 004: 超过续办期限的，视为服务终止)."""
    touched = []
    expired = ServiceRequest.objects.filter(
        status=Status.SUSPENDED, suspensions__ended_on__isnull=True, suspensions__resume_by__lt=today
    ).values_list("pk", flat=True)
    for pk in expired:
        with transaction.atomic():
            req = lock_request(pk)
            if req.status != Status.SUSPENDED:
                continue
            suspension = req.suspensions.filter(ended_on__isnull=True).first()
            if suspension is None or suspension.resume_by >= today:
                continue
            _terminate(
                req,
                actor=SYSTEM,
                reason="suspension_expired",
                today=today,
                note=_("Not resumed by %(date)s.") % {"date": f"{suspension.resume_by:%Y-%m-%d}"},
            )
            touched.append(pk)
    return touched


def flag_missing_summaries(today: date) -> list[int]:
    """Tell the supervisor about finished requests still without a summary 2 working days after completion."""
    cal = WorkingCalendar()
    touched = []
    candidates = ServiceRequest.objects.filter(
        status__in=(Status.COMPLETED, Status.DELIVERED),
        completed_at__isnull=False,
        summary__isnull=True,
        summary_flagged_on__isnull=True,
    ).values_list("pk", "completed_at")
    for pk, completed_at in candidates:
        due = cal.add_working_days(timezone.localdate(completed_at), 2)
        if today > due and _flag_once(
            pk,
            today,
            "summary_flagged_on",
            lapsed=lambda req: hasattr(req, "summary"),
            verb="summary_overdue",
            note=lambda req, due=due: (
                _("No summary by %(due)s (2 working days after completion).") % {"due": f"{due:%Y-%m-%d}"}
            ),
        ):
            touched.append(pk)
    return touched


def _remind_once(rows, today: date, *, owed: dict, note) -> list[int]:
    """Remind the applicant once of each material row still owed: stamp ``reminded_on`` under the request's lock
    and write the public reminder ``note(row)``. A row stamped meanwhile (a second run), or no longer matching
    ``owed`` (supplied since the query), is skipped."""
    touched = []
    for row in rows:
        with transaction.atomic():
            req = lock_request(row.request_id)
            unreminded = type(row).objects.filter(pk=row.pk, reminded_on__isnull=True, **owed)
            if not unreminded.update(reminded_on=today):
                continue
            record_event(req, actor=SYSTEM, verb="material_reminder", public=True, note=note(row))
            touched.append(row.pk)
    return touched


def remind_tolerant_materials(today: date) -> list[int]:
    """Materials waived under tolerant acceptance and not supplied by the promised date: remind once."""
    checks = MaterialCheck.objects.filter(
        status=MaterialStatus.WAIVED, promised_by__lt=today, reminded_on__isnull=True
    ).exclude(request__status__in=(Status.ARCHIVED, Status.TERMINATED, Status.REFUSED))
    return _remind_once(
        checks,
        today,
        owed={"status": MaterialStatus.WAIVED},
        note=lambda check: (
            _("“%(name)s” was promised by %(date)s and has not been supplied yet.")
            % {"name": check.name, "date": f"{check.promised_by:%Y-%m-%d}"}
        ),
    )


def prompt_progress_reports(today: date) -> list[int]:
    """Remind the helper, once per silence, of a request in handling without a progress report for N working days.

    Seed 004 (承办): "在执行过程中，服务人员需定期向服务对象提供进度报告，确保服务对象随时了解事项办理情况。" N is
    PROGRESS_REPORT_PROMPT_DAYS; requests/progress_clock.py says when the silence began. The request remembers the
    silence it was reminded of (``progress_prompted_for``), so a second run the same day or the next reminds no one
    again, and a report starts a new silence that may be reminded of in its turn.
    """
    from ..notifications import after_commit, notify_helper_progress_prompt
    from ..progress_clock import clock_starts, is_silent, silent_working_days

    cal = WorkingCalendar()
    touched = []
    for pk, start in clock_starts(ServiceRequest.objects.all()).items():
        if not is_silent(silent_working_days(start, today, calendar=cal)):
            continue
        with transaction.atomic():
            req = lock_request(pk)
            # Read again under the lock: a report or a pause since the query ends (or moves) the silence.
            start = clock_starts(ServiceRequest.objects.filter(pk=pk)).get(pk)
            if start is None or req.progress_prompted_for == start:
                continue
            days = silent_working_days(start, today, calendar=cal)
            if not is_silent(days):
                continue
            req.progress_prompted_for = start
            req.save(update_fields=["progress_prompted_for"])
            record_event(
                req,
                actor=SYSTEM,
                verb="progress_report_prompted",
                note=_("No progress report to the applicant since %(date)s (%(days)d working days).")
                % {"date": f"{start:%Y-%m-%d}", "days": days},
            )
            after_commit(notify_helper_progress_prompt, request_id=pk, since=start, days=days)
            touched.append(pk)
    return touched


def remind_overdue_corrections(today: date) -> list[int]:
    """A correction asked mid-handling and not supplied by its due date: remind the applicant once (催促).

    Seed 004 lists "催促后仍未提交，不能按时补正的" among the reasons to suspend: this is the reminder that comes first.
    """
    corrections = MaterialCorrection.objects.filter(
        supplied_at__isnull=True, due__lt=today, reminded_on__isnull=True
    ).exclude(request__status__in=(Status.ARCHIVED, Status.TERMINATED, Status.REFUSED))
    return _remind_once(
        corrections.select_related("material_check"),
        today,
        owed={"supplied_at__isnull": True},
        note=lambda correction: (
            _("“%(name)s” was to be corrected by %(date)s and has not been supplied yet.")
            % {"name": correction.material_check.name, "date": f"{correction.due:%Y-%m-%d}"}
        ),
    )
