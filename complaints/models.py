"""Complaints (F-SUP-2): a citizen's complaint or suggestion and the events of its handling.

A complaint (一次未办好投诉 / 找茬吐槽) moves registered → accepted → investigating → responded → closed (or
reopened) under the table in ``complaints.services``; each step is a ``ComplaintEvent``. The time limits are
working days (GB/T 36113 style: accept within 1, respond within 5), both settings.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hallservice.core import fields, text_limits
from hallservice.core.crypto import EncryptedCharField
from hallservice.core.events import Event, actor_field, verb_field
from hallservice.core.scoping import CentreScopedQuerySet
from requests.causes import FailureCause
from requests.models import ServiceRequest


class ComplaintStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Not accepted")
    INVESTIGATING = "investigating", _("Being investigated")
    RESPONDED = "responded", _("Responded")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")


# Waiting for the response: the 5-working-day limit runs.
COMPLAINT_RESPONSE_STATUSES = (ComplaintStatus.ACCEPTED, ComplaintStatus.INVESTIGATING, ComplaintStatus.REOPENED)
COMPLAINT_OPEN_STATUSES = (ComplaintStatus.REGISTERED, *COMPLAINT_RESPONSE_STATUSES, ComplaintStatus.RESPONDED)
COMPLAINT_DONE_STATUSES = (ComplaintStatus.CLOSED, ComplaintStatus.REJECTED)


class ComplaintSource(models.TextChoices):
    ONLINE = "online", _("Online form")
    STATUS_PAGE = "status_page", _("Link on a request's status page")
    PHONE = "phone", _("Phone")
    WINDOW = "window", _("Complaint window (找茬吐槽)")
    MAILBOX = "mailbox", _("Suggestion box")
    HOTLINE = "hotline", _("12345 hotline")


# Sources a citizen reaches without staff; the rest are registered by staff.
PUBLIC_SOURCES = (ComplaintSource.ONLINE, ComplaintSource.STATUS_PAGE)


class ComplaintCategory(models.TextChoices):
    NOT_DONE_IN_ONE_VISIT = "not_one_visit", _("Not done in one visit")
    ATTITUDE = "attitude", _("Service attitude")
    EFFICIENCY = "efficiency", _("Slow or past the promised date")
    PROCESS = "process", _("Rules, materials or process")
    INTEGRITY = "integrity", _("Fees, gifts or integrity")
    FACILITIES = "facilities", _("Hall environment and facilities")
    SUGGESTION = "suggestion", _("Suggestion")
    OTHER = "other", _("Other")


class ComplaintQuerySet(CentreScopedQuerySet):
    centre_path = "centre"

    def open(self) -> ComplaintQuerySet:
        return self.filter(status__in=COMPLAINT_OPEN_STATUSES)

    def overdue(self, today: date) -> ComplaintQuerySet:
        """Not accepted by the end of the acceptance day, or not responded by the end of the response day."""
        return self.filter(
            Q(status=ComplaintStatus.REGISTERED, accept_due__lt=today)
            | Q(status__in=COMPLAINT_RESPONSE_STATUSES, respond_due__lt=today)
        )


class Complaint(models.Model):
    """One complaint or suggestion from a citizen, anonymous or not, with or without a request."""

    number = models.CharField(_("number"), max_length=32, unique=True, editable=False)
    lookup_code = models.CharField(_("lookup code"), max_length=12, editable=False)
    centre = fields.centre(related_name="complaints")
    source = models.CharField(_("source"), max_length=12, choices=ComplaintSource.choices)
    category = models.CharField(_("category"), max_length=15, choices=ComplaintCategory.choices)
    content = models.TextField(_("complaint"), max_length=text_limits.TEXT)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    name = models.CharField(_("name"), max_length=50, blank=True)
    # Personal data: encrypted at rest, listed masked only.
    contact = EncryptedCharField(_("contact phone"))
    contact_masked = models.CharField(_("contact phone"), max_length=20, blank=True, editable=False)
    request_number_given = models.CharField(_("request number given"), max_length=32, blank=True)
    request = fields.optional_reference(
        ServiceRequest, _("request"), on_delete=models.SET_NULL, related_name="complaints"
    )
    staff = fields.staff_member(_("staff member concerned"), optional=True, related_name="complaints")
    department = fields.department(_("department concerned"), optional=True, related_name="complaints")
    status = models.CharField(
        _("status"), max_length=15, choices=ComplaintStatus.choices, default=ComplaintStatus.REGISTERED, db_index=True
    )
    registered_at = fields.created_at(_("registered at"), db_index=True)
    registered_by = fields.user(
        _("registered by"), optional=True, help_text=_("Empty when the citizen filed it online")
    )
    accept_due = models.DateField(_("accept by"))
    accepted_at = fields.moment(_("accepted at"))
    respond_due = models.DateField(_("respond by"), null=True, blank=True)
    responded_at = fields.moment(_("responded at"))
    response = models.TextField(_("response to the complainant"), max_length=text_limits.TEXT, blank=True)
    findings = models.TextField(_("findings (internal)"), max_length=text_limits.LONG_TEXT, blank=True)
    substantiated = models.BooleanField(_("substantiated"), null=True, blank=True)
    # Why the service fell short, named when the complaint is substantiated: it proposes training (requests.causes).
    cause = models.CharField(_("cause"), max_length=20, choices=FailureCause.choices, blank=True)
    feedback_satisfied = models.BooleanField(_("complainant satisfied"), null=True, blank=True)
    feedback_comment = models.TextField(_("complainant's feedback"), max_length=text_limits.TEXT, blank=True)
    feedback_at = fields.moment(_("feedback at"))
    closed_at = fields.moment(_("closed at"))
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    # Escalation: set once by the timer when a limit passes; a reopening clears the response flag.
    accept_overdue_on = models.DateField(_("acceptance overdue since"), null=True, blank=True, editable=False)
    respond_overdue_on = models.DateField(_("response overdue since"), null=True, blank=True, editable=False)
    escalated = models.BooleanField(_("escalated"), default=False, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-registered_at", "-pk"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [models.Index(fields=["centre", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(anonymous=False) | Q(name=""), name="anonymous_complaint_has_no_name"),
            models.CheckConstraint(
                condition=Q(status=ComplaintStatus.REGISTERED)
                | Q(status=ComplaintStatus.REJECTED)
                | Q(respond_due__isnull=False),
                name="accepted_complaint_has_response_due",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[ComplaintStatus.RESPONDED, ComplaintStatus.REJECTED]) | ~Q(response=""),
                name="responded_complaint_has_response",
            ),
        ]
        db_table = "requests_complaint"  # moved from the requests app; the table kept its name
        permissions = [
            ("register_complaint", _("Can register complaints taken by phone, mailbox or at the window")),
            ("handle_complaint", _("Can accept, investigate, respond to and close complaints")),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("complaints:detail", args=[self.pk])

    def is_overdue(self, today: date) -> bool:
        if self.status == ComplaintStatus.REGISTERED:
            return self.accept_due < today
        return self.status in COMPLAINT_RESPONSE_STATUSES and self.respond_due is not None and self.respond_due < today

    def due_date(self) -> date | None:
        """The date the complaint's current limit runs out, or None when no limit runs."""
        if self.status == ComplaintStatus.REGISTERED:
            return self.accept_due
        if self.status in COMPLAINT_RESPONSE_STATUSES:
            return self.respond_due
        return None


