"""Where a helper stands today, for the citizens' status page (F-PUB: 专属帮办员 and their desk).

The requests app shows the helper of a request with their desk; the desk of the day is the roster's, not the
helper's usual window: helpers rotate monthly, cover other windows, take help-area turns and are replaced by
substitutions in effect (filed, or approved). ``RostersConfig.ready`` registers ``todays_desk`` with
``requests.services.public.register_todays_desk`` so that requests never imports rosters.

The rule, in order, for the helper's own centre on ``day``:
- no published plan for the month, or the day is not a working day: ``None`` (the page shows the usual window);
- away (leave, training…), marked absent, or replaced at the window by a substitution in effect: "not at the
  hall today, the front desk will help";
- otherwise the window of a substitution in effect they cover, a day cover, a help-area turn, or the month's
  assignment; when they have checked in, the time of arrival is added ("on duty since 08:52");
- not in the plan at all: ``None``.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from hallservice.core.workdays import WorkingCalendar
from requests.services.public import window_label
from staff.models import ServiceCentre, StaffMember

from .models import (
    CheckIn,
    CheckInStatus,
    DeskVersion,
    Duty,
    HelpAreaTurn,
    RotationAssignment,
    RotationCover,
    Substitution,
    Unavailability,
)
from .selectors import plan_for


def todays_desk(*, helper: StaffMember, centre: ServiceCentre | None = None, day: date) -> str | None:
    """The label of the helper's desk on ``day`` from the published roster, or None without one (see module)."""
    centre_id = helper.centre_id or (centre.pk if centre is not None else None)
    if centre_id is None:
        return None
    plan = plan_for(centre_id, day)
    if plan is None or not WorkingCalendar().is_working_day(day):
        return None
    not_here = _("Not at the hall today; the front desk will help you.")
    check_in = CheckIn.objects.filter(staff=helper, day=day).first()
    if Unavailability.objects.covering(day).filter(staff=helper).exists():
        return not_here
    if check_in is not None and check_in.status == CheckInStatus.ABSENT:
        return not_here
    substitutions = Substitution.objects.effective().filter(day=day, duty=Duty.WINDOW).select_related("window")
    label = None
    covering = substitutions.filter(substitute=helper, window__isnull=False).first()
    if covering is not None:
        label = window_label(covering.window)
    elif substitutions.filter(absent=helper).exists():
        return not_here
    if label is None:
        cover = RotationCover.objects.filter(plan=plan, day=day, helper=helper).select_related("window").first()
        if cover is not None:
            label = window_label(cover.window)
    if label is None:
        turn = HelpAreaTurn.objects.filter(plan=plan, day=day, helper=helper).select_related("department").first()
        if turn is not None:
            label = _("Help area (%(department)s)") % {
                "department": turn.department.short_name or turn.department.name
            }
    if label is None:
        assignment = RotationAssignment.objects.filter(plan=plan, helper=helper).select_related("window").first()
        if assignment is None:
            return None
        label = window_label(assignment.window)
    if check_in is not None and check_in.checked_in_at is not None:
        arrived = timezone.localtime(check_in.checked_in_at)
        label = _("%(desk)s; on duty today since %(time)s") % {"desk": label, "time": f"{arrived:%H:%M}"}
    return label


def desk_version(centre_id):
    """A subquery that changes whenever the desks of a centre may change: every roster write (publishing,
    substitutions, covers, turns, unavailability, check-ins) raises the centre's DeskVersion, in commit order. The
    citizens' status page keys its cache on it; ``centre_id`` is an expression of the outer query. One probe of
    the primary key; NULL for a centre that has never had a roster write."""
    return DeskVersion.objects.filter(centre_id=centre_id).values("number")[:1]
