"""Consultations under 首问负责 (first-inquiry responsibility): record, answer, hand over, remind, escalate, notify.

Seed 001 七.1: "帮办代办员应认真接待企业和群众来访来电，及时告知相关法律法规、政策及办事流程，认真履行一次性告知、首问负责制，
指导企业和群众做好材料准备工作。对不能直接解答的咨询，及时组织相关人员集中研究答复，并登记接待咨询记录。"
Seed 004 精准到位: "服务人员一次性告知事项的设定依据、办理时限、流程、所需材料等要素……落实首问负责制".

- The staff member who records a question owns it until it is answered or handed over with a record; only the
  owner, a duty leader or a supervisor answers it or hands it over.
- A question not answered at once (its answer left blank) is due CONSULTATION_ANSWER_WORKING_DAYS working days
  later. The seeds say only "及时" (promptly): 2 working days is this project's choice, so that 集中研究答复 (asking
  the departments) fits and the citizen still hears within the week.
- The daily timer reminds the owner before the deadline, escalates to the duty leader on duty the day after it,
  and to the supervision section when the duty leader has had CONSULTATION_SUPERVISION_AFTER_WORKING_DAYS more;
  each step is stamped on the row and written as an event under the row's lock, so a second run sends nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hallservice.core import text_limits
from hallservice.core.actors import SYSTEM, user_of
from hallservice.core.crypto import mask_phone
from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from hallservice.core.sequences import sequence_next
from hallservice.core.workdays import WorkingCalendar
from staff.access import ensure_perm, staff_of
from staff.models import StaffKind, StaffMember
from staff.roles import Role, user_has_role

from ..models import (
    Consultation,
    ConsultationChannel,
    ConsultationEvent,
    ConsultationOutcome,
    ConsultationVerb,
    Matter,
)
from .base import require
from .intake import validate_phone

# --- Who is the duty leader on duty (the rosters app knows; it sits above this one and registers itself) ---

_duty_leader_on_duty: list[Callable[..., StaffMember | None]] = []


def register_duty_leader_lookup(fn: Callable[..., StaffMember | None]) -> None:
    """Install ``fn(centre=..., day=...)``: the duty leader on duty at a centre on a day, or None (one is used)."""
    _duty_leader_on_duty[:] = [fn]


def duty_leaders_to_tell(consultation: Consultation, day: date) -> list[StaffMember]:
    """The duty leader on duty today; without a published roster, every active duty leader of the centre."""
    if _duty_leader_on_duty:
        leader = _duty_leader_on_duty[0](centre=consultation.centre, day=day)
        if leader is not None:
            return [leader]
    return list(
        StaffMember.objects.active()
        .filter(centre_id=consultation.centre_id, kind=StaffKind.DUTY_LEADER)
        .select_related("user")
        .order_by("pk")
    )


# --- Ownership ---------------------------------------------------------------------------------------------


def consultation_answer_due(day: date, calendar: WorkingCalendar | None = None) -> date:
    """The answer deadline of a question recorded on ``day`` and not answered at once."""
    return (calendar or WorkingCalendar()).add_working_days(day, settings.CONSULTATION_ANSWER_WORKING_DAYS)


def may_answer_consultations(user) -> bool:
    """Who answers consultations at all: the desks (they record them) and the supervision section (an escalated
    question lands there)."""
    return user.has_perm("requests.register_request") or user_has_role(user, Role.SUPERVISOR)


def may_act_on_consultation(actor, consultation: Consultation) -> bool:
    """The owner (首问负责人), a duty leader or a supervisor; the scope check is the caller's."""
    if getattr(actor, "is_superuser", False):
        return True
    member = getattr(actor, "staff_member", None)
    if member is not None and member.pk == consultation.owner_id:
        return True
    return user_has_role(actor, Role.DUTY_LEADER, Role.SUPERVISOR)


def _lock(actor, consultation_id: int, refusal: str) -> Consultation:
    """The consultation under a row lock, if the actor may see it and act on it (首问负责)."""
    if (
        not may_answer_consultations(actor)
        or not Consultation.objects.restrict(actor).filter(pk=consultation_id).exists()
    ):
        raise PermissionDenied(refusal)
    consultation = Consultation.objects.select_for_update(of=("self",)).get(pk=consultation_id)
    if not may_act_on_consultation(actor, consultation):
        raise PermissionDenied(
            _("Only %(owner)s, who was asked first, or a duty leader may do this.")
            % {"owner": consultation.owner.name}
        )
    return consultation