class ComplaintVerb(models.TextChoices):
    """What can happen to a complaint: the closed set of its events' verbs."""

    REGISTERED = "registered", _("Complaint registered")
    ACCEPTED = "accepted", _("Complaint accepted")
    REJECTED = "rejected", _("Not accepted")
    INVESTIGATION_STARTED = "investigation_started", _("Investigation started")
    RESPONDED = "responded", _("Response given")
    FEEDBACK_SATISFIED = "feedback_satisfied", _("Complainant satisfied")
    FEEDBACK_UNSATISFIED = "feedback_unsatisfied", _("Complainant not satisfied")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    NOTED = "noted", _("Internal note")
    LINKED = "linked", _("Links changed")
    ACCEPT_OVERDUE = "accept_overdue", _("Acceptance overdue: escalated")
    RESPOND_OVERDUE = "respond_overdue", _("Response overdue: escalated")


class ComplaintEvent(Event):
    """One step of a complaint's handling: who, what, when; public ones form the complainant's timeline."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    actor = actor_field(
        on_delete=models.PROTECT, help_text=_("Empty for the complainant online and for the system's timers")
    )
    verb = verb_field(ComplaintVerb)
    from_status = models.CharField(_("from"), max_length=15, choices=ComplaintStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=15, choices=ComplaintStatus.choices, blank=True)
    public = models.BooleanField(_("public"), default=False)

    citizen_label = _("complainant")
    subject_field = "complaint"

    class Meta(Event.Meta):
        db_table = "requests_complaintevent"
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
