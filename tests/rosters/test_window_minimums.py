"""Issue 14 item 20: a centre with 7 windows and 5 full-time helpers publishes its month with the default
(automatic) window minimums, and a refusal names the real reason — too few helpers for the minimums — with
what to change, never leave when nobody is away."""

from datetime import date

import pytest
from django.apps import apps

from hallservice.core.errors import DomainError
from rosters.models import PlanStatus, RotationPlan
from rosters.planning import automatic_minimums
from rosters.selectors import plan_check
from rosters.services import rotation_plan_generate, rotation_plan_publish
from staff.models import StaffKind, Window
from tests.factories import StaffMemberFactory, WindowFactory

from .conftest import at

pytestmark = pytest.mark.django_db
JANUARY = date(2027, 1, 1)


@pytest.fixture
def seven_windows_five_helpers(roster_hall):
    """A village service station: seven windows created with the defaults, five full-time helpers, a duty leader."""
    h = roster_hall
    town = h["village"]
    windows = [WindowFactory(centre=town, number=f"B0{i}", name=f"综合窗口{i}") for i in range(1, 8)]
    helpers = [StaffMemberFactory(centre=town, name=f"镇帮办{i}", kind=StaffKind.FULL_TIME_HELPER) for i in range(5)]
    StaffMemberFactory(centre=town, name="镇带班", kind=StaffKind.DUTY_LEADER)
    return {"centre": town, "windows": windows, "helpers": helpers, "supervisor": h["supervisor"]}


def generate(world):
    with at(2026, 12, 20):
        return rotation_plan_generate(actor=world["supervisor"], centre_id=world["centre"].pk, month=JANUARY)


def test_a_new_window_has_an_automatic_minimum():
    assert Window._meta.get_field("min_staff").default is None


def test_seven_windows_and_five_helpers_publish_a_month_with_the_default_minimums(seven_windows_five_helpers):
    world = seven_windows_five_helpers
    assert all(w.min_staff is None for w in world["windows"])
    plan = generate(world)
    problems, _covers, _inputs = plan_check(plan)
    assert not [p for p in problems if p.is_error]
    assert plan.assignments.count() == 5
    with at(2026, 12, 20):
        rotation_plan_publish(actor=world["supervisor"], plan_id=plan.pk)
    assert RotationPlan.objects.get(pk=plan.pk).status == PlanStatus.PUBLISHED


def test_minimums_set_to_one_on_seven_windows_with_five_helpers_are_refused_for_too_few_helpers_not_leave(
    seven_windows_five_helpers,
):
    world = seven_windows_five_helpers
    Window.objects.filter(centre=world["centre"]).update(min_staff=1)
    plan = generate(world)
    problems, _covers, _inputs = plan_check(plan)
    codes = {p.code for p in problems if p.is_error}
    assert "too_few_helpers" in codes
    assert "uncovered_day" not in codes  # nobody is on leave
    with at(2026, 12, 20), pytest.raises(DomainError) as refused:
        rotation_plan_publish(actor=world["supervisor"], plan_id=plan.pk)
    message = str(refused.value)
    assert "7" in message and "5" in message
    assert "因请假缺人" not in message and "(leave)" not in message
    assert "最少人数" in message  # says what to change
    assert RotationPlan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT


def test_automatic_minimums_are_one_only_when_the_helpers_suffice_and_set_ones_stay():
    assert automatic_minimums([None] * 7, 5) == [0] * 7
    assert automatic_minimums([None] * 7, 7) == [1] * 7
    assert automatic_minimums([2, None, None], 4) == [2, 1, 1]
    assert automatic_minimums([2, None, None], 3) == [2, 0, 0]
    assert automatic_minimums([0, 3], 1) == [0, 3]  # a set minimum is never changed


def test_the_migration_turns_the_old_default_minimum_into_automatic(hall):
    from importlib import import_module

    migration = import_module("staff.migrations.0005_window_automatic_minimum")
    kept = WindowFactory(centre=hall["district"], number="C01", min_staff=2, max_staff=3)
    old_default = WindowFactory(centre=hall["district"], number="C02", min_staff=1)
    none = WindowFactory(centre=hall["district"], number="C03", min_staff=0)
    migration.default_minimum_to_automatic(apps, None)
    assert Window.objects.get(pk=kept.pk).min_staff == 2
    assert Window.objects.get(pk=old_default.pk).min_staff is None
    assert Window.objects.get(pk=none.pk).min_staff == 0
