"""What every roster service does: check the actor, lock the row, check the state, write one event."""

from __future__ import annotations

from django.utils.translation import gettext as _

from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from hallservice.core.text_limits import excerpt
from staff.models import ServiceCentre, StaffMember

from ..models import PLAN_TRANSITIONS, PlanStatus, RosterEvent, RotationPlan

# `actor=None` means the system (a Celery task, or another app writing through these services on a timer):
# it passes every permission check, and its events have no actor.
SYSTEM = None


def staff_of(actor) -> StaffMember:
    member = getattr(actor, "staff_member", None)
    if member is None:
        raise PermissionDenied(_("Only staff members of a centre can do this."))
    return member


def ensure_perm(actor, perm: str, message: str) -> None:
    if actor is not SYSTEM and not actor.has_perm(perm):
        raise PermissionDenied(message)


def ensure_centre(actor, centre_id: int) -> None:
    """Refuse to act on a centre the actor may not see (pages and the API answer 404 before this)."""
    if actor is SYSTEM:
        return
    if not ServiceCentre.objects.visible_to(actor).filter(pk=centre_id).exists():
        raise PermissionDenied(_("This centre is not yours to manage."))


def require(value, message: str, *, field: str) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise DomainError(message, field=field)


def lock_plan(plan_id: int) -> RotationPlan:
    """Re-read the plan under a row lock: two supervisors must not edit or publish one plan at once."""
    return RotationPlan.objects.select_for_update(of=("self",)).select_related("centre").get(pk=plan_id)


def ensure_draft(plan: RotationPlan) -> None:
    if plan.status != PlanStatus.DRAFT:
        raise TransitionNotAllowed(
            _("The plan for %(month)s is published: it changes only through substitutions.")
            % {"month": f"{plan.month:%Y-%m}"}
        )


def ensure_plan_transition(plan: RotationPlan, target: str) -> None:
    if target not in PLAN_TRANSITIONS[PlanStatus(plan.status)]:
        raise TransitionNotAllowed(
            _("A plan that is “%(current)s” cannot become “%(target)s”.")
            % {"current": PlanStatus(plan.status).label, "target": PlanStatus(target).label}
        )


def record_event(*, centre_id: int, actor, verb: str, note: str = "", plan=None, substitution=None) -> RosterEvent:
    return RosterEvent.record(
        centre_id=centre_id,
        actor=actor,
        verb=verb,
        note=excerpt(note, RosterEvent._meta.get_field("note").max_length),
        plan=plan,
        substitution=substitution,
    )
