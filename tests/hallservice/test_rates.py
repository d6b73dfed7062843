"""Rates and averages are rounded half up (四舍五入) by one function, so every page prints the same figure."""

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from hallservice.core.rates import mean, mean_value, percent, percent_value, share_percent
from requests.satisfaction import satisfaction_rate
from supervision.statistics import rate
from training.selectors import AttendanceRow


def half_up(value: Fraction, places: int) -> Decimal:
    """The textbook rule, computed on exact fractions: add half a unit of the last place, cut the rest off."""
    scale = 10**places
    scaled = value * scale
    whole = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
    return Decimal(whole) / scale


@given(whole=st.integers(min_value=1, max_value=10**7), data=st.data())
def test_percent_is_the_exact_share_rounded_half_up(whole, data):
    part = data.draw(st.integers(min_value=0, max_value=whole))
    expected = half_up(Fraction(100 * part, whole), 1)
    assert percent(part, whole) == expected
    assert percent_value(part, whole) == float(expected)
    # The dashboard's rate and the satisfaction rate are the same figure as the assessment's.
    assert rate(part, whole) == satisfaction_rate(part, whole) == float(percent(part, whole))


@given(count=st.integers(min_value=1, max_value=10**5), total=st.integers(min_value=0, max_value=10**7))
def test_mean_rounds_half_up(count, total):
    assert mean(total, count) == half_up(Fraction(total, count), 2)
    assert mean_value(total, count) == float(mean(total, count))


def test_ties_go_up_not_to_even():
    # 397 of 400 satisfied is 99.25 %: 99.3, where round() and a bare quantize() print 99.2.
    assert percent(397, 400) == Decimal("99.3")
    assert satisfaction_rate(397, 400) == 99.3
    assert rate(49, 400) == 12.3
    assert mean(Decimal("170.25"), 2) == Decimal("85.13")
    assert share_percent(Decimal("0.0125")) == Decimal("1.3")


def test_nothing_to_divide_is_none():
    assert percent(0, 0) is None
    assert percent_value(3, 0) is None
    assert mean(10, 0) is None
    assert mean_value(10, 0) is None
    assert share_percent(None) is None


def test_training_attendance_rate_rounds_like_the_assessment():
    # 1 present of 80 counted sessions is 1.25 %.
    assert AttendanceRow(staff=None, present=1, absent=79, excused=5).rate == Decimal("1.3")
