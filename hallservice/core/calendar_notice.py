"""Reading the State Council's holiday notice (国务院办公厅关于…部分节假日安排的通知) as pasted by an admin.

One line per holiday range or adjusted working day; blank lines and lines starting with # are ignored:

    2027-01-01 至 2027-01-03 休 元旦
    2027-02-07 上班 春节调休
    2027年2月6日至2027年2月13日 放假 春节

A date is written 2027-01-01, 2027/1/1 or 2027年1月1日; a range joins two dates with 至, ~, ～ or "to" (a
range of at most 15 days, as no statutory holiday is longer); the status word is 休 / 放假 / 休息 (a day off)
or 班 / 上班 (an adjusted working day); the rest of the line is the note (the festival). Every date must lie
in the notice's year or in the December before it (the 2018 notice's New Year holiday began on 2017-12-30). The same date twice with different statuses is refused. Every error names
its line, and nothing is stored unless the whole notice reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from .errors import DomainError

MAX_RANGE_DAYS = 15
MAX_NOTICE_CHARS = 10_000
NOTE_MAX_LENGTH = 100  # CalendarOverride.note

_DATE = r"(\d{4})\s*(?:-|/|年)\s*(\d{1,2})\s*(?:-|/|月)\s*(\d{1,2})\s*日?"
_LINE = re.compile(
    rf"^{_DATE}(?:\s*(?:至|~|～|to|TO)\s*{_DATE})?\s*(休息|放假|休|上班|班)\s*(.*)$",
)
_OFF_WORDS = {"休", "放假", "休息"}


@dataclass(frozen=True)
class NoticeDay:
    """One date of the notice: off (a holiday) or an adjusted working day, with its note."""

    day: date
    is_working_day: bool
    note: str


def _date(line_no: int, y: str, m: str, d: str) -> date:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        raise DomainError(
            _("Line %(line)d: %(date)s is not a date.") % {"line": line_no, "date": f"{y}-{m}-{d}"}, field="text"
        ) from None


def parse_notice(text: str, *, year: int) -> list[NoticeDay]:
    """The days of a pasted notice for ``year``, in date order; DomainError names the first bad line."""
    if len(text) > MAX_NOTICE_CHARS:
        raise DomainError(
            _("The notice is longer than %(max)d characters; paste only the dates.") % {"max": MAX_NOTICE_CHARS},
            field="text",
        )
    earliest, latest = date(year - 1, 12, 1), date(year, 12, 31)
    days: dict[date, NoticeDay] = {}
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().replace("\u3000", " ")
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            raise DomainError(
                _(
                    "Line %(line)d cannot be read: “%(text)s”. Write e.g. “%(year)d-01-01 至 %(year)d-01-03 休 元旦” "
                    "or “%(year)d-02-07 上班”."
                )
                % {"line": line_no, "text": line, "year": year},
                field="text",
            )
        first = _date(line_no, *match.group(1, 2, 3))
        last = _date(line_no, *match.group(4, 5, 6)) if match.group(4) else first
        if last < first:
            raise DomainError(_("Line %(line)d: the range ends before it starts.") % {"line": line_no}, field="text")
        if (last - first).days + 1 > MAX_RANGE_DAYS:
            raise DomainError(
                _("Line %(line)d: a range of more than %(max)d days is not a holiday of the notice.")
                % {"line": line_no, "max": MAX_RANGE_DAYS},
                field="text",
            )
        if first < earliest or last > latest:
            raise DomainError(
                _("Line %(line)d: the dates are not in %(year)d.") % {"line": line_no, "year": year}, field="text"
            )
        note = match.group(8).strip()
        if len(note) > NOTE_MAX_LENGTH:
            raise DomainError(
                _("Line %(line)d: the note is longer than %(max)d characters.")
                % {"line": line_no, "max": NOTE_MAX_LENGTH},
                field="text",
            )
        working = match.group(7) not in _OFF_WORDS
        day = first
        while day <= last:
            seen = days.get(day)
            if seen is not None and seen.is_working_day != working:
                raise DomainError(
                    _("Line %(line)d: %(date)s is already entered as the opposite (a day off and a working day).")
                    % {"line": line_no, "date": f"{day:%Y-%m-%d}"},
                    field="text",
                )
            days[day] = NoticeDay(day=day, is_working_day=working, note=note or (seen.note if seen else ""))
            day += timedelta(days=1)
    if not any(not d.is_working_day for d in days.values()):
        raise DomainError(_("The notice lists no holiday: enter at least one day off."), field="text")
    return [days[d] for d in sorted(days)]
