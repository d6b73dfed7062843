"""A consultation (咨询): the question, the one-time answer and who owns it (F-REQ-1)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hallservice.core import fields, text_limits
from hallservice.core.crypto import EncryptedCharField
from hallservice.core.scoping import CentreScopedQuerySet


class ConsultationChannel(models.TextChoices):
    DESK = "desk", _("At the desk")
    PHONE = "phone", _("Phone")
    ONLINE = "online", _("Online")
    APPOINTMENT = "appointment", _("Appointment")


class ConsultationOutcome(models.TextChoices):
    OPEN = "open", _("Being answered")
    ANSWERED = "answered", _("Answered")
    REFERRED = "referred", _("Referred to a department")
    CONVERTED = "converted", _("Became a request")


class ConsultationQuerySet(CentreScopedQuerySet):
    centre_path = "centre"


class Consultation(models.Model):
    """A question from a citizen or enterprise, owned by the staff member first asked (首问负责制)."""

    centre = fields.centre()
    channel = models.CharField(_("channel"), max_length=12, choices=ConsultationChannel.choices)
    name = models.CharField(_("name"), max_length=200)
    contact = EncryptedCharField(_("contact"))
    contact_masked = models.CharField(_("contact"), max_length=40, blank=True, editable=False)
    question = models.TextField(_("question"), max_length=text_limits.TEXT)
    answer = models.TextField(
        _("answer"),
        max_length=text_limits.ANSWER,
        blank=True,
        help_text=_("One-time answer: legal basis, time limit, process, materials"),
    )
    matter = fields.optional_reference("requests.Matter", _("matter"), on_delete=models.PROTECT, related_name="+")
    owner = fields.staff_member(_("first-inquiry owner"))
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=ConsultationOutcome.choices, default=ConsultationOutcome.OPEN
    )
    request = models.OneToOneField(
        "requests.ServiceRequest",
        verbose_name=_("request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation",
    )
    # Indexed: the statistics' daily figures recount a day's consultations by time.
    created_at = fields.created_at(_("time"), db_index=True)
    created_by = fields.user()

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return f"{self.name} {self.created_at:%Y-%m-%d}"
