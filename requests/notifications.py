"""Messages to applicants, complainants and supervisors: which events send what, rendered from templates, queued
as `Notification` rows (an outbox) and sent by Celery tasks through hallservice.core.notifications.

- Applicants get an SMS when their request is accepted, needs materials, is paused, or is done (ready for
  pick-up or posted). The beat task `notifications_sweep` turns such public request events into messages:
  request services stay as they are, nothing is sent inside a clerk's request, and an event is never
  messaged twice (each row has a unique key).
- Complainants who left a phone get an SMS when their complaint is accepted or answered (complaints.notifications
  queues them here).
- Supervisors get an e-mail when a complaint or a poor rating's follow-up passes its limit.
- Helpers get an e-mail when a request in their hands has gone N working days without a progress report.
- Staff get an e-mail when a consultation is handed to them or its answer deadline nears (首问负责); the duty leader
  on duty and then the supervisors when it passes (requests/services/consultations.py).

Templates live in templates/requests/notifications/<name>.txt: the first line is the subject (dropped for
SMS), the rest the text. Texts carry the request number, matter and a status link, never ID numbers,
phones or addresses. Messages are queued with transaction.on_commit, so a rolled-back change sends nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from operator import attrgetter

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hallservice.core.notifications import (
    PermanentFailure,
    SmsDisabled,
    TemporaryFailure,
    get_backend,
    mask_recipient,
)
from hallservice.core.text_limits import excerpt
from staff.roles import Role

from .models import (
    ConsultationEvent,
    DeliveryMethod,
    DepartmentTask,
    EscalationLevel,
    MaterialStatus,
    Notification,
    NotificationChannel,
    NotificationStatus,
    PickupMethod,
    RequestEvent,
    ServiceRequest,
    WithheldReason,
)
from .sms_kinds import is_essential

log = logging.getLogger("requests.notifications")

# Public request events that message the applicant, and the template for each.
REQUEST_EVENT_TEMPLATES = {
    "accepted": "request_accepted",
    "deficiency_notice": "request_deficient",
    "suspended": "request_suspended",
    "completed": "request_completed",
    # Seed 004 一对一服务: "因特殊情况需要对服务人员进行调整的，应与服务对象充分沟通和解释后，进行调整。"
    "reassigned": "request_helper_changed",
}
# A message queued (or claimed by a worker) this long ago without being sent was lost: queue it again.
STALE_AFTER = timedelta(minutes=10)


def render_message(template: str, context: dict) -> tuple[str, str]:
    """(subject, text) of a message template, in the hall's language whatever the calling thread's language."""
    with translation.override(settings.LANGUAGE_CODE):
        rendered = render_to_string(f"requests/notifications/{template}.txt", context).strip()
    subject, _sep, body = rendered.partition("\n")
    return subject.strip(), body.strip()


def sms_text(template: str, body: str) -> str:
    """The SMS as sent: a kind the citizen may opt out of ends with how to (回复TD退订, naming the first of
    ``SMS_OPT_OUT_KEYWORDS``); an essential kind does not, since an opt-out does not stop it (requests.sms_kinds).
    The instruction is kept whole: a text too long for the message's column loses the end of its body instead."""
    if is_essential(template):
        return body
    with translation.override(settings.LANGUAGE_CODE):
        ending = _("Reply %(keyword)s to unsubscribe") % {"keyword": settings.SMS_OPT_OUT_KEYWORDS[0]}
    # A Chinese text ends with its own punctuation; an English one needs a space before the instruction.
    gap = " " if body and body[-1].isascii() else ""
    room = Notification._meta.get_field("body").max_length - len(gap) - len(ending)
    return f"{excerpt(body, room)}{gap}{ending}"


def _enqueue(notification_id: int) -> None:
    """Hand the message to a worker. A broker outage must not fail the caller: the sweeper queues it again."""
    from .tasks import notification_send

    try:
        notification_send.delay(notification_id)
    except Exception:
        log.exception("Could not queue notification %s; the sweeper will retry", notification_id)


def after_commit(func, **kwargs) -> None:
    """Run ``func(**kwargs)`` once the transaction commits; a failure is logged, never raised into the caller
    (the change it reports has already been saved)."""

    def run():
        try:
            func(**kwargs)
        except Exception:
            log.exception("Queueing a message with %s failed", getattr(func, "__name__", func))

    transaction.on_commit(run)