@transaction.atomic
def consultation_create(
    *,
    actor,
    channel: str,
    name: str,
    contact: str = "",
    question: str,
    answer: str = "",
    matter_id: int | None = None,
) -> Consultation:
    """Record a question; the staff member who took it owns it (首问负责制, seed 001 七.1).

    "对不能直接解答的咨询，及时组织相关人员集中研究答复": a question recorded without its answer is due
    CONSULTATION_ANSWER_WORKING_DAYS working days later.
    """
    ensure_perm(actor, "requests.register_request", _("You may not record consultations."))
    owner = staff_of(actor)
    require(name, _("Enter the name of the person asking."), field="name")
    require(question, _("Enter the question."), field="question")
    if channel not in ConsultationChannel.values:
        raise DomainError(_("Choose how the question came in."), field="channel")
    matter = Matter.objects.filter(pk=matter_id).first() if matter_id else None
    if matter_id and matter is None:
        raise DomainError(_("Choose a matter from the catalogue."), field="matter_id")
    # A phone number or nothing: the answer is given by phone and the list masks it like every other phone.
    contact, answer = validate_phone(contact, field="contact"), answer.strip()
    consultation = Consultation.objects.create(
        centre=owner.centre,
        channel=channel,
        name=name.strip(),
        contact=contact,
        contact_masked=mask_phone(contact) if contact else "",
        question=question.strip(),
        answer=answer,
        matter=matter,
        owner=owner,
        outcome=ConsultationOutcome.ANSWERED if answer else ConsultationOutcome.OPEN,
        answered_at=timezone.now() if answer else None,
        answer_due=None if answer else consultation_answer_due(timezone.localdate()),
        created_by=user_of(actor),
    )
    ConsultationEvent.record(consultation=consultation, verb=ConsultationVerb.RECORDED, actor=actor, owner=owner)
    if answer:
        ConsultationEvent.record(consultation=consultation, verb=ConsultationVerb.ANSWERED, actor=actor)
    return consultation


@transaction.atomic
def consultation_answer(*, actor, consultation_id: int, answer: str, referred: bool = False) -> Consultation:
    """The one-time answer (一次性告知) or a referral; only the owner, a duty leader or a supervisor gives it."""
    consultation = _lock(actor, consultation_id, _("You may not answer this consultation."))
    if consultation.outcome == ConsultationOutcome.CONVERTED:
        raise TransitionNotAllowed(_("This consultation has already become a request."))
    if consultation.outcome != ConsultationOutcome.OPEN:
        # The answer given is what the consultation record (接待咨询记录) keeps: it is not overwritten.
        raise TransitionNotAllowed(_("This consultation has already been answered."))
    require(answer, _("Enter the answer."), field="answer")
    consultation.answer = answer.strip()
    consultation.outcome = ConsultationOutcome.REFERRED if referred else ConsultationOutcome.ANSWERED
    consultation.answered_at = timezone.now()
    consultation.save(update_fields=["answer", "outcome", "answered_at"])
    ConsultationEvent.record(
        consultation=consultation,
        verb=ConsultationVerb.REFERRED if referred else ConsultationVerb.ANSWERED,
        actor=actor,
    )
    return consultation


def handover_candidates(consultation: Consultation):
    """Whom a consultation may go to: the active staff of its centre who record consultations, not its owner."""
    return (
        StaffMember.objects.active()
        .filter(
            centre_id=consultation.centre_id,
            user__is_active=True,
            # Through the roles (groups): the desks and the duty leaders record and answer consultations.
            user__groups__permissions__codename="register_request",
            user__groups__permissions__content_type__app_label="requests",
        )
        .exclude(pk=consultation.owner_id)
        .distinct()
        .order_by("name", "pk")
    )


@transaction.atomic
def consultation_hand_over(*, actor, consultation_id: int, to_id: int, reason: str) -> Consultation:
    """Hand a waiting question to another staff member, with a record (首问负责: "handed over with a record").

    The deadline stays: the citizen's wait does not start again. The new owner is told by e-mail and gets the
    deadline's reminder of their own.
    """
    consultation = _lock(actor, consultation_id, _("You may not hand over this consultation."))
    if consultation.outcome != ConsultationOutcome.OPEN:
        raise TransitionNotAllowed(_("Only a question still waiting for its answer can be handed over."))
    reason = (reason or "").strip()
    require(reason, _("Give the reason for the hand-over."), field="reason")
    text_limits.check_length(reason, text_limits.REASON, field="reason", label=_("Reason"))
    new_owner = handover_candidates(consultation).filter(pk=to_id).select_related("user").first() if to_id else None
    if new_owner is None or not new_owner.user.has_perm("requests.register_request"):
        raise DomainError(_("Choose an active colleague of the same centre who answers consultations."), field="to_id")
    previous = consultation.owner
    consultation.owner = new_owner
    consultation.reminded_on = None
    consultation.save(update_fields=["owner", "reminded_on"])
    event = ConsultationEvent.record(
        consultation=consultation,
        verb=ConsultationVerb.HANDED_OVER,
        actor=actor,
        owner=new_owner,
        previous_owner=previous,
        note=reason,
    )
    from ..notifications import after_commit, notify_consultation_owner

    after_commit(notify_consultation_owner, event_id=event.pk, template="consultation_handed_over")
    return consultation


