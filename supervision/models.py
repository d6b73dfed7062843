"""Supervision data: monthly reports, the pre-counted statistics and ledger gaps kept by triggers, integrity records,
inspections, circulated notices (通报) and the register of difficult points (难点堵点) with their history.

The tables keep the names they had in the apps these models came from (hallservice_*, staff_integrityrecord):
the triggers of figures.py and ledger_gaps.py write them by name. (Having models also makes Django send this app
post_migrate, which installs those triggers: supervision/apps.py.)
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hallservice.core import fields, job_rows, text_limits
from hallservice.core.centre_events import CentreEvent
from hallservice.core.events import verb_field
from hallservice.core.scoping import CentreScopedQuerySet

from .choices import DifficultPointStatus, FigureMeasure, IntegrityKind, ReportStatus, SupervisionVerb


class MonthlyReport(models.Model):
    """One month's statistics of a centre and its lower centres (数据统计上报), built as xlsx and PDF by a task."""

    centre = fields.centre()
    month = models.DateField(_("month"), help_text=_("The first day of the month reported"))
    status = job_rows.status_field(ReportStatus)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    xlsx = models.FileField(_("spreadsheet"), upload_to="reports/", blank=True)
    pdf = models.FileField(_("PDF"), upload_to="reports/", blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, help_text=_("Runs started by a worker"))
    enqueued_at = fields.moment(_("sent to the queue at"), help_text=_("Empty while the task queue was unreachable"))
    heartbeat_at = fields.moment(_("last sign of life"))
    requested_by = fields.user(optional=True, help_text=_("Empty when the monthly timer prepared it"))
    created_at = fields.created_at(_("requested at"))
    finished_at = fields.moment(_("finished at"))

    class Meta:
        db_table = "hallservice_monthlyreport"
        ordering = ["-month", "-created_at"]
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        permissions = [
            ("view_statistics", _("Can view supervision statistics and monthly reports")),
            ("view_assessment", _("Can view annual assessments")),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(month__day=1), name="monthly_report_first_of_month"),
        ]

    def __str__(self) -> str:
        return f"{self.centre} {self.month:%Y-%m}"


FIGURE_COUNTERS = (
    "total",
    "accepted",
    "refused",
    "late",
    "on_time",
    "without_notice",
    "at_most_one_notice",
    "converted",
    "poor",
    "rating_sum",
)


class FigureCounts(models.Model):
    """The counters of a pre-counted statistics row; a measure uses some of them and leaves the others 0.

    Derived data, rebuilt from requests, evaluations and consultations, never edited. `key` is the breakdown
    value (a department or helper id, a kind, a rating, a number of working days) or empty. Late and on time
    both need a deadline, so a completion without one is neither.
    """

    centre = fields.centre(on_delete=models.CASCADE, related_name="+")
    measure = models.CharField(_("measure"), max_length=16, choices=FigureMeasure.choices)
    key = models.CharField(_("key"), max_length=32, blank=True)
    total = models.PositiveIntegerField(_("total"), default=0)
    accepted = models.PositiveIntegerField(_("accepted"), default=0)
    refused = models.PositiveIntegerField(_("refused"), default=0)
    late = models.PositiveIntegerField(_("completed late"), default=0)
    on_time = models.PositiveIntegerField(_("completed by the deadline"), default=0)
    without_notice = models.PositiveIntegerField(_("without deficiency notice"), default=0)
    at_most_one_notice = models.PositiveIntegerField(_("at most one deficiency notice"), default=0)
    converted = models.PositiveIntegerField(_("became requests"), default=0)
    poor = models.PositiveIntegerField(_("poor ratings"), default=0)
    rating_sum = models.PositiveIntegerField(_("sum of ratings"), default=0)

    class Meta:
        abstract = True


def _figure_index(period: str, name: str) -> models.Index:
    # The dashboard asks for some measures of a few centres over a range and sums by key: on PostgreSQL the
    # INCLUDE columns answer it from the index alone.
    return models.Index(fields=["measure", "centre", period], include=["key", *FIGURE_COUNTERS], name=name)


