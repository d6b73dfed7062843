"""Read queries about the organisation."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from .models import Department, SpecialistRole, StaffKind

REQUIRED_SPECIALISTS = 2


def departments_with_specialist_counts() -> QuerySet[Department]:
    active_specialists = Q(staff__kind=StaffKind.SPECIALIST, staff__is_active=True)
    return Department.objects.annotate(
        specialist_count=Count("staff", filter=active_specialists),
        coordinator_count=Count(
            "staff", filter=active_specialists & Q(staff__specialist_role=SpecialistRole.COORDINATOR)
        ),
        worker_count=Count("staff", filter=active_specialists & Q(staff__specialist_role=SpecialistRole.WORKER)),
    )


def departments_short_of_specialists() -> QuerySet[Department]:
    """Departments that have not registered two specialists, one coordinator and one worker (seed 001 三)."""
    return departments_with_specialist_counts().filter(
        Q(specialist_count__lt=REQUIRED_SPECIALISTS) | Q(coordinator_count=0) | Q(worker_count=0)
    )
