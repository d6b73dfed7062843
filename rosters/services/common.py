"""What every roster service does: check the actor, lock the row, check the state, write one event."""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext as _

from hallservice.core.errors import DomainError, TransitionNotAllowed
from hallservice.core.statuses import ensure_transition

from ..models import PLAN_TRANSITIONS, DeskVersion, PlanStatus, RosterEvent, RotationPlan


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


def ensure_plan_transition(plan: RotationPlan, target: PlanStatus) -> None:
    refusal = _("A plan that is “%(current)s” cannot become “%(target)s”.")
    ensure_transition(plan, target, transitions=PLAN_TRANSITIONS, refusal=refusal)


def record_event(*, centre_id: int, actor, verb: str, **fields) -> RosterEvent:
    """One row of the centre's roster history; ``fields``: note, plan, substitution. Every roster write comes
    here, so it also raises the centre's desk version (see DeskVersion)."""
    _raise_desk_version(centre_id)
    return RosterEvent.record(centre_id=centre_id, actor=actor, verb=verb, **fields)


def record_plan_event(plan: RotationPlan, *, actor, verb: str, note: str) -> RosterEvent:
    """An event of a month's plan, in its centre's roster history."""
    return record_event(centre_id=plan.centre_id, actor=actor, verb=verb, plan=plan, note=note)


def _raise_desk_version(centre_id: int) -> None:
    raised = DeskVersion.objects.filter(centre_id=centre_id).update(number=F("number") + 1)
    if not raised:
        # The centre's first roster write: the row may be inserted by a racer at the same moment; the insert waits
        # for it and gives way, and the raise below then counts this write too.
        DeskVersion.objects.bulk_create([DeskVersion(centre_id=centre_id)], ignore_conflicts=True)
        DeskVersion.objects.filter(centre_id=centre_id).update(number=F("number") + 1)
