"""Celery tasks of the request lifecycle: thin, idempotent wrappers around requests.services.timers."""

from celery import shared_task
from django.utils import timezone

from .services import timers


def _today(day: str | None):
    from datetime import date

    return date.fromisoformat(day) if day else timezone.localdate()


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def request_deadline_timers(day: str | None = None) -> dict:
    """Daily: deadline warnings, overdue flags, expired suspensions, missing summaries, promised materials."""
    today = _today(day)
    return {
        "deadline_warnings": timers.warn_deadlines(today),
        "overdue": timers.flag_overdue(today),
        "expired_suspensions": timers.expire_suspensions(today),
        "missing_summaries": timers.flag_missing_summaries(today),
        "material_reminders": timers.remind_tolerant_materials(today),
    }


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def ledger_export_render(export_id: int) -> str:
    """Render a queued registration-ledger PDF; the ledger page polls its progress."""
    from .services.documents import ledger_export_render as render

    return render(export_id=export_id).status
