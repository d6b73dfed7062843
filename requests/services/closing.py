"""Completion, delivery, termination, evaluation, summary and archive (F-REQ-7 … F-REQ-10)."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hallservice.core.actors import CITIZEN, SYSTEM, user_of
from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from hallservice.core.text_limits import check_field_length, check_lengths, excerpt
from hallservice.core.workdays import WorkingCalendar
from staff.models import StaffMember

from ..causes import FailureCause, cause_tagged
from ..models import (
    POOR_RATINGS,
    SIGNED_HANDOVERS,
    AppealDecision,
    Delivery,
    DeliveryMethod,
    DocumentKind,
    Evaluation,
    EvaluationAppeal,
    IssuedDocument,
    Kind,
    PushEvent,
    Rating,
    ReturnedItem,
    ServiceRequest,
    SignedFormKind,
    Status,
    Summary,
    TaskStatus,
)
from .base import ensure_may_act, ensure_not_archived, lock_for, lock_request, move, record_event, require, with_note
from .delivery_follow_up import follow_up_task_open
from .evaluation_push import evaluation_push_queue
from .signatures import has_kept_signature

TERMINATION_REASONS = {
    "withdrawn": gettext_lazy("The applicant withdrew the commission in writing"),
    "false_materials": gettext_lazy("False materials, or the application does not meet the legal conditions"),
    "cannot_complete": gettext_lazy("The matter can no longer be completed (the applicant was told in writing)"),
    "materials_not_supplied": gettext_lazy("Materials were not supplied"),
    "suspension_expired": gettext_lazy("The suspension passed its resumption deadline"),
    "other": gettext_lazy("Other"),
}


@transaction.atomic
def request_complete(*, actor, request_id: int, result: str) -> ServiceRequest:
    """The matter is done; every participating department must have finished its part."""
    req = lock_for(actor, request_id, "complete")
    require(result, _("Describe the result (licence, certificate, decision…)."), field="result")
    check_lengths(ServiceRequest, result=result.strip())
    unfinished = [
        t.department.name for t in req.department_tasks.select_related("department") if t.status != TaskStatus.DONE
    ]
    if unfinished:
        raise DomainError(
            _("These departments have not finished their part: %(names)s.") % {"names": "、".join(unfinished)},
            field="result",
        )
    req.result, req.completed_at = result.strip(), timezone.now()
    move(req, Status.COMPLETED, actor=actor, verb="completed", note=result.strip(), fields=("result", "completed_at"))
    return req


@transaction.atomic
def request_deliver(
    *,
    actor,
    request_id: int,
    method: str,
    signer: str = "",
    recipient: str = "",
    address: str = "",
    carrier: str = "",
    tracking_number: str = "",
    result: str = "",
    deliverer_id: int | None = None,
    handed_over_at: datetime | None = None,
    returned_items: str = "",
) -> ServiceRequest:
    """Hand the result over: in person or at the applicant's home (signed completion form), or by free post
    (delivered once received).

    Seed 003 四.4: "办结…移交相关材料，必要时可协商通过快递送达或登门送达的方式完成". Delivery at home (登门送达)
    records who went (``deliverer_id``, the acting clerk when empty), when the applicant signed (``handed_over_at``,
    now when empty), the address — the one on file (pick-up address, else the applicant's) — and the signer.
    Both signed hand-overs need the completion form printed first and, signed, kept on file (a scan or signed on
    the tablet; a 409 otherwise): seed 001 七.3 "当面递交的，应由委托人在帮办代办服务办结单上签字确认".

    ``returned_items``, one per line, are the materials handed back to the applicant (seed 003 四.4
    "与申请人办理交接手续，移交相关材料"), recorded item by item.

    An assist request for an immediate matter gets its result on the spot straight after acceptance. A postal
    recipient or address left empty is taken from the file — the pick-up chosen on the commission letter,
    else the applicant's name and registered address — so the clerk does not type them a third time.
    """
    req = lock_for(actor, request_id, "deliver")
    if hasattr(req, "delivery"):
        raise TransitionNotAllowed(_("The result has already been sent."))
    if method not in DeliveryMethod.values:
        raise DomainError(_("Choose how the result is delivered."), field="method")
    now = timezone.now()
    if req.status == Status.ACCEPTED:
        if not (req.kind == Kind.ASSIST and req.matter.is_immediate):
            raise TransitionNotAllowed(_("Only an assist request for an immediate matter is settled on the spot."))
        if method != DeliveryMethod.ON_THE_SPOT:
            raise DomainError(_("An immediate matter is delivered on the spot."), field="method")
        require(result, _("Describe the result handed over."), field="result")
        check_lengths(ServiceRequest, result=result.strip())
        require(signer, _("Enter who received the result."), field="signer")
        req.result, req.completed_at = result.strip(), now
    elif method == DeliveryMethod.ON_THE_SPOT:
        raise DomainError(_("Choose in person or postal delivery."), field="method")
    if method in (*SIGNED_HANDOVERS, DeliveryMethod.ON_THE_SPOT):
        require(signer, _("Enter who signed the completion form."), field="signer")
    deliverer = None
    if method == DeliveryMethod.AT_HOME:
        address = address.strip() or req.pickup_address or req.applicant_address
        require(address, _("No address is on file: the result cannot be delivered at home."), field="method")
        deliverer = _home_deliverer(actor, req, deliverer_id)
        now = _handed_over_at(req, handed_over_at, now=now)
    if method in SIGNED_HANDOVERS:
        _ensure_completion_form_printed(req, signed_at=now, at_home=method == DeliveryMethod.AT_HOME)
        _ensure_completion_form_kept(req)
    items = returned_item_names(returned_items)
    if method == DeliveryMethod.POST:
        recipient = recipient.strip() or req.pickup_recipient or req.applicant_name
        address = address.strip() or req.pickup_address or req.applicant_address
        require(recipient, _("Enter the recipient."), field="recipient")
        require(address, _("Enter the postal address."), field="address")
        require(carrier, _("Enter the carrier."), field="carrier")
        require(tracking_number, _("Enter the tracking number."), field="tracking_number")
    delivery = Delivery.objects.create(
        request=req,
        method=method,
        signer=signer.strip(),
        recipient=recipient.strip(),
        address=address.strip(),
        carrier=carrier.strip(),
        tracking_number=tracking_number.strip(),
        by=actor,
        receipt_confirmed_at=None if method == DeliveryMethod.POST else now,
        deliverer=deliverer,
        handed_over_at=now if deliverer is not None else None,
    )
    ReturnedItem.objects.bulk_create(
        ReturnedItem(delivery=delivery, position=position, name=name) for position, name in enumerate(items, 1)
    )
    handed_back = _("Materials handed back: %(items)s.") % {"items": "、".join(items)} if items else ""
    if method == DeliveryMethod.POST:
        record_event(
            req,
            actor=actor,
            verb="posted",
            public=True,
            note=with_note(
                _("Sent by %(carrier)s, tracking number %(number)s.")
                % {"carrier": carrier.strip(), "number": tracking_number.strip()},
                handed_back,
            ),
        )
        return req
    req.delivered_at = req.closed_at = now
    if deliverer is not None:
        note = _(
            "Delivered at the applicant's home by %(deliverer)s to %(signer)s, who signed the completion form."
        ) % {
            "deliverer": deliverer.name,
            "signer": signer.strip(),
        }
    else:
        note = _("Handed to %(signer)s, who signed the completion form.") % {"signer": signer.strip()}
    note = with_note(note, handed_back)
    move(
        req,
        Status.DELIVERED,
        actor=actor,
        verb="delivered",
        note=note,
        fields=("delivered_at", "closed_at", "result", "completed_at"),
    )
    follow_up_task_open(req, actor=actor, delivered_at=now)
    return req


def _home_deliverer(actor, req: ServiceRequest, deliverer_id: int | None) -> StaffMember:
    """Who went to the applicant's home: an active staff member of the request's centre (the clerk by default)."""
    if deliverer_id is None:
        member = getattr(actor, "staff_member", None)
        if member is None:
            raise DomainError(_("Choose who delivered the result at home."), field="deliverer_id")
        deliverer_id = member.pk
    deliverer = StaffMember.objects.filter(
        pk=deliverer_id, is_active=True, centre_id__in=(req.centre_id, req.origin_centre_id)
    ).first()
    if deliverer is None:
        raise DomainError(
            _("Who delivered the result must be an active staff member of the request's centre."),
            field="deliverer_id",
        )
    return deliverer


def _ensure_completion_form_printed(req: ServiceRequest, *, signed_at: datetime, at_home: bool) -> None:
    """A signed hand-over records the applicant's signature on the completion form (办结单), so a printed copy
    must exist — issued no later than the signature, which at home may be recorded afterwards."""
    printed = (
        IssuedDocument.objects.filter(request=req, kind=DocumentKind.COMPLETION_FORM)
        .order_by("issued_at")
        .values_list("issued_at", flat=True)
        .first()
    )
    if printed is None:
        # 409, not 400: nothing in the input is wrong; the request is not ready for a signature yet.
        raise TransitionNotAllowed(
            _("Print the completion form first: the applicant signs the printed form when taking the result."),
            field="method",
        )
    if at_home and printed > signed_at:
        raise DomainError(
            _("The completion form was first printed at %(printed)s, after the time the applicant signed it.")
            % {"printed": f"{timezone.localtime(printed):%Y-%m-%d %H:%M}"},
            field="handed_over_at",
        )


def _ensure_completion_form_kept(req: ServiceRequest) -> None:
    """The signature on the completion form is kept, not ticked (issue 18): a scan of the signed form or a copy
    signed on the tablet must be on file before a signed hand-over is recorded."""
    if not has_kept_signature(req, SignedFormKind.COMPLETION_FORM):
        raise TransitionNotAllowed(
            _(
                "Keep the completion form signed by the applicant first: upload a scan of the signed form or "
                "have it signed on the tablet."
            ),
            field="method",
        )


# At most this many materials handed back are recorded for one delivery (a long list belongs on paper).
RETURNED_ITEMS_MAX = 50


def returned_item_names(text: str) -> list[str]:
    """The materials handed back, one per line, empty lines skipped; each within the column's length."""
    names = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(names) > RETURNED_ITEMS_MAX:
        raise DomainError(
            _("List at most %(count)s materials handed back.") % {"count": RETURNED_ITEMS_MAX},
            field="returned_items",
        )
    for name in names:
        check_field_length(ReturnedItem, "name", name, field="returned_items")
    return names


def _handed_over_at(req: ServiceRequest, moment: datetime | None, *, now: datetime) -> datetime:
    """When the applicant signed at home: not in the future, not before the matter was completed."""
    if moment is None:
        return now
    if moment > now:
        raise DomainError(_("The time of delivery cannot be in the future."), field="handed_over_at")
    if req.completed_at and moment < req.completed_at:
        raise DomainError(_("The time of delivery cannot be before the matter was completed."), field="handed_over_at")
    return moment


@transaction.atomic
def request_confirm_receipt(*, actor, request_id: int, note: str = "") -> ServiceRequest:
    """The applicant confirmed receipt of the posted result: the service ends (seed 001 七.3).

    Seed 001 七.3: "邮寄送达的，帮办代办员应做好邮寄记录，待企业和群众签收确认后，帮办代办服务自然终止": the post
    receipt (the courier's proof of the applicant's signature) must be kept on file first (409 otherwise).
    """
    req = lock_for(actor, request_id, "confirm_receipt")
    delivery = Delivery.objects.select_for_update().filter(request=req, method=DeliveryMethod.POST).first()
    if delivery is None:
        raise TransitionNotAllowed(_("Nothing has been posted for this request."))
    if not has_kept_signature(req, SignedFormKind.POST_RECEIPT):
        raise TransitionNotAllowed(
            _("Upload the post receipt signed by the applicant first: it proves the result was received.")
        )
    now = timezone.now()
    delivery.receipt_confirmed_at = now
    delivery.save(update_fields=["receipt_confirmed_at"])
    req.delivered_at = req.closed_at = now
    move(
        req,
        Status.DELIVERED,
        actor=actor,
        verb="receipt_confirmed",
        note=note.strip(),
        fields=("delivered_at", "closed_at"),
    )
    # A posted result is delivered once received: the follow-up starts from here (seed 004 跟踪服务).
    follow_up_task_open(req, actor=actor, delivered_at=now)
    return req


@transaction.atomic
def request_terminate(*, actor, request_id: int, reason: str, note: str = "") -> ServiceRequest:
    """End the service early (seed 003 notice of duties): withdrawal, false materials, cannot be completed."""
    req = lock_for(actor, request_id, "terminate")
    if reason not in TERMINATION_REASONS:
        raise DomainError(_("Choose why the service ends."), field="reason")
    return _terminate(req, actor=actor, reason=reason, note=note)


def _terminate(req: ServiceRequest, *, actor, reason: str, note: str, today=None) -> ServiceRequest:
    today = today or timezone.localdate()
    open_suspension = req.suspensions.select_for_update().filter(ended_on__isnull=True).first()
    if open_suspension is not None:
        open_suspension.ended_on = today
        open_suspension.save(update_fields=["ended_on"])
    req.termination_reason, req.closed_at = reason, timezone.now()
    move(
        req,
        Status.TERMINATED,
        actor=actor,
        verb="terminated",
        note=with_note(f"{TERMINATION_REASONS[reason]}.", note),
        fields=("termination_reason", "closed_at"),
    )
    return req


INDICATORS = ("efficiency", "service_level", "attitude")


def _rating_value(value, *, field: str, required: bool = True) -> int | None:
    if value in (None, "") and not required:
        return None
    try:
        value = int(value)
    except (TypeError, ValueError):
        value = None
    if value not in Rating.values:
        raise DomainError(_("Choose a rating from very satisfied to very dissatisfied."), field=field)
    return value


@transaction.atomic
def request_evaluate(
    *,
    actor,
    request_id: int,
    rating: int,
    comment: str = "",
    efficiency: int | None = None,
    service_level: int | None = None,
    attitude: int | None = None,
) -> Evaluation:
    """The applicant's rating (好差评): overall satisfaction plus the offline indicators (efficiency, service level,
    attitude). ``actor`` is CITIZEN online, the clerk who takes the rating at the counter otherwise. 不满意 or 非常不满意 on ANY indicator — overall or one of the three —
    opens a rectification case: a return visit within EVALUATION_RETURN_VISIT_WORKING_DAYS and rectification
    within EVALUATION_RECTIFY_WORKING_DAYS. The 好差评 rule counts each indicator, and the evaluation page
    promises the call back for a poor mark on any item (issue 14: 办事效率 不满意 with overall 满意 opens a case).
    """
    req = lock_for(actor, request_id, "evaluate")
    rating = _rating_value(rating, field="rating")
    indicators = {
        name: _rating_value(value, field=name, required=False)
        for name, value in (("efficiency", efficiency), ("service_level", service_level), ("attitude", attitude))
    }
    comment = (comment or "").strip()
    if len(comment) > 1000:
        raise DomainError(_("At most %(max)d characters, please.") % {"max": 1000}, field="comment")
    if hasattr(req, "evaluation"):
        raise TransitionNotAllowed(_("This request has already been evaluated."))
    poor_items = [
        str(Evaluation._meta.get_field(name).verbose_name)
        for name, value in (("rating", rating), *indicators.items())
        if value in POOR_RATINGS
    ]
    poor = bool(poor_items)
    today = timezone.localdate()
    calendar = WorkingCalendar()
    evaluation = Evaluation.objects.create(
        request=req,
        rating=rating,
        comment=comment,
        recorded_by=user_of(actor),
        needs_follow_up=poor,
        return_visit_due=calendar.add_working_days(today, settings.EVALUATION_RETURN_VISIT_WORKING_DAYS)
        if poor
        else None,
        rectify_due=calendar.add_working_days(today, settings.EVALUATION_RECTIFY_WORKING_DAYS) if poor else None,
        **indicators,
    )
    record_event(req, actor=actor, verb="evaluated", public=True, note=f"{Rating(rating).label} {comment}".strip())
    evaluation_push_queue(evaluation, event=PushEvent.RATED)
    if poor:
        record_event(
            req,
            actor=actor,
            verb="follow_up_opened",
            note=_("Poor rating (%(items)s): return visit by %(visit)s, rectification by %(rectify)s.")
            % {
                "items": "、".join(poor_items),
                "visit": f"{evaluation.return_visit_due:%Y-%m-%d}",
                "rectify": f"{evaluation.rectify_due:%Y-%m-%d}",
            },
        )
    return evaluation


def _lock_case(actor, request_id: int, *, permission: str) -> tuple[ServiceRequest, Evaluation]:
    """The request and its evaluation under row locks, after checking the actor may work on the case."""
    req = lock_request(request_id)
    ensure_may_act(actor, req, permission=permission)
    ensure_not_archived(req)
    evaluation = Evaluation.objects.select_for_update().filter(request=req).first()
    if evaluation is None:
        raise TransitionNotAllowed(_("This request has not been evaluated."))
    return req, evaluation


# The columns of the two steps after a poor rating: what was done, when and by whom.
RETURN_VISIT = ("follow_up_note", "followed_up_at", "followed_up_by")
RECTIFICATION = ("rectification_note", "rectified_at", "rectified_by")


@transaction.atomic
def evaluation_follow_up(*, actor, request_id: int, note: str, cause: str = "") -> Evaluation:
    """The return visit (回访) of a poor rating: talk to the applicant, apologise, find out what went wrong
    (``cause``, optional: it proposes training, see requests.causes)."""
    req = lock_for(actor, request_id, "follow_up")
    evaluation = Evaluation.objects.select_for_update().filter(request=req).first()
    if evaluation is None or not evaluation.needs_follow_up:
        raise TransitionNotAllowed(_("There is no poor evaluation to follow up."))
    if evaluation.followed_up_at:
        raise TransitionNotAllowed(_("This evaluation has already been followed up."))
    if evaluation.is_invalid:
        raise TransitionNotAllowed(_("This rating was found invalid on appeal."))
    cause = _cause_to_record(evaluation, cause)
    note = _step_done(
        evaluation,
        RETURN_VISIT,
        note=note,
        missing=_("Say what was done about the applicant's complaint."),
        actor=actor,
    )
    record_event(req, actor=actor, verb="followed_up", note=note)
    _record_cause(req, evaluation, cause, actor=actor)
    return evaluation


@transaction.atomic
def evaluation_rectify(*, actor, request_id: int, note: str, cause: str = "") -> Evaluation:
    """Record what was put right after the return visit; the applicant may then rate again. The cause may be
    named here when the return visit did not name it."""
    req, evaluation = _lock_case(actor, request_id, permission="requests.follow_up_evaluation")
    if evaluation.rectification_stage != "rectifying":
        raise TransitionNotAllowed(_("Rectification follows the return visit of a poor rating, once."))
    cause = _cause_to_record(evaluation, cause)
    note = _step_done(evaluation, RECTIFICATION, note=note, missing=_("Say what was put right."), actor=actor)
    record_event(req, actor=actor, verb="rectified", public=True, note=note)
    _record_cause(req, evaluation, cause, actor=actor)
    evaluation_push_queue(evaluation, event=PushEvent.RECTIFIED)
    return evaluation


def _cause_to_record(evaluation: Evaluation, cause: str) -> str:
    """The cause to record with this step ("" for none), checked before anything is written: one of the list,
    and not another one than the cause named already."""
    cause = (cause or "").strip()
    if not cause:
        return ""
    if cause not in FailureCause.values:
        raise DomainError(_("Choose a cause from the list."), field="cause")
    if evaluation.cause and evaluation.cause != cause:
        raise DomainError(
            _("The cause was named already: %(cause)s.") % {"cause": FailureCause(evaluation.cause).label},
            field="cause",
        )
    return cause


def _record_cause(req: ServiceRequest, evaluation: Evaluation, cause: str, *, actor) -> None:
    """Keep a newly named cause with its (internal) event and tell the hooks, in the step's transaction."""
    if not cause or evaluation.cause == cause:
        return
    evaluation.cause = cause
    evaluation.save(update_fields=["cause"])
    record_event(req, actor=actor, verb="cause_recorded", note=str(FailureCause(cause).label))
    cause_tagged(source="evaluation", row=evaluation, actor=actor)


def _step_done(evaluation: Evaluation, columns: tuple[str, str, str], *, note: str, missing: str, actor) -> str:
    """Keep a step of a poor rating's handling (the return visit, the rectification) in its three ``columns``:
    what was done, when and by whom. The note is required; returns it as kept, for the event."""
    require(note, missing, field="note")
    note = note.strip()
    check_field_length(Evaluation, columns[0], note, field="note")
    for column, value in zip(columns, (note, timezone.now(), actor), strict=True):
        setattr(evaluation, column, value)
    evaluation.save(update_fields=list(columns))
    return note


@transaction.atomic
def evaluation_rate_again(*, request_id: int, rating: int, comment: str = "") -> Evaluation:
    """The applicant's follow-up rating after rectification (online, once). Both ratings are kept."""
    req = lock_request(request_id)
    ensure_not_archived(req)
    evaluation = Evaluation.objects.select_for_update().filter(request=req).first()
    if evaluation is None or evaluation.rectification_stage != "awaiting_rating":
        raise TransitionNotAllowed(_("A rating after rectification is possible once, after the rectification."))
    rating = _rating_value(rating, field="rating")
    comment = (comment or "").strip()
    if len(comment) > 1000:
        raise DomainError(_("At most %(max)d characters, please.") % {"max": 1000}, field="comment")
    evaluation.follow_up_rating, evaluation.follow_up_comment, evaluation.follow_up_rated_at = (
        rating,
        comment,
        timezone.now(),
    )
    evaluation.save(update_fields=["follow_up_rating", "follow_up_comment", "follow_up_rated_at"])
    record_event(
        req, actor=CITIZEN, verb="re_evaluated", public=True, note=f"{Rating(rating).label} {comment}".strip()
    )
    evaluation_push_queue(evaluation, event=PushEvent.RATED_AGAIN)
    return evaluation


@transaction.atomic
def evaluation_appeal(*, actor, request_id: int, reasons: str) -> EvaluationAppeal:
    """Staff appeal against a rating (malicious, about another matter…); only the appeal review can void it."""
    req, evaluation = _lock_case(actor, request_id, permission="requests.appeal_evaluation")
    if evaluation.is_invalid or EvaluationAppeal.objects.filter(evaluation=evaluation).exists():
        raise TransitionNotAllowed(_("This rating has already been appealed."))
    require(reasons, _("Give the reasons for the appeal."), field="reasons")
    check_lengths(EvaluationAppeal, reasons=reasons.strip())
    appeal = EvaluationAppeal.objects.create(evaluation=evaluation, reasons=reasons.strip(), filed_by=user_of(actor))
    record_event(req, actor=actor, verb="appeal_filed", note=appeal.reasons)
    return appeal


@transaction.atomic
def evaluation_appeal_decide(*, actor, request_id: int, invalid: bool, reasons: str) -> EvaluationAppeal:
    """A supervisor reviews the appeal, with reasons: the rating is invalid (not counted) or it stands."""
    req, evaluation = _lock_case(actor, request_id, permission="requests.review_evaluation_appeal")
    appeal = EvaluationAppeal.objects.select_for_update().filter(evaluation=evaluation).first()
    if appeal is None or appeal.decision != AppealDecision.PENDING:
        raise TransitionNotAllowed(_("There is no appeal waiting for review."))
    if appeal.filed_by_id == actor.pk:
        raise PermissionDenied(_("The appeal must be reviewed by someone other than the person who filed it."))
    require(reasons, _("Give the reasons for the decision."), field="reasons")
    check_field_length(EvaluationAppeal, "decision_reasons", reasons.strip(), field="reasons")
    appeal.decision = AppealDecision.INVALID if invalid else AppealDecision.UPHELD
    appeal.decision_reasons, appeal.decided_by, appeal.decided_at = reasons.strip(), actor, timezone.now()
    appeal.save(update_fields=["decision", "decision_reasons", "decided_by", "decided_at"])
    if invalid:
        evaluation.is_invalid = True
        evaluation.save(update_fields=["is_invalid"])
        evaluation_push_queue(evaluation, event=PushEvent.INVALIDATED)
    record_event(
        req,
        actor=actor,
        verb="appeal_decided",
        note=f"{AppealDecision(appeal.decision).label}：{appeal.decision_reasons}",
    )
    return appeal


def evaluation_flag_overdue(today: date) -> list[int]:
    """Flag, once each, poor ratings whose return visit or rectification passed its limit; tell the supervisors."""
    from ..notifications import after_commit, notify_supervisors

    touched = []
    candidates = (
        Evaluation.objects.filter(needs_follow_up=True, is_invalid=False)
        .exclude(request__status=Status.ARCHIVED)  # archived: read-only, nothing more is flagged
        .filter(
            Q(followed_up_at__isnull=True, return_visit_due__lt=today, return_visit_flagged_on__isnull=True)
            | Q(rectified_at__isnull=True, rectify_due__lt=today, rectify_flagged_on__isnull=True)
        )
    )
    for evaluation_id, request_id in candidates.values_list("pk", "request_id"):
        with transaction.atomic():
            req = lock_request(request_id)
            evaluation = Evaluation.objects.select_for_update().get(pk=evaluation_id)
            flagged = []
            due_visit = evaluation.followed_up_at is None and evaluation.return_visit_due < today
            if due_visit and evaluation.return_visit_flagged_on is None:
                evaluation.return_visit_flagged_on = today
                flagged.append(("return_visit_flagged_on", "follow_up_overdue", evaluation.return_visit_due))
            due_rectify = evaluation.rectified_at is None and evaluation.rectify_due < today
            if due_rectify and evaluation.rectify_flagged_on is None:
                evaluation.rectify_flagged_on = today
                flagged.append(("rectify_flagged_on", "rectification_overdue", evaluation.rectify_due))
            if not flagged or evaluation.is_invalid:
                continue
            evaluation.save(update_fields=[field for field, _verb, _due in flagged])
            for _field, verb, due in flagged:
                record_event(
                    req, actor=SYSTEM, verb=verb, note=_("The limit was %(date)s.") % {"date": f"{due:%Y-%m-%d}"}
                )
                after_commit(
                    notify_supervisors,
                    request_id=request_id,
                    template=f"evaluation_{verb}",
                    key=f"evaluation:{evaluation_id}:{verb}",
                )
            touched.append(request_id)
    return touched


@transaction.atomic
def request_write_summary(*, actor, request_id: int, text: str) -> Summary:
    """The helper's summary, due within 2 working days of completion; may be revised until archived."""
    req = lock_for(actor, request_id, "write_summary")
    require(text, _("Write the summary."), field="text")
    check_lengths(Summary, text=text.strip())
    summary, created = Summary.objects.update_or_create(request=req, defaults={"text": text.strip(), "author": actor})
    record_event(req, actor=actor, verb="summary_written" if created else "summary_revised", note=excerpt(text, 200))
    return summary


@transaction.atomic
def request_archive(*, actor, request_id: int) -> ServiceRequest:
    """File the request as one file per matter; from now on it and everything under it are read-only.

    Archiving needs the summary and, after a poor rating, the return visit and rectification (409 before). The
    applicant's rating after the rectification is not awaited: once archived it is no longer taken, like every
    other change (evaluation, appeal, follow-up).
    """
    req = lock_for(actor, request_id, "archive")
    # Not possible yet (rather than bad input): 409, like every other action the request's state refuses.
    if not Summary.objects.filter(request=req).exists():
        raise TransitionNotAllowed(_("Write the summary before archiving."), field="summary")
    evaluation = Evaluation.objects.filter(request=req).first()
    if evaluation is not None and evaluation.rectification_stage in ("return_visit", "rectifying"):
        raise TransitionNotAllowed(
            _("The poor rating's return visit and rectification come first."), field="evaluation"
        )
    req.archived_at = timezone.now()
    move(req, Status.ARCHIVED, actor=actor, verb="archived", fields=("archived_at",))
    return req
