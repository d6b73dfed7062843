"""Issue 14 item 19: when repeats are unavoidable, they are spread — the most repeats any helper has in their
current cycle is as small as in any plan that staffs every window and places everyone.

The reference here is a brute force over every assignment of small halls, with its own cycle walk.
"""

from datetime import date, timedelta
from itertools import product

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rosters.planning import HelperSpec, WindowSpec, propose_rotation

WORKING_DAYS = [date(2027, 1, 4) + timedelta(days=i) for i in range(5)]


def cycle_walk(history, window_ids):
    """(windows still to work, repeats so far) in the current cycle, written independently of the generator."""
    active = set(window_ids)
    seen: list[int] = []
    for w in history:
        if w not in active:
            continue
        seen.append(w)
        if set(seen) == active:
            seen = []
    return active - set(seen), len(seen) - len(set(seen))


def most_repeats(windows, helpers, assignment):
    ids = [w.id for w in windows]
    worst = 0
    for h in helpers:
        remaining, before = cycle_walk(h.history, ids)
        worst = max(worst, before + (assignment[h.id] not in remaining))
    return worst


def best_possible(windows, helpers):
    """The least 'most repeats per helper' over every assignment meeting each window's minimum and maximum."""
    best = None
    for choice in product([w.id for w in windows], repeat=len(helpers)):
        counts = {w.id: choice.count(w.id) for w in windows}
        if all(w.min_staff <= counts[w.id] <= w.max_staff for w in windows):
            value = most_repeats(windows, helpers, {h.id: c for h, c in zip(helpers, choice, strict=True)})
            best = value if best is None else min(best, value)
    return best


@st.composite
def small_halls(draw):
    n_windows = draw(st.integers(2, 4))
    windows = []
    for i in range(1, n_windows + 1):
        low = draw(st.integers(0, 2))
        windows.append(WindowSpec(i, f"W{i}", low, low + draw(st.integers(0, 2))))
    n_helpers = draw(st.integers(1, 5))
    helpers = [
        HelperSpec(j, f"帮办{j}", tuple(draw(st.lists(st.integers(1, n_windows), max_size=7))))
        for j in range(1, n_helpers + 1)
    ]
    return windows, helpers, draw(st.integers(0, 11))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_halls())
def test_forced_repeats_fall_on_as_few_per_helper_as_any_plan_allows(hall):
    windows, helpers, turn = hall
    best = best_possible(windows, helpers)
    proposal = propose_rotation(windows=windows, helpers=helpers, working_days=WORKING_DAYS, turn=turn)
    if best is None:
        return  # no plan staffs every window and places everyone: nothing to compare with
    assignment = {h: p.window_id for h, p in proposal.placements.items()}
    assert not proposal.unplaced and not proposal.shortfalls
    assert most_repeats(windows, helpers, assignment) == best


def test_the_helper_who_already_repeated_this_cycle_does_not_repeat_again():
    # Two desks of one helper each. 甲 already stood at W1 twice this cycle (one repeat), 乙 once; both still
    # need W2, so one of them must stand at W1 again: it must be 乙 (one repeat each), never 甲 (two).
    windows = [WindowSpec(1, "W1", 1, 1), WindowSpec(2, "W2", 1, 1)]
    helpers = [HelperSpec(1, "甲", (1, 1)), HelperSpec(2, "乙", (1,))]
    for turn in range(4):
        proposal = propose_rotation(windows=windows, helpers=helpers, working_days=WORKING_DAYS, turn=turn)
        assert proposal.placements[1].window_id == 2 and not proposal.placements[1].is_repeat
        assert proposal.placements[2].window_id == 1 and proposal.placements[2].is_repeat


def test_a_year_of_seven_windows_and_nine_helpers_with_leave_never_repeats_one_helper_twice_per_cycle():
    # Seven desks (1–2 helpers each) and nine helpers; in most months one of them is away all month (a long
    # sick leave, a secondment). Some months the strict rule cannot hold and someone repeats; the repeats must
    # be spread: nobody stands twice more at a window already worked in one cycle.
    windows = [WindowSpec(i, f"A0{i}", 1, 2) for i in range(1, 8)]
    away_all_month = {0: 5, 1: 8, 3: 6, 4: 6, 5: 4, 6: 3, 7: 2, 10: 5, 11: 9}
    history: dict[int, list[int]] = {j: [] for j in range(1, 10)}
    worst_per_cycle = 0
    for month in range(12):
        helpers = [
            HelperSpec(
                j,
                f"帮办{j}",
                tuple(history[j]),
                frozenset(WORKING_DAYS) if away_all_month.get(month) == j else frozenset(),
            )
            for j in history
        ]
        proposal = propose_rotation(windows=windows, helpers=helpers, working_days=WORKING_DAYS, turn=month)
        assert not proposal.shortfalls and not proposal.unplaced
        for h, p in proposal.placements.items():
            history[h].append(p.window_id)
        worst_per_cycle = max(worst_per_cycle, *(cycle_walk(history[j], range(1, 8))[1] for j in history))
    assert worst_per_cycle == 1
