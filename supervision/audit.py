"""Ledger audit (台账记录不实, seed 001 八): requests whose records do not back up what their status says.

The gaps come from the `LedgerGap` table, which the database keeps current as requests, summaries, deliveries
and documents change (supervision/ledger_gaps.py), so a request drops off the list as soon as what
it lacked is on file, and the audit reads a few hundred rows rather than the whole ledger. The summary
deadline is the one the timer uses (``requests.services.timers.flag_missing_summaries``): 2 working days after
the day of completion, by the hall's working calendar.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from hallservice.core.workdays import WorkingCalendar

from .ledger_gaps import FLAGS, refresh_gaps
from .models import LedgerGap

SUMMARY_WORKING_DAYS = 2

PROBLEMS = {
    "no_summary": gettext_lazy("No summary 2 working days after completion"),
    "no_delivery_proof": gettext_lazy("Delivered without a kept signed receipt or post receipt"),
    "no_documents": gettext_lazy("Archived without any issued document"),
    "no_commission": gettext_lazy("Agency without a kept signed commission letter"),
}


def summary_cutoff(today: date, calendar: WorkingCalendar | None = None) -> date:
    """The last completion day whose summary is overdue today.

    A request completed on day d is overdue once today is after the 2nd working day after d. That due day
    only grows with d, so walking back from yesterday finds the last such d in a few steps.
    """
    calendar = calendar or WorkingCalendar()
    day = today - timedelta(days=1)
    while calendar.add_working_days(day, SUMMARY_WORKING_DAYS) >= today:
        day -= timedelta(days=1)
    return day


def problem_conditions(today: date) -> dict[str, Q]:
    """Each problem of ``PROBLEMS`` as a condition on a ledger gap, as of ``today``."""
    cutoff = summary_cutoff(today)
    overdue_before = timezone.make_aware(
        datetime.combine(cutoff + timedelta(days=1), time.min), timezone.get_current_timezone()
    )
    return {
        "no_summary": Q(no_summary=True, completed_at__lt=overdue_before),
        "no_delivery_proof": Q(no_delivery_proof=True),
        "no_documents": Q(no_documents=True),
        "no_commission": Q(no_commission=True),
    }


def _candidates(centre_ids) -> QuerySet[LedgerGap]:
    # Only requests with a gap row can have a problem; the rows of changed requests are brought up to date first.
    refresh_gaps()
    return LedgerGap.objects.filter(centre_id__in=tuple(centre_ids))


def audited_gaps(*, centre_ids, today: date | None = None) -> QuerySet[LedgerGap]:
    """The scope's ledger gaps that are a problem today, each problem a boolean annotation ``problem_<name>``."""
    conditions = problem_conditions(today or timezone.localdate())
    any_problem = Q()
    for condition in conditions.values():
        any_problem |= condition
    return (
        _candidates(centre_ids)
        .filter(any_problem)
        .annotate(
            **{
                f"problem_{name}": ExpressionWrapper(condition, output_field=BooleanField())
                for name, condition in conditions.items()
            }
        )
    )


def problem_counts(*, centre_ids, today: date | None = None) -> dict[str, int]:
    """How many requests have any problem (``total``) and each one (a request with two counts under both)."""
    conditions = problem_conditions(today or timezone.localdate())
    any_problem = Q()
    for condition in conditions.values():
        any_problem |= condition
    # The conditions themselves, not the annotations: an aggregate's FILTER cannot refer to an annotation's alias.
    return _candidates(centre_ids).aggregate(
        total=Count("pk", filter=any_problem),
        **{name: Count("pk", filter=condition) for name, condition in conditions.items()},
    )


def audit_list(*, centre_ids, problem: str = "", today: date | None = None) -> QuerySet[LedgerGap]:
    """The audit's rows (ledger gaps with their request), oldest first, optionally only those with one problem."""
    queryset = audited_gaps(centre_ids=centre_ids, today=today)
    if problem in PROBLEMS:
        queryset = queryset.filter(problem_conditions(today or timezone.localdate())[problem])
    return (
        queryset.select_related("request__helper", "request__centre")
        .only(
            *FLAGS,
            "applied_at",
            "completed_at",
            "centre_id",
            "request__number",
            "request__kind",
            "request__status",
            "request__applicant_name",
            "request__completed_at",
            "request__accepted_at",
            "request__archived_at",
            "request__commission_signed",
            "request__helper__name",
            "request__centre__name",
        )
        .order_by("applied_at", "request_id")
    )


def problem_labels(row: LedgerGap) -> list[tuple[str, str]]:
    """The (key, label) of each problem an annotated gap has."""
    return [(name, str(label)) for name, label in PROBLEMS.items() if getattr(row, f"problem_{name}", False)]
