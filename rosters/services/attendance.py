"""Check-in on arrival (提前上岗制), absences marked at opening, and the duty leader's end-of-duty summary.

On time means arriving at least ``ROSTERS_CHECKIN_LEAD_MINUTES`` (default 10, seed 000 二.4) before the
centre's opening time: with a 09:00 opening, 08:50:00 is on time and 08:50:01 is late. At opening, everyone
the published roster expects that day who has not checked in and is not away is marked absent; whoever
arrives later still checks in, and the absence becomes a late arrival.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from hallservice.core.actors import SYSTEM, user_of
from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from hallservice.core.text_limits import check_lengths
from hallservice.core.workdays import WorkingCalendar
from requests.models import Consultation, Kind, ServiceRequest
from staff.access import ensure_perm, staff_of
from staff.models import ServiceCentre, StaffMember

from ..models import CheckIn, CheckInSource, CheckInStatus, DutyDay, DutySummary, PlanStatus, Unavailability
from ..selectors import day_roster
from .common import record_event

DEFAULT_LEAD_MINUTES = 10


def checkin_lead() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "ROSTERS_CHECKIN_LEAD_MINUTES", DEFAULT_LEAD_MINUTES)))


def checkin_deadline(centre: ServiceCentre, day: date) -> datetime:
    """The latest on-time arrival: opening time minus the lead, in the hall's time zone."""
    opening = timezone.make_aware(datetime.combine(day, centre.opening_time))
    return opening - checkin_lead()


def checkin_status(centre: ServiceCentre, at: datetime) -> str:
    return CheckInStatus.ON_TIME if at <= checkin_deadline(centre, timezone.localdate(at)) else CheckInStatus.LATE


def party_badge_answer(staff: StaffMember, party_badge_worn: bool | None) -> bool | None:
    """What a check-in records of the party badge: asked of party members only, empty for everyone else.

    Seed 000 二.5: "帮办代办员是共产党员的，上岗时要佩戴党徽，亮明身份". A party member who does not say they wear
    it is recorded without it; whatever is said for someone else is not asked and not kept.
    """
    if not staff.is_party_member:
        return None
    return bool(party_badge_worn)


@transaction.atomic
def checkin_record(
    *, actor, staff_id: int | None = None, badge_worn: bool = False, party_badge_worn: bool | None = None
) -> CheckIn:
    """Record an arrival now: one's own (anyone with a staff record) or another's (duty leaders only); party
    members also say whether they wear the party badge (``party_badge_answer``)."""
    member = staff_of(actor)
    source = CheckInSource.SELF
    staff = member
    if staff_id is not None and int(staff_id) != member.pk:
        ensure_perm(actor, "rosters.record_duty", _("Only a duty leader may record someone else's arrival."))
        staff = StaffMember.objects.restrict(actor).active().filter(pk=staff_id).first()
        if staff is None:
            raise DomainError(_("Choose an active staff member of your centre."), field="staff")
        source = CheckInSource.LEADER
    # Lock the person's row, and only it, with a no-key lock: a double tap on the phone must not write two
    # check-ins, and neither the whole centre arriving at once nor a plan being generated (its rows point at the
    # person) may wait on, or deadlock over, these locks.
    staff = StaffMember.objects.select_for_update(of=("self",), no_key=True).select_related("centre").get(pk=staff.pk)
    now = timezone.now()
    day = timezone.localdate(now)
    if not WorkingCalendar().is_working_day(day):
        raise DomainError(_("Today is not a working day: there is no duty to check in for."))
    away = Unavailability.objects.covering(day).filter(staff=staff).first()
    if away is not None:
        raise DomainError(
            _("%(name)s is recorded as away today (%(kind)s); the supervision section can correct that.")
            % {"name": staff.name, "kind": away.get_kind_display()},
            field="staff",
        )
    status = checkin_status(staff.centre, now)
    party_badge = party_badge_answer(staff, party_badge_worn)
    existing = CheckIn.objects.filter(staff=staff, day=day).first()
    if existing is not None and existing.status != CheckInStatus.ABSENT:
        raise TransitionNotAllowed(
            _("%(name)s already checked in today at %(time)s.")
            % {"name": staff.name, "time": f"{timezone.localtime(existing.checked_in_at):%H:%M}"}
        )
    if existing is not None:
        # Marked absent at opening and arrived after all: a late arrival, not an absence.
        existing.status = status
        existing.checked_in_at = now
        existing.badge_worn = badge_worn
        existing.party_badge_worn = party_badge
        existing.source = source
        existing.recorded_by = user_of(actor)
        existing.save(
            update_fields=["status", "checked_in_at", "badge_worn", "party_badge_worn", "source", "recorded_by"]
        )
        check_in = existing
    else:
        check_in = CheckIn.objects.create(
            staff=staff,
            centre=staff.centre,
            day=day,
            status=status,
            checked_in_at=now,
            badge_worn=badge_worn,
            party_badge_worn=party_badge,
            source=source,
            recorded_by=user_of(actor),
        )
    note = f"{staff.name} {CheckInStatus(status).label} {timezone.localtime(now):%H:%M:%S}"
    if party_badge is False:
        note += " " + _("without the party badge")
    record_event(centre_id=staff.centre_id, actor=actor, verb="checked_in", note=note)
    return check_in


