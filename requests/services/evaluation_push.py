"""The national 好差评 push: write a message for each evaluation event, send it, retry it (国办发〔2019〕51号).

- ``evaluation_push_queue`` is called by the evaluation services (``closing.py``) inside their transaction: the
  message row commits with the rating, rectification, rating after rectification or appeal decision it reports,
  or not at all. The Celery task is sent after the commit.
- ``evaluation_push_deliver`` (the task's body) claims the row with ``select_for_update(skip_locked=True)`` and a
  lease, commits the claim, POSTs the message signed (``hallservice.core.signed_http``) and records the outcome:
  accepted → sent (never sent again); refused with a 4xx → failed with the platform's reason, not retried (shown
  to supervisors, who may send it again by hand); timeout, connection error or 5xx → pending again with an
  exponential backoff, failed after ``EVALUATION_PLATFORM_MAX_ATTEMPTS``. A worker that dies mid-send leaves the
  row claimed; once the lease passes it is taken again and re-sent with the same message id, which the platform
  de-duplicates, so it counts once.
- An evaluation's messages go in order: one waits while an earlier one of the same evaluation is still to go, and
  is sent when that one is.
- With ``EVALUATION_PLATFORM_URL`` empty the push is off: messages are still written (the record of what is owed to
  the platform) and wait; once the address is set the sweep sends them.

Logs name the message id, the HTTP status and the kind of error, never the message's content.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hallservice.core import signed_http
from hallservice.core.errors import DomainError, PermissionDenied
from hallservice.core.outbox import send_quietly

from ..models import Evaluation, EvaluationPush, NotificationStatus, ServiceRequest
from ..models.evaluation_push import UNSENT

log = logging.getLogger("requests.evaluation_push")

# A message the broker lost, or whose retry was never delivered, is sent again by the sweep this long after it was due.
SWEEP_GRACE = timedelta(minutes=2)


def enabled() -> bool:
    return bool(settings.EVALUATION_PLATFORM_URL)


def backoff_seconds(attempts: int) -> int:
    """Seconds before the next try after ``attempts`` failed ones: base, 2×base, 4×base … capped."""
    base, cap = settings.EVALUATION_PLATFORM_BACKOFF_SECONDS, settings.EVALUATION_PLATFORM_BACKOFF_MAX_SECONDS
    return min(cap, base * 2 ** max(attempts - 1, 0))


def _lease() -> timedelta:
    # Longer than one send can take, so a live worker keeps its claim.
    return timedelta(seconds=settings.EVALUATION_PLATFORM_TIMEOUT * 2 + 30)


def _task():
    from ..tasks import evaluation_push_send

    return evaluation_push_send


def _send_after_commit(push_id: int) -> None:
    if enabled():
        transaction.on_commit(lambda: send_quietly(_task(), push_id))


def evaluation_push_queue(evaluation: Evaluation, *, event: str) -> EvaluationPush:
    """Write the message of one event of ``evaluation`` (the caller holds its lock, inside its transaction)."""
    from ..evaluation_platform import snapshot

    if not Evaluation.request.is_cached(evaluation):
        # The services that lock the evaluation by its request hold the request apart: read it once with what the
        # message names, not one query per relation.
        evaluation.request = ServiceRequest.objects.select_related(
            "matter", "centre", "helper", "lead_department"
        ).get(pk=evaluation.request_id)
    message_id = uuid.uuid4()
    push = EvaluationPush.objects.create(
        message_id=message_id,
        evaluation=evaluation,
        event=event,
        payload=snapshot(evaluation, event=event, message_id=str(message_id)),
        next_attempt_at=timezone.now(),
    )
    _send_after_commit(push.pk)
    return push


@dataclass(frozen=True)
class Delivery:
    """What a delivery run did: the message's status afterwards and, when it should be tried again, in how long."""

    status: str
    retry_in: int | None = None


def _earlier_unsent():
    return EvaluationPush.objects.filter(evaluation=OuterRef("evaluation"), pk__lt=OuterRef("pk"), status__in=UNSENT)


def _claim(push_id: int) -> EvaluationPush | None:
    """Take the message for this run: pending, or claimed by a worker whose lease has passed, and not waiting for
    an earlier message of its evaluation. Skips a row another worker has locked this instant."""
    now = timezone.now()
    with transaction.atomic():
        push = (
            EvaluationPush.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=push_id)
            .filter(Q(status=NotificationStatus.PENDING) | Q(status=NotificationStatus.SENDING, lease_until__lt=now))
            .exclude(Exists(_earlier_unsent()))
            .select_related("evaluation__request")
            .first()
        )
        if push is None:
            return None
        push.status, push.attempts, push.lease_until = NotificationStatus.SENDING, push.attempts + 1, now + _lease()
        push.save(update_fields=["status", "attempts", "lease_until"])
    return push


def _record(push: EvaluationPush, **fields) -> bool:
    """Write this run's outcome, unless the claim was lost meanwhile (lease passed, another run took it)."""
    return bool(
        EvaluationPush.objects.filter(pk=push.pk, status=NotificationStatus.SENDING, attempts=push.attempts).update(
            lease_until=None, **fields
        )
    )


