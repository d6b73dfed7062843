"""The rules of a monthly roster and the generator that proposes one — pure Python, no database.

The services load a centre's windows, staff, unavailability and published history into the small frozen
records below, call these functions, and write what they return. Keeping the algorithm free of the ORM
makes it fast (`benchmarks/rotation.py`: 12 months × 300 helpers × 40 windows) and lets hypothesis test it
on thousands of random halls.

Rules (seed 000 二.1–二.3, SPEC F-ROS-1..3)
------------------------------------------
Monthly posts. Every full-time helper who is available on at least one working day of the month gets
exactly one window for the month. A helper away on every working day gets none ("away all month").

Staffing. Every active window of the centre gets between its `min_staff` and `max_staff` helpers. Helpers
beyond the windows' total maximum stay without a window (a warning); too few helpers for the minimums is an
error nobody but the supervisor can resolve (more helpers, or a lower minimum in admin).

No return before the cycle is complete. Walking a helper's published history (oldest first, across months
and years), the windows they worked are collected until they have worked every active window of the centre;
then a new cycle starts. A helper may only be placed at a window still missing from the current cycle.
Only when no arrangement that keeps this rule staffs every window to its minimum and places every helper
(the strict problem is infeasible — e.g. several helpers are away all month) does the generator let a helper
repeat a window, as few times as its search finds, and marks that assignment `is_repeat` with the reason.
Forced repeats are spread: the most repeats any helper has in their current cycle is kept as low as any
plan allows (those with fewer repeats so far repeat first).

Minimums. A window's own minimum, or automatic (see `automatic_minimums`): one helper when the centre has
enough for every window, otherwise none. When the minimums add up to more than the helpers available, the
check says so and what to change, rather than blaming leave.

Days away inside the month. A helper away on some days keeps their window. On each working day each window
needs `min_staff` of its helpers present; where leave leaves it short, a helper present at a window with
more than its own minimum that day covers it for the day (a *day cover*, frozen when the plan is published).
A shortfall no spare helper can cover is an error: publishing is refused until the supervisor moves helpers
in the grid or lowers the window's minimum. Leave recorded after publication shows on the duty dashboard and
is covered by a substitution.

Duty leaders. One duty leader per working day, chosen among the centre's duty leaders who are not away that
day: the one with the fewest duties this month, then the fewest before, then the longest since their last
duty. Two leaders who are available every day therefore differ by at most one duty a month, and nobody has
more than one duty above the least-loaded always-available leader. The week's leading bureau leader is the
bureau leader available on most of the week's working days, with the fewest weeks led; a week that started
in the previous month keeps its leader.

Help area. Each high-volume department with window helpers in the centre stations `per_day` (1–2) of them in
the help area every working day, in turn: those not away that day with the fewest turns this month, then the
fewest before, then the longest since their last turn.

Qualification (issue 19 item 5, a soft rule after the seeds' hard ones). The skills matrix grades each helper for
each department (staff.Qualification, computed by the supervision section); the service passes the levels in as
``levels`` (helper id → window id → level, a window taking its department's level). Among choices the rules above
leave equal, the generator prefers the helper more qualified for the window: helpers with a history who are as
constrained as each other take their next window in that order, a newcomer goes to the window they are more
qualified for among the equally empty ones, and the repair searches try the more qualified candidates first. It
never breaks the cycle, a minimum or a maximum to do so.

Ties. Whenever the keys above are equal, people are taken in a round that shifts by one every month
(`turn`): deterministic (the same input gives the same plan) without favouring the same person every month.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _

from hallservice.core.text_limits import excerpt

__all__ = [
    "WindowSpec",
    "HelperSpec",
    "PersonSpec",
    "Placement",
    "RotationProposal",
    "Cover",
    "Problem",
    "automatic_minimums",
    "cycle_repeats",
    "cycle_state",
    "propose_rotation",
    "propose_covers",
    "propose_duty_leaders",
    "propose_week_leaders",
    "propose_help_area",
    "check_plan",
    "month_turn",
    "week_start",
]

ERROR = "error"
WARNING = "warning"
# staff.QualificationLevel.QUALIFIED: the level from which a placement's reason names the qualification.
QUALIFIED = 2


@dataclass(frozen=True)
class WindowSpec:
    """An active window of the centre, in display order (floor, number)."""

    id: int
    label: str
    min_staff: int = 1
    max_staff: int = 2
    automatic: bool = False  # min_staff came from automatic_minimums, not from the window's own setting


@dataclass(frozen=True)
class HelperSpec:
    """A full-time helper: the windows of their published months (oldest first) and their days away."""

    id: int
    name: str
    history: tuple[int, ...] = ()
    away: frozenset[date] = frozenset()


@dataclass(frozen=True)
class PersonSpec:
    """A duty leader, bureau leader or window helper taking turns: days away and turns taken before."""

    id: int
    name: str
    away: frozenset[date] = frozenset()
    past: int = 0
    last: date | None = None


@dataclass
class Placement:
    helper_id: int
    window_id: int
    reason: str
    is_repeat: bool = False


@dataclass
class RotationProposal:
    placements: dict[int, Placement] = field(default_factory=dict)
    away: list[int] = field(default_factory=list)
    unplaced: list[int] = field(default_factory=list)
    shortfalls: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Cover:
    day: date
    helper_id: int
    window_id: int
    reason: str


@dataclass(frozen=True)
class Problem:
    """Something wrong with a plan: an error blocks publishing, a warning only informs."""

    level: str
    code: str
    message: str
    window_id: int | None = None
    helper_id: int | None = None
    day: date | None = None

    @property
    def is_error(self) -> bool:
        return self.level == ERROR


def month_turn(month: date) -> int:
    """The shift of the tie-breaking round for a month: one more every month, across years."""
    return month.year * 12 + month.month


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def automatic_minimums(minimums: Sequence[int | None], helpers: int) -> list[int]:
    """Each window's minimum for the month; ``None`` (the window's default) is automatic.

    Rule (the seeds leave it open): an automatic window needs one full-time helper when the month's available
    helpers cover every automatic window after the windows with a set minimum; otherwise it needs none, and
    the generator spreads the helpers over the windows in turn (7 windows, 5 helpers: 5 windows staffed each
    month, each helper still works every window over the cycle). A set minimum is never changed.
    """
    fixed = sum(m for m in minimums if m is not None)
    automatic = sum(m is None for m in minimums)
    each = 1 if helpers - fixed >= automatic else 0
    return [each if m is None else m for m in minimums]


def _round_order(ids: Iterable[int], turn: int) -> dict[int, int]:
    """Rank of each id in a round that starts one place later every turn."""
    ordered = sorted(ids)
    n = len(ordered) or 1
    return {pid: (i - turn) % n for i, pid in enumerate(ordered)}


def cycle_state(history: Sequence[int], window_ids: Iterable[int]) -> tuple[frozenset[int], int | None, int]:
    """(windows still to work in the current cycle, last active window worked, cycles completed).

    Windows no longer active are ignored, and a new window joins every helper's current cycle.
    """
    active = set(window_ids)
    visited: set[int] = set()
    last = None
    completed = 0
    for window_id in history:
        if window_id not in active:
            continue
        visited.add(window_id)
        last = window_id
        if len(visited) == len(active):
            visited = set()
            completed += 1
    return frozenset(active - visited), last, completed


def cycle_repeats(history: Sequence[int], window_ids: Iterable[int]) -> int:
    """How many months of the current cycle the helper spent at a window already worked in that cycle."""
    active = set(window_ids)
    visited: set[int] = set()
    repeats = 0
    for window_id in history:
        if window_id not in active:
            continue
        if window_id in visited:
            repeats += 1
        visited.add(window_id)
        if len(visited) == len(active):
            visited = set()
            repeats = 0
    return repeats


# --- Rotation ---------------------------------------------------------------------------------------------


def _enqueue(queue: deque, dist: int, node: object, *, front: bool) -> None:
    # Strict searches are plain breadth-first (shortest chains of moves); relaxed ones are 0-1 searches, where a
    # free move goes to the front so the path with the fewest repeats is found first.
    if front:
        queue.appendleft((dist, node))
    else:
        queue.append((dist, node))


class _Rotation:
    """The state of one month's assignment while the generator works on it."""

    def __init__(
        self,
        windows: Sequence[WindowSpec],
        helpers: Sequence[HelperSpec],
        turn: int,
        levels: Mapping[int, Mapping[int, int]] | None = None,
    ) -> None:
        self.levels = levels or {}
        self.windows = list(windows)
        self.pos = {w.id: i for i, w in enumerate(self.windows)}
        self.low = {w.id: w.min_staff for w in self.windows}
        self.high = {w.id: w.max_staff for w in self.windows}
        self.count = dict.fromkeys(self.pos, 0)
        self.members: dict[int, list[int]] = {w.id: [] for w in self.windows}
        self.rank = _round_order((h.id for h in helpers), turn)
        self.at: dict[int, int | None] = {h.id: None for h in helpers}
        self.remaining: dict[int, frozenset[int]] = {}
        self.last: dict[int, int | None] = {}
        self.completed: dict[int, int] = {}
        self.repeats: dict[int, int] = {}
        for h in helpers:
            self.remaining[h.id], self.last[h.id], self.completed[h.id] = cycle_state(h.history, self.pos)
            self.repeats[h.id] = cycle_repeats(h.history, self.pos)
        # Who may repeat a window in a relaxed search (propose_rotation widens it step by step).
        self.may_repeat: set[int] = set()
        # Who may go where without breaking the cycle rule, in round order (for the repair searches).
        by_rank = sorted(self.at, key=self.rank.__getitem__)
        # The more qualified for the window first (a stable sort keeps the round among equals).
        self.strict_candidates = {
            w: sorted((h for h in by_rank if w in self.remaining[h]), key=lambda h, w=w: -self.level(h, w))
            for w in self.pos
        }
        self.all_candidates = by_rank

    def level(self, helper: int, window: int) -> int:
        """The helper's qualification for the window's department (0 when the skills matrix has none)."""
        return self.levels.get(helper, {}).get(window, 0)

    def next_window(self, helper: int) -> int | None:
        """The first window in turn still missing from the helper's cycle."""
        return next((w for w in self.cyclic(helper) if w in self.remaining[helper]), None)

    def place(self, helper: int, window: int) -> None:
        old = self.at[helper]
        if old is not None:
            self.count[old] -= 1
            self.members[old].remove(helper)
        self.at[helper] = window
        self.count[window] += 1
        self.members[window].append(helper)

    def cyclic(self, helper: int) -> list[int]:
        """The helper's windows in turn after the last one they worked (that one last)."""
        start = self.pos[self.last[helper]] + 1
        n = len(self.windows)
        return [self.windows[(start + k) % n].id for k in range(n)]

    def _cost(self, helper: int, window: int, *, relaxed: bool) -> int | None:
        """0 for a window still to work, 1 for a repeat the helper may make, None for a forbidden repeat.

        A strict search (not ``relaxed``) asks only for moves that keep the cycle: they all cost nothing."""
        if not relaxed or window in self.remaining[helper]:
            return 0
        return 1 if helper in self.may_repeat else None

    def missing(self) -> bool:
        """A window below its minimum, or a helper without a window."""
        return any(self.count[w] < self.low[w] for w in self.pos) or any(w is None for w in self.at.values())

    def _search(self, start: object, *, relaxed: bool, done, moves) -> tuple[object, dict] | None:
        """The nearest node from ``start`` that ``done`` accepts, and each node's link back (node, helper moved).

        ``moves(node)`` yields the moves out of a node as (next node, helper who moves, cost). Both repair searches
        walk their own graph through this one queue, so they find paths the same way.
        """
        dist: dict[object, int] = {start: 0}
        parent: dict[object, tuple[object, int]] = {}
        queue: deque[tuple[int, object]] = deque([(0, start)])
        while queue:
            d, node = queue.popleft()
            if d > dist.get(node, d):
                continue
            if node != start and done(node):
                return node, parent
            for nxt, helper, cost in moves(node):
                nd = d + cost
                if nd < dist.get(nxt, nd + 1):
                    dist[nxt] = nd
                    parent[nxt] = (node, helper)
                    _enqueue(queue, nd, nxt, front=relaxed and not cost)
        return None

    def fill_minimum(self, deficient: int, *, relaxed: bool) -> bool:
        """Bring one more helper to a window below its minimum along an augmenting path of moves.

        Breadth-first over windows from the deficient one: a helper who may go to window x comes from an
        unplaced helper (done), from a window above its minimum (done), or from a window that then needs a
        replacement itself (search on). With ``relaxed`` a move that repeats a window costs 1 instead of being
        forbidden, and a 0-1 search finds the path with the fewest repeats.
        """

        def moves(window: int):
            candidates = self.all_candidates if relaxed else self.strict_candidates[window]
            for helper in candidates:
                source = self.at[helper]
                if source == window:
                    continue
                cost = self._cost(helper, window, relaxed=relaxed)
                if cost is not None:
                    yield ("unplaced", helper) if source is None else source, helper, cost

        # An unplaced helper (a tuple node) ends the path: nobody has to move into their place.
        found = self._search(
            deficient,
            relaxed=relaxed,
            done=lambda node: isinstance(node, tuple) or self.count[node] > self.low[node],
            moves=moves,
        )
        if found is None:
            return False
        self._apply_fill(*found, deficient)
        return True

    def _apply_fill(self, end: object, parent: dict, deficient: int) -> None:
        node = end
        while node != deficient:
            target, helper = parent[node]
            self.place(helper, target)
            node = target

    def place_unplaced(self, helper: int, *, relaxed: bool) -> bool:
        """Find a place for an unplaced helper, moving others along a path to a window below its maximum."""
        start = ("unplaced", helper)

        def moves(node: object):
            for mover in [helper] if node == start else self.members[node]:
                for target in self.pos if relaxed else self.remaining[mover]:
                    if target == node:
                        continue
                    cost = self._cost(mover, target, relaxed=relaxed)
                    if cost is not None:
                        yield target, mover, cost

        found = self._search(
            start, relaxed=relaxed, done=lambda window: self.count[window] < self.high[window], moves=moves
        )
        if found is None:
            return False
        self._apply_place(*found, start)
        return True

    def _apply_place(self, end: int, parent: dict, start: object) -> None:
        moves = []
        node: object = end
        while node != start:
            source, mover = parent[node]
            moves.append((mover, node))
            node = source
        # Free the room at the end of the chain first, so no window passes its maximum on the way.
        for mover, target in moves:
            self.place(mover, target)


