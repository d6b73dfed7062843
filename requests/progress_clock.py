"""How long a request in handling has gone without a progress report to its applicant.

Seed 004 (承办): "在执行过程中，服务人员需定期向服务对象提供进度报告，确保服务对象随时了解事项办理情况。" The clock
starts on the day the applicant last heard how things stand: the acceptance, the last progress report, or the end
of the last pause (the resumption is a public event). It counts the full working days since then, before today,
on the statutory calendar; at ``PROGRESS_REPORT_PROMPT_DAYS`` of them the request is silent, the daily timer
reminds the helper once (requests.services.timers.prompt_progress_reports) and the queue and the request page
show it. A suspended request is not counted: the applicant was told what they must do.

Read by the timer, the queue and the request page, so all three agree on the day a request falls silent.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Max, QuerySet
from django.utils import timezone

from hallservice.core.workdays import WorkingCalendar

from .models import ServiceRequest, Status

# Only a running request owes reports; a paused one (suspended) waits for the applicant.
RUNNING = (Status.ACCEPTED, Status.IN_PROGRESS)


def clock_starts(requests: QuerySet[ServiceRequest]) -> dict[int, date]:
    """The day each running request of ``requests`` last told its applicant where it stands, by id (one query)."""
    rows = (
        requests.filter(status__in=RUNNING)
        .order_by()
        # Grouped by these two alone: annotated on whole rows, the query would group by (and read) every column,
        # the encrypted personal ones among them.
        .values("pk", "accepted_at")
        .annotate(last_report=Max("progress_reports__at"), last_resumed=Max("suspensions__ended_on"))
        .values_list("pk", "accepted_at", "last_report", "last_resumed")
    )
    starts = {}
    for pk, accepted_at, last_report, last_resumed in rows:
        days = [timezone.localdate(moment) for moment in (accepted_at, last_report) if moment is not None]
        days += [last_resumed] if last_resumed else []
        if days:
            starts[pk] = max(days)
    return starts


def silent_working_days(start: date, today: date, *, calendar: WorkingCalendar) -> int:
    """Full working days after ``start`` and before ``today``: today is not over, so it does not count yet."""
    return max(calendar.working_days_between(start, today - timedelta(days=1)), 0)


def is_silent(days: int) -> bool:
    return days >= settings.PROGRESS_REPORT_PROMPT_DAYS


def silences(
    requests: QuerySet[ServiceRequest], *, today: date, calendar: WorkingCalendar | None = None
) -> dict[int, int]:
    """The silent requests of ``requests`` (none of the others), with their working days without a report."""
    calendar = calendar or WorkingCalendar()
    found = {}
    for pk, start in clock_starts(requests).items():
        days = silent_working_days(start, today, calendar=calendar)
        if is_silent(days):
            found[pk] = days
    return found
