"""The hall's clock in tests: time frozen at a moment in the hall's time zone."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=10, mm=0, ss=0):
    """Freeze the clock at a moment in the hall's time zone (10:00 unless told)."""
    return time_machine.travel(datetime(y, m, d, hh, mm, ss, tzinfo=SHANGHAI), tick=False)