def propose_rotation(
    *,
    windows: Sequence[WindowSpec],
    helpers: Sequence[HelperSpec],
    working_days: Sequence[date],
    turn: int = 0,
    levels: Mapping[int, Mapping[int, int]] | None = None,
) -> RotationProposal:
    """Propose the month's windows of the full-time helpers (see the module docstring for the rules).

    ``levels``: helper id → window id → qualification level (the skills matrix), a soft preference only."""
    days = list(working_days)
    away = sorted(h.id for h in helpers if days and all(d in h.away for d in days))
    away_set = set(away)
    eligible = [h for h in helpers if h.id not in away_set]
    state = _Rotation(windows, eligible, turn, levels)
    first_choice: dict[int, int] = {}
    names = {w.id: w.label for w in windows}

    # 1. Greedy. Helpers with a history go on to the next window in turn after their last one that is still
    # missing from their cycle and not full; this keeps everyone moving round the windows together, which is
    # what lets N helpers per window cover N windows in N months. The most constrained go first.
    with_history = [h.id for h in eligible if state.last[h.id] is not None]
    newcomers = [h.id for h in eligible if state.last[h.id] is None]
    # Among the equally constrained, the more qualified for their next window goes first (the soft rule).
    with_history.sort(key=lambda h: (len(state.remaining[h]), -state.level(h, state.next_window(h)), state.rank[h]))
    for helper in with_history:
        for window in state.cyclic(helper):
            if window in state.remaining[helper]:
                first_choice.setdefault(helper, window)
                if state.count[window] < state.high[window]:
                    state.place(helper, window)
                    break
    # Newcomers fill the windows below their minimum first, then the emptiest; the more qualified choose first.
    best_level = {h: max((state.level(h, w) for w in state.pos), default=0) for h in newcomers}
    for helper in sorted(newcomers, key=lambda h: (-best_level[h], state.rank[h])):
        open_windows = [w for w in state.pos if state.count[w] < state.high[w]]
        if open_windows:
            best = min(
                open_windows,
                key=lambda w: (state.count[w] >= state.low[w], state.count[w], -state.level(helper, w), state.pos[w]),
            )
            first_choice[helper] = best
            state.place(helper, best)

    # 2. Repair by augmenting paths: first within the cycle rule, then — only for what is still missing —
    # allowing repeats. Minimums first; moves that place a helper never take one from a window.
    # Forced repeats are spread (issue 19): a helper's repeats count within their current cycle, and level k
    # lets repeat only the helpers who would then have at most k repeats in the cycle. Raising k one step at a
    # time finds the smallest k that staffs every window and places everyone, so the most repeats any helper
    # has is as small as any plan's (the searches are complete for each allowed set).
    levels = [(False, 0)] + [(True, k) for k in range(1, max(state.repeats.values(), default=0) + 2)]
    for relaxed, level in levels:
        if relaxed and not state.missing():
            break
        state.may_repeat = {h for h, n in state.repeats.items() if n + 1 <= level}
        progress = True
        while progress:
            progress = False
            for window in state.pos:
                while state.count[window] < state.low[window] and state.fill_minimum(window, relaxed=relaxed):
                    progress = True
        progress = True
        while progress:
            progress = False
            for helper in sorted((h for h, w in state.at.items() if w is None), key=state.rank.__getitem__):
                if state.place_unplaced(helper, relaxed=relaxed):
                    progress = True

    proposal = RotationProposal(away=away)
    for h in eligible:
        window = state.at[h.id]
        if window is None:
            proposal.unplaced.append(h.id)
            continue
        repeat = window not in state.remaining[h.id]
        left = len(state.remaining[h.id] - {window})
        if repeat:
            reason = _("Repeats %(window)s before every window is worked: nothing else staffs all windows.") % {
                "window": names[window]
            }
        elif state.last[h.id] is None:
            reason = _("First rotation: placed where helpers were fewest.")
        elif window == first_choice.get(h.id):
            reason = _("Next window in turn after %(last)s; %(left)d left in this cycle.") % {
                "last": names[state.last[h.id]],
                "left": left,
            }
        else:
            reason = _("Next free window in turn after %(last)s (earlier ones full or needed); %(left)d left.") % {
                "last": names[state.last[h.id]],
                "left": left,
            }
        if not repeat and state.completed[h.id] and len(state.remaining[h.id]) == len(state.pos):
            reason = _("Every window worked: a new cycle starts. ") + reason
        if state.level(h.id, window) >= QUALIFIED:
            reason += " " + _("Qualified for this window's department.")
        proposal.placements[h.id] = Placement(h.id, window, excerpt(reason, 200), repeat)
    proposal.shortfalls = {w: state.low[w] - state.count[w] for w in state.pos if state.count[w] < state.low[w]}
    return proposal


