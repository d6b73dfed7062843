"""Appointments with capacity (F-PUB-2, issue 19): places per centre, window department and half-day set by the
supervision section, bookings by citizens, and check-in, no-show and cancellation.

A booking takes a place with one conditional UPDATE (``booked < capacity`` in its WHERE): the database row lock
makes two citizens booking the last place at once end with one booking and one refusal. The booking itself is an
online appointment request as before (``consultation_submit_online``: a Consultation of channel appointment in the
centre's list), with the ``Appointment`` beside it. Every change writes an ``AppointmentEvent`` (actor and time).

Who: citizens book, look up and cancel on the public pages (``CITIZEN``); the front desk and duty leaders check
bookings in and record no-shows (``requests.register_request``); the supervision section sets the places
(``requests.change_appointmentslot``); the beat timers remind the day before and record no-shows (``SYSTEM``).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hallservice.core.actors import CITIZEN, SYSTEM
from hallservice.core.crypto import blind_index, mask_phone
from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from hallservice.core.identity import IdType, validate_document_number
from hallservice.core.sequences import sequence_next
from hallservice.core.workdays import WorkingCalendar
from staff.access import ensure_centre, ensure_perm
from staff.models import Department, ServiceCentre, Window

from ..models import (
    APPOINTMENT_TRANSITIONS,
    HOLDING_STATUSES,
    SLOT_ENDS,
    SLOT_STARTS,
    Appointment,
    AppointmentCapacity,
    AppointmentEvent,
    AppointmentSlot,
    AppointmentStatus,
    AppointmentVerb,
    NotificationChannel,
    PriorityGroup,
    TimeSlot,
)
from ..notifications import after_commit, queue
from .intake import validate_phone
from .priority import elderly_of
from .public import appointment_dates, consultation_submit_online

CHECK_IN_PERM = "requests.register_request"
CAPACITY_PERM = "requests.change_appointmentslot"
# Booking codes: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, read aloud or typed on a phone without mistakes. Six of 26 signs are
# about 3×10^8 codes a day per centre; a lookup also needs the phone's last four digits and is rate-limited.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6
# Queue numbers (叫号): the ordinary lane and the priority lane of the elderly, disabled, pregnant and military.
ORDINARY_LANE, PRIORITY_LANE = "A", "Y"
PHONE_PURPOSE = "appointment-phone"
MAX_CAPACITY = 200
MOBILE = re.compile(r"1\d{10}")


def phone_index(phone: str) -> str:
    return blind_index(phone, purpose=PHONE_PURPOSE)


def normalise_booking_code(code: str) -> str:
    return "".join((code or "").split()).upper()


def slot_window(day: date, half_day: str) -> tuple[datetime, datetime]:
    """When a half-day starts and ends at the hall, in the hall's time zone."""
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(day, SLOT_STARTS[half_day], tzinfo=tz),
        datetime.combine(day, SLOT_ENDS[half_day], tzinfo=tz),
    )


def window_departments(centre: ServiceCentre) -> list[Department]:
    """The departments with an active window at the centre: the ones appointments can be booked with."""
    ids = Window.objects.filter(centre=centre, is_active=True, department__isnull=False).values("department")
    return list(Department.objects.filter(pk__in=ids).order_by("code"))


def _centre_and_department(centre_id, department_id) -> tuple[ServiceCentre, Department]:
    centre = ServiceCentre.objects.filter(pk=centre_id).first()
    if centre is None:
        raise DomainError(_("Choose a service centre."), field="centre")
    department = next((d for d in window_departments(centre) if d.pk == department_id), None)
    if department is None:
        raise DomainError(_("Choose a department with a window at this centre."), field="department")
    return centre, department


def _check_half_day(half_day: str) -> None:
    if half_day not in TimeSlot.values:
        raise DomainError(_("Choose morning or afternoon."), field="half_day")


def _check_capacity(capacity) -> int:
    if capacity is None or not 0 <= int(capacity) <= MAX_CAPACITY:
        raise DomainError(_("Enter a number of places from 0 to %(max)s.") % {"max": MAX_CAPACITY}, field="capacity")
    return int(capacity)


def weekly_capacity(centre: ServiceCentre, department: Department, day: date, half_day: str) -> int:
    row = AppointmentCapacity.objects.filter(
        centre=centre, department=department, weekday=day.weekday(), half_day=half_day
    ).first()
    return row.capacity if row is not None else 0


