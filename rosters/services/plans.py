"""Drafting, editing and publishing a centre's monthly roster (rotation, duty leaders, help-area turns)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hallservice.core.actors import user_of
from hallservice.core.errors import DomainError, TransitionNotAllowed
from hallservice.core.months import month_start
from hallservice.core.text_limits import excerpt
from staff.access import ensure_centre, ensure_perm
from staff.models import ServiceCentre, StaffKind, StaffMember, Window

from .. import planning
from ..models import DutyDay, HelpAreaTurn, PlanStatus, RotationAssignment, RotationCover, RotationPlan
from ..selectors import (
    PlanInputs,
    help_area_per_day,
    plan_check,
    plan_inputs,
    plans_in_sequence,
    qualification_levels,
    rotation_history,
)
from .common import ensure_draft, ensure_plan_transition, lock_plan, record_plan_event

MANAGE = "rosters.manage_rotation"
# How many problems the refusal to publish names before "…".
PROBLEMS_NAMED = 5


def _ensure_manager(actor, centre_id: int) -> None:
    ensure_perm(actor, MANAGE, _("Only the supervision section drafts and publishes rosters."))
    ensure_centre(actor, centre_id)


def _lock_draft(actor, plan_id: int) -> RotationPlan:
    """The draft, locked, for a change by the supervision section of its centre."""
    plan = lock_plan(plan_id)
    _ensure_manager(actor, plan.centre_id)
    ensure_draft(plan)
    return plan


def _lock_draft_row(actor, model, pk: int):
    """A row of a draft (a duty day, a help-area turn) and its draft, both locked, the draft first."""
    plan = _lock_draft(actor, model.objects.values_list("plan_id", flat=True).get(pk=pk))
    return plan, model.objects.select_for_update().get(pk=pk)


def _fill(plan: RotationPlan, inputs: PlanInputs) -> dict:
    """Write the generator's proposal into an empty draft; returns what the generator could not do."""
    turn = inputs.turn
    proposal = planning.propose_rotation(
        windows=inputs.window_specs,
        helpers=inputs.helper_specs,
        working_days=inputs.working_days,
        turn=turn,
        levels=qualification_levels(inputs),
    )
    RotationAssignment.objects.bulk_create(
        RotationAssignment(
            plan=plan, helper_id=p.helper_id, window_id=p.window_id, reason=p.reason, is_repeat=p.is_repeat
        )
        for p in proposal.placements.values()
    )
    duty, duty_gaps = planning.propose_duty_leaders(
        leaders=inputs.leader_specs, working_days=inputs.working_days, turn=turn
    )
    weeks = planning.propose_week_leaders(
        bureau_leaders=inputs.bureau_specs,
        working_days=inputs.working_days,
        carried=inputs.carried_week_leaders,
        turn=turn,
    )
    DutyDay.objects.bulk_create(
        DutyDay(
            plan=plan,
            centre_id=plan.centre_id,
            day=day,
            leader_id=leader_id,
            planned_leader_id=leader_id,
            week_leader_id=weeks.get(planning.week_start(day)),
            reason=reason,
        )
        for day, (leader_id, reason) in sorted(duty.items())
    )
    turns, turn_gaps = planning.propose_help_area(
        departments=[(d.pk, d.name, specs) for d, specs in inputs.departments],
        working_days=inputs.working_days,
        per_day=help_area_per_day(),
        turn=turn,
    )
    HelpAreaTurn.objects.bulk_create(
        HelpAreaTurn(plan=plan, day=day, department_id=dep, helper_id=helper, planned_helper_id=helper, reason=reason)
        for day, dep, helper, reason in turns
    )
    return {
        "away": proposal.away,
        "unplaced": proposal.unplaced,
        "shortfalls": proposal.shortfalls,
        "days_without_leader": duty_gaps,
        "help_area_gaps": turn_gaps,
    }


def _summary_note(result: dict, plan: RotationPlan) -> str:
    return _("%(helpers)d helpers placed, %(days)d duty days; %(short)d window(s) short, %(unplaced)d unplaced.") % {
        "helpers": plan.assignments.count(),
        "days": plan.duty_days.count(),
        "short": len(result["shortfalls"]),
        "unplaced": len(result["unplaced"]),
    }


@transaction.atomic
def rotation_plan_generate(*, actor, centre_id: int, month: date) -> RotationPlan:
    """Draft a centre's roster for a month with the generator's proposal (refused if a plan exists)."""
    _ensure_manager(actor, centre_id)
    # Lock the centre: two generators (a supervisor and the monthly task) must not both create the month. A no-key
    # lock: it excludes the other generator but not the writes that merely point at the centre (a check-in, a
    # substitution), which otherwise deadlocked with the generator's own writes pointing at their staff rows.
    ServiceCentre.objects.select_for_update(no_key=True).get(pk=centre_id)
    month = month_start(month)
    if RotationPlan.objects.filter(centre_id=centre_id, month=month).exists():
        raise TransitionNotAllowed(
            _("There is already a plan for %(month)s: open it, or regenerate it while it is a draft.")
            % {"month": f"{month:%Y-%m}"}
        )
    plan = RotationPlan.objects.create(
        centre_id=centre_id,
        month=month,
        generated_at=timezone.now(),
        continued_from=plans_in_sequence(centre_id, month).last(),
    )
    result = _fill(plan, plan_inputs(centre_id, month))
    record_plan_event(plan, actor=actor, verb="plan_generated", note=_summary_note(result, plan))
    return plan