# --- Day covers -------------------------------------------------------------------------------------------


def propose_covers(
    *,
    windows: Sequence[WindowSpec],
    helpers: Sequence[HelperSpec],
    assignments: dict[int, int],
    working_days: Sequence[date],
    turn: int = 0,
) -> tuple[list[Cover], list[tuple[date, int, int]]]:
    """Day covers for windows left below their minimum by leave, and the (day, window, missing) gaps left."""
    by_id = {h.id: h for h in helpers}
    names = {w.id: w.label for w in windows}
    rank = _round_order(by_id, turn)
    covers: list[Cover] = []
    gaps: list[tuple[date, int, int]] = []
    covered = dict.fromkeys(by_id, 0)
    staff_of: dict[int, list[int]] = {w.id: [] for w in windows}
    for helper_id, window_id in assignments.items():
        if window_id in staff_of and helper_id in by_id:
            staff_of[window_id].append(helper_id)
    for day in working_days:
        present = {w: [h for h in hs if day not in by_id[h].away] for w, hs in staff_of.items()}
        for window in windows:
            while len(present[window.id]) < window.min_staff:
                spare = [
                    (covered[h], -(len(present[v.id]) - v.min_staff), rank[h], h, v.id)
                    for v in windows
                    if len(present[v.id]) > v.min_staff
                    for h in present[v.id]
                    if h not in staff_of[window.id]
                ]
                if not spare:
                    gaps.append((day, window.id, window.min_staff - len(present[window.id])))
                    break
                *_keys, helper, source = min(spare)
                present[source].remove(helper)
                present[window.id].append(helper)
                covered[helper] += 1
                away_names = "、".join(by_id[h].name for h in staff_of[window.id] if day in by_id[h].away)
                reason = _("Covers %(window)s while %(names)s away.") % {
                    "window": names[window.id],
                    "names": away_names or "—",
                }
                covers.append(Cover(day, helper, window.id, excerpt(reason, 200)))
    return covers, gaps


