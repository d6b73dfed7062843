"""Substitutions (替岗): filed with a reason with the supervision section, changing the day's duty.

Seed 000 二.3: "替岗情况向督查指导科进行备案". By default a filed substitution is in effect at once and the section
may reverse it; with SUBSTITUTION_NEEDS_APPROVAL (the ``needs_approval`` fixture) it waits for their decision.
"""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from rosters.models import (
    EFFECTIVE_SUBSTITUTION,
    SUBSTITUTION_TRANSITIONS,
    Duty,
    RosterEvent,
    Substitution,
    SubstitutionStatus,
)
from rosters.selectors import day_roster
from rosters.services import (
    substitution_approve,
    substitution_reject,
    substitution_request,
    substitution_reverse,
    substitution_withdraw,
    unavailability_record,
)

from .conftest import approved_substitution, at, file_substitution, own_day_and_free_leader

pytestmark = pytest.mark.django_db
DAY = date(2026, 12, 9)


def leader_day(plan, leader):
    return plan.duty_days.filter(leader=leader).order_by("day").first().day


def file_for_leader(h, plan, **extra):
    """The duty leader login files a substitution for one of their own days."""
    leader, day, substitute = own_day_and_free_leader(h, plan)
    data = {
        "absent_id": leader.pk,
        "substitute_id": substitute.pk,
        "day": day,
        "duty": Duty.DUTY_LEADER,
        "reason": "到省厅开会",
    }
    data.update(extra)
    with at(2026, 11, 30):
        return substitution_request(actor=h["leader_user"], **data)


def test_an_approved_substitution_changes_the_days_duty_leader(roster_hall, published, needs_approval):
    h = roster_hall
    sub = file_for_leader(h, published)
    assert sub.status == SubstitutionStatus.REQUESTED
    with at(2026, 11, 30):
        substitution_approve(actor=h["supervisor"], substitution_id=sub.pk, note="同意")
    duty_day = published.duty_days.get(day=sub.day)
    assert duty_day.leader == sub.substitute and duty_day.planned_leader == sub.absent and duty_day.is_substituted
    roster = day_roster(h["centre"], sub.day)
    assert roster.duty_day.leader == sub.substitute
    assert sub.substitute.pk in roster.expected and sub.absent.pk not in roster.expected
    assert [s.pk for s in roster.substitutions] == [sub.pk]
    assert list(RosterEvent.objects.filter(substitution=sub).values_list("verb", flat=True).order_by("pk")) == [
        "substitution_filed",
        "substitution_approved",
    ]


def test_a_substitute_on_leave_is_refused(roster_hall, published):
    h = roster_hall
    leader = h["leader_user"].staff_member
    day = leader_day(published, leader)
    substitute = next(
        p for p in h["leaders"] if p.pk != leader.pk and not published.duty_days.filter(day=day, leader=p)
    )
    unavailability_record(actor=h["supervisor"], staff_id=substitute.pk, start=day, end=day, kind="leave")
    with pytest.raises(DomainError) as refused:
        file_for_leader(h, published, substitute_id=substitute.pk)
    assert refused.value.field == "substitute" and substitute.name in str(refused.value)


def test_leave_recorded_after_filing_is_checked_again_at_approval(roster_hall, published, needs_approval):
    h = roster_hall
    sub = file_for_leader(h, published)
    unavailability_record(actor=h["supervisor"], staff_id=sub.substitute_id, start=sub.day, end=sub.day, kind="travel")
    with pytest.raises(DomainError), at(2026, 11, 30):
        substitution_approve(actor=h["supervisor"], substitution_id=sub.pk)
    assert Substitution.objects.get(pk=sub.pk).status == SubstitutionStatus.REQUESTED


def test_filing_for_someone_else_needs_a_duty_leader_or_the_supervision_section(roster_hall, published):
    h = roster_hall
    leader = h["leaders"][1]
    day = leader_day(published, leader)
    substitute = next(
        p for p in h["leaders"] if p.pk != leader.pk and not published.duty_days.filter(day=day, leader=p)
    )
    data = {
        "absent_id": leader.pk,
        "substitute_id": substitute.pk,
        "day": day,
        "duty": Duty.DUTY_LEADER,
        "reason": "出差",
    }
    with at(2026, 11, 30):
        with pytest.raises(PermissionDenied):
            substitution_request(actor=h["desk"], **data)
        assert substitution_request(actor=h["supervisor"], **data).requested_by == h["supervisor"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"day": date(2026, 11, 27)}, "day"),  # in the past
        ({"duty": Duty.HELP_AREA}, "absent"),  # they hold no help-area turn
        ({"reason": " "}, "reason"),
        ({"duty": "nap"}, "duty"),
    ],
)
def test_bad_filings_are_refused_with_the_field(roster_hall, published, change, field):
    with pytest.raises(DomainError) as refused:
        file_for_leader(roster_hall, published, **change)
    assert refused.value.field == field


