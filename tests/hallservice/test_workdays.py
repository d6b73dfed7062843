"""The working-day calendar: statutory holidays, adjusted workdays, overrides, and unknown years."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from hallservice.core.models import CalendarOverride, CalendarYear
from hallservice.core.workdays import (
    WorkingCalendar,
    add_working_days,
    is_working_day,
    library_years,
    missing_calendar_years,
    working_days_between,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 1, 26), True),  # Sunday, adjusted workday before the Spring Festival
        (date(2025, 2, 8), True),  # Saturday, adjusted workday after it
        (date(2025, 1, 29), False),  # Spring Festival
        (date(2025, 10, 1), False),  # National Day
        (date(2025, 10, 8), False),  # last day of the 2025 National Day / Mid-Autumn holiday
        (date(2025, 10, 9), True),
        (date(2025, 10, 11), True),  # Saturday, adjusted workday
        (date(2025, 10, 12), False),  # ordinary Sunday
    ],
)
def test_statutory_days(day, working):
    assert is_working_day(day) is working


def test_adding_one_working_day_jumps_the_national_day_holiday():
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)


def test_adding_zero_working_days_is_the_same_day():
    assert add_working_days(date(2025, 10, 3), 0) == date(2025, 10, 3)


def test_negative_days_count_backwards():
    assert add_working_days(date(2025, 10, 9), -1) == date(2025, 9, 30)


def test_working_days_between_is_the_inverse_of_adding():
    start = date(2025, 9, 26)
    for n in range(0, 30):
        end = add_working_days(start, n)
        assert working_days_between(start, end) == n
    assert working_days_between(date(2025, 10, 9), date(2025, 9, 30)) == -1


def test_unknown_year_falls_back_to_weekdays_without_crashing():
    assert 2027 not in library_years()
    assert is_working_day(date(2027, 1, 4)) is True  # Monday
    assert is_working_day(date(2027, 1, 9)) is False  # Saturday
    # 2026-12-31 is a Thursday; with no holiday data 2027-01-01 (Friday) counts as a working day.
    assert add_working_days(date(2026, 12, 31), 5) == date(2027, 1, 7)


def test_overrides_win_over_the_library_and_cover_unknown_years():
    CalendarOverride.objects.create(date=date(2027, 1, 1), is_working_day=False, note="元旦")
    CalendarOverride.objects.create(date=date(2025, 10, 8), is_working_day=True, note="test")
    assert is_working_day(date(2027, 1, 1)) is False
    assert is_working_day(date(2025, 10, 8)) is True
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)


def test_missing_years_reported_until_the_years_notice_is_entered():
    assert missing_calendar_years(date(2026, 11, 23)) == [2027]
    assert missing_calendar_years(date(2025, 6, 1)) == []
    CalendarOverride.objects.create(date=date(2027, 2, 11), is_working_day=False, note="春节")
    assert missing_calendar_years(date(2026, 11, 23)) == [2027]  # one override is not the notice
    CalendarYear.objects.create(year=2027, source="国办发明电〔2026〕7号")
    assert missing_calendar_years(date(2026, 11, 23)) == []


def test_one_calendar_queries_each_year_once(django_assert_max_num_queries):
    cal = WorkingCalendar()
    with django_assert_max_num_queries(2):
        for month in range(1, 13):
            cal.add_working_days(date(2026, month, 20), 15)  # crosses into 2027 in December


def test_working_days_between_counts_as_walking_day_by_day_across_years_and_overrides():
    CalendarOverride.objects.create(date=date(2026, 12, 28), is_working_day=False, note="closure")
    CalendarOverride.objects.create(date=date(2027, 1, 9), is_working_day=True, note="make-up day")
    calendar, walking = WorkingCalendar(), WorkingCalendar()

    def walked(a, b):
        days = (a + timedelta(days=n) for n in range(1, (b - a).days + 1))
        return sum(walking.is_working_day(day) for day in days)

    starts = [date(2024, 2, 28), date(2025, 9, 30), date(2025, 12, 31), date(2026, 12, 27)]
    ends = [date(2024, 3, 1), date(2025, 10, 9), date(2026, 1, 1), date(2026, 12, 31), date(2027, 1, 10)]
    for a in starts:
        for b in ends:
            expected = walked(a, b) if a <= b else -walked(b, a)
            assert calendar.working_days_between(a, b) == expected, (a, b)


def test_last_this_and_next_years_overrides_are_read_in_one_query(django_assert_num_queries):
    year = timezone.localdate().year
    CalendarOverride.objects.create(date=date(year - 1, 12, 31), is_working_day=False, note="closure")
    CalendarOverride.objects.create(date=date(year + 1, 1, 4), is_working_day=True, note="make-up day")
    CalendarOverride.objects.create(date=date(year + 20, 5, 6), is_working_day=False, note="far")
    cal = WorkingCalendar()
    with django_assert_num_queries(1):
        for asked in (year, year - 1, year + 1):
            cal.is_working_day(date(asked, 6, 1))
    with django_assert_num_queries(0):
        assert cal.is_working_day(date(year - 1, 12, 31)) is False
        assert cal.is_working_day(date(year + 1, 1, 4)) is True
    with django_assert_num_queries(1):  # a year far off: read on its own, once
        assert cal.is_working_day(date(year + 20, 5, 6)) is False
        cal.is_working_day(date(year + 20, 3, 2))
