"""Supervision's Celery tasks: monthly reports (the row is the outbox) and the statistics figures' refresh."""

from celery import shared_task
from django.utils import timezone

from hallservice.core.months import previous_month


@shared_task(acks_late=True, reject_on_worker_lost=True)
def monthly_report_build(report_id: int) -> str:
    """Build a queued monthly report; the reports page polls its progress. At least once: the message is acknowledged
    after the run and given back if the worker dies; the body claims the row, so a second delivery does nothing."""
    from .services import monthly_report_build as build

    return build(report_id=report_id).status


@shared_task
def monthly_reports_sweep() -> dict:
    """Every minute: monthly reports never sent, lost by the broker or left by a dead worker go again (outbox)."""
    from .services import monthly_reports_sweep as sweep

    return sweep()


@shared_task
def monthly_reports_prepare_last_month() -> int:
    """On the 1st: queue last month's report for every district and town centre (idempotent)."""
    from .services import monthly_reports_prepare

    return len(monthly_reports_prepare(month=previous_month(timezone.localdate())))


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def statistics_figures_refresh() -> dict:
    """Rebuild the daily figures of the days, and the ledger gaps of the requests, changed since the last refresh
    (idempotent; the pages run it too, so this only keeps their first view quick)."""
    from .figures import refresh_figures
    from .ledger_gaps import refresh_gaps

    return {"days": refresh_figures(), "requests": refresh_gaps()}


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def skills_matrix_recompute() -> dict:
    """Nightly: grade every centre's helpers again for the skills matrix and refresh their skill gaps (idempotent)."""
    from staff.models import ServiceCentre

    from .skills import recompute

    return recompute(centre_ids=list(ServiceCentre.objects.values_list("pk", flat=True)))
