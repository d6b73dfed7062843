"""Hall-wide data: working-calendar overrides, number sequences and supervision reports."""

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
