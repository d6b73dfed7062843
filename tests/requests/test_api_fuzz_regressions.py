"""Defects the API fuzzing (tests/fuzz/run.sh, docs/quality.md) found in the request API, each kept fixed here.

Bad input is a 400 naming the field, and nothing changes; responses match the documented schema.
"""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework.test import APIClient

from requests.models import Consultation, RequestEvent, ServiceRequest, Status
from tests.openapi_check import assert_matches_schema

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOT_OBJECTS = [[], [1, 2], "text", 12, True, None]


def api_as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture(autouse=True)
def _november():
    with time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def in_progress(people, register):
    req = register()
    api = api_as(people["desk"])
    for action in ("accept", "start"):
        assert api.post(f"/api/v1/requests/{req.pk}/{action}/", {}, format="json").status_code == 200
    return ServiceRequest.objects.get(pk=req.pk)


def _post_raw(client, url, body):
    text = body.text if isinstance(body, RawJson) else json.dumps(body)
    return client.generic("POST", url, data=text, content_type="application/json")


class RawJson(str):
    """JSON text sent as it is (`1e400` parses to infinity, which json.dumps would write as `Infinity`)."""

    @property
    def text(self) -> str:
        return str(self)


@pytest.mark.parametrize("body", NOT_OBJECTS, ids=repr)
def test_registration_with_a_body_that_is_not_an_object_is_a_400(people, matter, body):
    response = _post_raw(api_as(people["desk"]), "/api/v1/requests/", body)
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == [f"无效数据。期待为字典类型，得到的是 {type(body).__name__} 。"]
    assert not ServiceRequest.objects.exists()


@pytest.mark.parametrize("body", NOT_OBJECTS, ids=repr)
def test_consultation_with_a_body_that_is_not_an_object_is_a_400(people, body):
    response = _post_raw(api_as(people["desk"]), "/api/v1/consultations/", body)
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == [f"无效数据。期待为字典类型，得到的是 {type(body).__name__} 。"]
    assert not Consultation.objects.exists()


@pytest.mark.parametrize("action", ["accept", "review_materials", "log_work"])
@pytest.mark.parametrize("body", [[], "text", 12], ids=repr)
def test_an_action_with_a_body_that_is_not_an_object_is_a_400(people, register, action, body):
    req = register()
    events = RequestEvent.objects.filter(request=req).count()
    response = _post_raw(api_as(people["desk"]), f"/api/v1/requests/{req.pk}/{action}/", body)
    assert response.status_code == 400
    req.refresh_from_db()
    assert req.status == Status.APPLIED
    assert RequestEvent.objects.filter(request=req).count() == events


@pytest.mark.parametrize("matter_id", ['"abc"', "[1]", '{"id": 1}', "1e400"])
def test_registration_with_a_matter_id_that_is_not_a_number_is_a_400_on_matter_id(people, matter, matter_id):
    body = RawJson(f'{{"matter_id": {matter_id}, "kind": "assist", "applicant_name": "张三"}}')
    response = _post_raw(api_as(people["desk"]), "/api/v1/requests/", body)
    assert response.status_code == 400
    assert "matter_id" in response.json()
    assert not ServiceRequest.objects.exists()


@pytest.mark.parametrize("resume_by", [20261230, ["2026-12-30"], {"day": "2026-12-30"}, True], ids=repr)
def test_suspend_with_a_date_that_is_not_a_string_is_a_400_on_the_date(people, in_progress, resume_by):
    body = {"reason": "awaiting_materials", "resume_by": resume_by}
    response = api_as(people["desk"]).post(f"/api/v1/requests/{in_progress.pk}/suspend/", body, format="json")
    assert response.status_code == 400
    assert "resume_by" in response.json()
    in_progress.refresh_from_db()
    assert in_progress.status == Status.IN_PROGRESS


def test_a_list_where_one_value_is_expected_is_a_400_not_text(people, in_progress):
    body = {"department_id": [people["other_dept"].pk], "description": ["a", "b"]}
    url = f"/api/v1/requests/{in_progress.pk}/add_department_task/"
    response = api_as(people["desk"]).post(url, body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"department_id", "description"}
    assert not in_progress.department_tasks.exists()


@pytest.mark.parametrize("reviews", ["provided", 3, {"check_id": 1}, [1, 2]], ids=repr)
def test_review_materials_with_reviews_not_a_list_of_objects_is_a_400(people, register, reviews):
    req = register(provide_all=False)
    url = f"/api/v1/requests/{req.pk}/review_materials/"
    response = api_as(people["desk"]).post(url, {"reviews": reviews}, format="json")
    assert response.status_code == 400
    assert "reviews" in response.json()


def test_json_booleans_are_accepted_where_the_form_offers_true_and_false(people, register):
    """The fix posts JSON values to the forms as a browser would: true is "true", the form's own choice."""
    req = register()
    api = api_as(people["desk"])
    for action in ("accept", "start"):
        api.post(f"/api/v1/requests/{req.pk}/{action}/", {}, format="json")
    body = {"working_days": 5, "reason": "需要补充现场核查"}
    assert api.post(f"/api/v1/requests/{req.pk}/request_extension/", body, format="json").status_code == 200
    extension = req.extensions.get()
    decision = {"extension_id": extension.pk, "approve": True}
    response = api_as(people["supervisor"]).post(
        f"/api/v1/requests/{req.pk}/decide_extension/", decision, format="json"
    )
    assert response.status_code == 200, response.json()
    extension.refresh_from_db()
    assert extension.status == "approved"


def test_events_and_documents_of_a_request_match_their_documented_schema(people, in_progress):
    """Both are plain lists; the schema documented them as paginated pages."""
    api = api_as(people["desk"])
    events = api.get(f"/api/v1/requests/{in_progress.pk}/events/")
    assert [e["verb"] for e in events.json()][:3] == ["registered", "accepted", "started"]
    assert_matches_schema(events, "GET", "/api/v1/requests/{id}/events/")
    documents = api.get(f"/api/v1/requests/{in_progress.pk}/documents/")
    assert documents.json() == []
    assert_matches_schema(documents, "GET", "/api/v1/requests/{id}/documents/")


def test_a_consultation_about_an_unknown_matter_is_a_400_on_matter_id(people):
    body = {"channel": "desk", "name": "张三", "question": "怎么办理？", "matter_id": 999999}
    response = api_as(people["desk"]).post("/api/v1/consultations/", body, format="json")
    assert response.status_code == 400
    assert "matter_id" in response.json()
    assert not Consultation.objects.exists()


@pytest.mark.parametrize(
    ("url", "field"),
    [("/api/v1/matters/", "q"), ("/api/v1/requests/", "q"), ("/api/v1/consultations/", "channel")],
)
def test_a_nul_character_in_a_text_filter_is_a_400(people, matter, url, field):
    """PostgreSQL refuses NUL in text; the matter search passed the raw parameter to the query (a 500 there)."""
    response = api_as(people["desk"]).get(url, {field: "不动产\x00"})
    assert response.status_code == 400
    assert field in response.json()


def test_the_matter_search_still_finds_by_pinyin_initials(people, matter):
    response = api_as(people["desk"]).get("/api/v1/matters/", {"q": "bdc"})
    assert [m["code"] for m in response.json()["results"]] == ["BDC-001"]
