"""The citizens' channel (F-PUB): online consultation and appointment requests, and the outbox of messages sent
to citizens and staff (complaints themselves are the complaints app's).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hallservice.core import fields, text_limits
from hallservice.core.crypto import EncryptedCharField

from .consultation import Consultation
from .service_request import ServiceRequest

# --- Online consultation and appointment ------------------------------------------------------------------


class TimeSlot(models.TextChoices):
    MORNING = "morning", _("Morning (9:00–12:00)")
    AFTERNOON = "afternoon", _("Afternoon (13:30–17:00)")


class OnlineConsultation(models.Model):
    """A consultation or appointment a citizen asked for on the public pages: its reference and preferred slot.

    The question itself is an ordinary ``Consultation`` in the centre's list (channel online or appointment).
    """

    consultation = models.OneToOneField(Consultation, on_delete=models.CASCADE, related_name="online")
    reference = models.CharField(_("reference number"), max_length=32, unique=True, editable=False)
    is_appointment = models.BooleanField(_("appointment"), default=False)
    preferred_date = models.DateField(_("preferred date"), null=True, blank=True)
    slot = models.CharField(_("time slot"), max_length=10, choices=TimeSlot.choices, blank=True)
    created_at = fields.created_at(_("time"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("online consultation")
        verbose_name_plural = _("online consultations")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_appointment=False) | (Q(preferred_date__isnull=False) & ~Q(slot="")),
                name="appointment_has_date_and_slot",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


# --- Messages to citizens and staff ----------------------------------------------------------------------


class NotificationChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class WithheldReason(models.TextChoices):
    """Why an SMS was not sent on purpose (its status is failed, and it is never retried)."""

    DAILY_LIMIT = "daily_limit", _("Over the number's daily SMS limit")
    OPTED_OUT = "opted_out", _("The number opted out of non-essential SMS")


class OutgoingMessage(models.Model):
    """Abstract: a message the hall sends out through an outbox row (to a citizen or staff member, or to the
    national evaluation platform): waiting until a worker sends it, retried after a failure, newest first (each
    message declares its own ``created_at``)."""

    status = models.CharField(
        _("status"), max_length=8, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    sent_at = fields.moment(_("sent at"))

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]


class Notification(OutgoingMessage):
    """One message to one recipient, rendered from a template; sent by a Celery task (an outbox row).

    ``key`` names what the message is about (e.g. ``request-event:42:sms``) so each is queued at most once
    however often the sweeper or a retried task runs.
    """

    key = models.CharField(max_length=120, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=5, choices=NotificationChannel.choices)
    recipient = EncryptedCharField(_("recipient"))
    recipient_masked = models.CharField(_("recipient"), max_length=80, blank=True)
    template = models.CharField(_("template"), max_length=60)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("message"), max_length=text_limits.EVENT_NOTE)
    withheld = models.CharField(_("withheld"), max_length=12, choices=WithheldReason.choices, blank=True)
    # The gateway's id of a sent SMS: what its delivery reports name.
    provider_message_id = models.CharField(_("gateway message id"), max_length=64, blank=True, db_index=True)
    request = models.ForeignKey(
        ServiceRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    request_event = models.ForeignKey(
        "requests.RequestEvent", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    # By name: the outbox also carries the complaints app's messages, and requests never imports complaints.
    complaint = models.ForeignKey(
        "complaints.Complaint", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = fields.created_at(_("queued at"), db_index=True)
    claimed_at = fields.moment(editable=False)

    class Meta(OutgoingMessage.Meta):
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.template} → {self.recipient_masked}"
