"""Hall-wide data: working-calendar overrides and entered years, number sequences and supervision reports."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarOverride(models.Model):
    """One date whose working status an admin has set, winning over the statutory calendar library."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    note = models.CharField(
        _("note"), max_length=100, blank=True, help_text=_("e.g. Spring Festival, adjusted workday")
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.note}".strip()


class CalendarYear(models.Model):
    """A year whose State Council holiday notice an admin has entered in full (the calendar then knows the year).

    Written by the bulk entry (hallservice.services.calendar_notice_enter). Single overrides, e.g. a local
    closure, do not make a year known: the banner asking for next year's holidays stays until this row exists.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    entered_at = models.DateTimeField(_("notice entered at"), auto_now_add=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(_("notice"), max_length=100, blank=True, help_text=_("e.g. 国办发明电〔2026〕7号"))

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year entered")
        verbose_name_plural = _("calendar years entered")

    def __str__(self) -> str:
        return f"{self.year}"


class NumberSequence(models.Model):
    """A named counter (e.g. request numbers of one centre on one day), advanced under a row lock."""

    key = models.CharField(_("key"), max_length=80, unique=True)
    value = models.PositiveBigIntegerField(_("last value"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class MonthlyReport(models.Model):
    """One month's statistics of a centre and its lower centres (数据统计上报), built as xlsx and PDF by a task."""

    centre = models.ForeignKey("staff.ServiceCentre", verbose_name=_("centre"), on_delete=models.PROTECT)
    month = models.DateField(_("month"), help_text=_("The first day of the month reported"))
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    xlsx = models.FileField(_("spreadsheet"), upload_to="reports/", blank=True)
    pdf = models.FileField(_("PDF"), upload_to="reports/", blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, help_text=_("Runs started by a worker"))
    enqueued_at = models.DateTimeField(
        _("sent to the queue at"), null=True, blank=True, help_text=_("Empty while the task queue was unreachable")
    )
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty when the monthly timer prepared it"),
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
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


class FigureMeasure(models.TextChoices):
    """What a row of DailyFigure / MonthlyFigure counts, and what its key is (hallservice/supervision/figures.py)."""

    REGISTERED = "registered", _("Registered")
    REGISTERED_BY_DEPARTMENT = "reg_department", _("Registered by lead department")
    REGISTERED_BY_KIND = "reg_kind", _("Registered by kind")
    REGISTERED_BY_CHANNEL = "reg_channel", _("Registered by channel")
    REGISTERED_BY_CATEGORY = "reg_category", _("Registered by applicant category")
    REGISTERED_BY_HELPER = "reg_helper", _("Registered by helper")
    COMPLETED = "completed", _("Completed")
    COMPLETED_BY_WORKING_DAYS = "done_days", _("Completed by working days taken")
    COMPLETED_BY_HELPER = "done_helper", _("Completed by helper")
    ACCEPTED_BY_HELPER = "acc_helper", _("Accepted by helper")
    EVALUATED_BY_RATING = "eval_rating", _("Evaluated by rating")
    EVALUATED_BY_HELPER = "eval_helper", _("Evaluated by helper")
    CONSULTATIONS = "consultations", _("Consultations")


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

    centre = models.ForeignKey(
        "staff.ServiceCentre", verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
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
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        indexes = [_figure_index("day", "daily_figure_lookup"), models.Index(fields=["day"], name="daily_figure_day")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.centre_id} {self.measure} {self.key}: {self.total}"


class MonthlyFigure(FigureCounts):
    """A month's sum of the daily figures, so a year is twelve rows per key rather than 365."""

    month = models.DateField(_("month"), help_text=_("The first day of the month"))

    class Meta:
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
    hallservice/supervision/figures.py) append a row for each day a change touches, whichever code path
    made it: services, admin, queryset updates or a data fix in SQL. Rows are appended, never updated, so
    writers never wait on each other; the refresh claims and deletes the rows it has seen.
    """

    id = models.BigAutoField(primary_key=True)
    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("stale day")
        verbose_name_plural = _("stale days")

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d}"


class LedgerGap(models.Model):
    """A request whose ledger lacks something the ledger audit checks (台账记录不实), kept by the database.

    Derived data (hallservice/supervision/ledger_gaps.py): a row exists while at least one flag is true and
    is rebuilt whenever the request, its summary, delivery or documents change. `no_summary` means finished
    without a summary; the audit adds the 2-working-day grace when it reads it.
    """

    request = models.OneToOneField(
        "requests.ServiceRequest", primary_key=True, on_delete=models.CASCADE, related_name="ledger_gap"
    )
    # Copies of the request's, so the audit counts and pages the gaps of a scope without reading the ledger.
    centre = models.ForeignKey(
        "staff.ServiceCentre", verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    applied_at = models.DateTimeField(_("applied at"))
    completed_at = models.DateTimeField(_("completed at"), null=True)
    no_summary = models.BooleanField(_("no summary"), default=False)
    no_delivery_proof = models.BooleanField(_("no delivery proof"), default=False)
    no_documents = models.BooleanField(_("no issued document"), default=False)
    no_commission = models.BooleanField(_("no signed commission letter"), default=False)

    class Meta:
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
        verbose_name = _("stale request")
        verbose_name_plural = _("stale requests")

    def __str__(self) -> str:
        return f"{self.request_id}"


class Submission(models.Model):
    """One claimed submission: a form's one-time token or an API client's Idempotency-Key, and its outcome.

    The unique `key` makes the first of two identical POSTs win the INSERT; the other one waits for the
    outcome stored here and answers it again (hallservice/idempotency.py) instead of doing the work twice.
    `status_code` stays empty while the winner is still working.
    """

    key = models.CharField(_("key"), max_length=200, unique=True)
    owner = models.CharField(_("owner"), max_length=80, blank=True, help_text=_("user:<id> or session:<key>"))
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    path = models.TextField(_("path"))
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    location = models.TextField(_("redirected to"), blank=True)
    content_type = models.TextField(_("content type"), blank=True)
    body = models.BinaryField(_("body"), blank=True, default=b"")
    session_key = models.CharField(_("session key"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")

    def __str__(self) -> str:
        return f"{self.key} → {self.status_code or '…'}"


class ApiToken(models.Model):
    """A bearer token for an integration, stored only as a SHA-256 digest (hallservice/api_tokens.py).

    The plain token ``hs_<prefix>_<secret>`` is shown once when issued; ``prefix`` finds the row, ``digest``
    proves it. A token ends at ``expires_at``, when its user's password changes (``password_stamp`` no longer
    matches) or when it is revoked (the row is deleted: "log out everywhere").
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True)
    digest = models.CharField(_("digest"), max_length=64)
    password_stamp = models.CharField(max_length=128, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ThrottleCount(models.Model):
    """A rate limit's counter kept in the database while the cache (Redis) is unreachable (requests.throttle).

    ``key`` names the limit, a hash of the identity and the window's start: no address or username is stored.
    """

    key = models.CharField(max_length=120, unique=True)
    count = models.IntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
