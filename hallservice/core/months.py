"""Month arithmetic on dates. A month is named by its first day (``date(2026, 3, 1)`` is March 2026).

Every function takes any day of a month; the rosters, training, supervision and reports all count months this
way, so a plan, a monthly test and a monthly figure for "March" agree on what March is.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

__all__ = [
    "add_months",
    "month_days",
    "month_end",
    "month_start",
    "months_between",
    "next_month",
    "previous_month",
]


def month_start(day: date) -> date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, n: int) -> date:
    """The first day of the month ``n`` months after ``day``'s month (``n`` may be negative)."""
    index = day.year * 12 + day.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def next_month(day: date) -> date:
    """The first day of the month after ``day``'s month."""
    return add_months(day, 1)


def previous_month(day: date) -> date:
    """The first day of the month before ``day``'s month."""
    return add_months(day, -1)


def month_days(day: date) -> list[date]:
    """Every day of ``day``'s month, in order."""
    first = month_start(day)
    return [first + timedelta(days=i) for i in range(month_end(day).day)]


def months_between(first: date, last: date) -> list[date]:
    """The first days of the months from ``first``'s month to ``last``'s month, both included; empty if reversed."""
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [add_months(first, i) for i in range(max(count, 0))]
