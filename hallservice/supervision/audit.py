"""Ledger audit (台账记录不实, seed 001 八): requests whose records do not back up what their status says.

Each problem is a boolean annotation computed by the database on the requests of the scope, so the list is
always current: a request drops off as soon as its summary, delivery proof, document or commission letter is
on file. The summary deadline is the one the timer uses (``requests.services.timers.flag_missing_summaries``):
2 working days after the day of completion, by the hall's working calendar.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from hallservice.workdays import WorkingCalendar
from requests.models import Delivery, DeliveryMethod, IssuedDocument, Kind, ServiceRequest, Status, Summary

SUMMARY_WORKING_DAYS = 2
FINISHED = (Status.COMPLETED, Status.DELIVERED, Status.ARCHIVED)
HANDED_OVER = (Status.DELIVERED, Status.ARCHIVED)
# States an agency request reaches only once accepted: from here on it needs the signed commission letter.
AFTER_ACCEPTANCE = (
    Status.ACCEPTED,
    Status.IN_PROGRESS,
    Status.SUSPENDED,
    Status.COMPLETED,
    Status.DELIVERED,
    Status.ARCHIVED,
)

PROBLEMS = {
    "no_summary": gettext_lazy("No summary 2 working days after completion"),
    "no_delivery_proof": gettext_lazy("Delivered without proof of delivery"),
    "no_documents": gettext_lazy("Archived without any issued document"),
    "no_commission": gettext_lazy("Agency without a signed commission letter"),
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
    """Each problem of ``PROBLEMS`` as a condition on a request, as of ``today``."""
    cutoff = summary_cutoff(today)
    overdue_before = timezone.make_aware(
        datetime.combine(cutoff + timedelta(days=1), time.min), timezone.get_current_timezone()
    )
    has_summary = Exists(Summary.objects.filter(request=OuterRef("pk")))
    has_proof = Exists(
        Delivery.objects.filter(request=OuterRef("pk")).filter(
            Q(method=DeliveryMethod.ON_THE_SPOT)
            | (Q(method=DeliveryMethod.IN_PERSON) & ~Q(signer=""))
            | (Q(method=DeliveryMethod.POST) & ~Q(tracking_number="") & Q(receipt_confirmed_at__isnull=False))
        )
    )
    has_documents = Exists(IssuedDocument.objects.filter(request=OuterRef("pk")))
    return {
        "no_summary": Q(status__in=FINISHED, completed_at__lt=overdue_before) & ~has_summary,
        "no_delivery_proof": Q(status__in=HANDED_OVER) & ~has_proof,
        "no_documents": Q(status=Status.ARCHIVED) & ~has_documents,
        "no_commission": Q(kind=Kind.AGENCY, commission_signed=False)
        & (Q(status__in=AFTER_ACCEPTANCE) | Q(accepted_at__isnull=False)),
    }


def _candidates(centre_ids) -> QuerySet[ServiceRequest]:
    # Only these can have a problem: the prefilter keeps the scan to finished and unsigned agency requests.
    return ServiceRequest.objects.filter(centre_id__in=tuple(centre_ids)).filter(
        Q(status__in=FINISHED) | Q(kind=Kind.AGENCY, commission_signed=False)
    )


def audited_requests(*, centre_ids, today: date | None = None) -> QuerySet[ServiceRequest]:
    """The scope's requests with one problem or more, each problem a boolean annotation named as in ``PROBLEMS``."""
    conditions = problem_conditions(today or timezone.localdate())
    any_problem = Q()
    for condition in conditions.values():
        any_problem |= condition
    return (
        _candidates(centre_ids)
        .filter(any_problem)
        .annotate(
            **{
                name: ExpressionWrapper(condition, output_field=BooleanField())
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


def audit_list(*, centre_ids, problem: str = "", today: date | None = None) -> QuerySet[ServiceRequest]:
    """The audit's rows, oldest first, optionally only those with one problem."""
    queryset = audited_requests(centre_ids=centre_ids, today=today)
    if problem in PROBLEMS:
        queryset = queryset.filter(problem_conditions(today or timezone.localdate())[problem])
    return (
        queryset.select_related("helper", "centre")
        .only(
            "number",
            "kind",
            "status",
            "applicant_name",
            "completed_at",
            "accepted_at",
            "archived_at",
            "commission_signed",
            "helper__name",
            "centre__name",
        )
        .order_by("applied_at", "pk")
    )


def problem_labels(row: ServiceRequest) -> list[tuple[str, str]]:
    """The (key, label) of each problem an annotated request has."""
    return [(name, str(label)) for name, label in PROBLEMS.items() if getattr(row, name, False)]
