"""A helper's phone retries the check-in when the answer was lost on a weak signal: with the same Idempotency-Key
the retry gets the first answer (201, the one check-in), not the 409 "already checked in" of a second try."""

import pytest

from rosters.models import CheckIn
from tests.conftest import api_as

from .conftest import at

pytestmark = pytest.mark.django_db
BASE = "/api/v1/rosters"


def test_a_check_in_retried_with_its_idempotency_key_answers_the_first_check_in(roster_hall, published):
    helper = roster_hall["helper_user"]
    key = {"HTTP_IDEMPOTENCY_KEY": "phone-7f3a-2026-12-09-checkin"}
    with at(2026, 12, 9, 8, 50, 0):
        first = api_as(helper).post(f"{BASE}/check-ins/", {"badge_worn": True}, format="json", **key)
        retry = api_as(helper).post(f"{BASE}/check-ins/", {"badge_worn": True}, format="json", **key)
        without_key = api_as(helper).post(f"{BASE}/check-ins/", {"badge_worn": True}, format="json")
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json() and retry["Idempotent-Replayed"] == "true"
    assert without_key.status_code == 409  # a new try without the key is judged as before: checked in already
    assert CheckIn.objects.count() == 1
