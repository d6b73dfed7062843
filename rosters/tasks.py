"""Celery tasks of the rosters app: thin, idempotent wrappers around rosters.services (actor = the system)."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, OperationalError
from django.db.models import Exists, OuterRef
from django.utils import timezone

from hallservice.core.actors import SYSTEM
from hallservice.core.errors import TransitionNotAllowed
from hallservice.core.months import add_months, month_end, month_start
from staff.models import ServiceCentre, StaffKind, StaffMember, Window

from .models import PlanStatus, RotationPlan
from .services import checkin_mark_absentees, rotation_plan_generate

# The day of the month on which next month's draft is made (later days catch up a missed run).
DEFAULT_DRAFT_DAY = 20


def _now(now: str | None) -> datetime:
    return datetime.fromisoformat(now) if now else timezone.now()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def rosters_mark_absentees(now: str | None = None) -> dict[str, int]:
    """Every few minutes in the morning: once a centre has opened, mark who the roster expects and is missing."""
    moment = _now(now)
    today = timezone.localdate(moment)
    centres = ServiceCentre.objects.filter(
        Exists(
            RotationPlan.objects.filter(centre=OuterRef("pk"), month=month_start(today), status=PlanStatus.PUBLISHED)
        )
    )
    marked = {}
    for centre in centres.order_by("code"):
        n = checkin_mark_absentees(centre_id=centre.pk, now=moment)
        if n:
            marked[centre.code] = n
    return marked


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def rosters_draft_next_month(now: str | None = None) -> list[str]:
    """Daily: from the configured day of the month on, draft next month's plan for centres that have none."""
    today = timezone.localdate(_now(now))
    draft_day = min(int(getattr(settings, "ROSTERS_DRAFT_DAY", DEFAULT_DRAFT_DAY)), month_end(today).day)
    if today.day < draft_day:
        return []
    month = add_months(month_start(today), 1)
    centres = ServiceCentre.objects.filter(
        Exists(Window.objects.filter(centre=OuterRef("pk"), is_active=True)),
        Exists(StaffMember.objects.active().filter(centre=OuterRef("pk"), kind=StaffKind.FULL_TIME_HELPER)),
    ).exclude(Exists(RotationPlan.objects.filter(centre=OuterRef("pk"), month=month)))
    drafted = []
    for centre in centres.order_by("code"):
        try:
            rotation_plan_generate(actor=SYSTEM, centre_id=centre.pk, month=month)
        except (TransitionNotAllowed, IntegrityError):
            continue  # a supervisor (or another run) drafted it meanwhile
        drafted.append(centre.code)
    return drafted
