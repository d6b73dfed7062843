"""What the SMS gateway tells us back, and each phone number's SMS record: delivery reports, opt-outs (退订) and
the daily count behind the per-number limit. Phones are kept as a keyed hash (``blind_index`` with the purpose
"phone", as on requests) and a mask; the full number is never stored here.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hallservice.core import fields

from .citizens import Notification


class DeliveryState(models.TextChoices):
    DELIVERED = "delivered", _("Delivered")
    UNDELIVERED = "undelivered", _("Not delivered")


class SmsDeliveryReport(models.Model):
    """One delivery report from the SMS gateway: whether one message reached the phone, with the gateway's code."""

    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="delivery_reports",
    )
    message_id = models.CharField(_("gateway message id"), max_length=64)
    reference = models.CharField(_("our reference"), max_length=120, blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=DeliveryState.choices)
    provider_code = models.CharField(_("provider code"), max_length=32, blank=True)
    reported_at = fields.moment(_("reported at"))
    received_at = fields.created_at(_("received at"), db_index=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("SMS delivery report")
        verbose_name_plural = _("SMS delivery reports")
        constraints = [
            # A gateway repeats a callback it thinks was lost: the same report is kept once.
            models.UniqueConstraint(fields=["message_id", "status"], name="sms_report_once_per_message_status"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} {self.status}"


class OptOutChannel(models.TextChoices):
    SMS_REPLY = "sms_reply", _("SMS reply")
    CLERK = "clerk", _("Recorded by staff")


class SmsOptOut(models.Model):
    """One change of a phone number's choice about non-essential SMS: opted out (退订) or back in, when and how.

    The latest row of a number is its current choice; the rows before it are its history.
    """

    phone_hash = models.CharField(max_length=64, db_index=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20)
    opted_out = models.BooleanField(_("opted out"), default=True)
    channel = models.CharField(_("channel"), max_length=10, choices=OptOutChannel.choices)
    recorded_by = fields.user(_("recorded by"), optional=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("SMS opt-out")
        verbose_name_plural = _("SMS opt-outs")

    def __str__(self) -> str:
        return f"{self.phone_masked} {'out' if self.opted_out else 'in'}"


class SmsDailyCount(models.Model):
    """How many SMS the hall handed to the gateway for one phone number on one day: the daily limit's counter."""

    phone_hash = models.CharField(max_length=64, editable=False)
    day = models.DateField(_("day"))
    count = models.PositiveSmallIntegerField(_("messages"), default=0)

    class Meta:
        verbose_name = _("SMS daily count")
        verbose_name_plural = _("SMS daily counts")
        constraints = [models.UniqueConstraint(fields=["phone_hash", "day"], name="sms_count_once_per_number_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.count}"
