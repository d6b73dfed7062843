"""Hall-wide Celery tasks."""

import logging
import socket

from celery import shared_task
from django.utils import timezone

from .workdays import missing_calendar_years

logger = logging.getLogger(__name__)


@shared_task
def ping() -> dict:
    """Round trip through the broker: used by operators and the worker test to prove a worker is live."""
    return {"pong": True, "host": socket.gethostname(), "at": timezone.now().isoformat()}


@shared_task
def calendar_next_year_check() -> list[int]:
    """Log, once a day, which years lack holiday data so operators see it even without opening a page."""
    missing = missing_calendar_years(timezone.localdate())
    if missing:
        logger.warning("Working calendar has no holidays for %s; enter overrides in admin.", missing)
    return missing


@shared_task
def submissions_purge() -> int:
    """Forget the claims of form tokens and Idempotency-Keys older than a week (hallservice/idempotency.py)."""
    from .idempotency import purge_submissions

    return purge_submissions()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def monthly_report_build(report_id: int) -> str:
    """Build a queued monthly report; the reports page polls its progress. At least once: the message is acknowledged
    after the run and given back if the worker dies; the body claims the row, so a second delivery does nothing."""
    from .supervision.services import monthly_report_build as build

    return build(report_id=report_id).status


@shared_task
def monthly_reports_sweep() -> dict:
    """Every minute: monthly reports never sent, lost by the broker or left by a dead worker go again (outbox)."""
    from .supervision.services import monthly_reports_sweep as sweep

    return sweep()


@shared_task
def monthly_reports_prepare_last_month() -> int:
    """On the 1st: queue last month's report for every district and town centre (idempotent)."""
    from datetime import timedelta

    from .supervision.services import monthly_reports_prepare

    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    return len(monthly_reports_prepare(month=last_month))


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def statistics_figures_refresh() -> dict:
    """Rebuild the daily figures of the days, and the ledger gaps of the requests, changed since the last refresh
    (idempotent; the pages run it too, so this only keeps their first view quick)."""
    from .supervision.figures import refresh_figures
    from .supervision.ledger_gaps import refresh_gaps

    return {"days": refresh_figures(), "requests": refresh_gaps()}
