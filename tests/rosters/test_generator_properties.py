"""Property-based tests of the roster generator (rosters.planning), on random halls, staff and leave.

The checks here are written independently of the generator: their own cycle walk, and their own max-flow
test of whether the strict problem (no repeats) could have been solved at all.
"""

from collections import deque
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rosters.planning import (
    HelperSpec,
    PersonSpec,
    WindowSpec,
    check_plan,
    propose_covers,
    propose_duty_leaders,
    propose_help_area,
    propose_rotation,
    propose_week_leaders,
)

DAYS = [date(2026, 12, 1) + timedelta(days=i) for i in range(10)]
WORKING_DAYS = [d for d in DAYS if d.weekday() < 5]
INACTIVE = 99  # a window that closed: it may appear in history and must be ignored

PROPERTY_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- Independent reference implementations ------------------------------------------------------------


def remaining_in_cycle(history, window_ids):
    """Windows not yet worked since the helper last completed a full round of the active windows."""
    active = set(window_ids)
    seen = set()
    for w in history:
        if w in active:
            seen.add(w)
            if seen == active:
                seen = set()
    return active - seen


def _max_flow(graph, source, sink):
    flow = 0
    while True:
        parent = {source: None}
        queue = deque([source])
        while queue and sink not in parent:
            u = queue.popleft()
            for v, cap in graph[u].items():
                if cap > 0 and v not in parent:
                    parent[v] = u
                    queue.append(v)
        if sink not in parent:
            return flow
        v = sink
        while parent[v] is not None:
            u = parent[v]
            graph[u][v] -= 1
            graph[v][u] = graph[v].get(u, 0) + 1
            v = u
        flow += 1


def strict_feasible(windows, helpers, target):
    """Can ``target`` helpers be placed, only at windows new to them in their cycle, every window within
    [min, max]? Circulation with lower bounds, decided by one max flow."""
    ids = [w.id for w in windows]
    edges = []  # (u, v, low, cap)
    for h in helpers:
        edges.append(("S", ("h", h.id), 0, 1))
        for w in remaining_in_cycle(h.history, ids):
            edges.append((("h", h.id), ("w", w), 0, 1))
    for w in windows:
        edges.append((("w", w.id), "T", w.min_staff, w.max_staff))
    edges.append(("T", "S", target, target))
    graph: dict = {}
    excess: dict = {}
    for u, v, low, cap in edges:
        graph.setdefault(u, {})
        graph.setdefault(v, {})
        graph[u][v] = graph[u].get(v, 0) + cap - low
        excess[v] = excess.get(v, 0) + low
        excess[u] = excess.get(u, 0) - low
    graph["S*"], graph["T*"] = {}, {}
    need = 0
    for node, e in excess.items():
        if e > 0:
            graph["S*"][node] = e
            need += e
        elif e < 0:
            graph[node]["T*"] = -e
    return _max_flow(graph, "S*", "T*") == need


# --- Strategies -------------------------------------------------------------------------------------------


@st.composite
def halls(draw, *, with_leave=True, with_history=True):
    n_windows = draw(st.integers(1, 6))
    windows = []
    for i in range(n_windows):
        low = draw(st.integers(0, 2))
        windows.append(WindowSpec(i + 1, f"W{i + 1}", low, low + draw(st.integers(0, 2))))
    ids = [w.id for w in windows] + [INACTIVE]
    helpers = []
    for i in range(draw(st.integers(0, 14))):
        history = tuple(draw(st.lists(st.sampled_from(ids), max_size=12))) if with_history else ()
        away = frozenset()
        if with_leave:
            away = frozenset(draw(st.one_of(st.just(WORKING_DAYS), st.lists(st.sampled_from(WORKING_DAYS)))))
        helpers.append(HelperSpec(100 + i, f"H{i}", history, away))
    return windows, helpers, draw(st.integers(0, 40))


