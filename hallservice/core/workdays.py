"""Working days by the Chinese statutory calendar (holidays and adjusted workdays), with admin overrides.

`chinese-calendar` knows a fixed span of years (2004–2026 in 1.11) and raises for any other year. Deadlines
computed late in a year already cross into the next one, so for a year the library does not know we count
Monday to Friday as working days, apply the admin's overrides, and tell supervisors (see
`missing_calendar_years`) so they enter the State Council's holiday notice. A year counts as entered only when
an admin has entered its notice in full (a `CalendarYear` row, written by the bulk entry), not after the first
override: a single local closure must not hide the banner.

Overrides win over the library everywhere. A `WorkingCalendar` loads overrides when first asked about a year (that
year, the ones around it and today's, in one query) and keeps them for its own lifetime only, so a page that
computes many deadlines builds one calendar and runs a constant number of queries; overrides are never cached across
requests (the library's fixed answers are, per process).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache, lru_cache

import chinese_calendar
from django.utils import timezone

from .models import CalendarOverride, CalendarYear

__all__ = [
    "WorkingCalendar",
    "add_working_days",
    "working_days_between",
    "is_working_day",
    "library_years",
    "missing_calendar_years",
]

ONE_DAY = timedelta(days=1)
# At most this many years of overrides are read in one query; a year far from today is read alone.
WINDOW_YEARS = 4


@cache
def library_years() -> frozenset[int]:
    """Years for which the installed chinese-calendar has the State Council's data (read-only, per process)."""
    return frozenset(d.year for d in chinese_calendar.holidays) | frozenset(d.year for d in chinese_calendar.workdays)


@lru_cache(maxsize=8192)
def _library_workday(day: date) -> bool:
    # The library's answer never changes within a process, and each call scans its whole table of holidays to check
    # the year: a queue page of 25 deadlines asked it ~180 times (5 ms). Overrides are applied before, uncached.
    return chinese_calendar.is_workday(day)


def _running_count_of(year: int, is_working_day) -> list[int]:
    counts, total, day = [], 0, date(year, 1, 1)
    while day.year == year:
        total += is_working_day(day)
        counts.append(total)
        day += ONE_DAY
    return counts


@lru_cache(maxsize=64)
def _library_running_count(year: int) -> tuple[int, ...]:
    # Fixed for a process like the library's answers; each list page built two years of it (1.5 ms a queue view).
    if year in library_years():
        return tuple(_running_count_of(year, _library_workday))
    return tuple(_running_count_of(year, lambda day: day.weekday() < 5))


class WorkingCalendar:
    """Answers working-day questions; holds the overrides of the years it has been asked about."""

    def __init__(self) -> None:
        self._overrides: dict[int, dict[date, bool]] = {}
        self._running_counts: dict[int, list[int] | tuple[int, ...]] = {}

    def _overrides_of(self, year: int) -> dict[date, bool]:
        if year not in self._overrides:
            self._load_overrides(year)
        return self._overrides[year]

    def _load_overrides(self, year: int) -> None:
        # One query for the years around this one and today's (issue 17): a list page's deadlines fall in last year,
        # this year and next, and reading each year on its own cost the queue a round trip more per year.
        this_year = timezone.localdate().year
        years = [y for y in range(min(year, this_year) - 1, max(year, this_year) + 2) if y not in self._overrides]
        if len(years) > WINDOW_YEARS:
            years = [year]
        for y in years:
            self._overrides[y] = {}
        rows = CalendarOverride.objects.filter(date__gte=date(years[0], 1, 1), date__lte=date(years[-1], 12, 31))
        for day, working in rows.values_list("date", "is_working_day"):
            if day.year in years:
                self._overrides[day.year][day] = working

    def is_working_day(self, day: date) -> bool:
        override = self._overrides_of(day.year).get(day)
        if override is not None:
            return override
        if day.year in library_years():
            return _library_workday(day)
        return day.weekday() < 5

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (``start`` itself not counted); n < 0 counts backwards."""
        step = ONE_DAY if n >= 0 else -ONE_DAY
        day = start
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """Working days d with a < d <= b; negative when b is before a. Inverse of add_working_days."""
        if b < a:
            return -self.working_days_between(b, a)
        count = self._working_days_through(b) - self._working_days_through(a)
        for year in range(a.year, b.year):
            count += self._running_count(year)[-1]
        return count

    def _running_count(self, year: int) -> list[int]:
        # Working days from 1 January through each day of the year, built once a year per calendar: a list page
        # asks for many deadlines months apart, and walking each span day by day cost the overdue view 7 ms.
        if year not in self._running_counts:
            if self._overrides_of(year):
                self._running_counts[year] = _running_count_of(year, self.is_working_day)
            else:  # a year without overrides: the library's (or Monday to Friday's), built once per process
                self._running_counts[year] = _library_running_count(year)
        return self._running_counts[year]

    def _working_days_through(self, day: date) -> int:
        return self._running_count(day.year)[day.timetuple().tm_yday - 1]

    def year_is_known(self, year: int) -> bool:
        """Known if the library has the year or an admin has entered the State Council's notice for it."""
        return year in library_years() or CalendarYear.objects.filter(year=year).exists()


def is_working_day(day: date) -> bool:
    return WorkingCalendar().is_working_day(day)


def add_working_days(start: date, n: int) -> date:
    return WorkingCalendar().add_working_days(start, n)


def working_days_between(a: date, b: date) -> int:
    return WorkingCalendar().working_days_between(a, b)


def missing_calendar_years(today: date) -> list[int]:
    """This year and next year, where neither the library has the holidays nor an admin has entered the notice."""
    cal = WorkingCalendar()
    return [year for year in (today.year, today.year + 1) if not cal.year_is_known(year)]
