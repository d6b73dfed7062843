"""Writes of the personal-data access log (PIPL): one row per access, cheap enough for every page view."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ..models import AccessKind, PersonalDataAccess, ServiceRequest

# A page opened again (a reload, an action's redirect back) within this time is the same look.
REPEAT_WINDOW = timedelta(minutes=1)


def personal_data_access_record(*, actor, kind: str, req: ServiceRequest | None = None, matches: int | None = None):
    """Record that ``actor`` saw unmasked personal data; a repeat view of the same request within a minute is not.

    Returns the new row, or None when it was a repeat. The searched value itself is never stored.
    """
    now = timezone.now()
    if kind == AccessKind.VIEW and req is not None:
        recent = PersonalDataAccess.objects.filter(
            actor=actor, request=req, kind=kind, at__gte=now - REPEAT_WINDOW
        ).exists()
        if recent:
            return None
    if req is not None:
        centre_id = req.centre_id
    else:
        member = getattr(actor, "staff_member", None)
        centre_id = member.centre_id if member is not None else None
    return PersonalDataAccess.objects.create(
        actor=actor, request=req, centre_id=centre_id, kind=kind, matches=matches, at=now
    )
