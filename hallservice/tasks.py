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