# --- Duty leaders, week leaders, help area ---------------------------------------------------------------


def propose_duty_leaders(
    *, leaders: Sequence[PersonSpec], working_days: Sequence[date], turn: int = 0
) -> tuple[dict[date, tuple[int, str]], list[date]]:
    """One duty leader per working day, spread evenly; the days nobody is available for."""
    rank = _round_order((p.id for p in leaders), turn)
    count = {p.id: 0 for p in leaders}
    last = {p.id: p.last for p in leaders}
    chosen: dict[date, tuple[int, str]] = {}
    gaps = []
    for day in working_days:
        available = [p for p in leaders if day not in p.away]
        if not available:
            gaps.append(day)
            continue
        pick = min(available, key=lambda p: (count[p.id], p.past, last[p.id] or date.min, rank[p.id]))
        reason = _("Fewest duties this month among those available (%(n)d before this one).") % {"n": count[pick.id]}
        chosen[day] = (pick.id, reason)
        count[pick.id] += 1
        last[pick.id] = day
    return chosen, gaps


def propose_week_leaders(
    *,
    bureau_leaders: Sequence[PersonSpec],
    working_days: Sequence[date],
    carried: dict[date, int] | None = None,
    turn: int = 0,
) -> dict[date, int]:
    """The leading bureau leader of each week (Monday → staff id) touching the month's working days."""
    carried = carried or {}
    rank = _round_order((p.id for p in bureau_leaders), turn)
    led = {p.id: p.past for p in bureau_leaders}
    last = {p.id: p.last for p in bureau_leaders}
    known = {p.id for p in bureau_leaders}
    weeks: dict[date, list[date]] = {}
    for day in working_days:
        weeks.setdefault(week_start(day), []).append(day)
    chosen: dict[date, int] = {}
    for monday, days in sorted(weeks.items()):
        if carried.get(monday) in known:
            chosen[monday] = carried[monday]
            continue
        if not bureau_leaders:
            continue
        pick = min(
            bureau_leaders,
            key=lambda p: (-sum(d not in p.away for d in days), led[p.id], last[p.id] or date.min, rank[p.id]),
        )
        chosen[monday] = pick.id
        led[pick.id] += 1
        last[pick.id] = monday
    return chosen