def slot_for(centre: ServiceCentre, department: Department, day: date, half_day: str) -> AppointmentSlot:
    """The day's slot row, made from the weekly capacity the first time it is needed."""
    slot, _created = AppointmentSlot.objects.get_or_create(
        centre=centre,
        department=department,
        day=day,
        half_day=half_day,
        defaults={"capacity": weekly_capacity(centre, department, day, half_day)},
    )
    return slot


# --- What citizens see ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FreeSlot:
    """A half-day with places left, as the booking page offers it."""

    day: date
    half_day: str
    free: int

    @property
    def key(self) -> str:
        return f"{self.day.isoformat()}_{self.half_day}"

    @property
    def half_day_label(self) -> str:
        return str(TimeSlot(self.half_day).label)


def free_slots(centre: ServiceCentre, department: Department, *, today: date | None = None) -> list[FreeSlot]:
    """The half-days of the booking window (working days only) with at least one free place, in order."""
    days = appointment_dates(today)
    weekly = {
        (c.weekday, c.half_day): c.capacity
        for c in AppointmentCapacity.objects.filter(centre=centre, department=department)
    }
    kept = {
        (s.day, s.half_day): s
        for s in AppointmentSlot.objects.filter(centre=centre, department=department, day__in=days)
    }
    found = []
    for day in days:
        for half_day in TimeSlot.values:
            slot = kept.get((day, half_day))
            free = slot.free if slot is not None else weekly.get((day.weekday(), half_day), 0)
            if free > 0:
                found.append(FreeSlot(day=day, half_day=half_day, free=free))
    return found


# --- Booking and cancelling ----------------------------------------------------------------------------------------


def _new_code(centre: ServiceCentre, day: date) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
        if not Appointment.objects.filter(centre=centre, day=day, code=code).exists():
            return code


def _clean_groups(groups) -> list[str]:
    groups = list(dict.fromkeys(groups or ()))
    allowed = set(PriorityGroup.values) - {PriorityGroup.KEY_PROJECT}
    if not set(groups) <= allowed:
        raise DomainError(_("Choose priority groups from the list."), field="priority_groups")
    return groups


def _sms(appointment: Appointment, template: str):
    """Queue the citizen's SMS about the booking in the outbox, once per booking and kind (None: queued before)."""
    department = appointment.slot.department
    return queue(
        key=f"appointment:{appointment.pk}:{template}",
        channel=NotificationChannel.SMS,
        recipient=appointment.online.consultation.contact,
        template=template,
        context={
            "centre": appointment.centre,
            "department": department.short_name or department.name,
            "day": appointment.day,
            "half_day": TimeSlot(appointment.slot.half_day).label,
            "code": appointment.code,
        },
    )


def _queue_message(appointment: Appointment, template: str) -> None:
    """The citizen's SMS about the booking, queued once the change is committed."""

    def send():
        with transaction.atomic():
            _sms(appointment, template)

    after_commit(send)


@transaction.atomic
def appointment_book(
    *,
    centre_id: int,
    department_id: int,
    day: date,
    half_day: str,
    name: str,
    phone: str,
    question: str,
    matter_id: int | None = None,
    priority_groups=(),
    booked_on: date | None = None,
) -> Appointment:
    """A citizen books a place: refused when the half-day is not offered, full or closed, or when this phone already
    holds a place in it. The booking is the centre's online appointment request with a code, and an SMS.

    ``booked_on`` is the day whose booking window is checked (today when not given): the demo hall books today's
    places as a citizen did the working day before (hallservice.demo.appointments)."""
    centre, department = _centre_and_department(centre_id, department_id)
    _check_half_day(half_day)
    if day not in appointment_dates(booked_on):
        raise DomainError(_("Choose one of the working days offered."), field="slot")
    if not (phone or "").strip():
        raise DomainError(_("Enter a mobile number for the booking code."), field="phone")
    phone = validate_phone(phone, field="phone")
    if not MOBILE.fullmatch(phone):
        # The booking code and the reminder come by SMS: a landline would never get them.
        raise DomainError(_("Enter an 11-digit mobile number: the booking code is sent by SMS."), field="phone")
    groups = _clean_groups(priority_groups)
    slot = slot_for(centre, department, day, half_day)
    index = phone_index(phone)
    if Appointment.objects.filter(slot=slot, phone_index=index, status__in=HOLDING_STATUSES).exists():
        raise DomainError(_("This phone number already holds a place in this half-day."), field="phone")
    # The place is taken here, under the slot's row lock until the commit: a concurrent booking of the last
    # place waits, then finds ``booked < capacity`` false and takes nothing.
    taken = AppointmentSlot.objects.filter(pk=slot.pk, closed=False, booked__lt=F("capacity")).update(
        booked=F("booked") + 1
    )
    if not taken:
        raise DomainError(_("This half-day has just been fully booked. Please choose another."), field="slot")
    online = consultation_submit_online(
        centre_id=centre.pk,
        name=name,
        phone=phone,
        question=question,
        matter_id=matter_id,
        appointment=True,
        preferred_date=day,
        slot=half_day,
        booked_on=booked_on,
    )
    try:
        with transaction.atomic():
            appointment = Appointment.objects.create(
                online=online,
                slot=slot,
                centre=centre,
                day=day,
                code=_new_code(centre, day),
                phone_index=index,
                phone_tail=phone[-4:],
                phone_masked=mask_phone(phone),
                priority_groups=groups,
            )
    except IntegrityError:  # the same phone booked this half-day in a concurrent request
        raise DomainError(_("This phone number already holds a place in this half-day."), field="phone") from None
    AppointmentEvent.record(
        verb=AppointmentVerb.BOOKED,
        actor=CITIZEN,
        centre=centre,
        appointment=appointment,
        slot=slot,
        note=f"{day:%Y-%m-%d} {TimeSlot(half_day).label} {department.name}",
    )
    _queue_message(appointment, "appointment_booked")
    return appointment


