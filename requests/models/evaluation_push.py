"""The outbox of the national 好差评 push (国办发〔2019〕51号): one message per evaluation event.

Why here, in the requests app: the message must be written in the same transaction as the evaluation change, and
the evaluation services live in ``requests/services/closing.py``. A model in supervision (or an app above requests)
would need a signal to be written, and the house style keeps logic out of signals; an app below requests could not
read the evaluation and its request to build the message. The supervision page only reads these rows.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from hallservice.core import fields
from hallservice.core.scoping import CentreScopedQuerySet

from .citizens import NotificationStatus, OutgoingMessage
from .closing import Evaluation


class PushEvent(models.TextChoices):
    """What happened to the evaluation: the first rating, then the updates the platform is told of."""

    RATED = "rated", _("Rated")
    RECTIFIED = "rectified", _("Rectified after the return visit")
    RATED_AGAIN = "rated_again", _("Rated again after rectification")
    INVALIDATED = "invalidated", _("Found invalid on appeal")


# Still to go: waiting for its turn or a retry, or claimed by a worker (a lapsed claim is taken again).
UNSENT = (NotificationStatus.PENDING, NotificationStatus.SENDING)


class EvaluationPushQuerySet(CentreScopedQuerySet):
    centre_path = "evaluation__request__centre"

    def status_counts(self) -> dict[str, int]:
        """How many messages are sent, still to go (pending or being sent) and failed."""
        return self.aggregate(
            sent=Count("pk", filter=Q(status=NotificationStatus.SENT)),
            pending=Count("pk", filter=Q(status__in=UNSENT)),
            failed=Count("pk", filter=Q(status=NotificationStatus.FAILED)),
        )


class EvaluationPush(OutgoingMessage):
    """One message to the national evaluation platform about one event of one evaluation (an outbox row).

    ``message_id`` is what the platform de-duplicates on: a message sent again after a lost answer counts once.
    ``payload`` is the snapshot of the data items at the event, keyed by their Chinese names
    (``requests/evaluation_platform.py``); it never holds the applicant's ID number or phone, which are added
    at sending time only where a province's data items require them.
    """

    message_id = models.UUIDField(_("message id"), default=uuid.uuid4, unique=True, editable=False)
    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="pushes"
    )
    event = models.CharField(_("event"), max_length=12, choices=PushEvent.choices)
    payload = models.JSONField(_("data items"), editable=False)
    # When the next attempt is due (the backoff after a failure); the sweep sends what is overdue.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # A worker's claim: another may take the message once this has passed (the worker died mid-send).
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    response_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    created_at = fields.created_at(_("queued at"))

    objects = EvaluationPushQuerySet.as_manager()

    class Meta(OutgoingMessage.Meta):
        verbose_name = _("evaluation platform message")
        verbose_name_plural = _("evaluation platform messages")
        constraints = [
            # Each event of an evaluation happens once (rated, rectified, rated again, invalidated): one message.
            models.UniqueConstraint(fields=["evaluation", "event"], name="evaluation_push_once_per_event"),
            models.CheckConstraint(
                condition=~Q(status=NotificationStatus.SENT) | Q(sent_at__isnull=False),
                name="evaluation_push_sent_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="evaluation_push_due")]
        permissions = [("retry_evaluation_push", _("Can send a failed evaluation platform message again"))]

    def __str__(self) -> str:
        return f"{self.message_id} {self.get_event_display()}"
