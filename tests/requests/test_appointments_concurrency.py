"""On PostgreSQL, with real row locks and threads released together: two citizens booking the last place of a
half-day at once end with one booking and one refusal, and the place count never passes the capacity; the desk
checking two bookings in at once hands out two distinct queue numbers."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from hallservice.core.errors import DomainError
from requests.models import Appointment, AppointmentSlot, Consultation
from requests.services import appointments as appt
from tests.conftest import all_at_once
from tests.factories import WindowFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TZ = ZoneInfo("Asia/Shanghai")
TUESDAY = datetime(2026, 12, 8, 10, 0, tzinfo=TZ)
WEDNESDAY = date(2026, 12, 9)


@pytest.fixture
def places(hall, people):
    WindowFactory(centre=hall["district"], department=people["dept"], number="B01")
    appt.appointment_capacity_set(
        actor=people["supervisor"],
        centre_id=hall["district"].pk,
        department_id=people["dept"].pk,
        capacities={(d, h): 1 for d in range(5) for h in ("morning", "afternoon")},
    )
    return {"centre": hall["district"], "department": people["dept"]}


def booking(places, phone):
    return lambda: appt.appointment_book(
        centre_id=places["centre"].pk,
        department_id=places["department"].pk,
        day=WEDNESDAY,
        half_day="morning",
        name="周九",
        phone=phone,
        question="办理不动产登记",
    )


def test_two_citizens_booking_the_last_place_at_once_one_succeeds(require_postgres, places):
    with time_machine.travel(TUESDAY, tick=False):
        # The slot row exists before the race, as it does once anyone has looked at or booked the half-day.
        appt.slot_for(places["centre"], places["department"], WEDNESDAY, "morning")
        outcomes = all_at_once([booking(places, "13700001111"), booking(places, "13800002222")])
    booked = [o for o in outcomes if isinstance(o, Appointment)]
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(booked) == 1 and len(refused) == 1, outcomes
    assert refused[0].field == "slot"
    slot = AppointmentSlot.objects.get(day=WEDNESDAY, half_day="morning")
    assert slot.booked == 1 == slot.capacity
    assert Appointment.objects.count() == 1 and Consultation.objects.count() == 1


def test_two_bookings_of_a_new_half_day_at_once_share_one_slot_row(require_postgres, places):
    with time_machine.travel(TUESDAY, tick=False):
        outcomes = all_at_once([booking(places, "13700001111"), booking(places, "13800002222")])
    assert sum(isinstance(o, Appointment) for o in outcomes) == 1, outcomes
    assert AppointmentSlot.objects.filter(day=WEDNESDAY, half_day="morning").count() == 1
    assert AppointmentSlot.objects.get(day=WEDNESDAY, half_day="morning").booked == 1


def test_two_check_ins_at_once_get_distinct_queue_numbers(require_postgres, people, places):
    appt.appointment_capacity_set(
        actor=people["supervisor"],
        centre_id=places["centre"].pk,
        department_id=places["department"].pk,
        capacities={(2, "morning"): 5},
    )
    with time_machine.travel(TUESDAY, tick=False):
        first = booking(places, "13700001111")()
        second = booking(places, "13800002222")()
    with time_machine.travel(datetime(2026, 12, 9, 9, 5, tzinfo=TZ), tick=False):
        outcomes = all_at_once(
            [
                lambda: appt.appointment_check_in(actor=people["desk"], appointment_id=first.pk).queue_number,
                lambda: appt.appointment_check_in(actor=people["desk2"], appointment_id=second.pk).queue_number,
            ]
        )
    assert sorted(outcomes) == ["A001", "A002"], outcomes
