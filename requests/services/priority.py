"""Urgent handling (急办) and the applicant's priority groups (issue 18).

Seed 000 三.3: "对重要事项及企业和群众急办的事项，予以协助办理。" An urgent request carries the reason and an internal
target date before the promised deadline (承诺时限): the clerk gives the date, or it is the share
``settings.URGENT_TARGET_SHARE_PERCENT`` of the working days left to the deadline. Before acceptance the deadline is
the one acceptance today would promise (the matter's time limit from today); acceptance later only moves it later.

Seed 001 五: "对于老弱病残孕、行动不便人员，以及高层次人才、军人等特定群众，应主动靠前提供帮办代办服务；对于省、市重点
建设项目，应提前介入提供帮办代办服务。" The groups (``PriorityGroup``) are recorded at registration and can be changed
while the request is not archived; elderly is derived from the date of birth in the ID number (``elderly_of``).

Who: the front desk, duty leaders and the supervision section (``requests.prioritise_request``, staff.roles).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hallservice.core import text_limits
from hallservice.core.errors import DomainError, TransitionNotAllowed
from hallservice.core.identity import age_on, birth_date_of
from hallservice.core.text_limits import check_field_length, check_length
from hallservice.core.workdays import WorkingCalendar

from ..models import PRIORITY_FIELDS, PriorityGroup, ServiceRequest
from .base import lock_for, record_event, require, with_note


def elderly_of(id_type: str, id_number: str, *, on: date, ticked: bool = False) -> bool:
    """Whether the applicant is elderly on ``on``: from the birth date in the document when it has one (the clerk's
    tick is then ignored), else as the clerk ticked it (a passport carries no date the desk can read). An
    organisation (no document type: it gives its credit code) never is."""
    if not id_type:
        return False
    born = birth_date_of(id_type, id_number)
    if born is None:
        return ticked
    return age_on(born, on) >= settings.ELDERLY_AGE


def promised_deadline(req: ServiceRequest, *, today: date, calendar: WorkingCalendar) -> date:
    """The promised deadline, or before acceptance the one acceptance today would promise."""
    if req.deadline is not None:
        return req.deadline
    return calendar.add_working_days(today, req.matter.time_limit_days)


def default_urgent_target(deadline: date, *, today: date, calendar: WorkingCalendar) -> date:
    """The share of the working days left to ``deadline`` from today, always at least one working day before it."""
    left = calendar.working_days_between(today, deadline)
    share = left * settings.URGENT_TARGET_SHARE_PERCENT // 100
    return calendar.add_working_days(today, max(0, min(share, left - 1)))


def check_urgency(req: ServiceRequest, *, reason: str, target: date | None) -> tuple[str, date, str]:
    """The reason, internal target and event text of marking ``req`` urgent, or DomainError.

    Refused: no reason; a matter done on the spot or a deadline already today (nothing can come before it); a target
    in the past or not before the promised deadline. ``req`` may be a request not saved yet (registration).
    """
    reason = (reason or "").strip()
    require(reason, _("Say why the request is urgent."), field="urgent_reason")
    check_field_length(ServiceRequest, "urgent_reason", reason, field="urgent_reason")
    calendar, today = WorkingCalendar(), timezone.localdate()
    deadline = promised_deadline(req, today=today, calendar=calendar)
    if deadline <= today:
        raise DomainError(
            _("The promised deadline is %(deadline)s: no internal target can come before it.")
            % {"deadline": f"{deadline:%Y-%m-%d}"},
            field="urgent_target",
        )
    if target is None:
        target = default_urgent_target(deadline, today=today, calendar=calendar)
    elif target < today:
        raise DomainError(_("The internal target cannot be in the past."), field="urgent_target")
    elif target >= deadline:
        raise DomainError(
            _("The internal target must be before the promised deadline (%(deadline)s).")
            % {"deadline": f"{deadline:%Y-%m-%d}"},
            field="urgent_target",
        )
    text = _("Urgent: %(reason)s; internal target %(target)s (promised deadline %(deadline)s).") % {
        "reason": reason,
        "target": f"{target:%Y-%m-%d}",
        "deadline": f"{deadline:%Y-%m-%d}",
    }
    return reason, target, text


@transaction.atomic
def request_mark_urgent(
    *, actor, request_id: int, urgent_reason: str, urgent_target: date | None = None, note: str = ""
) -> ServiceRequest:
    """Mark an open request urgent (急办, seed 000 三.3 "对…企业和群众急办的事项，予以协助办理")."""
    req = lock_for(actor, request_id, "mark_urgent")
    if req.urgent:
        raise TransitionNotAllowed(_("Request %(number)s is already urgent.") % {"number": req.number})
    req.urgent_reason, req.urgent_target, text = check_urgency(req, reason=urgent_reason, target=urgent_target)
    req.urgent = True
    req.save(update_fields=["urgent", "urgent_reason", "urgent_target", "updated_at"])
    record_event(req, actor=actor, verb="urgent_marked", note=with_note(text, note))
    return req


@transaction.atomic
def request_unmark_urgent(*, actor, request_id: int, note: str) -> ServiceRequest:
    """The request is no longer urgent; the reason and target are cleared, the event keeps them with the note."""
    req = lock_for(actor, request_id, "unmark_urgent")
    if not req.urgent:
        raise TransitionNotAllowed(_("Request %(number)s is not urgent.") % {"number": req.number})
    require(note, _("Say why the request is no longer urgent."), field="note")
    check_length(note.strip(), text_limits.REASON, field="note")
    previous = _("was urgent: %(reason)s; internal target %(target)s") % {
        "reason": req.urgent_reason,
        "target": f"{req.urgent_target:%Y-%m-%d}",
    }
    req.urgent, req.urgent_reason, req.urgent_target = False, "", None
    req.save(update_fields=["urgent", "urgent_reason", "urgent_target", "updated_at"])
    record_event(req, actor=actor, verb="urgent_unmarked", note=f"{note.strip()}（{previous}）")
    return req


def priority_groups_text(req: ServiceRequest) -> str:
    return "、".join(str(group.label) for group in req.priority_groups) or _("none")


@transaction.atomic
def request_set_priority_groups(
    *,
    actor,
    request_id: int,
    elderly: bool = False,
    disabled: bool = False,
    pregnant: bool = False,
    military: bool = False,
    note: str = "",
) -> ServiceRequest:
    """Change the applicant's priority groups (seed 001 五 "主动靠前"); elderly stays derived from the ID number.

    The key project group follows the request's link to a key project (the action "link to a key project").
    """
    req = lock_for(actor, request_id, "set_priority_groups")
    before = priority_groups_text(req)
    wanted = {
        PriorityGroup.ELDERLY: elderly_of(
            req.applicant_id_type, req.applicant_id_number, on=timezone.localdate(), ticked=elderly
        ),
        PriorityGroup.DISABLED: disabled,
        PriorityGroup.PREGNANT: pregnant,
        PriorityGroup.MILITARY: military,
    }
    changed = [
        PRIORITY_FIELDS[group] for group, value in wanted.items() if getattr(req, PRIORITY_FIELDS[group]) != value
    ]
    if not changed:
        raise DomainError(_("The priority groups are already these."), field="disabled")
    for group, value in wanted.items():
        setattr(req, PRIORITY_FIELDS[group], value)
    req.save(update_fields=[*changed, "updated_at"])
    text = _("Priority groups: %(before)s → %(after)s.") % {"before": before, "after": priority_groups_text(req)}
    record_event(req, actor=actor, verb="priority_groups_changed", note=with_note(text, note))
    return req