class DailyFigure(FigureCounts):
    """One local day's counts for one centre: `day` is the date of what the measure counts (registration,
    completion, evaluation, consultation)."""

    day = models.DateField(_("day"))

    class Meta:
        db_table = "hallservice_dailyfigure"
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        indexes = [_figure_index("day", "daily_figure_lookup"), models.Index(fields=["day"], name="daily_figure_day")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.centre_id} {self.measure} {self.key}: {self.total}"


class MonthlyFigure(FigureCounts):
    """A month's sum of the daily figures, so a year is twelve rows per key rather than 365."""

    month = models.DateField(_("month"), help_text=_("The first day of the month"))

    class Meta:
        db_table = "hallservice_monthlyfigure"
        verbose_name = _("monthly figure")
        verbose_name_plural = _("monthly figures")
        indexes = [
            _figure_index("month", "monthly_figure_lookup"),
            models.Index(fields=["month"], name="monthly_figure_month"),
        ]
        constraints = [models.CheckConstraint(condition=models.Q(month__day=1), name="monthly_figure_first_day")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.centre_id} {self.measure} {self.key}: {self.total}"


class StaleDay(models.Model):
    """A local date whose daily figures must be rebuilt, written by database triggers on every change.

    Triggers on requests, evaluations and consultations (installed after every migrate, see
    supervision/figures.py) append a row for each day a change touches, whichever code path
    made it: services, admin, queryset updates or a data fix in SQL. Rows are appended, never updated, so
    writers never wait on each other; the refresh claims and deletes the rows it has seen.
    """

    id = models.BigAutoField(primary_key=True)
    day = models.DateField(_("day"))

    class Meta:
        db_table = "hallservice_staleday"
        verbose_name = _("stale day")
        verbose_name_plural = _("stale days")

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d}"


