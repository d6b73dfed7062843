"""Celery tasks of the request lifecycle: thin, idempotent wrappers around requests.services.timers."""

from celery import shared_task
from django.utils import timezone

from hallservice.core.notifications import TemporaryFailure

from .services import timers


def _today(day: str | None):
    from datetime import date

    return date.fromisoformat(day) if day else timezone.localdate()


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def request_deadline_timers(day: str | None = None) -> dict:
    """Daily: deadline warnings, overdue flags, expired suspensions, missing summaries, promised materials,
    progress reports due, overdue corrections."""
    today = _today(day)
    return {
        "deadline_warnings": timers.warn_deadlines(today),
        "overdue": timers.flag_overdue(today),
        "expired_suspensions": timers.expire_suspensions(today),
        "missing_summaries": timers.flag_missing_summaries(today),
        "material_reminders": timers.remind_tolerant_materials(today),
        "progress_report_prompts": timers.prompt_progress_reports(today),
        "correction_reminders": timers.remind_overdue_corrections(today),
    }


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def department_task_timers(day: str | None = None) -> dict:
    """Daily: department parts due soon are reminded of, overdue ones escalated one step per N working days
    (requests.services.department_parts; idempotent, so a retry or a second run sends nothing twice)."""
    from .services.department_parts import escalate_department_tasks, remind_department_tasks

    today = _today(day)
    return {
        "reminders": remind_department_tasks(today),
        "escalations": escalate_department_tasks(today),
    }


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def consultation_timers(day: str | None = None) -> dict:
    """Daily (首问负责): owners reminded before the answer deadline, overdue questions escalated to the duty leader
    on duty, then to the supervision section. Each step is taken once per question: a second run sends nothing."""
    from .services import consultations

    today = _today(day)
    return {
        "reminded": consultations.remind_consultation_owners(today),
        "escalated_duty_leader": consultations.escalate_overdue_consultations(today),
        "escalated_supervision": consultations.escalate_to_supervision(today),
    }


@shared_task(acks_late=True, reject_on_worker_lost=True)
def ledger_export_render(export_id: int) -> str:
    """Render a queued registration-ledger PDF; the ledger page polls its progress. At least once: acknowledged after
    the run and given back if the worker dies; the body claims the row, so a second delivery does nothing."""
    from .services.documents import ledger_export_render as render

    return render(export_id=export_id).status


@shared_task
def ledger_exports_sweep() -> dict:
    """Every minute: ledger exports never sent, lost by the broker or left by a dead worker go again (outbox)."""
    from .services.documents import ledger_exports_sweep as sweep

    return sweep()


# --- Citizens: messages (issue 7) ---------------------------------------------------------------------------


@shared_task(
    autoretry_for=(ConnectionError, TemporaryFailure),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def notification_send(notification_id: int) -> str:
    """Send one queued message (SMS or e-mail); a message already sent is not sent again."""
    from .notifications import deliver

    return deliver(notification_id=notification_id)


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def notifications_sweep() -> dict:
    """Every minute: messages for new public request events, and again for messages whose task was lost."""
    from .notifications import requeue_stale, sweep_request_events

    return {"queued": sweep_request_events(), "requeued": requeue_stale()}


# --- The national 好差评 push (issue 19) ------------------------------------------------------------------


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def evaluation_push_send(self, push_id: int) -> str:
    """Send one evaluation message to the national platform; a failure for now retries with exponential backoff
    (the service counts the attempts and fails the message after the last). Sent or failed: nothing more happens."""
    from .services.evaluation_push import evaluation_push_deliver

    delivery = evaluation_push_deliver(push_id=push_id)
    if delivery.retry_in is None:
        return delivery.status
    if self.request.is_eager:
        # In-process (no REDIS_URL: development, the tests) there is no worker to wait for; Celery's apply() runs a
        # returned retry at once (raising it would propagate as an error with eager propagation on).
        return self.retry(countdown=delivery.retry_in, throw=False)
    raise self.retry(countdown=delivery.retry_in)


@shared_task
def evaluation_push_sweep() -> list[int]:
    """Every minute: evaluation messages whose send or retry was lost, or whose worker died, go again."""
    from .services.evaluation_push import evaluation_push_sweep as sweep

    return sweep()


# --- Appointments with capacity (issue 19) ------------------------------------------------------------------


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def appointment_timers() -> dict:
    """Every half hour in the afternoon and evening: bookings not checked in when their half-day ended become
    no-shows, and tomorrow's bookings get their reminder SMS (each once: a second run changes and sends nothing)."""
    from .services.appointments import appointments_record_no_shows, appointments_remind

    return {"no_shows": appointments_record_no_shows(), "reminded": appointments_remind()}
