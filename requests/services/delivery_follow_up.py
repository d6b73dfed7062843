"""The helper's follow-up with the applicant after delivery (跟踪服务): opened with the delivery, done once.

Seed 004 服务要求: "办理完结后，服务人员应对服务对象进行服务跟踪、掌握动态，提供跟踪服务。" A poor rating's return visit
(回访, ``evaluation_follow_up`` in closing.py) is a different thing: it answers a complaint about the service; this
call is made after every delivery, to learn whether the result works for the applicant.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hallservice.core.actors import SYSTEM, user_of
from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from hallservice.core.text_limits import check_field_length
from hallservice.core.workdays import WorkingCalendar
from staff.roles import Role, user_has_role

from ..models import FollowUpOutcome, FollowUpStatus, FollowUpTask, ServiceRequest
from .base import lock_for, record_event, require


def follow_up_task_open(req: ServiceRequest, *, actor, delivered_at: datetime) -> FollowUpTask:
    """Open the follow-up of a request just delivered, inside the delivery's transaction (the request is locked).

    Once per request: a delivery service that runs again (a retried receipt confirmation) finds the task already
    there and leaves it, and its date, as they are.
    """
    due = WorkingCalendar().add_working_days(
        timezone.localdate(delivered_at), settings.DELIVERY_FOLLOW_UP_WORKING_DAYS
    )
    task, created = FollowUpTask.objects.get_or_create(request=req, defaults={"helper_id": req.helper_id, "due": due})
    if created:
        record_event(
            req,
            actor=actor,
            verb="delivery_follow_up_due",
            note=_("%(helper)s follows up with the applicant by %(date)s.")
            % {"helper": req.helper.name, "date": f"{due:%Y-%m-%d}"},
        )
    return task


def may_record_follow_up(actor, task: FollowUpTask) -> bool:
    """The task's helper or a duty leader (of the centre in charge, which the action's check has made sure of)."""
    if actor is SYSTEM or getattr(actor, "is_superuser", False):
        return True
    member = getattr(actor, "staff_member", None)
    return (member is not None and member.pk == task.helper_id) or user_has_role(actor, Role.DUTY_LEADER)


@transaction.atomic
def request_record_follow_up(*, actor, request_id: int, outcome: str, note: str = "") -> FollowUpTask:
    """Record how the follow-up after delivery went: reached and satisfied, reached with a problem, unreachable.

    Done once (a second recording is a 409: the first stands). A problem found must be described in the note, so
    the duty leader can see what to do about it.
    """
    req = lock_for(actor, request_id, "record_follow_up")
    task = FollowUpTask.objects.select_for_update().filter(request=req).first()
    if task is None:
        raise TransitionNotAllowed(_("No follow-up is due for this request."))
    if not may_record_follow_up(actor, task):
        raise PermissionDenied(
            _("Only the request's helper or a duty leader may record the follow-up of request %(number)s.")
            % {"number": req.number}
        )
    if task.status == FollowUpStatus.DONE:
        raise TransitionNotAllowed(_("The follow-up after delivery has already been recorded."))
    if outcome not in FollowUpOutcome.values:
        raise DomainError(_("Choose how the follow-up went."), field="outcome")
    note = (note or "").strip()
    if outcome == FollowUpOutcome.PROBLEM:
        require(note, _("Describe the problem the applicant raised."), field="note")
    check_field_length(FollowUpTask, "note", note, field="note")
    task.status, task.outcome, task.note = FollowUpStatus.DONE, outcome, note
    task.done_at, task.done_by = timezone.now(), user_of(actor)
    task.save(update_fields=["status", "outcome", "note", "done_at", "done_by"])
    record_event(
        req,
        actor=actor,
        verb="delivery_followed_up",
        note=f"{FollowUpOutcome(outcome).label} {note}".strip(),
    )
    return task