@transaction.atomic
def consultation_issue_notice(*, actor, consultation_id: int) -> tuple[Consultation, str]:
    """Record the issue of a one-time notice (一次性告知单, seed 003 附件3) listing the matter's materials.

    Seed 003 附件3 备注 1: "此告知单适用于应申请人请求的事项办理答疑、咨询辅导". Returns the consultation and the
    notice's code; the view renders the PDF (requests.documents.render_consultation_notice).
    """
    if (
        not may_answer_consultations(actor)
        or not Consultation.objects.restrict(actor).filter(pk=consultation_id).exists()
    ):
        raise PermissionDenied(_("You may not issue a notice for this consultation."))
    consultation = Consultation.objects.select_for_update(of=("self",)).get(pk=consultation_id)
    if consultation.matter_id is None:
        raise TransitionNotAllowed(_("Name the matter first: the notice lists its materials."))
    code = f"ZXGZ-{consultation.pk}-{sequence_next(key=f'consultation-notice:{consultation.pk}'):02d}"
    ConsultationEvent.record(consultation=consultation, verb=ConsultationVerb.NOTICE_ISSUED, actor=actor, note=code)
    return consultation, code


# --- Timers (daily, Celery beat) ---------------------------------------------------------------------------


def _step_once(pk: int, today: date, field: str, *, due: Callable[[Consultation], bool], step) -> bool:
    """Stamp ``field`` with today and take ``step(consultation)`` (event + message), once, under the row lock."""
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update(of=("self",)).filter(pk=pk).first()
        if consultation is None or getattr(consultation, field) or not consultation.is_waiting:
            return False
        if not due(consultation):
            return False
        setattr(consultation, field, today)
        consultation.save(update_fields=[field])
        step(consultation)
        return True


def remind_consultation_owners(today: date, calendar: WorkingCalendar | None = None) -> list[int]:
    """Remind the owner, once, when a waiting question is due within CONSULTATION_REMINDER_WORKING_DAYS."""
    from ..notifications import after_commit, notify_consultation_owner

    cal = calendar or WorkingCalendar()
    horizon = cal.add_working_days(today, settings.CONSULTATION_REMINDER_WORKING_DAYS)

    def step(c: Consultation) -> None:
        event = ConsultationEvent.record(
            consultation=c,
            verb=ConsultationVerb.ANSWER_REMINDED,
            actor=SYSTEM,
            owner_id=c.owner_id,
            note=_("To be answered by %(date)s.") % {"date": f"{c.answer_due:%Y-%m-%d}"},
        )
        after_commit(notify_consultation_owner, event_id=event.pk, template="consultation_answer_due")

    candidates = Consultation.objects.waiting().filter(
        answer_due__gte=today, answer_due__lte=horizon, reminded_on__isnull=True
    )
    return [
        pk
        for pk in candidates.order_by("pk").values_list("pk", flat=True)
        if _step_once(pk, today, "reminded_on", due=lambda c: today <= c.answer_due <= horizon, step=step)
    ]


def escalate_overdue_consultations(today: date) -> list[int]:
    """Past the deadline: tell the duty leader on duty, once (首问负责 escalated to the day's leader)."""
    from ..notifications import after_commit, notify_consultation_duty_leaders

    def step(c: Consultation) -> None:
        leaders = duty_leaders_to_tell(c, today)
        event = ConsultationEvent.record(
            consultation=c,
            verb=ConsultationVerb.ESCALATED_TO_DUTY_LEADER,
            actor=SYSTEM,
            owner=leaders[0] if len(leaders) == 1 else None,
            note=_("Not answered by %(date)s; told: %(names)s.")
            % {"date": f"{c.answer_due:%Y-%m-%d}", "names": "、".join(m.name for m in leaders) or "—"},
        )
        after_commit(notify_consultation_duty_leaders, event_id=event.pk, staff_ids=[m.pk for m in leaders])

    candidates = Consultation.objects.overdue(today).filter(escalated_on__isnull=True)
    return [
        pk
        for pk in candidates.order_by("pk").values_list("pk", flat=True)
        if _step_once(pk, today, "escalated_on", due=lambda c: c.is_overdue(today), step=step)
    ]


def escalate_to_supervision(today: date, calendar: WorkingCalendar | None = None) -> list[int]:
    """Still unanswered CONSULTATION_SUPERVISION_AFTER_WORKING_DAYS after the duty leader was told: the
    supervision section (督查指导科) hears of it, once."""
    from ..notifications import after_commit, notify_consultation_supervisors

    cal = calendar or WorkingCalendar()
    days = settings.CONSULTATION_SUPERVISION_AFTER_WORKING_DAYS

    def due(c: Consultation) -> bool:
        return c.escalated_on is not None and cal.add_working_days(c.escalated_on, days) <= today

    def step(c: Consultation) -> None:
        event = ConsultationEvent.record(
            consultation=c,
            verb=ConsultationVerb.ESCALATED_TO_SUPERVISION,
            actor=SYSTEM,
            note=_("Not answered by %(date)s; the duty leader was told on %(told)s.")
            % {"date": f"{c.answer_due:%Y-%m-%d}", "told": f"{c.escalated_on:%Y-%m-%d}"},
        )
        after_commit(notify_consultation_supervisors, event_id=event.pk)

    candidates = Consultation.objects.overdue(today).filter(
        escalated_on__isnull=False, supervision_escalated_on__isnull=True
    )
    return [
        pk
        for pk in candidates.order_by("pk").values_list("pk", flat=True)
        if _step_once(pk, today, "supervision_escalated_on", due=due, step=step)
    ]
