"""Drafting, editing and publishing a month's roster through the services."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from rosters.models import DutyDay, HelpAreaTurn, PlanStatus, RosterEvent, RotationAssignment, RotationPlan
from rosters.selectors import month_working_days, plan_check
from rosters.services import (
    duty_day_create,
    duty_day_set_leader,
    duty_week_leader_set,
    help_area_turn_set,
    rotation_assignment_set,
    rotation_plan_generate,
    rotation_plan_publish,
    rotation_plan_regenerate,
    unavailability_record,
)

from .conftest import MONTH, at

pytestmark = pytest.mark.django_db


def generate(h, month=MONTH):
    with at(2026, 11, 25):
        return rotation_plan_generate(actor=h["supervisor"], centre_id=h["centre"].pk, month=month)


def counts(plan):
    result = {}
    for window_id in plan.assignments.values_list("window_id", flat=True):
        result[window_id] = result.get(window_id, 0) + 1
    return result


def test_generated_draft_staffs_every_window_and_every_working_day(roster_hall):
    plan = generate(roster_hall)
    assert plan.status == PlanStatus.DRAFT
    assignments = list(plan.assignments.all())
    assert {a.helper_id for a in assignments} == {h.pk for h in roster_hall["helpers"]}
    assert all(a.reason for a in assignments)
    assert sorted(counts(plan).values()) == [1, 2, 2, 2]  # 7 helpers, 4 windows of 1–2
    days = month_working_days(MONTH)
    assert len(days) == 23
    duty = list(plan.duty_days.all())
    assert [d.day for d in duty] == days
    leader_counts = {}
    for d in duty:
        leader_counts[d.leader_id] = leader_counts.get(d.leader_id, 0) + 1
    # Three duty leaders share 23 days evenly; the bureau leader leads the weeks instead.
    assert sorted(leader_counts.values()) == [7, 8, 8]
    assert roster_hall["chief"].pk not in leader_counts
    assert {d.week_leader_id for d in duty} == {roster_hall["chief"].pk}
    turns = list(plan.help_area_turns.order_by("day"))
    assert len(turns) == 23 and {t.department_id for t in turns} == {roster_hall["department"].pk}
    per_helper = [sum(t.helper_id == wh.pk for t in turns) for wh in roster_hall["window_helpers"]]
    assert sorted(per_helper) == [11, 12]
    assert RosterEvent.objects.filter(plan=plan, verb="plan_generated").count() == 1


def test_a_second_plan_for_the_month_is_refused(roster_hall):
    generate(roster_hall)
    with pytest.raises(TransitionNotAllowed):
        generate(roster_hall)


@pytest.mark.parametrize("who", ["desk", "leader_user", "town_supervisor"])
def test_only_the_supervision_section_of_the_centre_drafts_plans(roster_hall, who):
    with pytest.raises(PermissionDenied), at(2026, 11, 25):
        rotation_plan_generate(actor=roster_hall[who], centre_id=roster_hall["centre"].pk, month=MONTH)
    assert not RotationPlan.objects.exists()


def test_leave_is_respected_by_the_generator(roster_hall):
    h = roster_hall
    away_helper, away_leader = h["helpers"][0], h["leaders"][0]
    unavailability_record(
        actor=h["supervisor"], staff_id=away_helper.pk, start=date(2026, 12, 1), end=date(2026, 12, 31), kind="leave"
    )
    unavailability_record(
        actor=h["supervisor"], staff_id=away_leader.pk, start=date(2026, 12, 7), end=date(2026, 12, 11), kind="travel"
    )
    plan = generate(h)
    assert not plan.assignments.filter(helper=away_helper).exists()
    assert not plan.duty_days.filter(leader=away_leader, day__range=(date(2026, 12, 7), date(2026, 12, 11))).exists()
    problems, _covers, _inputs = plan_check(plan)
    assert not [p for p in problems if p.is_error]


def test_next_month_follows_history_without_repeats(roster_hall):
    h = roster_hall
    december = generate(h)
    with at(2026, 11, 25):
        rotation_plan_publish(actor=h["supervisor"], plan_id=december.pk)
    january = generate(h, date(2027, 1, 1))
    before = dict(december.assignments.values_list("helper_id", "window_id"))
    after = dict(january.assignments.values_list("helper_id", "window_id"))
    assert set(after) == set(before)
    assert all(after[helper] != before[helper] for helper in after)
    assert not january.assignments.filter(is_repeat=True).exists()
    # 2027 is not in chinese-calendar: Monday to Friday count, so January has 21 working days.
    assert january.duty_days.count() == 21


def test_publishing_refuses_an_empty_window_and_names_it(roster_hall):
    h = roster_hall
    plan = generate(h)
    empty = h["windows"][0]
    for a in plan.assignments.filter(window=empty):
        rotation_assignment_set(actor=h["supervisor"], plan_id=plan.pk, helper_id=a.helper_id, window_id=None)
    with pytest.raises(DomainError) as refused:
        rotation_plan_publish(actor=h["supervisor"], plan_id=plan.pk)
    assert empty.number in str(refused.value)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_publishing_refuses_a_helper_away_all_month(roster_hall):
    h = roster_hall
    plan = generate(h)
    helper = plan.assignments.first().helper
    unavailability_record(
        actor=h["supervisor"], staff_id=helper.pk, start=date(2026, 11, 30), end=date(2027, 1, 3), kind="leave"
    )
    with pytest.raises(DomainError) as refused:
        rotation_plan_publish(actor=h["supervisor"], plan_id=plan.pk)
    assert helper.name in str(refused.value)


def test_leave_on_some_days_is_covered_by_a_spare_helper_or_refused(roster_hall):
    h = roster_hall
    plan = generate(h)
    alone = next(w for w, n in counts(plan).items() if n == 1)
    lone_helper = plan.assignments.get(window_id=alone).helper
    unavailability_record(
        actor=h["supervisor"],
        staff_id=lone_helper.pk,
        start=date(2026, 12, 14),
        end=date(2026, 12, 15),
        kind="meeting",
    )
    # Three windows have two helpers: one of them covers the lone helper's window on those two days.
    published = rotation_plan_publish(actor=h["supervisor"], plan_id=plan.pk)
    covers = list(published.covers.order_by("day"))
    assert [(c.day, c.window_id) for c in covers] == [(date(2026, 12, 14), alone), (date(2026, 12, 15), alone)]
    assert all(c.helper_id != lone_helper.pk for c in covers)


def test_a_shortfall_nobody_can_cover_blocks_publishing(roster_hall):
    h = roster_hall
    plan = generate(h)
    # Four helpers for four windows: nobody is spare.
    for a in plan.assignments.order_by("pk")[4:]:
        rotation_assignment_set(actor=h["supervisor"], plan_id=plan.pk, helper_id=a.helper_id, window_id=None)
    for window, a in zip(h["windows"], plan.assignments.order_by("pk"), strict=True):
        rotation_assignment_set(actor=h["supervisor"], plan_id=plan.pk, helper_id=a.helper_id, window_id=window.pk)
    helper = plan.assignments.order_by("pk").first().helper
    unavailability_record(
        actor=h["supervisor"], staff_id=helper.pk, start=date(2026, 12, 14), end=date(2026, 12, 14), kind="leave"
    )
    with pytest.raises(DomainError) as refused:
        rotation_plan_publish(actor=h["supervisor"], plan_id=plan.pk)
    assert "12-14" in str(refused.value)


def test_a_published_plan_changes_only_through_substitutions(roster_hall):
    h = roster_hall
    plan = generate(h)
    rotation_plan_publish(actor=h["supervisor"], plan_id=plan.pk)
    a = plan.assignments.first()
    duty_day = plan.duty_days.first()
    turn = plan.help_area_turns.first()
    attempts = [
        lambda: rotation_plan_publish(actor=h["supervisor"], plan_id=plan.pk),
        lambda: rotation_plan_regenerate(actor=h["supervisor"], plan_id=plan.pk),
        lambda: rotation_assignment_set(
            actor=h["supervisor"], plan_id=plan.pk, helper_id=a.helper_id, window_id=h["windows"][0].pk
        ),
        lambda: duty_day_set_leader(actor=h["supervisor"], duty_day_id=duty_day.pk, leader_id=h["leaders"][1].pk),
        lambda: duty_week_leader_set(actor=h["supervisor"], plan_id=plan.pk, week=duty_day.day, leader_id=None),
        lambda: help_area_turn_set(actor=h["supervisor"], turn_id=turn.pk, helper_id=turn.helper_id),
    ]
    for attempt in attempts:
        with pytest.raises(TransitionNotAllowed):
            attempt()


def test_editing_a_draft_marks_a_repeat_and_records_an_event(roster_hall):
    h = roster_hall
    december = generate(h)
    rotation_plan_publish(actor=h["supervisor"], plan_id=december.pk)
    january = generate(h, date(2027, 1, 1))
    helper_id, december_window = december.assignments.values_list("helper_id", "window_id").first()
    a = rotation_assignment_set(
        actor=h["supervisor"], plan_id=january.pk, helper_id=helper_id, window_id=december_window
    )
    assert a.is_repeat and a.reason
    assert RosterEvent.objects.filter(plan=january, verb="assignment_set").exists()
    problems, _c, _i = plan_check(january)
    assert any(p.code == "repeat" and p.helper_id == helper_id for p in problems)
    with pytest.raises(DomainError) as bad:
        rotation_assignment_set(
            actor=h["supervisor"], plan_id=january.pk, helper_id=h["leaders"][0].pk, window_id=december_window
        )
    assert bad.value.field == "helper"


def test_a_second_duty_leader_for_a_day_is_refused(roster_hall):
    h = roster_hall
    plan = generate(h)
    taken = plan.duty_days.first()
    with pytest.raises(DomainError) as refused:
        duty_day_create(actor=h["supervisor"], plan_id=plan.pk, day=taken.day, leader_id=h["leaders"][2].pk)
    assert refused.value.field == "day" and taken.leader.name in str(refused.value)
    # The database refuses it too.
    with pytest.raises(IntegrityError), transaction.atomic():
        DutyDay.objects.create(
            plan=plan, centre=h["centre"], day=taken.day, leader=h["leaders"][2], planned_leader=h["leaders"][2]
        )


def test_duty_leader_week_leader_and_turn_edits_on_a_draft(roster_hall):
    h = roster_hall
    plan = generate(h)
    day = plan.duty_days.get(day=date(2026, 12, 2))
    other = next(p for p in h["leaders"] if p.pk != day.leader_id)
    duty_day_set_leader(actor=h["supervisor"], duty_day_id=day.pk, leader_id=other.pk)
    day.refresh_from_db()
    assert day.leader == other == day.planned_leader
    with pytest.raises(DomainError):
        duty_day_set_leader(actor=h["supervisor"], duty_day_id=day.pk, leader_id=h["helpers"][0].pk)
    assert duty_week_leader_set(actor=h["supervisor"], plan_id=plan.pk, week=date(2026, 12, 9), leader_id=None) == 5
    assert plan.duty_days.filter(week_leader__isnull=True).count() == 5
    turn = plan.help_area_turns.get(day=date(2026, 12, 2))
    other_helper = next(w for w in h["window_helpers"] if w.pk != turn.helper_id)
    help_area_turn_set(actor=h["supervisor"], turn_id=turn.pk, helper_id=other_helper.pk)
    assert HelpAreaTurn.objects.get(pk=turn.pk).helper == other_helper


def test_regenerating_a_draft_replaces_its_contents(roster_hall):
    h = roster_hall
    plan = generate(h)
    first = set(RotationAssignment.objects.filter(plan=plan).values_list("pk", flat=True))
    rotation_plan_regenerate(actor=h["supervisor"], plan_id=plan.pk)
    again = set(RotationAssignment.objects.filter(plan=plan).values_list("pk", flat=True))
    assert again and not first & again
    assert plan.duty_days.count() == 23