def queue(
    *,
    key: str,
    channel: str,
    recipient: str,
    template: str,
    context: dict,
    request: ServiceRequest | None = None,
    request_event: RequestEvent | None = None,
    complaint=None,
) -> Notification | None:
    """Create the message once per ``key`` and send it after the commit; None without a recipient or if queued."""
    recipient = (recipient or "").strip()
    if not recipient or Notification.objects.filter(key=key).exists():
        return None
    subject, body = render_message(template, context)
    if channel == NotificationChannel.SMS:
        body = sms_text(template, body)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                key=key,
                channel=channel,
                recipient=recipient,
                recipient_masked=mask_recipient(recipient),
                template=template,
                subject=excerpt(subject, 200),
                body=body,
                request=request,
                request_event=request_event,
                complaint=complaint,
            )
    except IntegrityError:  # queued by a concurrent sweeper in the meantime
        return None
    transaction.on_commit(lambda: _enqueue(notification.pk))
    return notification


# --- Applicants ------------------------------------------------------------------------------------------


def _request_context(req: ServiceRequest, event: RequestEvent) -> dict:
    from .services.public import request_status_url

    helper = req.helper
    window = getattr(helper, "window", None)
    suspension = req.suspensions.filter(ended_on__isnull=True).first() if event.verb == "suspended" else None
    reason = ""
    if event.verb == "reassigned":
        # The helper this change named, not whoever has the request when the sweeper gets to the event.
        assignment = req.assignments.filter(at__lte=event.at).select_related("helper").order_by("-at", "-pk").first()
        if assignment is not None:
            helper, reason = assignment.helper, assignment.reason
    return {
        "req": req,
        "matter": req.matter.name,
        "centre": req.centre,
        "helper": helper.name,
        # The helper's work phone (the hall's number on their public card), never the applicant's.
        "helper_phone": helper.phone,
        "reason": reason,
        "window": window,
        "deadline": req.deadline,
        "link": request_status_url(req, absolute=True),
        "missing": [
            c.name
            for c in req.material_checks.all()
            if c.status in (MaterialStatus.MISSING, MaterialStatus.NEEDS_CORRECTION)
        ],
        "suspension": suspension,
        "by_post": req.pickup_method == PickupMethod.POST
        or getattr(getattr(req, "delivery", None), "method", "") == DeliveryMethod.POST,
    }


def notify_request_event(*, event_id: int) -> Notification | None:
    """Queue the applicant's SMS for one public request event (once; None when the event sends nothing).

    The sweeper calls this for every recent event. To send without waiting for the sweeper, a service may call
    ``after_commit(notify_request_event, event_id=event.pk)`` after recording a public event.
    """
    event = (
        RequestEvent.objects.filter(pk=event_id, public=True, verb__in=REQUEST_EVENT_TEMPLATES)
        .select_related("request", "request__matter", "request__centre", "request__helper__window")
        .first()
    )
    if event is None:
        return None
    req = event.request
    with transaction.atomic():
        return queue(
            key=f"request-event:{event.pk}:sms",
            channel=NotificationChannel.SMS,
            recipient=req.applicant_phone,
            template=REQUEST_EVENT_TEMPLATES[event.verb],
            context=_request_context(req, event),
            request=req,
            request_event=event,
        )


def sweep_request_events(now=None) -> list[int]:
    """Queue the applicant's SMS for recent public events that have none yet; returns the notification ids."""
    now = now or timezone.now()
    since = now - timedelta(hours=settings.NOTIFICATION_LOOKBACK_HOURS)
    event_ids = (
        RequestEvent.objects.filter(public=True, verb__in=REQUEST_EVENT_TEMPLATES, at__gte=since)
        .filter(notifications__isnull=True)
        .order_by("at", "pk")
        .values_list("pk", flat=True)
    )
    queued = []
    for event_id in list(event_ids):
        notification = notify_request_event(event_id=event_id)
        if notification is not None:
            queued.append(notification.pk)
    return queued


# --- Helpers ---------------------------------------------------------------------------------------------


def notify_helper_progress_prompt(*, request_id: int, since, days: int) -> Notification | None:
    """E-mail the request's helper that the applicant has heard nothing since ``since`` (once per silence).

    The daily timer (requests.services.timers.prompt_progress_reports) calls it after its event is committed; the
    key names the silence, so a retried task or a second run queues nothing more. None when the helper has no
    e-mail address: the event and the badge on the pages still tell them.
    """
    req = ServiceRequest.objects.select_related("matter", "helper__user").get(pk=request_id)
    with transaction.atomic():
        return queue(
            key=f"request:{req.pk}:progress-prompt:{since:%Y-%m-%d}",
            channel=NotificationChannel.EMAIL,
            recipient=req.helper.user.email,
            template="progress_report_prompt",
            context={
                "req": req,
                "since": since,
                "days": days,
                "base_url": settings.PUBLIC_BASE_URL.rstrip("/"),
            },
            request=req,
        )


# --- Consultations (首问负责) ------------------------------------------------------------------------------


def _consultation_event(event_id: int) -> ConsultationEvent:
    return ConsultationEvent.objects.select_related(
        "consultation__matter", "consultation__centre", "consultation__owner", "owner__user"
    ).get(pk=event_id)