@transaction.atomic
def checkin_mark_absentees(*, centre_id: int, now: datetime | None = None) -> int:
    """At or after opening: mark everyone the roster expects today who has not arrived; idempotent."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    centre = ServiceCentre.objects.get(pk=centre_id)
    if not WorkingCalendar().is_working_day(day):
        return 0
    if now < timezone.make_aware(datetime.combine(day, centre.opening_time)):
        return 0
    roster = day_roster(centre, day)
    missing = [staff_id for staff_id in roster.expected if staff_id not in roster.check_ins]
    if not missing:
        return 0
    # ignore_conflicts: a check-in written meanwhile (or a second run of the task) wins over the absence.
    CheckIn.objects.bulk_create(
        [
            CheckIn(
                staff_id=staff_id, centre=centre, day=day, status=CheckInStatus.ABSENT, source=CheckInSource.SYSTEM
            )
            for staff_id in missing
        ],
        ignore_conflicts=True,
    )
    record_event(
        centre_id=centre.pk,
        actor=SYSTEM,
        verb="absentees_marked",
        note=_("%(n)d not checked in at opening.") % {"n": len(missing)},
    )
    return len(missing)


@transaction.atomic
def duty_summary_file(*, actor, duty_day_id: int, notes: str = "") -> DutySummary:
    """The day's duty leader files the summary of the help desk's records at the end of the duty."""
    duty_day = DutyDay.objects.select_for_update(of=("self",)).select_related("plan", "centre").get(pk=duty_day_id)
    member = staff_of(actor)
    if duty_day.leader_id != member.pk:
        raise PermissionDenied(_("Only the day's duty leader files its summary."))
    if duty_day.plan.status != PlanStatus.PUBLISHED:
        raise TransitionNotAllowed(_("The roster of this day is not published."))
    if duty_day.day > timezone.localdate():
        raise DomainError(_("The summary is filed at the end of the duty, not before."), field="duty_day")
    if DutySummary.objects.filter(duty_day=duty_day).exists():
        raise TransitionNotAllowed(_("The summary of this duty has been filed already."))
    check_lengths(DutySummary, notes=notes.strip())
    day, centre = duty_day.day, duty_day.centre
    kinds = dict(
        ServiceRequest.objects.filter(centre=centre, applied_at__date=day)
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    attendance = dict(
        CheckIn.objects.filter(centre=centre, day=day)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    summary = DutySummary.objects.create(
        duty_day=duty_day,
        filed_by=user_of(actor),
        consultations=Consultation.objects.filter(centre=centre, created_at__date=day).count(),
        assists=kinds.get(Kind.ASSIST, 0),
        agencies=kinds.get(Kind.AGENCY, 0),
        late=attendance.get(CheckInStatus.LATE, 0),
        absent=attendance.get(CheckInStatus.ABSENT, 0),
        notes=notes.strip(),
    )
    record_event(centre_id=centre.pk, actor=actor, verb="duty_summary_filed", note=f"{day}")
    return summary


def expected_today(centre: ServiceCentre, day: date) -> dict[int, tuple[StaffMember, str]]:
    """Who the roster expects to check in on a day (used by the duty leader's recording list)."""
    return day_roster(centre, day).expected
