"""Month arithmetic (hallservice.core.months): first and last days, stepping months, the months between two days."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hallservice.core.months import (
    add_months,
    month_days,
    month_end,
    month_start,
    months_between,
    next_month,
    previous_month,
)

days = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
PROPERTY_SETTINGS = settings(max_examples=300, deadline=None)


@pytest.mark.parametrize(
    ("day", "first", "last"),
    [
        (date(2026, 1, 31), date(2026, 1, 1), date(2026, 1, 31)),
        (date(2026, 2, 14), date(2026, 2, 1), date(2026, 2, 28)),
        (date(2028, 2, 1), date(2028, 2, 1), date(2028, 2, 29)),  # leap year
        (date(1900, 2, 10), date(1900, 2, 1), date(1900, 2, 28)),  # 1900 is not a leap year
        (date(2000, 2, 10), date(2000, 2, 1), date(2000, 2, 29)),  # 2000 is
        (date(2026, 12, 25), date(2026, 12, 1), date(2026, 12, 31)),
    ],
)
def test_first_and_last_day_of_the_month(day, first, last):
    assert month_start(day) == first
    assert month_end(day) == last


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 1)),  # from the 31st: the month after, never the one after that
        (date(2026, 12, 15), 1, date(2027, 1, 1)),
        (date(2026, 1, 1), -1, date(2025, 12, 1)),
        (date(2026, 3, 31), -13, date(2025, 2, 1)),
        (date(2026, 5, 9), 0, date(2026, 5, 1)),
        (date(2026, 5, 9), 24, date(2028, 5, 1)),
    ],
)
def test_adding_months_gives_the_first_day_of_the_month_reached(day, n, expected):
    assert add_months(day, n) == expected


def test_next_and_previous_month_across_the_year_end():
    assert next_month(date(2026, 12, 31)) == date(2027, 1, 1)
    assert previous_month(date(2027, 1, 31)) == date(2026, 12, 1)


def test_months_between_counts_both_ends_and_nothing_when_reversed():
    assert months_between(date(2025, 11, 30), date(2026, 2, 1)) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]
    assert months_between(date(2026, 2, 9), date(2026, 2, 1)) == [date(2026, 2, 1)]
    assert months_between(date(2026, 3, 1), date(2026, 2, 28)) == []


@PROPERTY_SETTINGS
@given(days)
def test_a_month_runs_from_its_first_to_its_last_day_without_gaps(day):
    first, last = month_start(day), month_end(day)
    assert first.day == 1 and first <= day <= last
    assert (last + timedelta(days=1)).day == 1
    assert month_days(day) == [first + timedelta(days=i) for i in range((last - first).days + 1)]
    assert all(month_start(d) == first for d in month_days(day))


@PROPERTY_SETTINGS
@given(days)
def test_next_month_starts_the_day_after_this_month_ends(day):
    assert next_month(day) == month_end(day) + timedelta(days=1)
    assert previous_month(day) == month_start(month_start(day) - timedelta(days=1))
    assert previous_month(next_month(day)) == month_start(day)


@PROPERTY_SETTINGS
@given(days, st.integers(-120, 120), st.integers(-120, 120))
def test_adding_months_composes(day, a, b):
    assert add_months(add_months(day, a), b) == add_months(day, a + b)
    assert add_months(day, a).day == 1


@PROPERTY_SETTINGS
@given(days, days)
def test_months_between_steps_one_month_at_a_time(first, last):
    months = months_between(first, last)
    if month_start(first) > month_start(last):
        assert months == []
        return
    assert months[0] == month_start(first)
    assert months[-1] == month_start(last)
    assert all(next_month(a) == b for a, b in zip(months, months[1:], strict=False))