def propose_help_area(
    *,
    departments: Sequence[tuple[int, str, Sequence[PersonSpec]]],
    working_days: Sequence[date],
    per_day: int = 1,
    turn: int = 0,
) -> tuple[list[tuple[date, int, int, str]], list[tuple[date, int]]]:
    """Help-area turns (day, department, helper, reason) of high-volume departments, and days left empty."""
    turns = []
    gaps = []
    for department_id, _name, helpers in departments:
        rank = _round_order((p.id for p in helpers), turn)
        count = {p.id: 0 for p in helpers}
        last = {p.id: p.last for p in helpers}
        for day in working_days:
            available = sorted(
                (p for p in helpers if day not in p.away),
                key=lambda p: (count[p.id], p.past, last[p.id] or date.min, rank[p.id]),
            )
            if not available:
                gaps.append((day, department_id))
                continue
            for p in available[:per_day]:
                reason = _("In turn: fewest help-area days this month (%(n)d before).") % {"n": count[p.id]}
                turns.append((day, department_id, p.id, reason))
                count[p.id] += 1
                last[p.id] = day
    return turns, gaps


# --- Checking a plan --------------------------------------------------------------------------------------


def _days(days: Iterable[date]) -> str:
    return "、".join(f"{d:%m-%d}" for d in sorted(days))