def test_a_helper_cannot_stand_in_as_duty_leader_and_a_duty_is_covered_once(roster_hall, published, needs_approval):
    h = roster_hall
    with pytest.raises(DomainError) as refused:
        file_for_leader(h, published, substitute_id=h["helpers"][0].pk)
    assert refused.value.field == "substitute"
    sub = file_for_leader(h, published)
    with pytest.raises(TransitionNotAllowed):
        file_for_leader(h, published)
    with pytest.raises(IntegrityError), transaction.atomic():
        Substitution.objects.create(
            centre=sub.centre,
            day=sub.day,
            duty=sub.duty,
            absent=sub.absent,
            substitute=sub.substitute,
            reason="x",
            requested_by=h["supervisor"],
        )


def test_no_published_roster_no_substitution(roster_hall):
    h = roster_hall
    with pytest.raises(DomainError) as refused, at(2026, 11, 30):
        file_substitution(
            h["leader_user"], h["leader_user"].staff_member.pk, h["leaders"][1].pk, DAY, Duty.DUTY_LEADER, "出差"
        )
    assert refused.value.field == "day"


def test_a_window_post_substitution_moves_the_substitute_to_the_window(roster_hall, published):
    h = roster_hall
    assignment = published.assignments.select_related("helper").first()
    helper = assignment.helper
    with at(2026, 11, 30):
        sub = approved_substitution(
            h["supervisor"], helper.pk, h["window_helpers"][0].pk, DAY, Duty.WINDOW, "参加培训会议"
        )
    assert sub.window_id == assignment.window_id
    post = next(p for p in day_roster(h["centre"], DAY).posts if p.window.pk == assignment.window_id)
    names = {member.name: how for member, how in post.staff}
    assert helper.name not in names and names[h["window_helpers"][0].name] == "substitute"


def test_a_help_area_substitution_changes_the_turn(roster_hall, published):
    h = roster_hall
    turn = published.help_area_turns.get(day=DAY)
    other = next(w for w in h["window_helpers"] if w.pk != turn.helper_id)
    with at(2026, 11, 30):
        sub = approved_substitution(h["supervisor"], turn.helper_id, other.pk, DAY, Duty.HELP_AREA, "病假")
    turn.refresh_from_db()
    assert turn.helper == other and turn.planned_helper_id == sub.absent_id


ACTIONS = {
    SubstitutionStatus.APPROVED: lambda h, sub: substitution_approve(actor=h["supervisor"], substitution_id=sub.pk),
    SubstitutionStatus.REJECTED: lambda h, sub: substitution_reject(
        actor=h["supervisor"], substitution_id=sub.pk, note="人手不足"
    ),
    SubstitutionStatus.WITHDRAWN: lambda h, sub: substitution_withdraw(actor=h["leader_user"], substitution_id=sub.pk),
    SubstitutionStatus.REVERSED: lambda h, sub: substitution_reverse(
        actor=h["supervisor"], substitution_id=sub.pk, note="未按规定备案"
    ),
}


@pytest.mark.parametrize("start", list(SubstitutionStatus))
@pytest.mark.parametrize("target", list(ACTIONS))
def test_the_transition_table(roster_hall, published, settings, start, target):
    h = roster_hall
    # A substitution in effect has changed the day's duty; one waiting (or closed) has not: file it accordingly.
    settings.SUBSTITUTION_NEEDS_APPROVAL = start not in EFFECTIVE_SUBSTITUTION
    sub = file_for_leader(h, published)
    Substitution.objects.filter(pk=sub.pk).update(status=start)
    sub.refresh_from_db()
    with at(2026, 11, 30):
        if target in SUBSTITUTION_TRANSITIONS[start]:
            assert ACTIONS[target](h, sub).status == target
        else:
            with pytest.raises(TransitionNotAllowed):
                ACTIONS[target](h, sub)


def test_deciding_needs_the_supervision_section_of_the_centre(roster_hall, published, needs_approval):
    h = roster_hall
    sub = file_for_leader(h, published)
    for actor in (h["leader_user"], h["town_supervisor"]):
        with pytest.raises(PermissionDenied), at(2026, 11, 30):
            substitution_approve(actor=actor, substitution_id=sub.pk)
    with pytest.raises(DomainError) as refused:
        substitution_reject(actor=h["supervisor"], substitution_id=sub.pk, note="")
    assert refused.value.field == "note"
    with pytest.raises(PermissionDenied):
        substitution_withdraw(actor=h["desk"], substitution_id=sub.pk)
