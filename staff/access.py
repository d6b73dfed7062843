"""What every service checks first: who is acting, whether they hold the permission, whether the centre is theirs.

Requests, rosters and training services start with these, so a refusal reads the same everywhere. The system
actor (``hallservice.core.actors.SYSTEM``) passes every check; the applicant (``CITIZEN``) passes none.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from hallservice.core.actors import SYSTEM
from hallservice.core.errors import PermissionDenied

from .models import ServiceCentre, StaffMember


def staff_of(actor) -> StaffMember:
    """The actor's staff record; a login without one (or the system) may not do what only staff do."""
    member = getattr(actor, "staff_member", None)
    if member is None:
        raise PermissionDenied(_("Only staff members of a centre can do this."))
    return member


def ensure_perm(actor, perm: str, message: str) -> None:
    """Refuse (403) with ``message`` unless the actor holds ``perm``."""
    if not actor.has_perm(perm):
        raise PermissionDenied(message)


def managed_centre(actor, centre_id: int) -> ServiceCentre:
    """The centre, if the actor may see it; refuse otherwise (pages and the API answer 404 before this)."""
    centre = ServiceCentre.objects.restrict(actor).filter(pk=centre_id).first()
    if centre is None:
        raise PermissionDenied(_("This centre is not yours to manage."))
    return centre


def ensure_centre(actor, centre_id: int) -> None:
    """Refuse to act on a centre the actor may not see; the system acts everywhere without asking."""
    if actor is not SYSTEM:
        managed_centre(actor, centre_id)
