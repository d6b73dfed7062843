"""Complaint handling (F-SUP-2, GB/T 36113 style): register → accept → investigate → respond → feedback → close.

`COMPLAINT_TRANSITIONS` says which status may follow which; `COMPLAINT_ACTIONS` names every action, the
statuses it is allowed in and the permission it needs. Services check both under a row lock (409 for a step
the status does not allow, 403 for an actor without the permission or outside the complaint's centre) and
write one `ComplaintEvent` in the same transaction. Messages go out after the commit (complaints.notifications through the requests app's outbox).

Time limits are working days: acceptance within COMPLAINT_ACCEPT_WORKING_DAYS of registration, the response
within COMPLAINT_RESPOND_WORKING_DAYS of acceptance (or of reopening). The daily timer flags what passed a
limit, escalates it and tells the centre's supervisors.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hallservice.core.actors import CITIZEN, SYSTEM, user_of
from hallservice.core.crypto import mask_phone
from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from hallservice.core.sequences import sequence_next
from hallservice.core.statuses import status_move
from hallservice.core.text_limits import check_length, check_lengths
from hallservice.core.workdays import WorkingCalendar
from requests.causes import FailureCause, cause_tagged
from requests.models import ServiceRequest
from requests.notifications import after_commit
from requests.services.base import require
from requests.services.intake import LOOKUP_ALPHABET, normalise_number, validate_phone
from staff.models import Department, ServiceCentre, StaffMember

from .models import (
    COMPLAINT_RESPONSE_STATUSES,
    PUBLIC_SOURCES,
    Complaint,
    ComplaintCategory,
    ComplaintEvent,
    ComplaintSource,
    ComplaintStatus,
)

CS = ComplaintStatus

COMPLAINT_TRANSITIONS: dict[ComplaintStatus, frozenset[ComplaintStatus]] = {
    CS.REGISTERED: frozenset({CS.ACCEPTED, CS.REJECTED}),
    CS.ACCEPTED: frozenset({CS.INVESTIGATING}),
    CS.INVESTIGATING: frozenset({CS.RESPONDED}),
    # The complainant's feedback closes it (satisfied) or reopens it (not satisfied).
    CS.RESPONDED: frozenset({CS.CLOSED, CS.REOPENED}),
    CS.REOPENED: frozenset({CS.INVESTIGATING}),
    CS.CLOSED: frozenset({CS.REOPENED}),
    CS.REJECTED: frozenset(),
}

HANDLE = "complaints.handle_complaint"
NOT_DONE = frozenset(CS) - {CS.CLOSED, CS.REJECTED}


@dataclass(frozen=True)
class ComplaintAction:
    name: str
    label: str
    allowed_in: frozenset[ComplaintStatus]
    target: ComplaintStatus | None
    permission: str = HANDLE
    by_applicant: bool = False  # the complainant (CITIZEN) may take it on their tracking page


COMPLAINT_ACTIONS: dict[str, ComplaintAction] = {
    a.name: a
    for a in [
        ComplaintAction("accept", gettext_lazy("Accept"), frozenset({CS.REGISTERED}), CS.ACCEPTED),
        ComplaintAction("reject", gettext_lazy("Do not accept"), frozenset({CS.REGISTERED}), CS.REJECTED),
        ComplaintAction(
            "investigate",
            gettext_lazy("Start the investigation"),
            frozenset({CS.ACCEPTED, CS.REOPENED}),
            CS.INVESTIGATING,
        ),
        ComplaintAction("respond", gettext_lazy("Respond"), frozenset({CS.INVESTIGATING}), CS.RESPONDED),
        # Target decided by the feedback: closed when satisfied, reopened when not.
        ComplaintAction(
            "record_feedback",
            gettext_lazy("Record the complainant's feedback"),
            frozenset({CS.RESPONDED}),
            None,
            by_applicant=True,
        ),
        ComplaintAction("close", gettext_lazy("Close without feedback"), frozenset({CS.RESPONDED}), CS.CLOSED),
        ComplaintAction("reopen", gettext_lazy("Reopen"), frozenset({CS.CLOSED}), CS.REOPENED),
        ComplaintAction("link", gettext_lazy("Link staff, department or request"), NOT_DONE, None),
        ComplaintAction("note", gettext_lazy("Add an internal note"), frozenset(CS), None),
    ]
}


def complaint_transition_allowed(current: str, target: str) -> bool:
    return ComplaintStatus(target) in COMPLAINT_TRANSITIONS[ComplaintStatus(current)]


def complaint_allowed_actions(user, complaint: Complaint) -> list[ComplaintAction]:
    """What this user may do with this complaint now, in the order of the table (for the page)."""
    return [a for a in COMPLAINT_ACTIONS.values() if complaint.status in a.allowed_in and user.has_perm(a.permission)]


# --- Shared steps ----------------------------------------------------------------------------------------


def _lock(complaint_id: int) -> Complaint:
    """Re-read the complaint under a row lock: two supervisors must not act on one complaint at once."""
    return Complaint.objects.select_for_update(of=("self",)).select_related("centre").get(pk=complaint_id)


def _ensure(actor, complaint: Complaint, action_name: str) -> None:
    """403 for an actor who may not act here; 409 for an action the complaint's status does not allow now."""
    action = COMPLAINT_ACTIONS[action_name]
    if actor is CITIZEN:
        allowed = action.by_applicant
    else:
        allowed = (
            actor.has_perm(action.permission) and Complaint.objects.restrict(actor).filter(pk=complaint.pk).exists()
        )
    if not allowed:
        raise PermissionDenied(_("You may not do this with complaint %(number)s.") % {"number": complaint.number})
    if complaint.status not in action.allowed_in:
        raise TransitionNotAllowed(
            _("“%(action)s” is not possible while the complaint is “%(status)s”.")
            % {"action": action.label, "status": ComplaintStatus(complaint.status).label}
        )