# --- Rotation ---------------------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(halls(), st.randoms(use_true_random=False))
def test_every_rule_holds_for_random_halls(hall, rnd):
    windows, helpers, turn = hall
    proposal = propose_rotation(windows=windows, helpers=helpers, working_days=WORKING_DAYS, turn=turn)
    eligible = [h for h in helpers if not set(WORKING_DAYS) <= h.away]
    away_all_month = {h.id for h in helpers} - {h.id for h in eligible}
    total_min = sum(w.min_staff for w in windows)
    total_max = sum(w.max_staff for w in windows)
    placed = proposal.placements
    counts = {w.id: 0 for w in windows}
    for p in placed.values():
        counts[p.window_id] += 1

    # Nobody away all month is on duty; everyone else is placed while there is room.
    assert set(proposal.away) == away_all_month
    assert not set(placed) & away_all_month
    assert len(placed) == min(len(eligible), total_max)
    assert set(placed) | set(proposal.unplaced) == {h.id for h in eligible}
    # Every window within its bounds (the minimum whenever there are helpers enough).
    assert all(counts[w.id] <= w.max_staff for w in windows)
    if len(eligible) >= total_min:
        assert all(counts[w.id] >= w.min_staff for w in windows)
        assert not proposal.shortfalls
    else:
        assert sum(proposal.shortfalls.values()) == total_min - sum(min(counts[w.id], w.min_staff) for w in windows)
    # No return before the cycle is complete, unless flagged — and flagged only when nothing else works.
    by_id = {h.id: h for h in helpers}
    ids = [w.id for w in windows]
    for p in placed.values():
        assert p.is_repeat == (p.window_id not in remaining_in_cycle(by_id[p.helper_id].history, ids))
        assert p.reason and len(p.reason) <= 200
    if any(p.is_repeat for p in placed.values()):
        assert not strict_feasible(windows, eligible, min(len(eligible), total_max)) or len(eligible) < total_min

    # Same input, any order of helpers: the same plan.
    shuffled = list(helpers)
    rnd.shuffle(shuffled)
    again = propose_rotation(windows=windows, helpers=shuffled, working_days=WORKING_DAYS, turn=turn)
    assert {h: (p.window_id, p.is_repeat) for h, p in again.placements.items()} == {
        h: (p.window_id, p.is_repeat) for h, p in placed.items()
    }


@PROPERTY_SETTINGS
@given(halls(with_history=False))
def test_day_covers_fill_short_windows_from_spare_ones(hall):
    windows, helpers, turn = hall
    proposal = propose_rotation(windows=windows, helpers=helpers, working_days=WORKING_DAYS, turn=turn)
    assignments = {h: p.window_id for h, p in proposal.placements.items()}
    covers, gaps = propose_covers(
        windows=windows, helpers=helpers, assignments=assignments, working_days=WORKING_DAYS, turn=turn
    )
    by_id = {h.id: h for h in helpers}
    gap_set = {(d, w) for d, w, _n in gaps}
    for day in WORKING_DAYS:
        present = {
            w.id: {h for h, win in assignments.items() if win == w.id and day not in by_id[h].away} for w in windows
        }
        todays = [c for c in covers if c.day == day]
        assert len({c.helper_id for c in todays}) == len(todays), "a helper covers one window a day"
        for c in todays:
            assert day not in by_id[c.helper_id].away
            present[assignments[c.helper_id]].discard(c.helper_id)
            present[c.window_id].add(c.helper_id)
        for w in windows:
            if (day, w.id) in gap_set:
                # Reported short only when no window had anyone to spare.
                assert len(present[w.id]) < w.min_staff
                assert all(len(present[v.id]) <= v.min_staff for v in windows)
            else:
                assert len(present[w.id]) >= w.min_staff


