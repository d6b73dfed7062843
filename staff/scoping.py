"""Which centres a user may see — written once, used by every queryset, view, export and dashboard.

A user sees their own centre. A supervisor also sees every centre below theirs (a district supervisor sees
its towns and villages). Admins, superusers and the system see everything; a login without a staff record and
the applicant on the public pages see nothing.
"""

from __future__ import annotations

from django.db.models import Q

from hallservice.core.actors import SYSTEM

from .roles import Role, user_has_role

NOTHING = Q(pk__in=[])


def visible_centre_filter(user, field: str = "centre") -> Q:
    """A Q object limiting rows whose ``field`` (a ServiceCentre FK, or "pk" on centres) the user may see."""
    if user is SYSTEM:
        return Q()
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser or user_has_role(user, Role.ADMIN):
        return Q()
    member = getattr(user, "staff_member", None)
    if member is None:
        return NOTHING
    prefix = "" if field == "pk" else f"{field}__"
    own = Q(**{"pk" if field == "pk" else f"{field}_id": member.centre_id})
    if user_has_role(user, Role.SUPERVISOR):
        return (
            own | Q(**{f"{prefix}parent_id": member.centre_id}) | Q(**{f"{prefix}parent__parent_id": member.centre_id})
        )
    return own