def _lock_for(actor, complaint_id: int, action_name: str) -> Complaint:
    """The first step of an action's service: lock the complaint, then check the action against the locked row."""
    complaint = _lock(complaint_id)
    _ensure(actor, complaint, action_name)
    return complaint


# The 409 of a move the table forbids; a module constant, translated when it is shown.
CANNOT_BECOME = gettext_lazy("A complaint that is “%(current)s” cannot become “%(target)s”.")


def _move(
    complaint: Complaint, target: ComplaintStatus, *, actor, verb: str, note: str = "", fields: tuple[str, ...] = ()
) -> ComplaintStatus:
    """Change the status after checking the table and write the change's public event; returns the previous one."""
    previous = status_move(complaint, target, transitions=COMPLAINT_TRANSITIONS, refusal=CANNOT_BECOME, fields=fields)
    _record(complaint, actor=actor, verb=verb, public=True, from_status=previous, to_status=target, note=note)
    return previous


def _record(complaint: Complaint, *, actor, verb: str, **fields) -> ComplaintEvent:
    """One row of the complaint's history; ``fields``: note, public, from_status, to_status."""
    return ComplaintEvent.record(complaint=complaint, actor=actor, verb=verb, **fields)


def _tell_complainant(complaint: Complaint, template: str) -> None:
    """An SMS to the complainant after the commit, when they left a phone number."""
    if complaint.contact:
        from .notifications import notify_complainant

        after_commit(notify_complainant, complaint_id=complaint.pk, template=template)


def _text(value: str, message: str, *, field: str, max_length: int) -> str:
    require(value, message, field=field)
    value = value.strip()
    if len(value) > max_length:
        raise DomainError(
            _("At most %(max)d characters, please (%(count)d given).") % {"max": max_length, "count": len(value)},
            field=field,
        )
    return value


def _new_number(centre: ServiceCentre) -> str:
    today = timezone.localdate()
    seq = sequence_next(key=f"complaint:{centre.code}:{today:%Y%m%d}")
    return f"TS-{centre.code}-{today:%Y%m%d}-{seq:04d}"


# --- Registration ----------------------------------------------------------------------------------------


