"""Who must hear when the working calendar changes: a registry the apps above the kernel hook into.

hallservice may not import the apps built on it (requests, rosters, …), yet a holiday entered for 2027 moves the
promised deadlines of requests already accepted. So an app registers a hook from its AppConfig.ready(); the
calendar services call every hook inside their transaction, in two steps:

1. before the change, ``hook(dates, actor)`` reads what it needs under the old calendar (and locks its rows);
2. it returns a function that, called after the change, applies the new calendar, records its events and
   returns the ids of the rows it changed (the admin reports how many deadlines moved).

``dates`` are the dates whose working status may change (set, changed or deleted overrides).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

Finish = Callable[[], list[int]]
CalendarChangeHook = Callable[[frozenset[date], object], Finish]

_hooks: list[CalendarChangeHook] = []


def register_calendar_change_hook(hook: CalendarChangeHook) -> None:
    """Register once (ready() may run twice in tests, so a hook already registered is not added again)."""
    if hook not in _hooks:
        _hooks.append(hook)


def prepare_calendar_change(dates: Iterable[date], actor) -> list[Finish]:
    """Step 1 for every hook; call the returned functions after the overrides changed."""
    changed = frozenset(dates)
    if not changed:
        return []
    return [hook(changed, actor) for hook in list(_hooks)]


def finish_calendar_change(finish: list[Finish]) -> int:
    """Step 2 for every hook; the number of rows changed in all."""
    return sum(len(step()) for step in finish)