def evaluation_push_deliver(*, push_id: int) -> Delivery:
    """Send one message (the Celery task's body); idempotent: a sent or failed message is left alone."""
    if not enabled():
        return Delivery("disabled")
    push = _claim(push_id)
    if push is None:
        status = EvaluationPush.objects.filter(pk=push_id).values_list("status", flat=True).first()
        return Delivery(status or "missing")
    from ..evaluation_platform import wire_body

    try:
        payload = wire_body(push.payload, push.evaluation.request)
    except ImproperlyConfigured as exc:  # a province's settings that name no known item (system check requests.E030)
        _record(push, status=NotificationStatus.FAILED, last_error=str(exc)[:300])
        return Delivery(NotificationStatus.FAILED)
    try:
        answer = signed_http.post_signed(
            settings.EVALUATION_PLATFORM_URL,
            key=settings.EVALUATION_PLATFORM_KEY,
            app_id=settings.EVALUATION_PLATFORM_APP_ID,
            message_id=str(push.message_id),
            payload=payload,
            timeout=settings.EVALUATION_PLATFORM_TIMEOUT,
        )
    except Exception as exc:  # noqa: BLE001 — e.g. an address without a scheme: no retry can mend it
        # Left in "sending", the sweep would claim it after every lease and count attempts for ever.
        _record(push, status=NotificationStatus.FAILED, last_error=f"{type(exc).__name__}"[:300])
        log.error("Evaluation message %s not sent: %s", push.message_id, type(exc).__name__)
        return Delivery(NotificationStatus.FAILED)
    now = timezone.now()
    if answer.outcome == signed_http.ACCEPTED:
        _record(push, status=NotificationStatus.SENT, sent_at=now, response_status=answer.status, last_error="")
        log.info("Evaluation message %s accepted (HTTP %s)", push.message_id, answer.status)
        _send_next(push)
        return Delivery(NotificationStatus.SENT)
    if answer.outcome == signed_http.REFUSED:
        _record(push, status=NotificationStatus.FAILED, response_status=answer.status, last_error=answer.reason)
        log.warning("Evaluation message %s refused (HTTP %s)", push.message_id, answer.status)
        return Delivery(NotificationStatus.FAILED)
    final = push.attempts >= settings.EVALUATION_PLATFORM_MAX_ATTEMPTS
    wait = backoff_seconds(push.attempts)
    _record(
        push,
        status=NotificationStatus.FAILED if final else NotificationStatus.PENDING,
        next_attempt_at=None if final else now + timedelta(seconds=wait),
        response_status=answer.status,
        last_error=answer.reason,
    )
    log.warning(
        "Evaluation message %s not delivered, attempt %s (%s)",
        push.message_id,
        push.attempts,
        answer.status or answer.reason.partition(":")[0],
    )
    if final:
        return Delivery(NotificationStatus.FAILED)
    return Delivery(NotificationStatus.PENDING, retry_in=wait)


def _send_next(push: EvaluationPush) -> None:
    """The evaluation's next message, which waited for this one."""
    following = (
        EvaluationPush.objects.filter(evaluation_id=push.evaluation_id, pk__gt=push.pk, status__in=UNSENT)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if following is not None:
        send_quietly(_task(), following)


def evaluation_push_sweep() -> list[int]:
    """The beat's pass: messages whose send or retry the broker lost, and claims whose worker died, go again."""
    if not enabled():
        return []
    now = timezone.now()
    due = (
        EvaluationPush.objects.filter(
            Q(status=NotificationStatus.PENDING, next_attempt_at__lt=now - SWEEP_GRACE)
            | Q(status=NotificationStatus.SENDING, lease_until__lt=now)
        )
        .exclude(Exists(_earlier_unsent()))
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )
    ids = list(due)
    for pk in ids:
        send_quietly(_task(), pk)
    return ids


@transaction.atomic
def evaluation_push_retry(*, actor, push_id: int) -> EvaluationPush:
    """ "Send again" on the supervision page: a failed message of a centre the user sees goes out with fresh
    attempts, under the same message id (the platform counts it once if it had it after all)."""
    if not actor.has_perm("requests.retry_evaluation_push"):
        raise PermissionDenied(_("Only the supervision section can send evaluation messages again."))
    push = EvaluationPush.objects.restrict(actor).select_for_update(of=("self",)).filter(pk=push_id).first()
    if push is None:
        raise EvaluationPush.DoesNotExist(_("No such message."))
    if push.status != NotificationStatus.FAILED:
        raise DomainError(_("Only a failed message can be sent again."))
    log.info("Evaluation message %s sent again by user %s", push.message_id, actor.pk)
    push.status, push.attempts, push.next_attempt_at = NotificationStatus.PENDING, 0, timezone.now()
    push.save(update_fields=["status", "attempts", "next_attempt_at"])
    _send_after_commit(push.pk)
    return push
