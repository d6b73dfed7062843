"""What happens to a request between application and completion (F-REQ-3 … F-REQ-7)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hallservice.core import fields, text_limits
from hallservice.core.text_limits import excerpt

from .service_request import ServiceRequest

if TYPE_CHECKING:
    from .catalogue import RequiredMaterial


class MaterialStatus(models.TextChoices):
    UNCHECKED = "unchecked", _("Not checked yet")
    PROVIDED = "provided", _("Provided")
    MISSING = "missing", _("Missing")
    WAIVED = "waived", _("Waived under tolerant acceptance")
    NEEDS_CORRECTION = "needs_correction", _("Needs correction")


class MaterialCheck(models.Model):
    """The pre-review of one required material for one request (a row of the deficiency notice)."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="material_checks")
    material = models.ForeignKey(
        "requests.RequiredMaterial", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    # Copied from the catalogue at registration so later catalogue edits do not rewrite history.
    name = models.CharField(_("material"), max_length=200)
    how_to_obtain = models.CharField(_("how to obtain"), max_length=300, blank=True)
    tolerant_waivable = models.BooleanField(_("tolerant acceptance may waive"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=MaterialStatus.choices, default=MaterialStatus.UNCHECKED
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    promised_by = models.DateField(_("promised supply date"), null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True, editable=False)
    checked_at = fields.moment(_("checked at"))

    class Meta:
        ordering = ["request", "position", "pk"]
        verbose_name = _("material check")
        verbose_name_plural = _("material checks")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=MaterialStatus.WAIVED) | Q(promised_by__isnull=False),
                name="waived_material_has_promised_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def for_material(cls, request: ServiceRequest, material: RequiredMaterial, **extra) -> MaterialCheck:
        """An unsaved check of one of the matter's required materials, with the catalogue's wording copied in."""
        return cls(
            request=request,
            material=material,
            position=material.position,
            name=material.name,
            how_to_obtain=material.how_to_obtain,
            tolerant_waivable=material.tolerant_waivable,
            **extra,
        )


class MaterialCorrection(models.Model):
    """A correction (补正) of one material asked of the applicant while the request is handled, with its own due date.

    Seed 004 (承办): "代办服务事项办理过程中，出现材料需要补正时，服务人员联系服务对象进行补正。" The pre-review's
    "needs correction" (before acceptance) goes on the deficiency notice instead; this row is for a material that
    was accepted and turns out, mid-handling, to need correcting. ``supplied_at`` is set when the clerk records the
    corrected material (``request_supply_materials``); an open row past its due date is reminded of once.
    """

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="material_corrections")
    material_check = models.ForeignKey(
        MaterialCheck, verbose_name=_("material"), on_delete=models.CASCADE, related_name="corrections"
    )
    what = models.CharField(_("what to correct"), max_length=300)
    due = models.DateField(_("correct by"))
    asked_by = fields.user(_("asked by"))
    asked_at = fields.created_at(_("asked at"))
    supplied_at = fields.moment(_("supplied at"))
    reminded_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["asked_at", "pk"]
        verbose_name = _("material correction")
        verbose_name_plural = _("material corrections")
        constraints = [
            # One open correction per material: asking again would give the applicant two dates for one paper.
            models.UniqueConstraint(
                fields=["material_check"],
                condition=Q(supplied_at__isnull=True),
                name="one_open_correction_per_material",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.material_check} {self.due:%Y-%m-%d}"


class RequestLogEntry(models.Model):
    """Abstract: one dated line of a request's handling record (a hand-over, a change of helper, the work log,
    a progress report), listed oldest first on the request's page."""

    at = fields.created_at(_("time"))

    class Meta:
        abstract = True
        ordering = ["at"]


class Handover(RequestLogEntry):
    """The record of materials an agency helper received from the applicant."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="handovers")
    received_by = fields.staff_member(_("received by"))
    items = models.TextField(_("materials received"), max_length=text_limits.TEXT)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta(RequestLogEntry.Meta):
        verbose_name = _("material hand-over")
        verbose_name_plural = _("material hand-overs")

    def __str__(self) -> str:
        return f"{self.request} {self.at:%Y-%m-%d}"


class Assignment(RequestLogEntry):
    """A change of dedicated helper, with the reason the applicant was told."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="assignments")
    helper = fields.staff_member(_("helper"))
    previous_helper = fields.staff_member(_("previous helper"), optional=True)
    reason = models.CharField(_("reason"), max_length=300)
    by = fields.user(_("by"))

    class Meta(RequestLogEntry.Meta):
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self) -> str:
        return f"{self.request} → {self.helper}"


class WorkLogEntry(RequestLogEntry):
    """A line of the helper's work log: what was done, a problem met and how it was solved."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="work_log")
    author = fields.user()
    text = models.TextField(_("work done"), max_length=text_limits.TEXT)
    problem = models.TextField(_("problem"), max_length=text_limits.TEXT, blank=True)
    resolution = models.TextField(_("resolution"), max_length=text_limits.TEXT, blank=True)

    class Meta(RequestLogEntry.Meta):
        verbose_name = _("work log entry")
        verbose_name_plural = _("work log")

    def __str__(self) -> str:
        return excerpt(self.text, 40)


class ProgressReport(RequestLogEntry):
    """A progress report the applicant sees on their status page."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="progress_reports")
    author = fields.user()
    text = models.TextField(_("progress"), max_length=text_limits.SUMMARY)

    class Meta(RequestLogEntry.Meta):
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self) -> str:
        return excerpt(self.text, 40)