def _email_staff(event: ConsultationEvent, members, *, template: str) -> list[int]:
    """E-mail each staff member about a consultation event, once per event and person (the key says so)."""
    return email_users(
        members,
        address=lambda member: member.user.email if member.user_id else "",
        as_name="member",
        key=f"consultation-event:{event.pk}",
        template=template,
        context={"event": event, "consultation": event.consultation},
    )


def notify_consultation_owner(*, event_id: int, template: str) -> list[int]:
    """E-mail the owner an event names: a consultation handed to them, or its answer deadline near."""
    event = _consultation_event(event_id)
    return _email_staff(event, [event.owner] if event.owner_id else [], template=template)


def notify_consultation_duty_leaders(*, event_id: int, staff_ids: list[int]) -> list[int]:
    """E-mail the duty leader(s) an overdue consultation was escalated to."""
    from staff.models import StaffMember

    members = StaffMember.objects.filter(pk__in=staff_ids).select_related("user").order_by("pk")
    return _email_staff(_consultation_event(event_id), members, template="consultation_overdue")


def notify_consultation_supervisors(*, event_id: int) -> list[int]:
    """E-mail the supervision section (督查指导科) responsible for the consultation's centre."""
    event = _consultation_event(event_id)
    return email_supervisors(
        centre=event.consultation.centre,
        template="consultation_overdue_supervision",
        key=f"consultation-event:{event.pk}",
        context={"event": event, "consultation": event.consultation},
    )


# --- Supervisors -----------------------------------------------------------------------------------------


def role_holders_of(centre, role: str, *, upward: bool = True, department=None) -> list:
    """Active users with ``role`` and an e-mail address at ``centre`` (and, ``upward``, at the centres above it),
    of ``department`` when one is given."""
    centre_ids = [centre.pk] + ([c.pk for c in centre.ancestors()] if upward else [])
    users = get_user_model().objects.filter(
        is_active=True,
        groups__name=role,
        staff_member__centre_id__in=centre_ids,
        staff_member__is_active=True,
    )
    if department is not None:
        users = users.filter(staff_member__department=department)
    return list(users.exclude(email="").distinct().order_by("pk"))


def supervisors_of(centre) -> list:
    """Active supervisors who see ``centre``: those of the centre itself and of the centres above it."""
    return role_holders_of(centre, Role.SUPERVISOR)


def email_supervisors(
    *, centre, template: str, key: str, context: dict, complaint=None, request: ServiceRequest | None = None
) -> list[int]:
    """E-mail each supervisor responsible for ``centre``; returns notification ids. ``complaint`` (the
    complaints app's) or ``request`` is what the message is about."""
    return email_users(
        supervisors_of(centre), template=template, key=key, context=context, complaint=complaint, request=request
    )


def email_users(
    users,
    *,
    template: str,
    key: str,
    context: dict,
    complaint=None,
    request: ServiceRequest | None = None,
    address: Callable = attrgetter("email"),
    as_name: str = "user",
) -> list[int]:
    """E-mail each of ``users`` once per ``key`` (the user's id is added to it), each message in its own
    transaction; returns the ids of the messages queued (none for someone already told or without an address).

    ``complaint`` (the complaints app's) or ``request`` is what the message is about. Staff members are e-mailed
    the same way: ``address`` finds a person's e-mail address, ``as_name`` names the person in the context.
    """
    context = {**context, "base_url": settings.PUBLIC_BASE_URL.rstrip("/")}
    queued = []
    for person in users:
        with transaction.atomic():
            notification = queue(
                key=f"{key}:{person.pk}",
                channel=NotificationChannel.EMAIL,
                recipient=address(person),
                template=template,
                context={**context, as_name: person},
                complaint=complaint,
                request=request,
            )
        if notification is not None:
            queued.append(notification.pk)
    return queued


def notify_supervisors(*, template: str, key: str, request_id: int) -> list[int]:
    """E-mail each supervisor responsible for the request's centre; returns notification ids."""
    req = ServiceRequest.objects.select_related("centre", "matter", "helper").get(pk=request_id)
    return email_supervisors(
        centre=req.centre, template=template, key=key, context={"complaint": None, "req": req}, request=req
    )


# --- Department parts (issue 18): reminders before the deadline, escalation after it --------------------------


def _department_task(task_id: int) -> DepartmentTask:
    return DepartmentTask.objects.select_related(
        "department", "request__matter", "request__centre", "request__helper__user"
    ).get(pk=task_id)


def _helper_user(req: ServiceRequest) -> list:
    user = req.helper.user if req.helper_id else None
    return [user] if user is not None and user.is_active and user.email else []


