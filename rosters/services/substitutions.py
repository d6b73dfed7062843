"""Substitutions (替岗): someone else covers a day's duty, filed with the supervision section (备案).

Seed 000 二.3: "如有出差、开会等冲突事项，可由其他人员替岗，替岗情况向督查指导科进行备案。" A substitution is *filed*,
not asked for: by default (``settings.SUBSTITUTION_NEEDS_APPROVAL = False``) it is in effect the moment it is
filed — the day's roster, the duty dashboard, the helper's desk of the day and the citizens' status page follow it
at once — the supervision section is told (an e-mail to each supervisor of the centre) and may reverse it, with a
reason, up to the end of its day; reversing puts the person the plan named back on the duty.

With ``SUBSTITUTION_NEEDS_APPROVAL = True`` a hall keeps the stricter flow: a filed substitution waits for the
section's approval (the duty changes only then), may be rejected, or withdrawn by whoever filed it.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hallservice.core.actors import user_of
from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from hallservice.core.statuses import ensure_transition
from hallservice.core.text_limits import check_field_length, check_lengths
from requests.notifications import after_commit
from staff.access import ensure_centre, ensure_perm, staff_of
from staff.models import StaffKind, StaffMember

from ..models import (
    EFFECTIVE_SUBSTITUTION,
    LIVE_SUBSTITUTION,
    SUBSTITUTION_TRANSITIONS,
    Duty,
    DutyDay,
    HelpAreaTurn,
    RotationCover,
    Substitution,
    SubstitutionStatus,
    Unavailability,
)
from ..notifications import notify_substitution_filed
from ..selectors import day_roster, plan_for
from .common import record_event, require

# Who may stand in for each duty.
SUBSTITUTE_KINDS = {
    Duty.DUTY_LEADER: (StaffKind.DUTY_LEADER,),
    Duty.WINDOW: (StaffKind.FULL_TIME_HELPER, StaffKind.WINDOW_HELPER),
    Duty.HELP_AREA: (StaffKind.FULL_TIME_HELPER, StaffKind.WINDOW_HELPER),
}


def _held_duty(absent: StaffMember, day: date, duty: str) -> int | None:
    """Check that ``absent`` holds ``duty`` on ``day`` in the published plan; returns the window of a post."""
    plan = plan_for(absent.centre_id, day)
    if plan is None:
        raise DomainError(_("There is no published roster for %(day)s yet.") % {"day": day}, field="day")
    if duty == Duty.DUTY_LEADER:
        if not DutyDay.objects.filter(plan=plan, day=day, leader=absent).exists():
            raise DomainError(
                _("%(name)s is not the duty leader on %(day)s.") % {"name": absent.name, "day": day}, field="absent"
            )
        return None
    if duty == Duty.HELP_AREA:
        if not HelpAreaTurn.objects.filter(plan=plan, day=day, helper=absent).exists():
            raise DomainError(
                _("%(name)s has no help-area turn on %(day)s.") % {"name": absent.name, "day": day}, field="absent"
            )
        return None
    cover = RotationCover.objects.filter(plan=plan, day=day, helper=absent).values_list("window_id", flat=True)
    standing_in = (
        Substitution.objects.effective()
        .filter(day=day, duty=Duty.WINDOW, substitute=absent)
        .values_list("window_id", flat=True)
    )
    assigned = plan.assignments.filter(helper=absent).values_list("window_id", flat=True)
    for window_ids in (cover, standing_in, assigned):
        window_id = window_ids.first()
        if window_id is not None:
            return window_id
    raise DomainError(_("%(name)s has no window post on %(day)s.") % {"name": absent.name, "day": day}, field="absent")


def _check_substitute(absent: StaffMember, substitute: StaffMember, day: date, duty: str) -> None:
    if substitute.pk == absent.pk:
        raise DomainError(_("Someone else must stand in."), field="substitute")
    if substitute.kind not in SUBSTITUTE_KINDS[duty]:
        raise DomainError(
            _("A %(kind)s cannot stand in for this duty.") % {"kind": substitute.get_kind_display()},
            field="substitute",
        )
    away = Unavailability.objects.covering(day).filter(staff=substitute).first()
    if away is not None:
        raise DomainError(
            _("%(name)s is away on %(day)s (%(kind)s) and cannot stand in.")
            % {"name": substitute.name, "day": day, "kind": away.get_kind_display()},
            field="substitute",
        )
    roster = day_roster(absent.centre, day)
    if duty == Duty.DUTY_LEADER:
        busy = roster.duty_day is not None and roster.duty_day.leader_id == substitute.pk
    elif duty == Duty.HELP_AREA:
        busy = any(t.helper_id == substitute.pk for t in roster.help_area)
    else:
        busy = any(member.pk == substitute.pk for post in roster.posts for member, _how in post.staff)
    if busy:
        raise DomainError(
            _("%(name)s already has this duty on %(day)s.") % {"name": substitute.name, "day": day},
            field="substitute",
        )


def needs_approval() -> bool:
    """Whether a filed substitution waits for the supervision section's approval (off by default: 备案)."""
    return bool(getattr(settings, "SUBSTITUTION_NEEDS_APPROVAL", False))


