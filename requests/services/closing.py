"""Completion, delivery, termination, evaluation, summary and archive (F-REQ-7 … F-REQ-10)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hallservice.errors import DomainError, TransitionNotAllowed

from ..models import (
    POOR_RATINGS,
    Delivery,
    DeliveryMethod,
    Evaluation,
    Kind,
    Rating,
    ServiceRequest,
    Status,
    Summary,
    TaskStatus,
)
from .base import ensure_action, lock_request, move, record_event, require

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
    req = lock_request(request_id)
    ensure_action(actor, req, "complete")
    require(result, _("Describe the result (licence, certificate, decision…)."), field="result")
    unfinished = [
        t.department.name for t in req.department_tasks.select_related("department") if t.status != TaskStatus.DONE
    ]
    if unfinished:
        raise DomainError(
            _("These departments have not finished their part: %(names)s.") % {"names": "、".join(unfinished)},
            field="result",
        )
    req.result, req.completed_at = result.strip(), timezone.now()
    previous = move(req, Status.COMPLETED, fields=("result", "completed_at"))
    record_event(
        req,
        actor=actor,
        verb="completed",
        public=True,
        from_status=previous,
        to_status=Status.COMPLETED,
        note=result.strip(),
    )
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
) -> ServiceRequest:
    """Hand the result over: in person (signed completion form) or by free post (delivered once received).

    An assist request for an immediate matter gets its result on the spot straight after acceptance.
    """
    req = lock_request(request_id)
    ensure_action(actor, req, "deliver")
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
        require(signer, _("Enter who received the result."), field="signer")
        req.result, req.completed_at = result.strip(), now
    elif method == DeliveryMethod.ON_THE_SPOT:
        raise DomainError(_("Choose in person or postal delivery."), field="method")
    if method in (DeliveryMethod.IN_PERSON, DeliveryMethod.ON_THE_SPOT):
        require(signer, _("Enter who signed the completion form."), field="signer")
    if method == DeliveryMethod.POST:
        require(recipient, _("Enter the recipient."), field="recipient")
        require(address, _("Enter the postal address."), field="address")
        require(carrier, _("Enter the carrier."), field="carrier")
        require(tracking_number, _("Enter the tracking number."), field="tracking_number")
    Delivery.objects.create(
        request=req,
        method=method,
        signer=signer.strip(),
        recipient=recipient.strip(),
        address=address.strip(),
        carrier=carrier.strip(),
        tracking_number=tracking_number.strip(),
        by=actor,
        receipt_confirmed_at=None if method == DeliveryMethod.POST else now,
    )
    if method == DeliveryMethod.POST:
        record_event(
            req,
            actor=actor,
            verb="posted",
            public=True,
            note=_("Sent by %(carrier)s, tracking number %(number)s.")
            % {"carrier": carrier.strip(), "number": tracking_number.strip()},
        )
        return req
    req.delivered_at = req.closed_at = now
    previous = move(req, Status.DELIVERED, fields=("delivered_at", "closed_at", "result", "completed_at"))
    record_event(
        req,
        actor=actor,
        verb="delivered",
        public=True,
        from_status=previous,
        to_status=Status.DELIVERED,
        note=_("Handed to %(signer)s, who signed the completion form.") % {"signer": signer.strip()},
    )
    return req


@transaction.atomic
def request_confirm_receipt(*, actor, request_id: int, note: str = "") -> ServiceRequest:
    """The applicant confirmed receipt of the posted result: the service ends (seed 001 七.3)."""
    req = lock_request(request_id)
    ensure_action(actor, req, "confirm_receipt")
    delivery = Delivery.objects.select_for_update().filter(request=req, method=DeliveryMethod.POST).first()
    if delivery is None:
        raise TransitionNotAllowed(_("Nothing has been posted for this request."))
    now = timezone.now()
    delivery.receipt_confirmed_at = now
    delivery.save(update_fields=["receipt_confirmed_at"])
    req.delivered_at = req.closed_at = now
    previous = move(req, Status.DELIVERED, fields=("delivered_at", "closed_at"))
    record_event(
        req,
        actor=actor,
        verb="receipt_confirmed",
        public=True,
        from_status=previous,
        to_status=Status.DELIVERED,
        note=note.strip(),
    )
    return req


@transaction.atomic
def request_terminate(*, actor, request_id: int, reason: str, note: str = "") -> ServiceRequest:
    """End the service early (seed 003 notice of duties): withdrawal, false materials, cannot be completed."""
    req = lock_request(request_id)
    ensure_action(actor, req, "terminate")
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
    previous = move(req, Status.TERMINATED, fields=("termination_reason", "closed_at"))
    record_event(
        req,
        actor=actor,
        verb="terminated",
        public=True,
        from_status=previous,
        to_status=Status.TERMINATED,
        note=f"{TERMINATION_REASONS[reason]}. {note.strip()}".strip(),
    )
    return req


@transaction.atomic
def request_evaluate(*, actor, request_id: int, rating: int, comment: str = "") -> Evaluation:
    """The applicant's rating (好差评); 不满意 and 非常不满意 open a follow-up. ``actor`` is None online."""
    req = lock_request(request_id)
    ensure_action(actor, req, "evaluate")
    if rating not in Rating.values:
        raise DomainError(_("Choose a rating from very satisfied to very dissatisfied."), field="rating")
    if hasattr(req, "evaluation"):
        raise TransitionNotAllowed(_("This request has already been evaluated."))
    poor = rating in POOR_RATINGS
    evaluation = Evaluation.objects.create(
        request=req, rating=rating, comment=comment.strip(), recorded_by=actor, needs_follow_up=poor
    )
    record_event(
        req, actor=actor, verb="evaluated", public=True, note=f"{Rating(rating).label} {comment.strip()}".strip()
    )
    if poor:
        record_event(req, actor=actor, verb="follow_up_opened", note=_("Poor rating: a supervisor must follow it up."))
    return evaluation