@transaction.atomic
def rotation_plan_regenerate(*, actor, plan_id: int) -> RotationPlan:
    """Throw away a draft's contents and propose them again (e.g. after leave was recorded)."""
    plan = _lock_draft(actor, plan_id)
    plan.assignments.all().delete()
    plan.duty_days.all().delete()
    plan.help_area_turns.all().delete()
    plan.covers.all().delete()
    result = _fill(plan, plan_inputs(plan.centre_id, plan.month))
    plan.generated_at = timezone.now()
    plan.continued_from = plans_in_sequence(plan.centre_id, plan.month).last()
    plan.save(update_fields=["generated_at", "continued_from"])
    record_plan_event(plan, actor=actor, verb="plan_regenerated", note=_summary_note(result, plan))
    return plan


@transaction.atomic
def rotation_assignment_set(
    *, actor, plan_id: int, helper_id: int, window_id: int | None
) -> RotationAssignment | None:
    """Put a full-time helper at a window for the draft's month (or take them off, with ``window_id=None``).

    The edit is not refused for breaking a rule: the grid shows the problem at once and publishing enforces it.
    """
    plan = _lock_draft(actor, plan_id)
    helper = (
        StaffMember.objects.active()
        .filter(pk=helper_id, centre_id=plan.centre_id, kind=StaffKind.FULL_TIME_HELPER)
        .first()
    )
    if helper is None:
        raise DomainError(_("Choose an active full-time helper of this centre."), field="helper")
    if window_id is None:
        plan.assignments.filter(helper=helper).delete()
        record_plan_event(
            plan, actor=actor, verb="assignment_removed", note=_("%(helper)s has no window.") % {"helper": helper.name}
        )
        return None
    window = Window.objects.filter(pk=window_id, centre_id=plan.centre_id, is_active=True).first()
    if window is None:
        raise DomainError(_("Choose an open window of this centre."), field="window")
    windows = Window.objects.filter(centre_id=plan.centre_id, is_active=True).values_list("pk", flat=True)
    remaining, _last, _done = planning.cycle_state(
        rotation_history(plan.centre_id, plan.month, helper.pk).get(helper.pk, ()), windows
    )
    is_repeat = window.pk not in remaining
    name = getattr(getattr(actor, "staff_member", None), "name", "") or getattr(actor, "username", "")
    reason = _("Set by %(name)s.") % {"name": name}
    if is_repeat:
        reason += " " + _("Repeats a window before the cycle is complete.")
    assignment, _created = RotationAssignment.objects.update_or_create(
        plan=plan, helper=helper, defaults={"window": window, "reason": excerpt(reason, 200), "is_repeat": is_repeat}
    )
    record_plan_event(plan, actor=actor, verb="assignment_set", note=f"{helper.name} → {window.number}")
    return assignment


def _set_by(actor) -> str:
    """The reason a duty day set by hand carries: who set it."""
    name = getattr(getattr(actor, "staff_member", None), "name", "")
    return excerpt(_("Set by %(name)s.") % {"name": name}, 200)


def _duty_leader_of(plan: RotationPlan, leader_id: int) -> StaffMember:
    leader = (
        StaffMember.objects.active().filter(pk=leader_id, centre_id=plan.centre_id, kind=StaffKind.DUTY_LEADER).first()
    )
    if leader is None:
        raise DomainError(_("Choose an active duty leader of this centre."), field="leader")
    return leader


@transaction.atomic
def duty_day_create(*, actor, plan_id: int, day: date, leader_id: int) -> DutyDay:
    """Add a duty day to a draft (e.g. a working day added to the calendar after the plan was drafted)."""
    plan = _lock_draft(actor, plan_id)
    if month_start(day) != plan.month:
        raise DomainError(_("The day must lie in the plan's month."), field="day")
    existing = DutyDay.objects.filter(centre_id=plan.centre_id, day=day).select_related("leader").first()
    if existing is not None:
        # One duty leader a day: the database refuses a second one too (duty_day_one_leader_per_day).
        raise DomainError(
            _("%(day)s already has a duty leader, %(leader)s: change that day instead.")
            % {"day": day, "leader": existing.leader.name},
            field="day",
        )
    leader = _duty_leader_of(plan, leader_id)
    duty_day = DutyDay.objects.create(
        plan=plan, centre_id=plan.centre_id, day=day, leader=leader, planned_leader=leader, reason=_set_by(actor)
    )
    record_plan_event(plan, actor=actor, verb="duty_day_added", note=f"{day} {leader.name}")
    return duty_day