@transaction.atomic
def substitution_request(
    *, actor, absent_id: int, substitute_id: int, day: date, duty: str, reason: str
) -> Substitution:
    """File a substitution with the supervision section: who is away from which duty, who stands in, why.

    "替岗情况向督查指导科进行备案" (seed 000 二.3): filed, it is in effect at once and the section is notified;
    with ``SUBSTITUTION_NEEDS_APPROVAL`` it waits for the section's approval instead.
    """
    member = staff_of(actor)
    StaffMember.objects.ensure_visible(
        actor, absent_id, refusal=_("Choose a staff member of your centre."), field="absent"
    )
    # Lock the absent person's and the substitute's rows, in key order (by key alone: PostgreSQL cannot lock across
    # the visibility filter's outer joins): two filings for the same duty, or two naming the same substitute for one
    # day, must not race past the checks below (a filing is in effect at once, with nobody approving to catch a
    # clash). Only those rows (``of``), and with a no-key lock: locking the joined centre too, or excluding the
    # writes that point at the people (a plan's assignments), made concurrent filings and plan generation deadlock
    # (500s the fuzzer found).
    locked = {
        person.pk: person
        for person in StaffMember.objects.select_for_update(of=("self",), no_key=True)
        .select_related("centre")
        .filter(pk__in={absent_id, substitute_id})
        .order_by("pk")
    }
    absent = locked[absent_id]
    if absent.pk != member.pk and not (
        actor.has_perm("rosters.record_duty") or actor.has_perm("rosters.manage_rotation")
    ):
        raise PermissionDenied(_("Only a duty leader or the supervision section may file for someone else."))
    if duty not in Duty.values:
        raise DomainError(_("Choose the duty to be covered."), field="duty")
    require(reason, _("Give the reason (travel, meeting, …)."), field="reason")
    if day < timezone.localdate():
        raise DomainError(_("A substitution is filed for today or a later day."), field="day")
    window_id = _held_duty(absent, day, duty)
    substitute = StaffMember.objects.active().filter(pk=substitute_id, centre_id=absent.centre_id).first()
    if substitute is None:
        raise DomainError(_("The substitute must be an active staff member of the same centre."), field="substitute")
    _check_substitute(absent, substitute, day, duty)
    if Substitution.objects.filter(absent=absent, day=day, duty=duty, status__in=LIVE_SUBSTITUTION).exists():
        raise TransitionNotAllowed(_("A substitution for this duty on that day is already filed."))
    check_lengths(Substitution, reason=reason.strip())
    filing = not needs_approval()
    substitution = Substitution.objects.create(
        centre_id=absent.centre_id,
        day=day,
        duty=duty,
        absent=absent,
        substitute=substitute,
        window_id=window_id,
        reason=reason.strip(),
        status=SubstitutionStatus.FILED if filing else SubstitutionStatus.REQUESTED,
        requested_by=user_of(actor),
    )
    if filing:
        _put_on_duty(substitution, substitution.substitute, replacing=substitution.absent)
    record_event(
        centre_id=absent.centre_id,
        actor=actor,
        verb="substitution_filed",
        substitution=substitution,
        note=f"{day} {absent.name} → {substitute.name}",
    )
    if filing:
        after_commit(notify_substitution_filed, substitution_id=substitution.pk)
    return substitution


def _put_on_duty(substitution: Substitution, member: StaffMember, *, replacing: StaffMember) -> None:
    """Give ``member`` the duty ``replacing`` holds on the substitution's day (a window post needs no row: the
    roster reads it from the substitutions in effect)."""
    if substitution.duty == Duty.DUTY_LEADER:
        duty_day = DutyDay.objects.select_for_update().get(centre_id=substitution.centre_id, day=substitution.day)
        if duty_day.leader_id != replacing.pk:
            raise TransitionNotAllowed(
                _(
                    "%(name)s is no longer the duty leader on %(day)s: a later substitution changed it; reverse that first."
                )
                % {"name": replacing.name, "day": substitution.day}
            )
        duty_day.leader = member
        duty_day.save(update_fields=["leader"])
    elif substitution.duty == Duty.HELP_AREA:
        turn = (
            HelpAreaTurn.objects.select_for_update(of=("self",))
            .filter(plan__centre_id=substitution.centre_id, day=substitution.day, helper=replacing)
            .first()
        )
        if turn is None:
            raise TransitionNotAllowed(
                _(
                    "%(name)s no longer has this help-area turn on %(day)s: a later substitution changed it; reverse that first."
                )
                % {"name": replacing.name, "day": substitution.day}
            )
        turn.helper = member
        turn.save(update_fields=["helper"])