@transaction.atomic
def complaint_register(
    *,
    actor,
    source: str,
    category: str,
    content: str,
    centre_id: int | None = None,
    request_number: str = "",
    anonymous: bool = False,
    name: str = "",
    contact: str = "",
    staff_id: int | None = None,
    department_id: int | None = None,
) -> Complaint:
    """Register a complaint from a citizen online (``actor`` CITIZEN) or taken by staff (phone, window, mailbox).

    A request number links the complaint to that request (and its centre). Online, whether the number exists
    is never revealed: it is kept as given and linked when it matches.
    """
    if actor is not CITIZEN and not actor.has_perm("complaints.register_complaint"):
        raise PermissionDenied(_("You may not register complaints."))
    if actor is CITIZEN and source not in PUBLIC_SOURCES:
        raise DomainError(_("Choose how the complaint came in."), field="source")
    if source not in ComplaintSource.values:
        raise DomainError(_("Choose how the complaint came in."), field="source")
    if category not in ComplaintCategory.values:
        raise DomainError(_("Choose what the complaint is about."), field="category")
    content = _text(content, _("Describe what happened."), field="content", max_length=settings.COMPLAINT_MAX_LENGTH)
    name = "" if anonymous else (name or "").strip()
    if len(name) > 50:
        raise DomainError(_("At most 50 characters, please."), field="name")
    contact = validate_phone(contact or "", field="contact")

    number_given = normalise_number(request_number)
    check_length(number_given, 32, field="request_number", label=_("Request number"))
    req = ServiceRequest.objects.filter(number=number_given).select_related("centre").first() if number_given else None
    member = getattr(actor, "staff_member", None)
    if actor is not CITIZEN:
        if member is None:
            raise PermissionDenied(_("Only staff members of a centre can do this."))
        if number_given and (req is None or not ServiceRequest.objects.restrict(actor).filter(pk=req.pk).exists()):
            raise DomainError(_("No request with this number in your centres."), field="request_number")
        centre = req.centre if req else member.centre
    elif req is not None:
        centre = req.centre
    else:
        centre = ServiceCentre.objects.filter(pk=centre_id).first() if centre_id else None
        if centre is None:
            raise DomainError(_("Choose the service centre the complaint is about."), field="centre")

    staff = department = None
    if staff_id is not None:
        staff = StaffMember.objects.filter(pk=staff_id).first()
        if staff is None:
            raise DomainError(_("Unknown staff member."), field="staff")
    if department_id is not None:
        department = Department.objects.filter(pk=department_id).first()
        if department is None:
            raise DomainError(_("Unknown department."), field="department")

    today = timezone.localdate()
    complaint = Complaint.objects.create(
        number=_new_number(centre),
        lookup_code="".join(secrets.choice(LOOKUP_ALPHABET) for _ in range(8)),
        centre=centre,
        source=source,
        category=category,
        content=content,
        anonymous=anonymous,
        name=name,
        contact=contact,
        contact_masked=mask_phone(contact) if contact else "",
        request_number_given=number_given,
        request=req,
        staff=staff,
        department=department or (req.lead_department if req else None),
        registered_by=user_of(actor),
        accept_due=WorkingCalendar().add_working_days(today, settings.COMPLAINT_ACCEPT_WORKING_DAYS),
    )
    _record(
        complaint,
        actor=actor,
        verb="registered",
        public=True,
        to_status=CS.REGISTERED,
        note=_("Registered; it will be accepted or answered by %(date)s.")
        % {"date": f"{complaint.accept_due:%Y-%m-%d}"},
    )
    return complaint


# --- Handling --------------------------------------------------------------------------------------------


@transaction.atomic
def complaint_accept(*, actor, complaint_id: int, note: str = "") -> Complaint:
    """Accept the complaint; the response limit starts today."""
    complaint = _lock_for(actor, complaint_id, "accept")
    complaint.accepted_at = timezone.now()
    complaint.respond_due = WorkingCalendar().add_working_days(
        timezone.localdate(), settings.COMPLAINT_RESPOND_WORKING_DAYS
    )
    _move(
        complaint,
        CS.ACCEPTED,
        actor=actor,
        verb="accepted",
        note=_("Accepted; you will have an answer by %(date)s.") % {"date": f"{complaint.respond_due:%Y-%m-%d}"},
        fields=("accepted_at", "respond_due"),
    )
    if note.strip():
        _record(complaint, actor=actor, verb="noted", note=note.strip())
    _tell_complainant(complaint, "complaint_accepted")
    return complaint


@transaction.atomic
def complaint_reject(*, actor, complaint_id: int, reason: str) -> Complaint:
    """Not accepted (outside the hall's remit, no content…): the reason is told to the complainant."""
    complaint = _lock_for(actor, complaint_id, "reject")
    complaint.response = _text(reason, _("Say why it is not accepted."), field="reason", max_length=1000)
    complaint.responded_at = complaint.closed_at = timezone.now()
    _move(
        complaint,
        CS.REJECTED,
        actor=actor,
        verb="rejected",
        note=complaint.response,
        fields=("response", "responded_at", "closed_at"),
    )
    _tell_complainant(complaint, "complaint_responded")
    return complaint


@transaction.atomic
def complaint_investigate(*, actor, complaint_id: int, note: str = "") -> Complaint:
    complaint = _lock_for(actor, complaint_id, "investigate")
    _move(complaint, CS.INVESTIGATING, actor=actor, verb="investigation_started")
    if note.strip():
        _record(complaint, actor=actor, verb="noted", note=note.strip())
    return complaint