def find_booking(*, code: str, phone_tail: str, today: date | None = None) -> Appointment | None:
    """A booking of today or later by its code and the phone's last four digits; None when either is wrong."""
    today = today or timezone.localdate()
    code, tail = normalise_booking_code(code), (phone_tail or "").strip()
    if len(code) != CODE_LENGTH or len(tail) != 4 or not tail.isdigit():
        return None
    found = (
        Appointment.objects.filter(code=code, day__gte=today)
        .select_related("centre", "slot__department", "online__consultation")
        .order_by("day")
    )
    return next((a for a in found if secrets.compare_digest(a.phone_tail, tail)), None)


def _lock(appointment_id: int) -> Appointment:
    return Appointment.objects.select_for_update(of=("self",)).select_related("slot", "centre").get(pk=appointment_id)


def _move(appointment: Appointment, target: str, *, actor, verb: str, note: str = "", fields=()) -> None:
    """Move the booking to ``target`` (the table allowing it), saving ``fields`` too, and write its event."""
    if target not in APPOINTMENT_TRANSITIONS[appointment.status]:
        raise TransitionNotAllowed(
            _("This booking is %(current)s: it cannot be %(target)s.")
            % {
                "current": AppointmentStatus(appointment.status).label,
                "target": AppointmentStatus(target).label,
            }
        )
    appointment.status = target
    appointment.save(update_fields=["status", *fields])
    AppointmentEvent.record(verb=verb, actor=actor, centre=appointment.centre, appointment=appointment, note=note)


def _lock_for(actor, appointment_id: int, refusal: str, *, also=None) -> Appointment:
    """Lock the booking; refuse (``refusal``) anyone but the desk of its centre and ``also`` (CITIZEN or SYSTEM:
    the one besides the desk whose step it is)."""
    appointment = _lock(appointment_id)
    if also is None or actor is not also:
        if actor is CITIZEN or actor is None:
            raise PermissionDenied(refusal)
        ensure_perm(actor, CHECK_IN_PERM, refusal)
        ensure_centre(actor, appointment.centre_id)
    return appointment


@transaction.atomic
def appointment_cancel(*, actor, appointment_id: int) -> Appointment:
    """The citizen (or the desk for them) cancels a booking before its half-day starts: the place is free again."""
    appointment = _lock_for(actor, appointment_id, _("You may not cancel bookings."), also=CITIZEN)
    starts, _ends = slot_window(appointment.day, appointment.slot.half_day)
    if appointment.status == AppointmentStatus.BOOKED and timezone.now() >= starts:
        raise TransitionNotAllowed(_("The booked half-day has already begun; it can no longer be cancelled."))
    _move(appointment, AppointmentStatus.CANCELLED, actor=actor, verb=AppointmentVerb.CANCELLED)
    AppointmentSlot.objects.filter(pk=appointment.slot_id, booked__gt=0).update(booked=F("booked") - 1)
    _queue_message(appointment, "appointment_cancelled")
    return appointment


# --- At the hall ------------------------------------------------------------------------------------------------