def check_plan(
    *,
    windows: Sequence[WindowSpec],
    helpers: Sequence[HelperSpec],
    assignments: dict[int, int],
    working_days: Sequence[date],
    leaders: Sequence[PersonSpec] = (),
    duty: dict[date, int] | None = None,
    turns: Iterable[tuple[date, int, int]] = (),
    departments: dict[int, str] | None = None,
    window_helpers: dict[int, PersonSpec] | None = None,
    turn: int = 0,
) -> tuple[list[Problem], list[Cover]]:
    """Every problem of a plan (errors block publishing) and the day covers it needs."""
    problems: list[Problem] = []
    names = {w.id: w.label for w in windows}
    by_id = {h.id: h for h in helpers}
    days = list(working_days)
    counts = dict.fromkeys(names, 0)
    repeats = []
    for helper_id, window_id in assignments.items():
        helper = by_id.get(helper_id)
        if helper is None:
            problems.append(
                Problem(ERROR, "not_a_helper", _("An assigned person is no longer an active full-time helper here."))
            )
            continue
        if window_id not in names:
            problems.append(
                Problem(
                    ERROR,
                    "inactive_window",
                    _("%(helper)s is at a window that is closed or not of this centre.") % {"helper": helper.name},
                    helper_id=helper_id,
                )
            )
            continue
        counts[window_id] += 1
        if days and all(d in helper.away for d in days):
            problems.append(
                Problem(
                    ERROR,
                    "away_on_duty",
                    _("%(helper)s is away on every working day of the month but has window %(window)s.")
                    % {"helper": helper.name, "window": names[window_id]},
                    window_id=window_id,
                    helper_id=helper_id,
                )
            )
        remaining, _last, _done = cycle_state(helper.history, names)
        if window_id not in remaining:
            repeats.append((helper, window_id))
    available = [h for h in helpers if not (days and all(d in h.away for d in days))]
    needed = sum(w.min_staff for w in windows)
    if needed > len(available):
        away_all = len(helpers) - len(available)
        problems.append(
            Problem(
                ERROR,
                "too_few_helpers",
                _(
                    "The minimums of the %(windows)d windows add up to %(needed)d full-time helpers, but only "
                    "%(available)d are available this month (%(away)d away all month). Lower the minimum of some "
                    "windows (0, or empty for automatic) under Staff → Windows, or add full-time helpers."
                )
                % {"windows": len(windows), "needed": needed, "available": len(available), "away": away_all},
            )
        )
    for window in windows:
        n = counts[window.id]
        if n < window.min_staff:
            problems.append(
                Problem(
                    ERROR,
                    "understaffed",
                    _("Window %(window)s has %(n)d full-time helper(s); it needs at least %(min)d.")
                    % {"window": window.label, "n": n, "min": window.min_staff},
                    window_id=window.id,
                )
            )
        elif n > window.max_staff:
            problems.append(
                Problem(
                    ERROR,
                    "overstaffed",
                    _("Window %(window)s has %(n)d full-time helpers; at most %(max)d may stand there.")
                    % {"window": window.label, "n": n, "max": window.max_staff},
                    window_id=window.id,
                )
            )
    for helper, window_id in repeats:
        problems.append(
            Problem(
                WARNING,
                "repeat",
                _("%(helper)s returns to %(window)s before having worked every window.")
                % {"helper": helper.name, "window": names[window_id]},
                window_id=window_id,
                helper_id=helper.id,
            )
        )
    for helper in helpers:
        if helper.id not in assignments and not (days and all(d in helper.away for d in days)):
            problems.append(
                Problem(
                    WARNING,
                    "no_window",
                    _("%(helper)s has no window this month.") % {"helper": helper.name},
                    helper_id=helper.id,
                )
            )

    covers, gaps = propose_covers(
        windows=windows,
        helpers=helpers,
        assignments={h: w for h, w in assignments.items() if h in by_id and w in names},
        working_days=days,
        turn=turn,
    )
    # A window below its minimum for the whole month is reported above ("understaffed"); its days are not
    # blamed on leave (nobody may be away at all).
    understaffed = {w.id for w in windows if counts[w.id] < w.min_staff}
    gaps = [g for g in gaps if g[1] not in understaffed]
    gap_days: dict[int, list[date]] = {}
    for day, window_id, _missing in gaps:
        gap_days.setdefault(window_id, []).append(day)
    for window_id, wdays in gap_days.items():
        problems.append(
            Problem(
                ERROR,
                "uncovered_day",
                _("Window %(window)s is short of helpers on %(days)s (leave) and nobody is spare to cover it.")
                % {"window": names[window_id], "days": _days(wdays)},
                window_id=window_id,
                day=wdays[0],
            )
        )

    if duty is not None:
        problems.extend(_check_duty(leaders, duty, days))
    problems.extend(_check_help_area(turns, departments or {}, window_helpers or {}, days))
    return problems, covers