def department_part_recipients(task: DepartmentTask, level: int) -> list:
    """Who hears of a department part: at ``level`` 0 (the reminder) and 1 (overdue) the department's users at the
    request's centre and the helper; then the centre's duty leaders, the supervision section (supervisors of the
    centre and above), the bureau leaders (of the centre and above)."""
    req = task.request
    if level <= EscalationLevel.HELPER:
        department = role_holders_of(req.centre, Role.DEPARTMENT_USER, upward=False, department=task.department)
        helper = [u for u in _helper_user(req) if u not in department]
        return helper + department
    if level == EscalationLevel.DUTY_LEADER:
        return role_holders_of(req.centre, Role.DUTY_LEADER, upward=False)
    if level == EscalationLevel.SUPERVISION:
        return supervisors_of(req.centre)
    return role_holders_of(req.centre, Role.BUREAU_LEADER)


def notify_department_task_reminder(*, task_id: int) -> list[int]:
    """E-mail the department's users and the helper that the part is due soon (once per deadline)."""
    task = _department_task(task_id)
    return email_users(
        department_part_recipients(task, EscalationLevel.NONE),
        template="department_task_reminder",
        key=f"department-task:{task.pk}:reminder:{task.deadline:%Y-%m-%d}",
        context={"task": task, "req": task.request},
        request=task.request,
    )


def notify_department_task_escalation(*, task_id: int, level: int, overdue_days: int) -> list[int]:
    """E-mail the people of escalation step ``level`` that the part is overdue (once per part and step)."""
    task = _department_task(task_id)
    return email_users(
        department_part_recipients(task, level),
        template="department_task_escalated",
        key=f"department-task:{task.pk}:escalation:{level}",
        context={
            "task": task,
            "req": task.request,
            "level": EscalationLevel(level).label,
            "days": overdue_days,
        },
        request=task.request,
    )


# --- Sending (the Celery task's body) --------------------------------------------------------------------


def deliver(*, notification_id: int) -> str:
    """Send one queued message; idempotent. Raises TemporaryFailure to have the task retry later."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification_id)
        stale = timezone.now() - STALE_AFTER
        claimed_elsewhere = notification.status == NotificationStatus.SENDING and notification.claimed_at > stale
        if notification.status in (NotificationStatus.SENT, NotificationStatus.FAILED) or claimed_elsewhere:
            return notification.status
        notification.status = NotificationStatus.SENDING
        notification.claimed_at = timezone.now()
        notification.attempts += 1
        notification.save(update_fields=["status", "claimed_at", "attempts"])
    if notification.attempts == 1 and (withheld := _withhold_reason(notification)):
        return withheld
    try:
        provider_message_id = get_backend(notification.channel).send(
            recipient=notification.recipient,
            subject=notification.subject,
            body=notification.body,
            template=notification.template,
            reference=notification.key,
        )
    except TemporaryFailure as exc:
        final = notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS
        status = NotificationStatus.FAILED if final else NotificationStatus.PENDING
        Notification.objects.filter(pk=notification_id).update(status=status, last_error=excerpt(str(exc), 300))
        log.warning("Notification %s to %s failed (%s)", notification_id, notification.recipient_masked, exc)
        if final:
            return status
        raise
    except PermanentFailure as exc:
        Notification.objects.filter(pk=notification_id).update(
            status=NotificationStatus.FAILED, last_error=excerpt(str(exc), 300)
        )
        if not isinstance(exc, SmsDisabled):  # SMS_BACKEND=none: recorded as not sent, nothing to log
            log.warning("Notification %s to %s refused (%s)", notification_id, notification.recipient_masked, exc)
        return NotificationStatus.FAILED
    Notification.objects.filter(pk=notification_id).update(
        status=NotificationStatus.SENT, sent_at=timezone.now(), provider_message_id=(provider_message_id or "")[:64]
    )
    return NotificationStatus.SENT


def _withhold_reason(notification: Notification) -> str:
    """Withhold an SMS to a number that opted out (non-essential kinds) or is over today's limit: recorded as
    failed with the reason, never retried. Returns the status, or "" when the message may go."""
    from .services.sms import sms_withhold_reason

    reason = sms_withhold_reason(notification)
    if not reason:
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        label = str(WithheldReason(reason).label)
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.FAILED, withheld=reason, last_error=label
    )
    log.info("Notification %s to %s withheld (%s)", notification.pk, notification.recipient_masked, reason)
    return NotificationStatus.FAILED


def requeue_stale(now=None) -> list[int]:
    """Queue again the messages whose task was lost (broker down, worker killed)."""
    now = now or timezone.now()
    stale = now - STALE_AFTER
    ids = list(
        Notification.objects.filter(
            Q(status=NotificationStatus.PENDING, created_at__lt=stale)
            | Q(status=NotificationStatus.SENDING, claimed_at__lt=stale),
            attempts__lt=settings.NOTIFICATION_MAX_ATTEMPTS,
        ).values_list("pk", flat=True)[:500]
    )
    for pk in ids:
        _enqueue(pk)
    return ids
