"""Read queries of the requests app, shared by HTML views and the API."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from .models import Matter


def matter_list(*, search: str = "", department_id: int | None = None, active_only: bool = True) -> QuerySet[Matter]:
    qs = (
        Matter.objects.select_related("department", "contact_helper")
        .annotate(material_count=Count("materials"))
        .order_by("department__code", "code")
    )
    if active_only:
        qs = qs.active()
    if department_id:
        qs = qs.filter(department_id=department_id)
    return qs.search(search)


def matter_detail(*, pk: int) -> Matter:
    return Matter.objects.select_related("department", "contact_helper").prefetch_related("materials").get(pk=pk)