def _check_duty(leaders: Sequence[PersonSpec], duty: dict[date, int], days: list[date]) -> list[Problem]:
    problems = []
    by_id = {p.id: p for p in leaders}
    working = set(days)
    missing = [d for d in days if d not in duty]
    if missing:
        problems.append(
            Problem(
                ERROR,
                "no_duty_leader",
                _("No duty leader on %(days)s.") % {"days": _days(missing)},
                day=missing[0],
            )
        )
    for day, leader_id in sorted(duty.items()):
        leader = by_id.get(leader_id)
        if leader is None:
            problems.append(
                Problem(
                    ERROR,
                    "not_a_duty_leader",
                    _("The duty leader of %(day)s is not an active duty leader of this centre.") % {"day": day},
                    day=day,
                )
            )
        elif day in leader.away:
            problems.append(
                Problem(
                    ERROR,
                    "leader_away",
                    _("%(leader)s is away on %(day)s but is the duty leader that day.")
                    % {"leader": leader.name, "day": f"{day:%m-%d}"},
                    helper_id=leader_id,
                    day=day,
                )
            )
        if days and day not in working:
            problems.append(
                Problem(
                    WARNING,
                    "duty_on_rest_day",
                    _("%(day)s has a duty leader but is not a working day.") % {"day": f"{day:%m-%d}"},
                    day=day,
                )
            )
    return problems


def _check_help_area(
    turns: Iterable[tuple[date, int, int]],
    departments: dict[int, str],
    window_helpers: dict[int, PersonSpec],
    days: list[date],
) -> list[Problem]:
    problems = []
    staffed: dict[int, set[date]] = {d: set() for d in departments}
    for day, department_id, helper_id in turns:
        staffed.setdefault(department_id, set()).add(day)
        helper = window_helpers.get(helper_id)
        if helper is not None and day in helper.away:
            problems.append(
                Problem(
                    ERROR,
                    "help_area_away",
                    _("%(helper)s is away on %(day)s but has a help-area turn.")
                    % {"helper": helper.name, "day": f"{day:%m-%d}"},
                    helper_id=helper_id,
                    day=day,
                )
            )
    for department_id, name in departments.items():
        empty = [d for d in days if d not in staffed.get(department_id, set())]
        if empty:
            problems.append(
                Problem(
                    WARNING,
                    "help_area_empty",
                    _("%(department)s has nobody in the help area on %(days)s.")
                    % {"department": name, "days": _days(empty)},
                    day=empty[0],
                )
            )
    return problems
