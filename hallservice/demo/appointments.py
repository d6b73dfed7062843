"""Demo appointment places (issue 19): the district hall's window departments take bookings every working day, so
`make run` shows free half-days on /track/book/. Set through the service (as the system), so each centre's history
says who set them; running the seed again changes nothing."""

from __future__ import annotations

from hallservice.core.actors import SYSTEM
from hallservice.demo.writing import Tally
from requests.models import AppointmentCapacity
from requests.services.appointments import appointment_capacity_set, window_departments
from staff.models import ServiceCentre

# Places per half-day: busy departments open more in the morning, when most citizens come.
MORNING, AFTERNOON = 6, 4
BUSY_MORNING = 10


def seed_appointments(tally: Tally, centres: dict[str, ServiceCentre]) -> None:
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
