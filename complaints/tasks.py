"""Celery tasks of complaints: thin, idempotent wrappers around complaints.services."""

from datetime import date

from celery import shared_task
from django.utils import timezone


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def complaint_timers(day: str | None = None) -> dict:
    """Daily: complaints and poor ratings past their limits are flagged and escalated; stale responses close."""
    # Poor ratings' follow-up is the request's (requests.services.closing) but runs on the complaints' beat entry,
    # as before the complaints app existed.
    from requests.services.closing import evaluation_flag_overdue

    from .services import complaint_close_without_feedback, complaint_flag_overdue

    today = date.fromisoformat(day) if day else timezone.localdate()
    return {
        "complaints_overdue": complaint_flag_overdue(today),
        "complaints_closed": complaint_close_without_feedback(today),
        "evaluations_overdue": evaluation_flag_overdue(today),
    }
