"""Defects the API fuzzing (tests/fuzz/run.sh, docs/quality.md) found in the rosters API, each kept fixed here."""

import pytest

from rosters.models import DutyDay
from tests.conftest import api_as
from tests.openapi_check import assert_matches_schema

from .conftest import at

pytestmark = pytest.mark.django_db
BASE = "/api/v1/rosters"


def test_plan_problems_are_a_plain_list_as_documented(roster_hall):
    """The schema documented a paginated page ({count, results}); the action returns the list itself."""
    api = api_as(roster_hall["supervisor"])
    with at(2026, 11, 25):
        plan = api.post(f"{BASE}/plans/", {"centre": roster_hall["centre"].pk, "month": "2026-12-01"}, format="json")
        response = api.get(f"{BASE}/plans/{plan.json()['id']}/problems/")
    assert response.status_code == 200 and isinstance(response.json(), list)
    assert_matches_schema(response, "GET", "/api/v1/rosters/plans/{id}/problems/")


def test_a_duty_day_without_a_week_leader_matches_the_schema(roster_hall, published):
    """week_leader_name is null without a week leader; the schema said it was always a string."""
    day = published.duty_days.order_by("day").first()
    DutyDay.objects.filter(pk=day.pk).update(week_leader=None)
    api = api_as(roster_hall["supervisor"])
    detail = api.get(f"{BASE}/duty-days/{day.pk}/")
    assert detail.json()["week_leader_name"] is None
    assert_matches_schema(detail, "GET", "/api/v1/rosters/duty-days/{id}/")
    assert_matches_schema(api.get(f"{BASE}/duty-days/", {"day": str(day.day)}), "GET", "/api/v1/rosters/duty-days/")