class TaskStatus(models.TextChoices):
    # A part in sequence waits for the part before it: no clock runs and it cannot be claimed yet.
    WAITING = "waiting", _("Waiting for an earlier part")
    OPEN = "open", _("Waiting to be claimed")
    CLAIMED = "claimed", _("Claimed")
    DONE = "done", _("Done")
    BLOCKED = "blocked", _("Blocked")


class EscalationLevel(models.IntegerChoices):
    """How far an overdue department part has been escalated (督促): one step per N working days overdue."""

    NONE = 0, _("Not escalated")
    HELPER = 1, _("Helper")
    DUTY_LEADER = 2, _("Duty leader")
    SUPERVISION = 3, _("Supervision section")
    BUREAU_LEADER = 4, _("Bureau leader")


class DepartmentTask(models.Model):
    """A participating department's part of a multi-department request, claimed and reported by that department.

    Its clock (requests/department_clock.py): ``working_days`` from the day the part opens (``opened_on``), on the
    statutory calendar, give its ``deadline``. A part in sequence (``after``) waits, without a clock, until the part
    before it is done. ``reminded_on`` and ``escalation_level`` remember what the daily sweep already did.
    """

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="department_tasks")
    department = fields.department()
    description = models.CharField(_("part to do"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    after = models.ForeignKey(
        "self",
        verbose_name=_("after part"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followers",
        help_text=_("Opens only when this earlier part of the same request is done; empty: in parallel."),
    )
    working_days = models.PositiveSmallIntegerField(_("time limit (working days)"), default=5)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True, editable=False)
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation level"), choices=EscalationLevel.choices, default=EscalationLevel.NONE
    )
    claimed_by = fields.staff_member(_("claimed by"), optional=True)
    claimed_at = fields.moment(_("claimed at"))
    finished_at = fields.moment(_("finished at"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["request", "pk"]
        verbose_name = _("department task")
        verbose_name_plural = _("department tasks")
        constraints = [
            models.UniqueConstraint(fields=["request", "department"], name="one_task_per_department_per_request"),
            models.CheckConstraint(condition=Q(working_days__gt=0), name="department_task_working_days_positive"),
            models.CheckConstraint(
                condition=~Q(status=TaskStatus.WAITING) | Q(after__isnull=False, deadline__isnull=True),
                name="waiting_task_has_no_clock",
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="department_task_due")]

    def __str__(self) -> str:
        return f"{self.request} {self.department}"


class JointMeeting(models.Model):
    """Minutes of a joint meeting the duty leader convened for a multi-department request."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="joint_meetings")
    convened_by = fields.user()
    held_on = models.DateField(_("held on"))
    attendees = models.CharField(_("attendees"), max_length=500)
    minutes = models.TextField(_("minutes"), max_length=text_limits.LONG_TEXT)
    decisions = models.TextField(_("decisions"), max_length=text_limits.TEXT, blank=True)
    at = fields.created_at()

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")

    def __str__(self) -> str:
        return f"{self.request} {self.held_on}"


class SuspensionReason(models.TextChoices):
    MATERIALS_OVERDUE = "materials_overdue", _("Materials not supplied in time")
    FEES_UNPAID = "fees_unpaid", _("Fees not paid")
    APPLICANT_ASKED = "applicant_asked", _("Applicant asked to pause")
    FORCE_MAJEURE = "force_majeure", _("Force majeure")


class Suspension(models.Model):
    """A pause of the request (and of its deadline clock) with the date by which it must resume."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="suspensions")
    reason = models.CharField(_("reason"), max_length=20, choices=SuspensionReason.choices)
    note = models.CharField(_("what the applicant must do"), max_length=500, blank=True)
    started_on = models.DateField(_("suspended on"))
    resume_by = models.DateField(_("resume by"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    paused_working_days = models.PositiveIntegerField(_("paused working days"), default=0)
    by = fields.user()

    class Meta:
        ordering = ["started_on", "pk"]
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        constraints = [
            models.UniqueConstraint(
                fields=["request"], condition=Q(ended_on__isnull=True), name="one_open_suspension_per_request"
            ),
            models.CheckConstraint(condition=Q(resume_by__gt=models.F("started_on")), name="resume_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.request} {self.started_on}"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Extension(models.Model):
    """A request to extend the promised deadline (延期), decided by a supervisor."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="extensions")
    working_days = models.PositiveSmallIntegerField(_("working days"))
    reason = models.CharField(_("reason"), max_length=500)
    status = models.CharField(
        _("status"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    requested_by = fields.user()
    requested_at = fields.created_at()
    decided_by = fields.user(optional=True)
    decided_at = fields.moment()
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    class Meta:
        ordering = ["requested_at"]
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        constraints = [
            models.CheckConstraint(condition=Q(working_days__gt=0), name="extension_positive"),
            models.UniqueConstraint(
                fields=["request"], condition=Q(status="pending"), name="one_pending_extension_per_request"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} +{self.working_days}"