def test_n_months_cover_every_window_when_nobody_is_away():
    """The main fairness promise, over many shapes: with N windows, N months take everyone everywhere."""

    @PROPERTY_SETTINGS
    @given(st.integers(1, 8), st.integers(1, 4), st.integers(0, 7), st.data())
    def check(n_windows, per_window, extra, data):
        n_helpers = n_windows * per_window + min(extra, n_windows - 1)
        low_cap, high_cap = n_helpers // n_windows, -(-n_helpers // n_windows)
        windows = [
            WindowSpec(
                i + 1,
                f"W{i + 1}",
                data.draw(st.integers(0, low_cap)),
                data.draw(st.integers(high_cap, high_cap + 2)),
            )
            for i in range(n_windows)
        ]
        history = {100 + i: [] for i in range(n_helpers)}
        for month in range(n_windows):
            helpers = [HelperSpec(h, f"H{h}", tuple(ws)) for h, ws in history.items()]
            proposal = propose_rotation(windows=windows, helpers=helpers, working_days=WORKING_DAYS, turn=month)
            assert not proposal.unplaced and not proposal.shortfalls
            assert not any(p.is_repeat for p in proposal.placements.values())
            for h, p in proposal.placements.items():
                history[h].append(p.window_id)
        for worked in history.values():
            assert sorted(worked) == [w.id for w in windows]

    check()


def test_history_across_a_year_end_counts():
    windows = [WindowSpec(i, f"W{i}") for i in (1, 2, 3)]
    # Worked W1 (November), W2 (December): January must be W3, whichever year it is.
    helpers = [HelperSpec(1, "甲", (1, 2)), HelperSpec(2, "乙", (2, 3)), HelperSpec(3, "丙", (3, 1))]
    proposal = propose_rotation(windows=windows, helpers=helpers, working_days=WORKING_DAYS, turn=2027 * 12 + 1)
    assert {h: p.window_id for h, p in proposal.placements.items()} == {1: 3, 2: 1, 3: 2}
    # After a full cycle the helper starts again, without going straight back to the window just left.
    again = propose_rotation(
        windows=windows, helpers=[HelperSpec(1, "甲", (1, 2, 3))], working_days=WORKING_DAYS, turn=0
    )
    assert again.placements[1].window_id == 1 and not again.placements[1].is_repeat


def test_a_closed_window_in_history_is_ignored_and_a_new_window_joins_the_cycle():
    windows = [WindowSpec(1, "W1", 0, 1), WindowSpec(2, "W2", 0, 1), WindowSpec(4, "W4", 0, 1)]
    # Worked W1, W2 and the closed W3: W4 (new) is the only window left in the cycle.
    proposal = propose_rotation(
        windows=windows, helpers=[HelperSpec(1, "甲", (1, 2, 3))], working_days=WORKING_DAYS, turn=0
    )
    assert proposal.placements[1].window_id == 4


def test_a_repeat_is_used_and_explained_only_when_a_window_would_stay_empty():
    windows = [WindowSpec(1, "W1", 1, 2), WindowSpec(2, "W2", 1, 2)]
    # Both helpers have worked W1 in this cycle; someone must staff it again.
    helpers = [HelperSpec(1, "甲", (1,)), HelperSpec(2, "乙", (1,))]
    proposal = propose_rotation(windows=windows, helpers=helpers, working_days=WORKING_DAYS, turn=0)
    repeats = [p for p in proposal.placements.values() if p.is_repeat]
    assert len(repeats) == 1 and repeats[0].window_id == 1
    assert "W1" in repeats[0].reason


# --- Duty leaders, week leaders, help area ----------------------------------------------------------------


people = st.lists(
    st.tuples(st.booleans(), st.lists(st.sampled_from(WORKING_DAYS)), st.integers(0, 5)), min_size=0, max_size=7
)


@PROPERTY_SETTINGS
@given(people, st.integers(0, 40))
def test_duty_leaders_one_a_day_spread_evenly_and_never_away(rows, turn):
    leaders = [
        PersonSpec(10 + i, f"L{i}", frozenset(away) if has_leave else frozenset(), past)
        for i, (has_leave, away, past) in enumerate(rows)
    ]
    chosen, gaps = propose_duty_leaders(leaders=leaders, working_days=WORKING_DAYS, turn=turn)
    by_id = {p.id: p for p in leaders}
    for day in WORKING_DAYS:
        available = [p for p in leaders if day not in p.away]
        assert (day in chosen) == bool(available) and (day in gaps) == (not available)
        if day in chosen:
            assert day not in by_id[chosen[day][0]].away
    counts = {p.id: 0 for p in leaders}
    for leader_id, _reason in chosen.values():
        counts[leader_id] += 1
    always = [counts[p.id] for p in leaders if not p.away]
    if always:
        assert max(always) - min(always) <= 1
        assert max(counts.values()) <= min(always) + 1
    assert chosen == propose_duty_leaders(leaders=list(reversed(leaders)), working_days=WORKING_DAYS, turn=turn)[0]


