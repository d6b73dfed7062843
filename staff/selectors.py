"""Read queries about the organisation: the centres a user may see and the one a page is about, departments."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from .models import Department, ServiceCentre, SpecialistRole, StaffKind

REQUIRED_SPECIALISTS = 2


def visible_centres(user) -> QuerySet[ServiceCentre]:
    """The centres the user may see, the higher levels first (the order of every centre picker)."""
    return ServiceCentre.objects.restrict(user).order_by("level", "code")


def centre_for(user, centre_id) -> ServiceCentre | None:
    """The centre a page is about: the one asked for if the user may see it, else the user's own."""
    centres = visible_centres(user)
    if str(centre_id or "").isdigit():
        found = centres.filter(pk=int(centre_id)).first()
        if found is not None:
            return found
    member = getattr(user, "staff_member", None)
    if member is not None:
        return centres.filter(pk=member.centre_id).first()
    return centres.first()


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
