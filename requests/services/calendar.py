"""Open requests follow the working calendar: when an override changes, their promised deadlines move.

Registered with hallservice.core.calendar_changes from RequestsConfig.ready(). The rule: a request's promise is a
number of working days counted from the day it was accepted, and that number stays. It is the matter's time
limit plus the working days it was suspended plus the extensions approved, so it is read back from the stored
deadline under the old calendar (working days from the acceptance day to the deadline) rather than rebuilt from
the matter, whose time limit may have changed since. Under the new calendar the same number of working days
from the acceptance day gives the new deadline: a holiday added in range moves it later, an adjusted working
day (调休上班) earlier, as a deadline computed with the notice already entered would be.

Only open requests (accepted, in progress, suspended) whose span from acceptance to deadline contains a changed
date can move; each moved request gets a public ``deadline_moved`` event with the old and new date, and its
"deadline approaching" warning is re-armed for the new date.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from hallservice.core.workdays import WorkingCalendar

from ..models import OPEN_STATUSES, ServiceRequest
from .base import record_event


def deadlines_follow_calendar_change(dates: frozenset[date], actor) -> Callable[[], list[int]]:
    """Before the change: lock the open requests the dates may affect and count their promised working days."""
    first, last = min(dates), max(dates)
    candidates = (
        ServiceRequest.objects.select_for_update(no_key=True)
        .filter(status__in=OPEN_STATUSES, deadline__gte=first, accepted_at__isnull=False)
        .order_by("pk")
    )
    old = WorkingCalendar()
    promised: list[tuple[ServiceRequest, date, int]] = []
    for req in candidates:
        accepted_on = timezone.localdate(req.accepted_at)
        if accepted_on >= last:
            continue
        promised.append((req, accepted_on, old.working_days_between(accepted_on, req.deadline)))

    def finish() -> list[int]:
        new = WorkingCalendar()
        today = timezone.localdate()
        moved = []
        for req, accepted_on, working_days in promised:
            deadline = new.add_working_days(accepted_on, working_days)
            if deadline == req.deadline:
                continue
            previous, req.deadline = req.deadline, deadline
            fields = ["deadline", "updated_at"]
            if deadline > previous and req.deadline_warned_on:
                req.deadline_warned_on = None
                fields.append("deadline_warned_on")
            if deadline >= today and req.overdue_flagged_on:
                req.overdue_flagged_on = None
                fields.append("overdue_flagged_on")
            req.save(update_fields=fields)
            record_event(
                req,
                actor=actor,
                verb="deadline_moved",
                public=True,
                note=_(
                    "The working calendar changed (%(dates)s): the promised date moves from %(old)s to %(new)s, "
                    "still %(days)d working days after acceptance."
                )
                % {
                    "dates": "、".join(
                        f"{d:%Y-%m-%d}" for d in sorted(dates) if accepted_on < d <= max(previous, deadline)
                    ),
                    "old": f"{previous:%Y-%m-%d}",
                    "new": f"{deadline:%Y-%m-%d}",
                    "days": working_days,
                },
            )
            moved.append(req.pk)
        return moved

    return finish