@transaction.atomic
def evaluation_follow_up(*, actor, request_id: int, note: str) -> Evaluation:
    req = lock_request(request_id)
    ensure_action(actor, req, "follow_up")
    evaluation = Evaluation.objects.select_for_update().filter(request=req).first()
    if evaluation is None or not evaluation.needs_follow_up:
        raise TransitionNotAllowed(_("There is no poor evaluation to follow up."))
    if evaluation.followed_up_at:
        raise TransitionNotAllowed(_("This evaluation has already been followed up."))
    require(note, _("Say what was done about the applicant's complaint."), field="note")
    evaluation.follow_up_note, evaluation.followed_up_at, evaluation.followed_up_by = (
        note.strip(),
        timezone.now(),
        actor,
    )
    evaluation.save(update_fields=["follow_up_note", "followed_up_at", "followed_up_by"])
    record_event(req, actor=actor, verb="followed_up", note=note.strip())
    return evaluation


@transaction.atomic
def request_write_summary(*, actor, request_id: int, text: str) -> Summary:
    """The helper's summary, due within 2 working days of completion; may be revised until archived."""
    req = lock_request(request_id)
    ensure_action(actor, req, "write_summary")
    require(text, _("Write the summary."), field="text")
    summary, created = Summary.objects.update_or_create(request=req, defaults={"text": text.strip(), "author": actor})
    record_event(req, actor=actor, verb="summary_written" if created else "summary_revised", note=text.strip()[:200])
    return summary


@transaction.atomic
def request_archive(*, actor, request_id: int) -> ServiceRequest:
    """File the request as one file per matter; from now on it and everything under it are read-only."""
    req = lock_request(request_id)
    ensure_action(actor, req, "archive")
    if not Summary.objects.filter(request=req).exists():
        raise DomainError(_("Write the summary before archiving."), field="summary")
    req.archived_at = timezone.now()
    previous = move(req, Status.ARCHIVED, fields=("archived_at",))
    record_event(req, actor=actor, verb="archived", public=True, from_status=previous, to_status=Status.ARCHIVED)
    return req
