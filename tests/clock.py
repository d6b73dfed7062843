"""The hall's clock in tests: time frozen at a moment in the hall's time zone."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=10, mm=0, ss=0):
    """Freeze the clock at a moment in the hall's time zone (10:00 unless told)."""
    return time_machine.travel(datetime(y, m, d, hh, mm, ss, tzinfo=SHANGHAI), tick=False)


def weekdays_from(start: date, count: int) -> list[date]:
    """The first ``count`` weekdays (Monday to Friday) from ``start`` on, ``start`` included."""
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days
