"""Writes to the working calendar: single overrides and the bulk entry of a year's holiday notice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from .actors import user_of
from .calendar_changes import finish_calendar_change, prepare_calendar_change
from .calendar_notice import parse_notice
from .errors import DomainError, PermissionDenied
from .models import CalendarOverride, CalendarYear

# --- Working calendar ---------------------------------------------------------------------------------------
# Every change of the overrides goes through these, so the apps hooked into hallservice.core.calendar_changes (open
# requests' promised deadlines) follow it in the same transaction, whether the admin form or the bulk entry
# made it.


def _can_edit_calendar(actor, verb: str) -> None:
    if not actor.has_perm(f"hallservice.{verb}_calendaroverride"):
        raise PermissionDenied(_("You may not change the working calendar."))


@transaction.atomic
def calendar_override_save(
    *, actor, day: date, is_working_day: bool, note: str = "", override_id: int | None = None
) -> CalendarOverride:
    """Create an override, or change one (its date too); open deadlines affected move, each with an event."""
    _can_edit_calendar(actor, "change" if override_id else "add")
    note = note.strip()
    if len(note) > CalendarOverride._meta.get_field("note").max_length:
        raise DomainError(_("The note is longer than 100 characters."), field="note")
    override = CalendarOverride.objects.select_for_update().get(pk=override_id) if override_id else None
    clash = CalendarOverride.objects.filter(date=day).exclude(pk=override_id).first()
    if clash is not None:
        raise DomainError(
            _("%(date)s already has an override (%(note)s); change that one.")
            % {"date": f"{day:%Y-%m-%d}", "note": clash.note or "—"},
            field="date",
        )
    changed = {day} | ({override.date} if override else set())
    finish = prepare_calendar_change(changed, actor)
    if override is None:
        override = CalendarOverride(date=day, is_working_day=is_working_day, note=note)
    else:
        override.date, override.is_working_day, override.note = day, is_working_day, note
    override.save()
    finish_calendar_change(finish)
    return override


@transaction.atomic
def calendar_override_delete(*, actor, override_id: int) -> None:
    """Remove an override: the date follows the statutory calendar (or Monday to Friday) again."""
    _can_edit_calendar(actor, "delete")
    override = CalendarOverride.objects.select_for_update().get(pk=override_id)
    finish = prepare_calendar_change({override.date}, actor)
    override.delete()
    finish_calendar_change(finish)


@dataclass(frozen=True)
class NoticeEntered:
    """What entering a notice did: the overrides saved and how many open deadlines moved."""

    overrides: list[CalendarOverride]
    moved: int


@transaction.atomic
def calendar_notice_enter(*, actor, year: int, text: str, source: str = "") -> NoticeEntered:
    """Enter a year's State Council holiday notice at once (format: hallservice.core.calendar_notice).

    All or nothing: the whole notice is read before anything is stored. Each date becomes an override (an
    existing override of that date is replaced); overrides of the year the notice does not mention stay (a
    local closure). The year then counts as entered, which ends the "not entered" banner, and open deadlines
    crossing the changed dates move, each with an event.
    """
    _can_edit_calendar(actor, "add")
    _can_edit_calendar(actor, "change")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise DomainError(_("Give the year of the notice, e.g. 2027."), field="year")
    source = source.strip()
    if len(source) > CalendarYear._meta.get_field("source").max_length:
        raise DomainError(_("The notice's name is longer than 100 characters."), field="source")
    days = parse_notice(text, year=year)
    existing = {o.date: o for o in CalendarOverride.objects.select_for_update().filter(date__in=[d.day for d in days])}
    changed = {d.day for d in days if d.day not in existing or existing[d.day].is_working_day != d.is_working_day}
    finish = prepare_calendar_change(changed, actor)
    saved = []
    for entry in days:
        override = existing.get(entry.day) or CalendarOverride(date=entry.day)
        override.is_working_day, override.note = entry.is_working_day, entry.note
        override.save()
        saved.append(override)
    CalendarYear.objects.update_or_create(year=year, defaults={"entered_by": user_of(actor), "source": source})
    return NoticeEntered(overrides=saved, moved=finish_calendar_change(finish))