class LedgerGap(models.Model):
    """A request whose ledger lacks something the ledger audit checks (台账记录不实), kept by the database.

    Derived data (supervision/ledger_gaps.py): a row exists while at least one flag is true and
    is rebuilt whenever the request, its summary, delivery or documents change. `no_summary` means finished
    without a summary; the audit adds the 2-working-day grace when it reads it.
    """

    request = models.OneToOneField(
        "requests.ServiceRequest", primary_key=True, on_delete=models.CASCADE, related_name="ledger_gap"
    )
    # Copies of the request's, so the audit counts and pages the gaps of a scope without reading the ledger.
    centre = fields.centre(on_delete=models.CASCADE, related_name="+")
    applied_at = models.DateTimeField(_("applied at"))
    completed_at = models.DateTimeField(_("completed at"), null=True)
    no_summary = models.BooleanField(_("no summary"), default=False)
    no_delivery_proof = models.BooleanField(_("no delivery proof"), default=False)
    no_documents = models.BooleanField(_("no issued document"), default=False)
    no_commission = models.BooleanField(_("no signed commission letter"), default=False)

    class Meta:
        db_table = "hallservice_ledgergap"
        verbose_name = _("ledger gap")
        verbose_name_plural = _("ledger gaps")
        indexes = [
            models.Index(fields=["centre", "applied_at"], name="ledger_gap_centre_applied"),
            # The audit pages oldest first across several centres: walk this, join the page's 25 requests.
            models.Index(fields=["applied_at", "request"], name="ledger_gap_applied"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}"


class StaleRequest(models.Model):
    """A request whose ledger gap must be recomputed, appended by database triggers (see LedgerGap)."""

    id = models.BigAutoField(primary_key=True)
    request_id = models.BigIntegerField(_("request"))

    class Meta:
        db_table = "hallservice_stalerequest"
        verbose_name = _("stale request")
        verbose_name_plural = _("stale requests")

    def __str__(self) -> str:
        return f"{self.request_id}"


class IntegrityRecordQuerySet(CentreScopedQuerySet):
    centre_path = "staff__centre"

    def standing(self) -> IntegrityRecordQuerySet:
        """Records that count: not revoked on review."""
        return self.filter(revoked_at__isnull=True)


class IntegrityRecord(models.Model):
    """One breach of the integrity rules by a staff member (seed 000 五.3, seed 004 廉洁服务), found by a supervisor."""

    staff = fields.staff_member(related_name="integrity_records")
    request = fields.optional_reference(
        "requests.ServiceRequest", _("request"), on_delete=models.PROTECT, related_name="integrity_records"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=IntegrityKind.choices)
    occurred_on = models.DateField(_("occurred on"))
    description = models.TextField(_("what happened"), max_length=text_limits.TEXT)
    action_taken = models.TextField(_("action taken"), max_length=text_limits.TEXT, blank=True)
    recorded_by = fields.user()
    recorded_at = fields.created_at(_("recorded at"))
    revoked_at = fields.moment(_("revoked at"))
    revoked_by = fields.user(optional=True)
    revoke_reason = models.CharField(_("reason for revoking"), max_length=300, blank=True)

    objects = IntegrityRecordQuerySet.as_manager()

    class Meta:
        db_table = "staff_integrityrecord"
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("integrity record")
        verbose_name_plural = _("integrity records")
        # The name Django gave it while the model was in staff: the index is kept as it is.
        indexes = [models.Index(fields=["staff", "occurred_on"], name="staff_integ_staff_i_5f1910_idx")]
        permissions = [("record_integrity", _("Can record and revoke integrity records"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoke_reason=""), name="revoked_integrity_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.get_kind_display()} {self.occurred_on:%Y-%m-%d}"


# --- Inspections, circulated notices, difficult points (seed 001 八, seed 003 三(一) and 三(四)) ----------------


class Inspection(models.Model):
    """One supervisory inspection (督查) of a centre, of one of its departments or staff members: what was found,
    by when it must be put right, and (recorded later) how it was."""

    centre = fields.centre(help_text=_("The centre inspected"))
    inspected_on = models.DateField(_("inspected on"))
    department = fields.department(optional=True, related_name="+")
    staff = fields.staff_member(optional=True, related_name="inspections")
    findings = models.TextField(
        _("findings"), max_length=text_limits.TEXT, blank=True, help_text=_("Empty when nothing was found wrong")
    )
    rectify_by = models.DateField(_("rectification deadline"), null=True, blank=True)
    rectification = models.TextField(_("rectification result"), max_length=text_limits.TEXT, blank=True)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    rectification_recorded_by = fields.user(_("rectification recorded by"), optional=True)
    recorded_by = fields.user(_("recorded by"))
    recorded_at = fields.created_at(_("recorded at"))

    objects = CentreScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-inspected_on", "-pk"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [models.Index(fields=["staff", "inspected_on"], name="inspection_staff_day")]
        permissions = [
            ("manage_inspections", _("Can record inspections, circulated notices and difficult points")),
            ("view_inspections", _("Can view inspections, circulated notices and difficult points")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rectification="", rectified_on__isnull=True)
                | (~Q(rectification="") & Q(rectified_on__isnull=False)),
                name="inspection_rectification_dated",
            ),
            models.CheckConstraint(
                condition=Q(rectify_by__isnull=True) | Q(rectify_by__gte=models.F("inspected_on")),
                name="inspection_deadline_after_visit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.centre} {self.inspected_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:inspection", args=[self.pk])

    @property
    def rectified(self) -> bool:
        return self.rectified_on is not None


class Notice(models.Model):
    """A circulated notice (督查通报) issued by the supervision section, numbered per year, written from inspections
    or standalone, naming the staff members it criticises."""

    centre = fields.centre(help_text=_("The centre whose supervision section issues the notice"))
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("number in the year"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), max_length=text_limits.LONG_TEXT)
    inspections = models.ManyToManyField(Inspection, verbose_name=_("inspections"), blank=True, related_name="notices")
    named_staff = models.ManyToManyField(
        "staff.StaffMember", verbose_name=_("staff named"), blank=True, related_name="supervision_notices"
    )
    issued_on = models.DateField(_("issued on"))
    issued_by = fields.user(_("issued by"))
    issued_at = fields.created_at(_("recorded at"))

    objects = CentreScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-sequence"]
        verbose_name = _("circulated notice")
        verbose_name_plural = _("circulated notices")
        constraints = [models.UniqueConstraint(fields=["centre", "year", "sequence"], name="notice_number_unique")]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("supervision:notice", args=[self.pk])

    @property
    def number(self) -> str:
        """The official number, as printed on the notice (an official text: Chinese whatever the UI language)."""
        return f"督查通报〔{self.year}〕{self.sequence}号"


class DifficultPoint(models.Model):
    """A difficult point (难点堵点) met by the halls' help-and-agency work, coordinated with the departments involved
    until it is resolved."""

    centre = fields.centre()
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=text_limits.TEXT)
    departments = models.ManyToManyField(
        "staff.Department", verbose_name=_("departments involved"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=DifficultPointStatus.choices, default=DifficultPointStatus.OPEN
    )
    outcome = models.TextField(_("final outcome"), max_length=text_limits.TEXT, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    recorded_by = fields.user(_("recorded by"))
    created_at = fields.created_at(_("recorded at"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CentreScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("difficult point")
        verbose_name_plural = _("difficult points")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=DifficultPointStatus.RESOLVED) | (~Q(outcome="") & Q(resolved_on__isnull=False)),
                name="resolved_point_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("supervision:difficult-point", args=[self.pk])


class CoordinationMeeting(models.Model):
    """One coordination meeting (协调会议) held on a difficult point: when, who attended, what it decided."""

    point = models.ForeignKey(
        DifficultPoint, verbose_name=_("difficult point"), on_delete=models.CASCADE, related_name="meetings"
    )
    held_on = models.DateField(_("held on"))
    attendees = models.TextField(_("attendees"), max_length=text_limits.SUMMARY)
    outcome = models.TextField(_("outcome"), max_length=text_limits.TEXT)
    recorded_by = fields.user(_("recorded by"))
    recorded_at = fields.created_at(_("recorded at"))

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = _("coordination meeting")
        verbose_name_plural = _("coordination meetings")

    def __str__(self) -> str:
        return f"{self.point} {self.held_on:%Y-%m-%d}"


class SupervisionEvent(CentreEvent):
    """One change to an inspection, a circulated notice or a difficult point: who, when, what."""

    verb = verb_field(SupervisionVerb)
    inspection = models.ForeignKey(Inspection, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    notice = models.ForeignKey(Notice, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    point = models.ForeignKey(DifficultPoint, null=True, blank=True, on_delete=models.CASCADE, related_name="events")

    class Meta(CentreEvent.Meta):
        verbose_name = _("supervision event")
        verbose_name_plural = _("supervision events")


class SkillGapQuerySet(CentreScopedQuerySet):
    centre_path = "staff__centre"

    def open(self) -> SkillGapQuerySet:
        return self.filter(closed_at__isnull=True)


class SkillGap(models.Model):
    """A helper rostered at a department's windows without the qualification for it (supervision.skills), and the
    training topics that would close the gap: proposed once per helper and department, kept up to date by each
    recomputation, and closed when the helper reaches the qualified level or leaves the department's windows.
    """

    staff = fields.staff_member(on_delete=models.CASCADE, related_name="skill_gaps")
    department = fields.department(on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(_("level when proposed"), default=0)
    # [{"id": topic id or null, "name": "…", "score": "72.50" or null}, …], the weakest first.
    topics = models.JSONField(_("proposed training topics"), default=list, blank=True)
    created_at = fields.created_at(_("proposed at"))
    updated_at = fields.moment(_("updated at"))
    closed_at = fields.moment(_("closed at"))

    objects = SkillGapQuerySet.as_manager()

    class Meta:
        ordering = ["staff", "department"]
        verbose_name = _("skill gap")
        verbose_name_plural = _("skill gaps")
        constraints = [models.UniqueConstraint(fields=["staff", "department"], name="skill_gap_once")]

    def __str__(self) -> str:
        return f"{self.staff} · {self.department}"
