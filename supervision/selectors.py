"""Reads of the supervision pages that are plain scoped lists: monthly reports, integrity records, the access log,
inspections, circulated notices and difficult points.

The figures themselves are computed in ``statistics``, ``assessment`` and ``audit``; the centre ids come from
``scope.centre_ids_for``, so another centre's row never shows.
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from requests.models import PersonalDataAccess
from staff.selectors import visible_centres

from .models import DifficultPoint, Inspection, IntegrityRecord, MonthlyReport, Notice


def monthly_reports_visible_to(user) -> QuerySet[MonthlyReport]:
    return MonthlyReport.objects.filter(centre__in=visible_centres(user)).select_related("centre", "requested_by")


def integrity_record_list(*, user, centre_ids, kind: str = "", year: int | None = None) -> QuerySet[IntegrityRecord]:
    """The records of staff of the given centres the user may see, newest first, narrowed by kind and year."""
    records = IntegrityRecord.objects.restrict(user).filter(staff__centre_id__in=centre_ids)
    if kind:
        records = records.filter(kind=kind)
    if year:
        records = records.filter(occurred_on__year=year)
    return records.select_related(
        "staff__centre", "request", "recorded_by__staff_member", "revoked_by__staff_member"
    ).order_by("-occurred_on", "-pk")


def personal_data_access_list(
    *,
    centre_ids,
    actor_id: int | None = None,
    kind: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[PersonalDataAccess]:
    """Access-log rows of the given centres, newest first, narrowed by who, what kind and when (local dates)."""
    rows = PersonalDataAccess.objects.filter(centre_id__in=centre_ids).select_related(
        "actor__staff_member", "request", "centre"
    )
    if actor_id is not None:
        rows = rows.filter(actor_id=actor_id)
    if kind:
        rows = rows.filter(kind=kind)
    if date_from:
        rows = rows.filter(at__date__gte=date_from)
    if date_to:
        rows = rows.filter(at__date__lte=date_to)
    return rows.order_by("-at", "-pk")


def inspection_list(*, user) -> QuerySet[Inspection]:
    """Inspections of the centres the user may see, latest first."""
    return (
        Inspection.objects.restrict(user)
        .select_related("centre", "department", "staff", "recorded_by__staff_member")
        .order_by("-inspected_on", "-pk")
    )


def notice_list(*, user) -> QuerySet[Notice]:
    """Circulated notices of the centres the user may see, newest number first."""
    return (
        Notice.objects.restrict(user)
        .select_related("centre", "issued_by__staff_member")
        .prefetch_related("named_staff")
        .order_by("-year", "-sequence", "-pk")
    )


def difficult_point_list(*, user, status: str = "") -> QuerySet[DifficultPoint]:
    """Difficult points of the centres the user may see, newest first, narrowed by status."""
    points = DifficultPoint.objects.restrict(user)
    if status:
        points = points.filter(status=status)
    return (
        points.select_related("centre", "recorded_by__staff_member")
        .prefetch_related("departments")
        .order_by("-created_at", "-pk")
    )
