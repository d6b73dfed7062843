"""Writes of the supervision section: asking for a monthly report and building it (called by the Celery task)."""

from __future__ import annotations

from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hallservice.errors import DomainError, PermissionDenied
from hallservice.models import MonthlyReport, ReportStatus
from staff.models import ServiceCentre

from .scope import Scope, month_bounds

ACTIVE = (ReportStatus.QUEUED, ReportStatus.RUNNING)


def _queue_build(report_id: int) -> None:
    from hallservice.tasks import monthly_report_build

    transaction.on_commit(lambda: monthly_report_build.delay(report_id))


@transaction.atomic
def monthly_report_request(*, actor, centre_id: int, month: date) -> MonthlyReport:
    """Queue the month's report of a centre (and its lower centres); an identical report in progress is reused."""
    if not actor.has_perm("hallservice.view_statistics"):
        raise PermissionDenied(_("Only the supervision section can prepare monthly reports."))
    centre = ServiceCentre.objects.visible_to(actor).filter(pk=centre_id).first()
    if centre is None:
        raise DomainError(_("You cannot see this centre."), field="centre")
    month = month.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise DomainError(_("A month that has not started has nothing to report."), field="month")
    running = MonthlyReport.objects.select_for_update().filter(centre=centre, month=month, status__in=ACTIVE).first()
    if running is not None:
        return running
    report = MonthlyReport.objects.create(centre=centre, month=month, requested_by=actor)
    _queue_build(report.pk)
    return report


@transaction.atomic
def monthly_reports_prepare(*, month: date) -> list[MonthlyReport]:
    """The timer's job on the 1st: last month's report for each district and town centre, once."""
    month = month.replace(day=1)
    made = []
    for centre in ServiceCentre.objects.filter(level__in=("district", "town")).order_by("pk"):
        if MonthlyReport.objects.filter(centre=centre, month=month, requested_by__isnull=True).exists():
            continue
        report = MonthlyReport.objects.create(centre=centre, month=month)
        _queue_build(report.pk)
        made.append(report)
    return made


def _progress(report: MonthlyReport, value: int, **fields) -> None:
    for name, field_value in fields.items():
        setattr(report, name, field_value)
    report.progress = value
    MonthlyReport.objects.filter(pk=report.pk).update(progress=value, **fields)


def monthly_report_build(*, report_id: int) -> MonthlyReport:
    """Compute the figures and write the xlsx and PDF; idempotent (a finished report is left as it is).

    Not one transaction: progress must be visible to the page polling it while the build runs.
    """
    from .reports import report_pdf, report_xlsx
    from .statistics import compute_statistics

    report = MonthlyReport.objects.select_related("centre").get(pk=report_id)
    if report.status == ReportStatus.DONE:
        return report
    _progress(report, 5, status=ReportStatus.RUNNING)
    try:
        first, last = month_bounds(report.month)
        ids = tuple(ServiceCentre.objects.subtree_of(report.centre).values_list("pk", flat=True))
        scope = Scope(centre_ids=ids, date_from=first, date_to=last, centre=report.centre)
        stats = compute_statistics(scope, today=min(timezone.localdate(), last))
        _progress(report, 40)
        stem = f"report-{report.centre.code}-{report.month:%Y%m}-{report.pk}"
        report.xlsx.save(f"{stem}.xlsx", ContentFile(report_xlsx(stats)), save=False)
        _progress(report, 60, xlsx=report.xlsx.name)
        report.pdf.save(f"{stem}.pdf", ContentFile(report_pdf(stats)), save=False)
        _progress(report, 100, status=ReportStatus.DONE, pdf=report.pdf.name, finished_at=timezone.now())
    except Exception as exc:  # the page must show the failure rather than poll for ever; the task logs it
        _progress(report, report.progress, status=ReportStatus.FAILED, error=type(exc).__name__)
        raise
    return report
