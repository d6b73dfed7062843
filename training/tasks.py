"""Celery tasks of the training app: thin, idempotent wrappers around training.services (actor = the system)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from hallservice.core.actors import SYSTEM
from hallservice.core.errors import TransitionNotAllowed

from .models import MonthlyTest, MonthlyTestStatus


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def training_apply_consequences(test_id: int) -> dict[str, int]:
    """Study days and recommendations of a closed test; running it again changes nothing."""
    from .services import monthly_test_apply_consequences

    summary = monthly_test_apply_consequences(actor=SYSTEM, test_id=test_id)
    return {"study_days": summary.study_days, "recommendations": summary.recommendations}


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def training_tests_tick() -> dict[str, int]:
    """Every few minutes: grade papers whose time ran out, close tests whose window is over (which queues their
    consequences), and apply consequences a crash may have left out."""
    from .services import attempt_expire_overdue, monthly_test_close

    now = timezone.now()
    expired = attempt_expire_overdue(now=now)
    closed = 0
    for test_id in MonthlyTest.objects.filter(status=MonthlyTestStatus.PUBLISHED, closes_at__lte=now).values_list(
        "pk", flat=True
    ):
        try:
            monthly_test_close(actor=SYSTEM, test_id=test_id)
        except TransitionNotAllowed:
            continue  # closed meanwhile by a supervisor or another run
        closed += 1
    for test_id in MonthlyTest.objects.filter(
        status=MonthlyTestStatus.CLOSED, consequences_applied_at__isnull=True, closed_at__lt=now
    ).values_list("pk", flat=True):
        training_apply_consequences.delay(test_id)
    return {"expired": expired, "closed": closed}


@shared_task(acks_late=True, reject_on_worker_lost=True)
def question_import_run(import_id: int) -> str:
    """Import a large question-bank spreadsheet kept in MEDIA storage; the import page polls its progress. At least
    once: the body claims the row first, so a second delivery does nothing."""
    from .services.imports import question_import_run as run

    return run(import_id=import_id).status


@shared_task
def question_imports_sweep() -> dict:
    """Every minute: imports never sent, lost by the broker or left by a dead worker go again (outbox)."""
    from .services.imports import question_imports_sweep as sweep

    return sweep()
