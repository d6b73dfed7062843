"""Defects the API fuzzing (tests/fuzz/run.sh, docs/quality.md) found in the training API, each kept fixed here."""

import pytest

from tests.conftest import api_as
from tests.openapi_check import assert_matches_schema

from .conftest import at, take_test

pytestmark = pytest.mark.django_db
BASE = "/api/v1/training"


def test_a_passed_score_without_a_study_day_matches_the_schema(people, published_test):
    """study_day is null unless the score led to an off-post study day; the schema said always a date."""
    take_test(people["helpers"][0].staff_member.user, published_test, n_right=10)
    api = api_as(people["supervisor"])
    listed = api.get(f"{BASE}/scores/")
    [score] = listed.json()["results"]
    assert score["passed"] is True and score["study_day"] is None
    assert_matches_schema(listed, "GET", "/api/v1/training/scores/")
    assert_matches_schema(api.get(f"{BASE}/scores/{score['id']}/"), "GET", "/api/v1/training/scores/{id}/")


def test_session_attendance_is_a_plain_list_as_documented(people, sessions):
    """The schema documented GET attendance as a paginated page ({count, results}); it is the list itself."""
    api = api_as(people["supervisor"])
    session = sessions[0]
    listed = api.get(f"{BASE}/sessions/{session.pk}/attendance/")
    assert listed.status_code == 200 and isinstance(listed.json(), list)
    assert_matches_schema(listed, "GET", "/api/v1/training/sessions/{id}/attendance/")
    helper = people["helpers"][0].staff_member.pk
    with at(2026, 11, 3, 16):
        marked = api.post(
            f"{BASE}/sessions/{session.pk}/attendance/", {"marks": {str(helper): "present"}}, format="json"
        )
    assert marked.status_code == 200
    assert_matches_schema(marked, "POST", "/api/v1/training/sessions/{id}/attendance/")
