"""Percentages and averages as the hall's reports print them: rounded half up (四舍五入), never half to even.

Every page, export and report that shows a rate goes through here, so the dashboard, the annual assessment and the
training reports print the same figure for the same counts: 397 satisfied of 400 is 99.3 % everywhere (Python's
``round`` and ``Decimal.quantize`` without a rounding mode would give 99.2). The arithmetic is exact (``Decimal``),
so no binary fraction tips a rate either way.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

ONE_DECIMAL = Decimal("0.1")
TWO_DECIMALS = Decimal("0.01")


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` as a percentage with one decimal, or None when there is no whole (shown as "—")."""
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(ONE_DECIMAL, ROUND_HALF_UP)


def percent_value(part: int, whole: int) -> float | None:
    """:func:`percent` as a float, for figures that travel as JSON numbers (the dashboard's charts, the API)."""
    rate = percent(part, whole)
    return None if rate is None else float(rate)


def share_percent(share: Decimal | None) -> Decimal | None:
    """A share between 0 and 1 as a percentage with one decimal."""
    return None if share is None else (100 * share).quantize(ONE_DECIMAL, ROUND_HALF_UP)


def mean(total, count: int, places: Decimal = TWO_DECIMALS) -> Decimal | None:
    """``total`` over ``count`` to ``places``, or None when nothing was counted."""
    if not count:
        return None
    return (Decimal(total) / count).quantize(places, ROUND_HALF_UP)


def mean_value(total, count: int) -> float | None:
    """:func:`mean` as a float, like :func:`percent_value`."""
    average = mean(total, count)
    return None if average is None else float(average)
