"""An overdue consultation (首问负责, issue 18 item 3) is escalated to the duty leader the published roster puts on
duty that day; the requests app asks the roster through the lookup this app registers."""

import pytest

from requests.services import consultations
from rosters.selectors import duty_leader_on_duty
from rosters.services import unavailability_record

pytestmark = pytest.mark.django_db


def test_the_roster_names_the_duty_leader_on_duty_and_the_requests_app_asks_it(roster_hall, published):
    duty_day = published.duty_days.order_by("day").first()
    centre = roster_hall["centre"]
    assert consultations._duty_leader_on_duty[0] is duty_leader_on_duty
    assert duty_leader_on_duty(centre=centre, day=duty_day.day) == duty_day.leader


def test_no_duty_leader_on_duty_when_away_or_without_a_plan(roster_hall, published):
    duty_day = published.duty_days.order_by("day").first()
    centre = roster_hall["centre"]
    unavailability_record(
        actor=roster_hall["supervisor"],
        staff_id=duty_day.leader_id,
        start=duty_day.day,
        end=duty_day.day,
        kind="leave",
    )
    assert duty_leader_on_duty(centre=centre, day=duty_day.day) is None
    assert duty_leader_on_duty(centre=roster_hall["town"], day=duty_day.day) is None