def _lock(substitution_id: int) -> Substitution:
    return (
        Substitution.objects.select_for_update(of=("self",))
        .select_related("absent", "absent__centre", "substitute")
        .get(pk=substitution_id)
    )


def _ensure_transition(substitution: Substitution, target: SubstitutionStatus) -> None:
    refusal = _("A substitution that is “%(current)s” cannot become “%(target)s”.")
    ensure_transition(substitution, target, transitions=SUBSTITUTION_TRANSITIONS, refusal=refusal)


def _decide(actor, substitution: Substitution, target: str, note: str, *, verb: str) -> None:
    """Close a substitution with the decision, and log it as ``verb``."""
    check_field_length(Substitution, "decision_note", note.strip(), field="note")
    substitution.status = target
    substitution.decided_by = user_of(actor)
    substitution.decided_at = timezone.now()
    substitution.decision_note = note.strip()
    substitution.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    record_event(centre_id=substitution.centre_id, actor=actor, verb=verb, substitution=substitution, note=note)


@transaction.atomic
def substitution_approve(*, actor, substitution_id: int, note: str = "") -> Substitution:
    """Approve a substitution waiting for approval (``SUBSTITUTION_NEEDS_APPROVAL``); the day's duty changes at once
    (duty leader, help area, window post)."""
    substitution = _lock(substitution_id)
    ensure_perm(actor, "rosters.decide_substitution", _("Only the supervision section decides on substitutions."))
    ensure_centre(actor, substitution.centre_id)
    _ensure_transition(substitution, SubstitutionStatus.APPROVED)
    # Check again: leave may have been recorded, or the duty changed, since it was filed.
    window_id = _held_duty(substitution.absent, substitution.day, substitution.duty)
    _check_substitute(substitution.absent, substitution.substitute, substitution.day, substitution.duty)
    _put_on_duty(substitution, substitution.substitute, replacing=substitution.absent)
    if substitution.duty == Duty.WINDOW and window_id != substitution.window_id:
        substitution.window_id = window_id
        substitution.save(update_fields=["window"])
    _decide(actor, substitution, SubstitutionStatus.APPROVED, note, verb="substitution_approved")
    return substitution


@transaction.atomic
def substitution_reject(*, actor, substitution_id: int, note: str) -> Substitution:
    substitution = _lock(substitution_id)
    ensure_perm(actor, "rosters.decide_substitution", _("Only the supervision section decides on substitutions."))
    ensure_centre(actor, substitution.centre_id)
    _ensure_transition(substitution, SubstitutionStatus.REJECTED)
    require(note, _("Say why the substitution is rejected."), field="note")
    _decide(actor, substitution, SubstitutionStatus.REJECTED, note, verb="substitution_rejected")
    return substitution


@transaction.atomic
def substitution_withdraw(*, actor, substitution_id: int) -> Substitution:
    """The person who filed it (or who is away) takes back a substitution not yet decided."""
    substitution = _lock(substitution_id)
    member = staff_of(actor)
    if substitution.requested_by_id != actor.pk and substitution.absent_id != member.pk:
        raise PermissionDenied(_("Only whoever filed the substitution, or the person away, may withdraw it."))
    _ensure_transition(substitution, SubstitutionStatus.WITHDRAWN)
    _decide(actor, substitution, SubstitutionStatus.WITHDRAWN, "", verb="substitution_withdrawn")
    return substitution


@transaction.atomic
def substitution_reverse(*, actor, substitution_id: int, note: str) -> Substitution:
    """The supervision section reverses a filed substitution (备案 is theirs to check, seed 000 二.3): the person
    the substitution replaced takes the duty back. Refused once the day has passed, and while a later substitution
    builds on this one (the substitute has since handed the duty on): that one is reversed first."""
    substitution = _lock(substitution_id)
    ensure_perm(actor, "rosters.decide_substitution", _("Only the supervision section reverses substitutions."))
    ensure_centre(actor, substitution.centre_id)
    _ensure_transition(substitution, SubstitutionStatus.REVERSED)
    require(note, _("Say why the substitution is reversed."), field="note")
    if substitution.day < timezone.localdate():
        raise TransitionNotAllowed(
            _("The day of this substitution (%(day)s) has passed: it can no longer be reversed.")
            % {"day": substitution.day}
        )
    onward = Substitution.objects.filter(
        day=substitution.day, duty=substitution.duty, absent=substitution.substitute, status__in=EFFECTIVE_SUBSTITUTION
    )
    if substitution.duty == Duty.WINDOW:
        onward = onward.filter(window_id=substitution.window_id)
    if onward.exists():
        raise TransitionNotAllowed(
            _("%(name)s has handed this duty on by a later substitution; reverse that one first.")
            % {"name": substitution.substitute.name}
        )
    _put_on_duty(substitution, substitution.absent, replacing=substitution.substitute)
    _decide(actor, substitution, SubstitutionStatus.REVERSED, note, verb="substitution_reversed")
    return substitution