@transaction.atomic
def complaint_respond(
    *,
    actor,
    complaint_id: int,
    response: str,
    findings: str = "",
    substantiated: bool | None = None,
    cause: str = "",
) -> Complaint:
    """Answer the complainant (public) with the internal findings and whether the complaint was substantiated.

    A substantiated complaint may name its ``cause`` (requests.causes): kept with an internal note, it proposes
    training to the supervision section in this transaction.
    """
    complaint = _lock_for(actor, complaint_id, "respond")
    complaint.response = _text(response, _("Write the answer to the complainant."), field="response", max_length=2000)
    check_lengths(Complaint, findings=(findings or "").strip())
    cause = (cause or "").strip()
    if cause and cause not in FailureCause.values:
        raise DomainError(_("Choose a cause from the list."), field="cause")
    if cause and substantiated is not True:
        raise DomainError(_("A cause is named for a substantiated complaint only."), field="cause")
    complaint.findings = (findings or "").strip()
    complaint.substantiated = substantiated
    complaint.cause = cause
    complaint.responded_at = timezone.now()
    _move(
        complaint,
        CS.RESPONDED,
        actor=actor,
        verb="responded",
        note=complaint.response,
        fields=("response", "findings", "substantiated", "cause", "responded_at"),
    )
    if complaint.findings:
        _record(complaint, actor=actor, verb="noted", note=complaint.findings)
    if cause:
        _record(
            complaint, actor=actor, verb="noted", note=_("Cause: %(cause)s") % {"cause": FailureCause(cause).label}
        )
        cause_tagged(source="complaint", row=complaint, actor=actor)
    _tell_complainant(complaint, "complaint_responded")
    return complaint


def _reopen(complaint: Complaint, *, actor, verb: str, note: str, fields: tuple[str, ...] = ()) -> ComplaintStatus:
    """Back to work with a fresh response limit (and its escalation flag cleared)."""
    complaint.respond_due = WorkingCalendar().add_working_days(
        timezone.localdate(), settings.COMPLAINT_RESPOND_WORKING_DAYS
    )
    complaint.respond_overdue_on = None
    complaint.closed_at = None
    complaint.reopen_count += 1
    return _move(
        complaint,
        CS.REOPENED,
        actor=actor,
        verb=verb,
        note=note,
        fields=("respond_due", "respond_overdue_on", "closed_at", "reopen_count", *fields),
    )


FEEDBACK_FIELDS = ("feedback_satisfied", "feedback_comment", "feedback_at")


@transaction.atomic
def complaint_feedback(*, actor, complaint_id: int, satisfied: bool, comment: str = "") -> Complaint:
    """The complainant's feedback on the response (online: ``actor`` CITIZEN; by phone: recorded by staff).

    Satisfied closes the complaint; not satisfied reopens it with a new response limit.
    """
    complaint = _lock_for(actor, complaint_id, "record_feedback")
    comment = (comment or "").strip()
    if len(comment) > 1000:
        raise DomainError(_("At most %(max)d characters, please.") % {"max": 1000}, field="comment")
    complaint.feedback_satisfied, complaint.feedback_comment, complaint.feedback_at = (
        bool(satisfied),
        comment,
        timezone.now(),
    )
    if satisfied:
        complaint.closed_at = timezone.now()
        _move(
            complaint,
            CS.CLOSED,
            actor=actor,
            verb="feedback_satisfied",
            note=comment,
            fields=("closed_at", *FEEDBACK_FIELDS),
        )
    else:
        _reopen(complaint, actor=actor, verb="feedback_unsatisfied", note=comment, fields=FEEDBACK_FIELDS)
    return complaint


@transaction.atomic
def complaint_close(*, actor, complaint_id: int, note: str) -> Complaint:
    """Close a responded complaint without the complainant's feedback (not reachable, anonymous…)."""
    complaint = _lock_for(actor, complaint_id, "close")
    note = _text(note, _("Say why it is closed without feedback."), field="note", max_length=1000)
    complaint.closed_at = timezone.now()
    _move(complaint, CS.CLOSED, actor=actor, verb="closed", fields=("closed_at",))
    _record(complaint, actor=actor, verb="noted", note=note)
    return complaint


@transaction.atomic
def complaint_reopen(*, actor, complaint_id: int, reason: str) -> Complaint:
    """Reopen a closed complaint (the complainant came back, the finding was wrong…)."""
    complaint = _lock_for(actor, complaint_id, "reopen")
    reason = _text(reason, _("Say why it is reopened."), field="reason", max_length=1000)
    _reopen(complaint, actor=actor, verb="reopened", note=reason)
    return complaint


