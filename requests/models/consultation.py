"""A consultation (咨询): the question, the one-time answer and who owns it (F-REQ-1)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hallservice.core import text_limits
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

    centre = models.ForeignKey("staff.ServiceCentre", verbose_name=_("centre"), on_delete=models.PROTECT)
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
    matter = models.ForeignKey(
        "requests.Matter", verbose_name=_("matter"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        "staff.StaffMember", verbose_name=_("first-inquiry owner"), on_delete=models.PROTECT, related_name="+"
    )
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
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return f"{self.name} {self.created_at:%Y-%m-%d}"