@PROPERTY_SETTINGS
@given(people, st.integers(1, 2), st.integers(0, 40))
def test_help_area_turns_rotate_among_the_available(rows, per_day, turn):
    helpers = [
        PersonSpec(10 + i, f"H{i}", frozenset(away) if has_leave else frozenset(), past)
        for i, (has_leave, away, past) in enumerate(rows)
    ]
    turns, gaps = propose_help_area(
        departments=[(1, "不动产", helpers)], working_days=WORKING_DAYS, per_day=per_day, turn=turn
    )
    by_id = {p.id: p for p in helpers}
    for day in WORKING_DAYS:
        todays = [h for d, _dep, h, _r in turns if d == day]
        available = [p for p in helpers if day not in p.away]
        assert len(todays) == len(set(todays)) == min(per_day, len(available))
        assert all(day not in by_id[h].away for h in todays)
        assert ((day, 1) in gaps) == (not available)
    counts = {p.id: 0 for p in helpers}
    for _d, _dep, h, _r in turns:
        counts[h] += 1
    always = [counts[p.id] for p in helpers if not p.away]
    if always:
        assert max(always) - min(always) <= 1


def test_week_leaders_rotate_by_weeks_led_and_a_week_begun_last_month_keeps_its_leader():
    chiefs = [PersonSpec(1, "甲", past=3), PersonSpec(2, "乙", past=1), PersonSpec(3, "丙", past=1)]
    march = [date(2027, 3, 1) + timedelta(days=i) for i in range(31)]
    march = [d for d in march if d.weekday() < 5]
    weeks = propose_week_leaders(bureau_leaders=chiefs, working_days=march, turn=0)
    # Fewest weeks led first (乙 and 丙 before 甲), then whoever led longest ago.
    assert list(weeks.values()) == [2, 3, 2, 3, 1]
    # Thursday 1 and Friday 2 April 2027 belong to the week of Monday 29 March, led by 丙 in March.
    april = [date(2027, 4, 1), date(2027, 4, 2)]
    kept = propose_week_leaders(bureau_leaders=chiefs, working_days=april, carried={date(2027, 3, 29): 3})
    assert kept == {date(2027, 3, 29): 3}
    # A leader away all week is passed over.
    away = [PersonSpec(2, "乙", away=frozenset(march[:5])), PersonSpec(3, "丙", past=9)]
    assert propose_week_leaders(bureau_leaders=away, working_days=march[:5])[date(2027, 3, 1)] == 3


def test_check_plan_reports_what_blocks_publishing():
    windows = [WindowSpec(1, "A01", 1, 1), WindowSpec(2, "A02", 1, 2)]
    helpers = [
        HelperSpec(1, "甲", away=frozenset(WORKING_DAYS)),
        HelperSpec(2, "乙", away=frozenset(WORKING_DAYS[:2])),
        HelperSpec(3, "丙"),
    ]
    problems, covers = check_plan(
        windows=windows,
        helpers=helpers,
        assignments={1: 1, 2: 2},
        working_days=WORKING_DAYS,
        leaders=[PersonSpec(9, "带班", away=frozenset(WORKING_DAYS[:1]))],
        duty={WORKING_DAYS[0]: 9},
    )
    codes = {p.code for p in problems if p.is_error}
    # 甲 is away all month at A01; A02's only helper is away two days and nobody is spare; 丙 has no window;
    # the duty leader is away on their day and the other days have none.
    assert codes == {"away_on_duty", "uncovered_day", "leader_away", "no_duty_leader"}
    assert {p.code for p in problems if not p.is_error} == {"no_window"}
    assert covers == []