def _elderly_by_id(id_number: str, today: date) -> bool:
    """Whether the resident ID card the clerk read belongs to someone of ELDERLY_AGE or more (requests.services
    .priority); the number itself is neither kept nor logged."""
    try:
        number = validate_document_number(IdType.RESIDENT_ID, id_number, today=today)
    except DomainError as exc:
        raise DomainError(str(exc), field="id_number") from None
    return elderly_of(IdType.RESIDENT_ID, number, on=today)


@transaction.atomic
def appointment_check_in(*, actor, appointment_id: int, priority_groups=None, id_number: str = "") -> Appointment:
    """The clerk checks a booking of today in: it gets the next queue number of its lane (``Y…`` for the priority
    groups, ``A…`` otherwise), per centre and day. ``priority_groups`` is what the clerk confirmed (None: as
    booked); an ``id_number`` read from the citizen's ID card adds the elderly group when its date of birth says
    so."""
    appointment = _lock_for(actor, appointment_id, _("You may not check bookings in."))
    if appointment.status == AppointmentStatus.CHECKED_IN:
        # Sent twice (a second click, the back button, two clerks): the number it already has is what counts.
        raise TransitionNotAllowed(
            _("This booking was already checked in at %(time)s: its queue number is %(number)s.")
            % {"time": f"{timezone.localtime(appointment.checked_in_at):%H:%M}", "number": appointment.queue_number}
        )
    today = timezone.localdate()
    if appointment.status == AppointmentStatus.BOOKED and appointment.day != today:
        raise TransitionNotAllowed(
            _("This booking is for %(day)s: it can only be checked in on that day.")
            % {"day": f"{appointment.day:%Y-%m-%d}"}
        )
    if priority_groups is not None:
        appointment.priority_groups = _clean_groups(priority_groups)
    if (id_number or "").strip() and _elderly_by_id(id_number, today):
        appointment.priority_groups = _clean_groups([*appointment.priority_groups, PriorityGroup.ELDERLY])
    lane = PRIORITY_LANE if appointment.priority_groups else ORDINARY_LANE
    if appointment.status == AppointmentStatus.BOOKED:
        number = sequence_next(key=f"appointment-queue:{appointment.centre.code}:{today:%Y%m%d}:{lane}")
        appointment.queue_number = f"{lane}{number:03d}"
        appointment.checked_in_at = timezone.now()
    _move(
        appointment,
        AppointmentStatus.CHECKED_IN,
        actor=actor,
        verb=AppointmentVerb.CHECKED_IN,
        note=appointment.queue_number,
        fields=("queue_number", "checked_in_at", "priority_groups"),
    )
    return appointment


@transaction.atomic
def appointment_mark_no_show(*, actor, appointment_id: int) -> Appointment:
    """Record that the citizen did not come: by the clerk once the half-day has begun, by the timer after it ended."""
    appointment = _lock_for(actor, appointment_id, _("You may not record no-shows."), also=SYSTEM)
    starts, ends = slot_window(appointment.day, appointment.slot.half_day)
    moment = ends if actor is SYSTEM else starts
    if appointment.status == AppointmentStatus.BOOKED and timezone.now() < moment:
        raise TransitionNotAllowed(_("The booked half-day has not begun yet."))
    _move(appointment, AppointmentStatus.NO_SHOW, actor=actor, verb=AppointmentVerb.NO_SHOW)
    return appointment


# --- Timers ------------------------------------------------------------------------------------------------------


def appointments_record_no_shows(now: datetime | None = None) -> int:
    """Every booking still not checked in after its half-day ended becomes a no-show (idempotent)."""
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    ended = [h for h in TimeSlot.values if now.time() >= SLOT_ENDS[h]]
    pending = Appointment.objects.filter(status=AppointmentStatus.BOOKED, day__lte=today)
    count = 0
    for appointment in pending.select_related("slot").order_by("pk"):
        if appointment.day == today and appointment.slot.half_day not in ended:
            continue
        try:
            appointment_mark_no_show(actor=SYSTEM, appointment_id=appointment.pk)
            count += 1
        except TransitionNotAllowed:  # checked in or cancelled in the meantime
            continue
    return count