@transaction.atomic
def complaint_add_note(*, actor, complaint_id: int, note: str) -> ComplaintEvent:
    complaint = _lock_for(actor, complaint_id, "note")
    note = _text(note, _("Write the note."), field="note", max_length=2000)
    return _record(complaint, actor=actor, verb="noted", note=note)


@transaction.atomic
def complaint_link(
    *,
    actor,
    complaint_id: int,
    staff_id: int | None = None,
    department_id: int | None = None,
    request_number: str = "",
) -> Complaint:
    """Set the staff member, department and request the complaint concerns (None / empty clears a link)."""
    complaint = _lock_for(actor, complaint_id, "link")
    staff = None
    if staff_id is not None:
        staff = StaffMember.objects.restrict(actor).filter(pk=staff_id).first()
        if staff is None:
            raise DomainError(_("Choose a staff member of your centres."), field="staff")
    department = None
    if department_id is not None:
        department = Department.objects.filter(pk=department_id).first()
        if department is None:
            raise DomainError(_("Unknown department."), field="department")
    req = None
    number = normalise_number(request_number)
    if number:
        req = ServiceRequest.objects.restrict(actor).filter(number=number).first()
        if req is None:
            raise DomainError(_("No request with this number in your centres."), field="request_number")
    complaint.staff, complaint.department, complaint.request = staff, department, req
    complaint.save(update_fields=["staff", "department", "request", "updated_at"])
    parts = [
        _("staff: %(v)s") % {"v": staff.name if staff else "—"},
        _("department: %(v)s") % {"v": department.name if department else "—"},
        _("request: %(v)s") % {"v": req.number if req else "—"},
    ]
    _record(complaint, actor=actor, verb="linked", note="；".join(parts))
    return complaint


# --- Timers (Celery beat, daily) -------------------------------------------------------------------------


def complaint_flag_overdue(today: date) -> list[int]:
    """Flag and escalate, once per limit, each complaint not accepted or not answered in time."""
    from .notifications import notify_supervisors

    touched = []
    candidates = Complaint.objects.overdue(today).values_list("pk", flat=True)
    for pk in candidates:
        with transaction.atomic():
            complaint = _lock(pk)
            if complaint.status == CS.REGISTERED and complaint.accept_due < today and not complaint.accept_overdue_on:
                complaint.accept_overdue_on = today
                verb, due, flag = "accept_overdue", complaint.accept_due, "accept_overdue_on"
            elif (
                complaint.status in COMPLAINT_RESPONSE_STATUSES
                and complaint.respond_due < today
                and not complaint.respond_overdue_on
            ):
                complaint.respond_overdue_on = today
                verb, due, flag = "respond_overdue", complaint.respond_due, "respond_overdue_on"
            else:
                continue
            complaint.escalated = True
            complaint.save(update_fields=[flag, "escalated", "updated_at"])
            _record(
                complaint, actor=SYSTEM, verb=verb, note=_("The limit was %(date)s.") % {"date": f"{due:%Y-%m-%d}"}
            )
            after_commit(
                notify_supervisors,
                complaint_id=pk,
                template=f"complaint_{verb}",
                key=f"complaint:{pk}:{verb}:{today:%Y%m%d}",
            )
            touched.append(pk)
    return touched


def complaint_close_without_feedback(today: date) -> list[int]:
    """A response that has waited COMPLAINT_FEEDBACK_WORKING_DAYS for the complainant's feedback is closed."""
    cal = WorkingCalendar()
    touched = []
    candidates = Complaint.objects.filter(status=CS.RESPONDED, responded_at__isnull=False).values_list(
        "pk", "responded_at"
    )
    for pk, responded_at in candidates:
        waited_until = cal.add_working_days(timezone.localdate(responded_at), settings.COMPLAINT_FEEDBACK_WORKING_DAYS)
        if today <= waited_until:
            continue
        with transaction.atomic():
            complaint = _lock(pk)
            if complaint.status != CS.RESPONDED:
                continue
            complaint.closed_at = timezone.now()
            _move(
                complaint,
                CS.CLOSED,
                actor=SYSTEM,
                verb="closed",
                note=_("No feedback within %(days)d working days.")
                % {"days": settings.COMPLAINT_FEEDBACK_WORKING_DAYS},
                fields=("closed_at",),
            )
            touched.append(pk)
    return touched
