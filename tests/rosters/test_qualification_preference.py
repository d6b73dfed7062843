"""Issue 19 item 5: the skills matrix is a soft rule of the rotation generator. Two helpers who differ only in their
qualification get different windows: the qualified one goes to the window of the department they are qualified for,
and the seeds' rules (the cycle, minimums, maximums) still hold."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from rosters.models import PlanStatus, RotationAssignment, RotationPlan
from rosters.planning import HelperSpec, WindowSpec, cycle_state, propose_rotation
from rosters.services import rotation_plan_generate
from staff.models import Qualification, QualificationLevel, StaffKind
from tests.factories import DepartmentFactory, StaffMemberFactory, WindowFactory

from .conftest import at
from .test_generator_properties import PROPERTY_SETTINGS, WORKING_DAYS, halls, remaining_in_cycle

DAYS = [date(2027, 1, 4) + timedelta(days=i) for i in range(5)]
# Window 1 is of department A, window 2 of department B; one helper each.
WINDOWS = [WindowSpec(1, "A01", 1, 1), WindowSpec(2, "B01", 1, 1)]


def placements(helpers, levels=None, turn=0):
    proposal = propose_rotation(windows=WINDOWS, helpers=helpers, working_days=DAYS, turn=turn, levels=levels)
    return {h: p.window_id for h, p in proposal.placements.items()}


@pytest.mark.parametrize("turn", [0, 1])
def test_two_newcomers_differing_only_in_qualification_swap_windows(turn):
    helpers = [HelperSpec(10, "甲"), HelperSpec(11, "乙")]
    # Qualified for window 2's department: that helper gets window 2, whichever comes first in the round.
    assert placements(helpers, {10: {2: QualificationLevel.QUALIFIED}}, turn) == {10: 2, 11: 1}
    assert placements(helpers, {11: {2: QualificationLevel.QUALIFIED}}, turn) == {10: 1, 11: 2}


def test_without_levels_the_round_decides_and_a_level_changes_the_choice():
    helpers = [HelperSpec(10, "甲"), HelperSpec(11, "乙")]
    plain = placements(helpers, turn=0)
    # The helper the round sent to window 1 is qualified for window 1's department only by the other helper.
    other = next(h for h, w in plain.items() if w == 2)
    preferred = placements(helpers, {other: {1: QualificationLevel.EXPERT}}, turn=0)
    assert preferred[other] == 1
    assert preferred != plain


def test_helpers_with_the_same_history_compete_for_the_next_window_by_qualification():
    windows = [WindowSpec(1, "A01", 0, 1), WindowSpec(2, "B01", 0, 1), WindowSpec(3, "C01", 0, 2)]
    # Both worked window 3 last month: window 1 is next in turn for both, and it takes one helper.
    helpers = [HelperSpec(10, "甲", (3,)), HelperSpec(11, "乙", (3,))]
    for qualified, other in ((10, 11), (11, 10)):
        proposal = propose_rotation(
            windows=windows, helpers=helpers, working_days=DAYS, levels={qualified: {1: QualificationLevel.QUALIFIED}}
        )
        assert proposal.placements[qualified].window_id == 1
        assert "Qualified" in proposal.placements[qualified].reason or "资质" in proposal.placements[qualified].reason
        assert proposal.placements[other].window_id == 2


def test_a_qualification_never_breaks_the_cycle():
    # Helper 10 is an expert at window 1 but worked it last month: the cycle sends them on, not back.
    helpers = [HelperSpec(10, "甲", (1,)), HelperSpec(11, "乙", (2,))]
    got = placements(helpers, {10: {1: QualificationLevel.EXPERT}})
    assert got == {10: 2, 11: 1}
    for h in helpers:
        remaining, _last, _done = cycle_state(h.history, [1, 2])
        assert got[h.id] in remaining


@pytest.mark.django_db
def test_the_service_reads_the_skills_matrix(hall):
    """Through rotation_plan_generate: the levels come from staff.Qualification, and swapping them swaps windows."""
    from staff.roles import Role
    from tests.conftest import make_staff_user

    district = hall["district"]
    dep_a, dep_b = DepartmentFactory(code="QA"), DepartmentFactory(code="QB")
    wa = WindowFactory(centre=district, number="A01", department=dep_a, min_staff=1, max_staff=1)
    wb = WindowFactory(centre=district, number="B01", department=dep_b, min_staff=1, max_staff=1)
    h1 = StaffMemberFactory(centre=district, name="甲", kind=StaffKind.FULL_TIME_HELPER)
    h2 = StaffMemberFactory(centre=district, name="乙", kind=StaffKind.FULL_TIME_HELPER)
    supervisor = make_staff_user(
        role=Role.SUPERVISOR, centre=district, username="qsup", name="督查", kind=StaffKind.DUTY_LEADER
    )
    month = date(2026, 12, 1)

    def generate(qualified):
        RotationPlan.objects.filter(centre=district, month=month).delete()
        Qualification.objects.all().delete()
        Qualification.objects.create(
            staff=qualified, department=dep_b, level=QualificationLevel.QUALIFIED, computed_at=timezone.now()
        )
        with at(2026, 11, 25):
            plan = rotation_plan_generate(actor=supervisor, centre_id=district.pk, month=month)
        assert plan.status == PlanStatus.DRAFT
        return dict(RotationAssignment.objects.filter(plan=plan).values_list("helper_id", "window_id"))

    assert generate(h1) == {h1.pk: wb.pk, h2.pk: wa.pk}
    assert generate(h2) == {h1.pk: wa.pk, h2.pk: wb.pk}


# --- The soft rule never breaks a hard one -------------------------------------------------------------------


@st.composite
def halls_with_levels(draw):
    windows, helpers, turn = draw(halls())
    levels = {
        h.id: {w.id: draw(st.integers(0, 3)) for w in windows if draw(st.booleans())}
        for h in helpers
        if draw(st.booleans())
    }
    return windows, helpers, turn, levels


@PROPERTY_SETTINGS
@given(halls_with_levels(), st.randoms(use_true_random=False))
def test_the_hard_rules_hold_whatever_the_levels(hall, rnd):
    windows, helpers, turn, levels = hall
    proposal = propose_rotation(windows=windows, helpers=helpers, working_days=WORKING_DAYS, turn=turn, levels=levels)
    plain = propose_rotation(windows=windows, helpers=helpers, working_days=WORKING_DAYS, turn=turn)
    eligible = [h for h in helpers if not set(WORKING_DAYS) <= h.away]
    total_min = sum(w.min_staff for w in windows)
    total_max = sum(w.max_staff for w in windows)
    counts = {w.id: 0 for w in windows}
    for p in proposal.placements.values():
        counts[p.window_id] += 1
    assert len(proposal.placements) == min(len(eligible), total_max) == len(plain.placements)
    assert all(counts[w.id] <= w.max_staff for w in windows)
    if len(eligible) >= total_min:
        assert all(counts[w.id] >= w.min_staff for w in windows)
    by_id = {h.id: h for h in helpers}
    ids = [w.id for w in windows]
    for p in proposal.placements.values():
        assert p.is_repeat == (p.window_id not in remaining_in_cycle(by_id[p.helper_id].history, ids))
        assert p.reason and len(p.reason) <= 200
    # Repeats only when the strict problem is infeasible: then the plan without levels repeats too.
    if any(p.is_repeat for p in proposal.placements.values()):
        assert any(p.is_repeat for p in plain.placements.values())
    shuffled = list(helpers)
    rnd.shuffle(shuffled)
    again = propose_rotation(windows=windows, helpers=shuffled, working_days=WORKING_DAYS, turn=turn, levels=levels)
    assert {h: p.window_id for h, p in again.placements.items()} == {
        h: p.window_id for h, p in proposal.placements.items()
    }
