"""A consultation (咨询): the question, the one-time answer, who owns it and its history (F-REQ-1).

Seed 001 七.1: "认真履行一次性告知、首问负责制……对不能直接解答的咨询，及时组织相关人员集中研究答复，并登记接待咨询记录。"
The staff member who records a question owns it (首问负责) until it is answered or handed over with a record; a
question not answered at once gets an answer deadline in working days, with a reminder before it and an
escalation after it (requests/services/consultations.py).
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hallservice.core import fields, text_limits
from hallservice.core.crypto import EncryptedCharField
from hallservice.core.events import Event, verb_field
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

    def waiting(self) -> ConsultationQuerySet:
        """Questions still waiting for their answer (neither answered, referred nor turned into a request)."""
        return self.filter(outcome=ConsultationOutcome.OPEN)

    def overdue(self, today: date) -> ConsultationQuerySet:
        """Waiting questions past their answer deadline."""
        return self.waiting().filter(answer_due__lt=today)


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
    # 首问负责: a question not answered at once is answered by this working day (CONSULTATION_ANSWER_WORKING_DAYS).
    answer_due = models.DateField(_("answer due"), null=True, blank=True, db_index=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # The timers' stamps: each step is taken once (a sweep run twice sends nothing twice).
    reminded_on = models.DateField(_("owner reminded on"), null=True, blank=True, editable=False)
    escalated_on = models.DateField(_("escalated to the duty leader on"), null=True, blank=True, editable=False)
    supervision_escalated_on = models.DateField(
        _("escalated to the supervision section on"), null=True, blank=True, editable=False
    )

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return f"{self.name} {self.created_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("requests:consultation-detail", args=[self.pk])

    @property
    def is_waiting(self) -> bool:
        return self.outcome == ConsultationOutcome.OPEN

    def is_overdue(self, today: date) -> bool:
        """Still waiting for its answer after the answer deadline (the pages' overdue badge)."""
        return self.is_waiting and self.answer_due is not None and self.answer_due < today


class ConsultationVerb(models.TextChoices):
    """What can happen to a consultation: the closed set of ``ConsultationEvent.verb``."""

    RECORDED = "recorded", _("Consultation recorded")
    ANSWERED = "answered", _("Answered")
    REFERRED = "referred", _("Referred to a department")
    CONVERTED = "converted", _("Became a request")
    HANDED_OVER = "handed_over", _("Handed over")
    ANSWER_REMINDED = "answer_reminded", _("Owner reminded of the answer deadline")
    ESCALATED_TO_DUTY_LEADER = "escalated_duty_leader", _("Overdue: escalated to the duty leader")
    ESCALATED_TO_SUPERVISION = "escalated_supervision", _("Overdue: escalated to the supervision section")
    NOTICE_ISSUED = "notice_issued", _("One-time notice issued")


class ConsultationEvent(Event):
    """One step of a consultation's life under 首问负责: recorded, answered, handed over, reminded, escalated."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="events")
    verb = verb_field(ConsultationVerb)
    # The owner before and after a hand-over; the person an escalation went to.
    owner = fields.staff_member(_("owner"), optional=True)
    previous_owner = fields.staff_member(_("previous owner"), optional=True)

    subject_field = "consultation"

    class Meta(Event.Meta):
        verbose_name = _("consultation event")
        verbose_name_plural = _("consultation events")