@transaction.atomic
def duty_day_set_leader(*, actor, duty_day_id: int, leader_id: int) -> DutyDay:
    """Change the duty leader of one day of a draft."""
    plan, duty_day = _lock_draft_row(actor, DutyDay, duty_day_id)
    leader = _duty_leader_of(plan, leader_id)
    duty_day.leader = duty_day.planned_leader = leader
    duty_day.reason = _set_by(actor)
    duty_day.save(update_fields=["leader", "planned_leader", "reason"])
    record_plan_event(plan, actor=actor, verb="duty_leader_set", note=f"{duty_day.day} {leader.name}")
    return duty_day


@transaction.atomic
def duty_week_leader_set(*, actor, plan_id: int, week: date, leader_id: int | None) -> int:
    """Name the leading bureau leader of a week (the days of the week in this draft); returns the days changed."""
    plan = _lock_draft(actor, plan_id)
    leader = None
    if leader_id is not None:
        leader = (
            StaffMember.objects.active()
            .filter(pk=leader_id, centre_id=plan.centre_id, bureau_leader__isnull=False)
            .first()
        )
        if leader is None:
            raise DomainError(_("Choose a bureau leader of this centre."), field="leader")
    monday = planning.week_start(week)
    changed = plan.duty_days.filter(day__gte=monday, day__lte=monday + timedelta(days=6)).update(week_leader=leader)
    record_plan_event(plan, actor=actor, verb="week_leader_set", note=f"{monday} {leader.name if leader else '—'}")
    return changed


@transaction.atomic
def help_area_turn_set(*, actor, turn_id: int, helper_id: int) -> HelpAreaTurn:
    """Give a help-area turn of a draft to another window helper of the same department."""
    plan, turn = _lock_draft_row(actor, HelpAreaTurn, turn_id)
    helper = (
        StaffMember.objects.active()
        .filter(pk=helper_id, centre_id=plan.centre_id, kind=StaffKind.WINDOW_HELPER, department_id=turn.department_id)
        .first()
    )
    if helper is None:
        raise DomainError(_("Choose a window helper of the same department."), field="helper")
    if plan.help_area_turns.filter(day=turn.day, helper=helper).exclude(pk=turn.pk).exists():
        raise DomainError(_("%(helper)s already has a turn that day.") % {"helper": helper.name}, field="helper")
    turn.helper = turn.planned_helper = helper
    turn.save(update_fields=["helper", "planned_helper"])
    record_plan_event(plan, actor=actor, verb="help_area_turn_set", note=f"{turn.day} {helper.name}")
    return turn


@transaction.atomic
def rotation_plan_publish(*, actor, plan_id: int, confirm_repeats: bool = False) -> RotationPlan:
    """Publish a draft after checking every rule; the day covers it needs are frozen with it.

    A plan that sends helpers back to a window before they have worked every window (seed 000 二.1: rotate
    so each learns every window) is published only when the supervisor confirms it with ``confirm_repeats``:
    the repeats are warnings, not errors, because sometimes nothing else staffs every window.
    """
    plan = lock_plan(plan_id)
    _ensure_manager(actor, plan.centre_id)
    ensure_plan_transition(plan, PlanStatus.PUBLISHED)
    problems, covers, _inputs = plan_check(plan)
    errors = [p for p in problems if p.is_error]
    if errors:
        named = "；".join(p.message for p in errors[:PROBLEMS_NAMED])
        if len(errors) > PROBLEMS_NAMED:
            named += " …"
        raise DomainError(_("The plan cannot be published: %(problems)s") % {"problems": named})
    repeats = [p for p in problems if p.code == "repeat"]
    if repeats and not confirm_repeats:
        raise DomainError(
            _(
                "%(n)d helper(s) would return to a window before having worked every window. "
                "Change the grid, or confirm that the plan is published with these repeats."
            )
            % {"n": len(repeats)},
            field="confirm_repeats",
        )
    plan.covers.all().delete()
    RotationCover.objects.bulk_create(
        RotationCover(plan=plan, day=c.day, helper_id=c.helper_id, window_id=c.window_id, reason=c.reason)
        for c in covers
    )
    plan.status = PlanStatus.PUBLISHED
    plan.published_at = timezone.now()
    plan.published_by = user_of(actor)
    plan.save(update_fields=["status", "published_at", "published_by"])
    warnings = len(problems) - len(errors)
    record_plan_event(
        plan,
        actor=actor,
        verb="plan_published",
        note=_("%(covers)d day cover(s), %(warnings)d warning(s).") % {"covers": len(covers), "warnings": warnings}
        + (" " + _("Published with %(n)d confirmed repeat(s).") % {"n": len(repeats)} if repeats else ""),
    )
    return plan
