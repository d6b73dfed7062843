"""Handling an accepted request: work log, progress, departments, meetings, pauses, extensions, helpers."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hallservice.core.actors import user_of
from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from hallservice.core.text_limits import check_field_length, check_lengths, excerpt
from hallservice.core.workdays import WorkingCalendar
from staff.access import staff_of
from staff.models import Department, StaffMember

from ..models import (
    Assignment,
    DepartmentTask,
    Extension,
    ExtensionStatus,
    FollowUpStatus,
    FollowUpTask,
    JointMeeting,
    MaterialCorrection,
    MaterialStatus,
    ProgressReport,
    ServiceRequest,
    Status,
    Suspension,
    SuspensionReason,
    TaskStatus,
    WorkLogEntry,
)
from .base import ensure_action, lock_for, lock_request, move, record_event, require, with_note
from .department_parts import open_followers, part_open, shift_part_deadlines


@transaction.atomic
def request_start(*, actor, request_id: int, note: str = "") -> ServiceRequest:
    req = lock_for(actor, request_id, "start")
    move(req, Status.IN_PROGRESS, actor=actor, verb="started", note=note)
    return req


@transaction.atomic
def request_log_work(*, actor, request_id: int, text: str, problem: str = "", resolution: str = "") -> WorkLogEntry:
    req = lock_for(actor, request_id, "log_work")
    require(text, _("Say what was done."), field="text")
    check_lengths(WorkLogEntry, text=text.strip(), problem=problem.strip(), resolution=resolution.strip())
    entry = WorkLogEntry.objects.create(
        request=req, author=actor, text=text.strip(), problem=problem.strip(), resolution=resolution.strip()
    )
    record_event(req, actor=actor, verb="work_logged", note=text.strip())
    return entry


@transaction.atomic
def request_report_progress(*, actor, request_id: int, text: str) -> ProgressReport:
    """A progress report for the applicant; it appears on their status page."""
    req = lock_for(actor, request_id, "report_progress")
    require(text, _("Write the progress report."), field="text")
    check_lengths(ProgressReport, text=text.strip())
    report = ProgressReport.objects.create(request=req, author=actor, text=text.strip())
    record_event(req, actor=actor, verb="progress_reported", public=True, note=text.strip())
    return report


@transaction.atomic
def request_ask_correction(*, actor, request_id: int, check_id: int, what: str, due: date) -> MaterialCorrection:
    """Ask the applicant to correct one accepted material by ``due`` (补正 while the request is handled).

    Seed 004 (承办): "代办服务事项办理过程中，出现材料需要补正时，服务人员联系服务对象进行补正。" One material at a
    time, so each has its own due date; the material shows as needing correction until the clerk records it
    supplied, and the applicant's status page says what to correct and by when.
    """
    req = lock_for(actor, request_id, "ask_correction")
    check = req.material_checks.select_for_update().filter(pk=check_id).first()
    if check is None:
        raise DomainError(_("A material does not belong to this request."), field="check_id")
    if check.status != MaterialStatus.PROVIDED:
        # Missing, waived or already being corrected: the applicant already owes it, with its own date.
        raise DomainError(
            _("“%(name)s” is not a material the applicant has provided.") % {"name": check.name}, field="check_id"
        )
    require(what, _("Say what the applicant must correct."), field="what")
    if due <= timezone.localdate():
        raise DomainError(_("The correction's due date must be after today."), field="due")
    check_lengths(MaterialCorrection, what=what.strip())
    correction = MaterialCorrection.objects.create(
        request=req, material_check=check, what=what.strip(), due=due, asked_by=user_of(actor)
    )
    check.status, check.note, check.checked_at = MaterialStatus.NEEDS_CORRECTION, what.strip(), timezone.now()
    check.save(update_fields=["status", "note", "checked_at"])
    record_event(
        req,
        actor=actor,
        verb="correction_asked",
        public=True,
        note=_("“%(name)s” needs correcting by %(date)s: %(what)s")
        % {"name": check.name, "date": f"{due:%Y-%m-%d}", "what": what.strip()},
    )
    return correction


# --- Several departments ------------------------------------------------------------------------------


@transaction.atomic
def request_add_department_task(
    *,
    actor,
    request_id: int,
    department_id: int,
    description: str,
    working_days: int | None = None,
    after_id: int | None = None,
) -> DepartmentTask:
    """Ask a participating department to take its part of a multi-department matter, within a time limit.

    Seed 001 (全程服务): "涉及部门单位进行责任认领，通过并联服务、容缺受理等尽快办结" and seed 003: "督促相关部门按承诺
    时限办结". In parallel (no ``after_id``) the part opens now; in sequence it waits until the earlier part of the
    same request is done (requests/department_clock.py). ``working_days`` defaults to DEPARTMENT_TASK_WORKING_DAYS.
    """
    req = lock_for(actor, request_id, "add_department_task")
    require(description, _("Describe the department's part."), field="description")
    check_lengths(DepartmentTask, description=description.strip())
    department = Department.objects.filter(pk=department_id).first()
    if department is None:
        raise DomainError(_("Unknown department."), field="department")
    if req.department_tasks.filter(department=department).exists():
        raise DomainError(
            _("%(dept)s already has a part in this request.") % {"dept": department.name}, field="department"
        )
    if working_days is None:
        working_days = settings.DEPARTMENT_TASK_WORKING_DAYS
    if not isinstance(working_days, int) or not 1 <= working_days <= 60:
        raise DomainError(_("A department's time limit is 1 to 60 working days."), field="working_days")
    after = None
    if after_id is not None:
        after = req.department_tasks.select_related("department").filter(pk=after_id).first()
        if after is None:
            raise DomainError(_("The earlier part must be a part of this request."), field="after_id")
    task = DepartmentTask(request=req, department=department, description=description.strip(), after=after)
    task.working_days = working_days
    if after is not None and after.status != TaskStatus.DONE:
        task.status = TaskStatus.WAITING
        when = _("after %(before)s's part is done, within %(days)d working days") % {
            "before": after.department.name,
            "days": working_days,
        }
    else:
        part_open(task, today=timezone.localdate(), calendar=WorkingCalendar())
        when = _("due %(deadline)s (%(days)d working days)") % {
            "deadline": f"{task.deadline:%Y-%m-%d}",
            "days": working_days,
        }
    task.save()
    record_event(
        req,
        actor=actor,
        verb="department_task_added",
        public=True,
        note=_("%(dept)s takes part: %(what)s; %(when)s.")
        % {"dept": department.name, "what": description.strip(), "when": when},
    )
    return task


def _lock_task(actor, task_id: int, action: str) -> tuple[DepartmentTask, ServiceRequest]:
    task = DepartmentTask.objects.select_related("department").get(pk=task_id)
    req = lock_request(task.request_id)
    task = DepartmentTask.objects.select_for_update(of=("self",)).select_related("department").get(pk=task_id)
    ensure_action(actor, req, action)
    member = staff_of(actor)
    if member.department_id != task.department_id:
        raise PermissionDenied(_("Only staff of %(dept)s can report this part.") % {"dept": task.department.name})
    return task, req


@transaction.atomic
def department_task_claim(*, actor, task_id: int) -> DepartmentTask:
    task, req = _lock_task(actor, task_id, "claim_task")
    if task.status == TaskStatus.WAITING:
        raise TransitionNotAllowed(
            _("This part waits until %(dept)s has finished its part.") % {"dept": task.after.department.name}
        )
    if task.status != TaskStatus.OPEN:
        raise TransitionNotAllowed(_("This part has already been claimed."))
    task.status, task.claimed_by, task.claimed_at = TaskStatus.CLAIMED, staff_of(actor), timezone.now()
    task.save(update_fields=["status", "claimed_by", "claimed_at"])
    record_event(req, actor=actor, verb="department_task_claimed", note=task.department.name)
    return task


@transaction.atomic
def department_task_finish(*, actor, task_id: int, done: bool, note: str = "") -> DepartmentTask:
    """The department reports its part done, or blocked with the reason."""
    task, req = _lock_task(actor, task_id, "finish_task")
    if task.status not in (TaskStatus.CLAIMED, TaskStatus.BLOCKED):
        raise TransitionNotAllowed(_("Claim the part before reporting on it."))
    if not done:
        require(note, _("Say what blocks the department's part."), field="note")
    check_lengths(DepartmentTask, note=note.strip())
    task.status = TaskStatus.DONE if done else TaskStatus.BLOCKED
    task.finished_at = timezone.now() if done else None
    task.note = note.strip()
    task.save(update_fields=["status", "finished_at", "note"])
    record_event(
        req,
        actor=actor,
        verb="department_task_done" if done else "department_task_blocked",
        public=done,
        note=with_note(task.department.name, note),
    )
    if done:
        open_followers(task, req=req, actor=actor, today=timezone.localdate())
    return task


@transaction.atomic
def request_record_joint_meeting(
    *, actor, request_id: int, held_on: date, attendees: str, minutes: str, decisions: str = ""
) -> JointMeeting:
    req = lock_for(actor, request_id, "record_joint_meeting")
    require(attendees, _("List who attended."), field="attendees")
    require(minutes, _("Write the minutes."), field="minutes")
    check_lengths(JointMeeting, attendees=attendees.strip(), minutes=minutes.strip(), decisions=decisions.strip())
    if held_on > timezone.localdate():
        raise DomainError(_("A meeting's minutes are recorded after it is held."), field="held_on")
    meeting = JointMeeting.objects.create(
        request=req,
        convened_by=user_of(actor),
        held_on=held_on,
        attendees=attendees.strip(),
        minutes=minutes.strip(),
        decisions=decisions.strip(),
    )
    record_event(req, actor=actor, verb="joint_meeting", note=decisions.strip() or excerpt(minutes, 200))
    return meeting


# --- Suspension and the deadline clock -----------------------------------------------------------------


@transaction.atomic
def request_suspend(*, actor, request_id: int, reason: str, resume_by: date, note: str = "") -> ServiceRequest:
    """Pause the request and its deadline clock until the cause is gone (代办服务中止)."""
    req = lock_for(actor, request_id, "suspend")
    if reason not in SuspensionReason.values:
        raise DomainError(_("Choose why the request is suspended."), field="reason")
    check_lengths(Suspension, note=note.strip())
    today = timezone.localdate()
    if resume_by is None or resume_by <= today:
        raise DomainError(_("The resumption deadline must be after today."), field="resume_by")
    Suspension.objects.create(
        request=req, reason=reason, note=note.strip(), started_on=today, resume_by=resume_by, by=actor
    )
    move(
        req,
        Status.SUSPENDED,
        actor=actor,
        verb="suspended",
        note=_("%(reason)s. Resume by %(date)s. %(note)s")
        % {"reason": SuspensionReason(reason).label, "date": f"{resume_by:%Y-%m-%d}", "note": note.strip()},
    )
    return req


def _end_suspension(req: ServiceRequest, today: date) -> tuple[Suspension, int]:
    suspension = req.suspensions.select_for_update().get(ended_on__isnull=True)
    # The working days after the day of suspension up to and including today do not count against the deadline.
    paused = WorkingCalendar().working_days_between(suspension.started_on, today)
    suspension.ended_on, suspension.paused_working_days = today, max(paused, 0)
    suspension.save(update_fields=["ended_on", "paused_working_days"])
    return suspension, suspension.paused_working_days


@transaction.atomic
def request_resume(*, actor, request_id: int, note: str = "") -> ServiceRequest:
    """The cause of the pause is gone: handling goes on and the deadline moves by the paused working days."""
    req = lock_for(actor, request_id, "resume")
    today = timezone.localdate()
    suspension, paused = _end_suspension(req, today)
    if paused:
        req.deadline = WorkingCalendar().add_working_days(req.deadline, paused)
        req.paused_working_days += paused
        shift_part_deadlines(req, suspension, today=today)
    move(
        req,
        Status.IN_PROGRESS,
        actor=actor,
        verb="resumed",
        note=with_note(
            _("Resumed; paused %(days)d working days, promised date moved to %(deadline)s.")
            % {"days": paused, "deadline": f"{req.deadline:%Y-%m-%d}"},
            note,
        ),
        fields=("deadline", "paused_working_days"),
    )
    return req


@transaction.atomic
def request_request_extension(*, actor, request_id: int, working_days: int, reason: str) -> Extension:
    """Ask a supervisor to extend the promised deadline (延期)."""
    req = lock_for(actor, request_id, "request_extension")
    if not isinstance(working_days, int) or working_days <= 0 or working_days > 60:
        raise DomainError(_("An extension is 1 to 60 working days."), field="working_days")
    require(reason, _("Give the reason for the extension."), field="reason")
    check_lengths(Extension, reason=reason.strip())
    if req.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise DomainError(_("An extension is already waiting for approval."), field="working_days")
    extension = Extension.objects.create(
        request=req, working_days=working_days, reason=reason.strip(), requested_by=user_of(actor)
    )
    record_event(
        req,
        actor=actor,
        verb="extension_requested",
        note=_("%(days)d working days: %(reason)s") % {"days": working_days, "reason": reason.strip()},
    )
    return extension


@transaction.atomic
def extension_decide(*, actor, extension_id: int, approve: bool, note: str = "") -> Extension:
    """A supervisor approves (the deadline moves) or rejects an extension, with a note for the record."""
    extension = Extension.objects.get(pk=extension_id)
    req = lock_request(extension.request_id)
    extension = Extension.objects.select_for_update().get(pk=extension_id)
    ensure_action(actor, req, "decide_extension")
    if extension.status != ExtensionStatus.PENDING:
        raise TransitionNotAllowed(_("This extension has already been decided."))
    if not approve:
        require(note, _("Say why the extension is rejected."), field="note")
    check_field_length(Extension, "decision_note", note.strip(), field="note")
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    extension.decided_by, extension.decided_at, extension.decision_note = user_of(actor), timezone.now(), note.strip()
    extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if approve:
        req.deadline = WorkingCalendar().add_working_days(req.deadline, extension.working_days)
        req.extension_working_days += extension.working_days
        req.save(update_fields=["deadline", "extension_working_days", "updated_at"])
        record_event(
            req,
            actor=actor,
            verb="extension_approved",
            public=True,
            note=_("Extended by %(days)d working days to %(deadline)s: %(reason)s")
            % {"days": extension.working_days, "deadline": f"{req.deadline:%Y-%m-%d}", "reason": extension.reason},
        )
    else:
        record_event(req, actor=actor, verb="extension_rejected", note=note.strip())
    return extension


# --- People ---------------------------------------------------------------------------------------------


@transaction.atomic
def request_reassign(*, actor, request_id: int, helper_id: int, reason: str) -> Assignment:
    """Change the dedicated helper, only with a reason the applicant is told (一对一, seed 004)."""
    req = lock_for(actor, request_id, "reassign")
    require(reason, _("Give the reason for the change; the applicant will be told."), field="reason")
    check_lengths(Assignment, reason=reason.strip())
    helper = StaffMember.objects.filter(
        pk=helper_id, is_active=True, centre_id__in=(req.centre_id, req.origin_centre_id)
    ).first()
    if helper is None:
        raise DomainError(_("The new helper must be an active staff member of the request's centre."), field="helper")
    if helper.pk == req.helper_id:
        raise DomainError(_("This helper already has the request."), field="helper")
    return helper_change(req, helper, actor=actor, reason=reason.strip())


def helper_change(req: ServiceRequest, helper: StaffMember, *, actor, reason: str) -> Assignment:
    """``helper`` becomes the locked request's dedicated helper. Every change of helper, by a clerk or because a
    key project's agent changed, is kept as an assignment and told to the applicant with its reason."""
    assignment = Assignment.objects.create(
        request=req, helper=helper, previous_helper=req.helper, reason=reason[:300], by=user_of(actor)
    )
    req.helper = helper
    req.save(update_fields=["helper", "updated_at"])
    # A follow-up after delivery not yet made is the new helper's to make (it counts in their work, not the old one's).
    FollowUpTask.objects.filter(request=req, status=FollowUpStatus.OPEN).update(helper=helper)
    event = record_event(
        req,
        actor=actor,
        verb="reassigned",
        public=True,
        note=_("Your dedicated helper is now %(helper)s. Reason: %(reason)s")
        % {"helper": helper.name, "reason": reason},
    )
    # Seed 004: the applicant is told of the change and given the new helper's name and work phone by SMS.
    # Queued at once after the commit; the sweeper would send it too, once (one message per event).
    from ..notifications import after_commit, notify_request_event

    after_commit(notify_request_event, event_id=event.pk)
    return assignment