def appointments_remind(today: date | None = None) -> int:
    """The day before: an SMS to every booking of tomorrow made before today (once each: the message key)."""
    today = today or timezone.localdate()
    tomorrow = today + timedelta(days=1)
    start_of_today = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    due = Appointment.objects.filter(
        status=AppointmentStatus.BOOKED, day=tomorrow, created_at__lt=start_of_today
    ).select_related("slot__department", "centre", "online__consultation")
    count = 0
    for appointment in due.order_by("pk"):
        with transaction.atomic():
            count += _sms(appointment, "appointment_reminder") is not None
    return count


# --- Places, set by the supervision section -----------------------------------------------------------------------


@transaction.atomic
def appointment_capacity_set(*, actor, centre_id: int, department_id: int, capacities: dict) -> int:
    """Set a department's usual places at a centre: ``capacities`` maps (weekday, half_day) to a number. Days not
    set by hand follow (their places never fall below those already booked). Returns the rows changed."""
    ensure_perm(actor, CAPACITY_PERM, _("You may not set appointment places."))
    ensure_centre(actor, centre_id)
    centre, department = _centre_and_department(centre_id, department_id)
    changed = []
    for (weekday, half_day), capacity in sorted(capacities.items()):
        _check_half_day(half_day)
        if weekday not in range(7):
            raise DomainError(_("Choose a weekday."), field="weekday")
        capacity = _check_capacity(capacity)
        row, created = AppointmentCapacity.objects.get_or_create(
            centre=centre, department=department, weekday=weekday, half_day=half_day, defaults={"capacity": capacity}
        )
        if created or row.capacity != capacity:
            if not created:
                row.capacity = capacity
                row.save(update_fields=["capacity"])
            changed.append(f"{weekday}/{half_day}={capacity}")
    today = timezone.localdate()
    calendar = WorkingCalendar()
    for slot in AppointmentSlot.objects.select_for_update().filter(
        centre=centre, department=department, day__gte=today, overridden=False
    ):
        if not calendar.is_working_day(slot.day):
            continue
        capacity = capacities.get((slot.day.weekday(), slot.half_day))
        if capacity is not None:
            slot.capacity = max(int(capacity), slot.booked)
            slot.save(update_fields=["capacity"])
    if changed:
        AppointmentEvent.record(
            verb=AppointmentVerb.WEEKLY_CAPACITY_SET,
            actor=actor,
            centre=centre,
            note=f"{department.name}: {', '.join(changed)}",
        )
    return len(changed)


def check_day(day: date) -> None:
    """A day whose places may be set: today or later, a working day."""
    if day < timezone.localdate():
        raise DomainError(_("This day is over."), field="day")
    if not WorkingCalendar().is_working_day(day):
        raise DomainError(_("Appointments are only offered on working days."), field="day")


def check_places(centre_id, department_id, capacity) -> None:
    """The shape every setting of places must have: a department with a window at the centre, 0–200 places."""
    _centre_and_department(centre_id, department_id)
    _check_capacity(capacity)


@transaction.atomic
def appointment_day_set(
    *, actor, centre_id: int, department_id: int, day: date, half_day: str, capacity: int, closed: bool = False
) -> AppointmentSlot:
    """Set one day's places by hand, or close the half-day (no more bookings; those made stay). The places never
    fall below those already booked."""
    ensure_perm(actor, CAPACITY_PERM, _("You may not set appointment places."))
    ensure_centre(actor, centre_id)
    centre, department = _centre_and_department(centre_id, department_id)
    _check_half_day(half_day)
    capacity = _check_capacity(capacity)
    check_day(day)
    slot = slot_for(centre, department, day, half_day)
    slot = AppointmentSlot.objects.select_for_update().get(pk=slot.pk)
    if capacity < slot.booked:
        raise DomainError(
            _("%(booked)s places are already booked: the places cannot be fewer.") % {"booked": slot.booked},
            field="capacity",
        )
    slot.capacity, slot.closed, slot.overridden = capacity, closed, True
    slot.save(update_fields=["capacity", "closed", "overridden"])
    AppointmentEvent.record(
        verb=AppointmentVerb.DAY_SET,
        actor=actor,
        centre=centre,
        slot=slot,
        note=f"{department.name} {day:%Y-%m-%d} {TimeSlot(half_day).label}: "
        + (_("closed") if closed else str(capacity)),
    )
    return slot


__all__ = [
    "CHECK_IN_PERM",
    "FreeSlot",
    "appointment_book",
    "appointment_cancel",
    "appointment_capacity_set",
    "appointment_check_in",
    "appointment_day_set",
    "appointment_mark_no_show",
    "appointments_record_no_shows",
    "appointments_remind",
    "find_booking",
    "free_slots",
]
