"""Hall-wide Celery tasks: the broker round trip, the calendar check and the purge of old submission claims."""

import logging
import socket

from celery import shared_task
from django.utils import timezone

from .core.workdays import missing_calendar_years

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
    """Forget the claims of form tokens and Idempotency-Keys older than a week (hallservice/core/idempotency.py)."""
    from .core.idempotency import purge_submissions

    return purge_submissions()
