"""Demo appointments (issue 19): the district hall's window departments take bookings every working day, so
`make run` shows free half-days on /track/book/, and a few citizens have booked the previous working day, today and
the next working day, so the desk's check-in page (/appointments/) has bookings to check in or record as not come:
some booked, one already checked in, one in the priority lane.

Places are set through the service (as the system), so each centre's history says who set them. Bookings go
through ``appointment_book`` as the citizen made them the working day before their day (``booked_on``: the booking
window opens the next working day), the check-in through ``appointment_check_in`` as the front desk. A booking is
found again by its half-day, department and phone (one booking per phone per half-day), so running the seed again
the same day changes nothing; on a later day it books that day's citizens beside the earlier ones."""

from __future__ import annotations

from typing import NamedTuple

from django.utils import timezone

from hallservice.core.actors import SYSTEM
from hallservice.core.workdays import WorkingCalendar
from hallservice.demo.writing import Tally
from requests.models import Appointment, AppointmentCapacity, PriorityGroup, TimeSlot
from requests.services.appointments import (
    appointment_book,
    appointment_capacity_set,
    appointment_check_in,
    phone_index,
    slot_for,
    window_departments,
)
from staff.models import ServiceCentre, StaffMember

# Places per half-day: busy departments open more in the morning, when most citizens come.
MORNING, AFTERNOON = 6, 4
BUSY_MORNING = 10


class DemoBooking(NamedTuple):
    """One citizen's booking at the district hall: its working day (0 today, -1 the one before, 1 the next)."""

    day: int
    half_day: str
    department: str
    name: str
    phone: str
    question: str
    priority_groups: tuple[str, ...] = ()
    checked_in: bool = False


BOOKINGS = [
    # The working day before: not come, and not yet recorded (the timer records it after the half-day; the desk may).
    DemoBooking(-1, TimeSlot.AFTERNOON, "GJJ", "邵振华", "13903751201", "办理住房公积金提取"),
    DemoBooking(0, TimeSlot.MORNING, "BDC", "冯春梅", "13903751202", "二手房转移登记", checked_in=True),
    DemoBooking(
        0,
        TimeSlot.MORNING,
        "BDC",
        "白永福",
        "13903751203",
        "不动产权证书补发",
        priority_groups=(PriorityGroup.ELDERLY,),
    ),
    DemoBooking(0, TimeSlot.MORNING, "GA", "孔佳琪", "13903751204", "身份证换领"),
    DemoBooking(0, TimeSlot.AFTERNOON, "SCJG", "乔宏伟", "13903751205", "个体工商户设立登记"),
    DemoBooking(0, TimeSlot.AFTERNOON, "RSJ", "龚淑芬", "13903751206", "养老保险待遇领取资格认证"),
    DemoBooking(1, TimeSlot.MORNING, "BDC", "段立平", "13903751207", "抵押权注销登记"),
    DemoBooking(1, TimeSlot.MORNING, "YBJ", "易素珍", "13903751208", "异地就医备案"),
    DemoBooking(1, TimeSlot.AFTERNOON, "GJJ", "文少华", "13903751209", "公积金贷款咨询"),
]


def seed_appointments(tally: Tally, centres: dict[str, ServiceCentre], staff: dict[str, StaffMember]) -> None:
    centre = centres["XH"]
    for department in window_departments(centre):
        if AppointmentCapacity.objects.filter(centre=centre, department=department).exists():
            tally.note("appointment places", False)
            continue
        morning = BUSY_MORNING if department.is_high_volume else MORNING
        capacities = {(day, "morning"): morning for day in range(5)} | {
            (day, "afternoon"): AFTERNOON for day in range(5)
        }
        appointment_capacity_set(actor=SYSTEM, centre_id=centre.pk, department_id=department.pk, capacities=capacities)
        tally.note("appointment places", True)
    seed_bookings(tally, centre, staff["frontdesk"])


def seed_bookings(tally: Tally, centre: ServiceCentre, desk: StaffMember) -> None:
    calendar = WorkingCalendar()
    today = timezone.localdate()
    # Counted from today when the hall works today, else from the next working day (the desk then has none).
    zero = today if calendar.is_working_day(today) else calendar.add_working_days(today, 1)
    departments = {d.code: d for d in window_departments(centre)}
    for booking in BOOKINGS:
        day = calendar.add_working_days(zero, booking.day)
        department = departments[booking.department]
        found = Appointment.objects.filter(
            centre=centre,
            day=day,
            slot__department=department,
            slot__half_day=booking.half_day,
            phone_index=phone_index(booking.phone),
        ).exists()
        # A working Saturday (调休) has no usual places: nobody could have booked it.
        if found or slot_for(centre, department, day, booking.half_day).free == 0:
            tally.note("appointments", False)
            continue
        tally.note("appointments", True)
        appointment = appointment_book(
            centre_id=centre.pk,
            department_id=department.pk,
            day=day,
            half_day=booking.half_day,
            name=booking.name,
            phone=booking.phone,
            question=booking.question,
            priority_groups=booking.priority_groups,
            booked_on=calendar.add_working_days(day, -1),
        )
        if booking.checked_in and day == today:
            appointment_check_in(actor=desk.user, appointment_id=appointment.pk)
