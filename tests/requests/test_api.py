"""The request API: both flows end to end, and the answers for bad input, wrong role, wrong centre, wrong state."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIClient

from hallservice.core.actors import SYSTEM
from hallservice.core.api_tokens import api_token_issue
from requests.api import RequestListOutput
from requests.models import DepartmentTask, Extension, KeyProject, RequestEvent, ServiceRequest, Status
from requests.selectors import API_LIST_COLUMNS
from requests.services import ACTIONS
from staff.models import SpecialistRole, StaffKind
from tests.conftest import api_as
from tests.factories import VALID_ID_NUMBERS, ServiceRequestFactory, StaffMemberFactory, UserFactory
from tests.requests.conftest import registration_form
from tests.signed_forms import scan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(y, m, d):
    return time_machine.travel(datetime(y, m, d, 10, tzinfo=SHANGHAI), tick=False)


def post(client, req_id, action, body=None):
    return client.post(f"/api/v1/requests/{req_id}/{action}/", body or {}, format="json")


def upload_scan(client, req_id, kind: str):
    """Keep the scan of a signed paper form through the API (multipart)."""
    return client.post(
        f"/api/v1/requests/{req_id}/signatures/upload/", {"kind": kind, "file": scan()}, format="multipart"
    )


def test_assist_flow_through_the_api(people, matter):
    api = api_as(people["desk"])
    with at(2026, 11, 23):
        created = api.post("/api/v1/requests/", registration_form(matter), format="json")
        assert created.status_code == 201, created.json()
        body = created.json()
        rid = body["id"]
        assert body["number"] == "XH-20261123-0001" and body["status"] == "applied"
        assert "accept" in body["allowed_actions"]
        assert post(api, rid, "accept").json()["deadline"] == "2026-11-30"
        assert post(api, rid, "start").status_code == 200
        assert post(api, rid, "log_work", {"text": "陪同递交"}).status_code == 200
        assert post(api, rid, "report_progress", {"text": "窗口审核中"}).status_code == 200
        assert post(api, rid, "complete", {"result": "不动产权证书"}).json()["status"] == "completed"
        # The applicant signs the printed completion form on taking the result.
        assert api.post(f"/api/v1/requests/{rid}/documents/completion_form/").status_code == 201
        assert post(api, rid, "deliver", {"method": "in_person", "signer": "张三"}).status_code == 409  # not kept
        assert upload_scan(api, rid, "completion_form").status_code == 201
        delivered = post(
            api, rid, "deliver", {"method": "in_person", "signer": "张三", "returned_items": "身份证原件\n户口簿原件"}
        )
        assert delivered.json()["status"] == "delivered"
        assert delivered.json()["delivery"]["returned_items"] == [
            {"position": 1, "name": "身份证原件"},
            {"position": 2, "name": "户口簿原件"},
        ]
        assert [s["kind"] for s in delivered.json()["signatures"]] == ["completion_form"]
        assert post(api, rid, "evaluate", {"rating": 5, "comment": "满意"}).status_code == 200
        assert post(api, rid, "write_summary", {"text": "三日办结"}).status_code == 200
        archived = post(api, rid, "archive")
    assert archived.status_code == 200 and archived.json()["status"] == "archived"
    assert archived.json()["allowed_actions"] == []
    events = api.get(f"/api/v1/requests/{rid}/events/").json()
    assert [e["verb"] for e in events][:3] == ["registered", "accepted", "started"]
    assert all(e["actor"] == "王帮办" for e in events)


def test_agency_flow_through_the_api(people, matter):
    api = api_as(people["desk"])
    with at(2026, 11, 23):
        rid = api.post(
            "/api/v1/requests/", registration_form(matter, kind="agency", provided_material_ids=[]), format="json"
        ).json()["id"]
        checks = ServiceRequest.objects.get(pk=rid).material_checks.all()
        reviews = [{"check_id": c.pk, "status": "missing" if c.name == "身份证明" else "provided"} for c in checks]
        assert post(api, rid, "review_materials", {"reviews": reviews}).status_code == 200
        assert post(api, rid, "issue_deficiency_notice").json()["status"] == "deficient"
        missing = [c.pk for c in checks if c.name == "身份证明"]
        assert post(api, rid, "supply_materials", {"check_ids": missing}).status_code == 200
        refused = post(api, rid, "accept")
        assert refused.status_code == 400 and "handover_items" in refused.json()
        # The former flag alone is refused (409): the signed commission letter must be kept as a file.
        no_letter = post(api, rid, "accept", {"handover_items": "全部材料原件", "commission_signed": True})
        assert no_letter.status_code == 409 and "委托书" in no_letter.json()["detail"]
        assert upload_scan(api, rid, "commission_letter").status_code == 201
        accepted = post(api, rid, "accept", {"handover_items": "全部材料原件"})
        assert accepted.json()["status"] == "accepted"
        post(api, rid, "start")
        suspended = post(api, rid, "suspend", {"reason": "fees_unpaid", "resume_by": "2026-12-10"})
        assert suspended.json()["status"] == "suspended"
    with at(2026, 11, 25):
        resumed = post(api, rid, "resume")
    assert resumed.json()["deadline"] == "2026-12-02" and resumed.json()["paused_working_days"] == 2
    with at(2026, 11, 26):
        post(api, rid, "complete", {"result": "证书"})
        posted = post(
            api,
            rid,
            "deliver",
            {
                "method": "post",
                "recipient": "张三",
                "address": "建设路 1 号",
                "carrier": "EMS",
                "tracking_number": "EA123",
            },
        )
        assert posted.json()["status"] == "completed" and "confirm_receipt" in posted.json()["allowed_actions"]
        assert post(api, rid, "confirm_receipt").status_code == 409  # the post receipt is not kept yet
        assert upload_scan(api, rid, "post_receipt").status_code == 201
        assert post(api, rid, "confirm_receipt").json()["status"] == "delivered"


def test_bad_input_is_a_400_with_field_messages_and_changes_nothing(people, matter):
    api = api_as(people["desk"])
    bad = api.post(
        "/api/v1/requests/", registration_form(matter, applicant_id_number="410402199003150024"), format="json"
    )
    assert bad.status_code == 400 and list(bad.json()) == ["applicant_id_number"]
    missing = api.post("/api/v1/requests/", {"matter_id": matter.pk}, format="json")
    assert missing.status_code == 400 and "applicant_name" in missing.json()
    assert not ServiceRequest.objects.exists()
    rid = api.post("/api/v1/requests/", registration_form(matter), format="json").json()["id"]
    post(api, rid, "accept")
    post(api, rid, "start")
    past = post(api, rid, "suspend", {"reason": "fees_unpaid", "resume_by": "2020-01-01"})
    assert past.status_code == 400 and "resume_by" in past.json()
    unknown_reason = post(api, rid, "suspend", {"reason": "bored", "resume_by": "2099-01-01"})
    assert unknown_reason.status_code == 400 and "reason" in unknown_reason.json()
    assert ServiceRequest.objects.get(pk=rid).status == Status.IN_PROGRESS


def test_roles_without_permission_get_403(people, matter):
    rid = api_as(people["desk"]).post("/api/v1/requests/", registration_form(matter), format="json").json()["id"]
    assert post(api_as(people["dept_user"]), rid, "accept").status_code == 403
    assert post(api_as(people["nobody"]), rid, "accept").status_code == 403
    assert (
        api_as(people["dept_user"]).post("/api/v1/requests/", registration_form(matter), format="json").status_code
        == 403
    )
    assert post(api_as(people["desk"]), rid, "reassign", {"helper_id": 1, "reason": "x"}).status_code == 403
    assert ServiceRequest.objects.get(pk=rid).status == Status.APPLIED


def test_other_centre_gets_404(people, matter):
    rid = api_as(people["desk"]).post("/api/v1/requests/", registration_form(matter), format="json").json()["id"]
    town = api_as(people["town_desk"])
    assert town.get(f"/api/v1/requests/{rid}/").status_code == 404
    assert post(town, rid, "accept").status_code == 404
    assert town.get("/api/v1/requests/").json()["count"] == 0


def test_anonymous_gets_401_or_403_and_token_auth_works(people, matter):
    assert APIClient().get("/api/v1/requests/").status_code in (401, 403)
    _row, token = api_token_issue(user=people["desk"], actor=SYSTEM, name="integration")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/requests/").status_code == 200


def test_personal_data_masked_except_for_helper_and_supervisor(people, matter):
    rid = api_as(people["desk"]).post("/api/v1/requests/", registration_form(matter), format="json").json()["id"]
    colleague = api_as(people["desk2"]).get(f"/api/v1/requests/{rid}/").json()
    assert colleague["applicant_id_number"] == "4104**********0023"
    assert colleague["applicant_phone"] == "138****5678" and colleague["applicant_address"] == "***"
    for user in (people["desk"], people["supervisor"]):
        detail = api_as(user).get(f"/api/v1/requests/{rid}/").json()
        assert detail["applicant_id_number"] == VALID_ID_NUMBERS[0] and detail["applicant_phone"] == "13812345678"
    listing = api_as(people["desk"]).get("/api/v1/requests/").content.decode()
    assert VALID_ID_NUMBERS[0] not in listing and "13812345678" not in listing


def test_list_filters_and_search(people, matter):
    api = api_as(people["desk"])
    api.post("/api/v1/requests/", registration_form(matter), format="json")
    api.post(
        "/api/v1/requests/",
        registration_form(matter, applicant_name="李四", applicant_phone="13900001111", kind="agency"),
        format="json",
    )
    assert api.get("/api/v1/requests/", {"q": "1111"}).json()["count"] == 1
    # A full phone never travels in a query string (issue 15 item 5): POST /api/v1/requests/search/ instead.
    assert api.get("/api/v1/requests/", {"q": "13812345678"}).status_code == 400
    assert api.get("/api/v1/requests/", {"kind": "agency"}).json()["results"][0]["applicant_name"] == "李四"
    assert api.get("/api/v1/requests/", {"status": ["applied"]}).json()["count"] == 2
    assert api.get("/api/v1/requests/", {"view": "mine"}).json()["count"] == 2
    assert api.get("/api/v1/requests/", {"status": "nonsense"}).status_code == 400


def test_list_runs_constant_queries(people, matter, django_assert_max_num_queries):
    helper = people["desk"].staff_member
    api = api_as(people["desk"])
    ServiceRequestFactory.create_batch(3, centre=helper.centre, helper=helper, matter=matter, status="in_progress")
    with django_assert_max_num_queries(12) as few:
        api.get("/api/v1/requests/")
    ServiceRequestFactory.create_batch(40, centre=helper.centre, helper=helper, matter=matter, status="in_progress")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get("/api/v1/requests/").json()["count"] == 43


def test_list_rows_are_what_the_serializers_fields_give(people, matter):
    """The list writes its rows as plain values (issue 17); the same as DRF's field-by-field walk, key for key."""
    helper = people["desk"].staff_member
    centre = helper.centre
    project = KeyProject.objects.create(name="项目", centre=centre)
    make = ServiceRequestFactory.create
    make(centre=centre, helper=helper, matter=matter, status="in_progress", applicant_elderly=True)
    make(
        centre=centre,
        helper=helper,
        matter=matter,
        status="applied",
        deadline=None,
    )
    make(centre=centre, helper=helper, matter=matter, status="suspended", key_project=project, applicant_military=True)
    make(
        centre=centre,
        helper=helper,
        matter=matter,
        status="accepted",
        accepted_at=datetime(2026, 11, 20, 9, 30, tzinfo=SHANGHAI),
        deadline=date(2026, 11, 25),
        urgent=True,
        urgent_target=date(2026, 11, 24),
        urgent_reason="急",
        applicant_pregnant=True,
        applicant_disabled=True,
    )
    make(centre=centre, helper=helper, matter=matter, status="archived", channel="phone", applicant_id_masked="")
    listed = api_as(people["desk"]).get("/api/v1/requests/").json()["results"]
    assert len(listed) == 5
    joins = ("matter", "helper", "lead_department", "centre")
    rows = ServiceRequest.objects.select_related(*joins).only(*API_LIST_COLUMNS).in_bulk([row["id"] for row in listed])
    fields = RequestListOutput(context={"today": timezone.localdate()})
    for row in listed:
        plain = fields.to_representation(rows[row["id"]])
        walked = serializers.ModelSerializer.to_representation(fields, rows[row["id"]])
        assert list(plain.items()) == list(walked.items())
        assert list(row) == list(walked)


FORBIDDEN = [(s, name) for s in Status for name, action in ACTIONS.items() if s not in action.allowed_in]


@pytest.mark.parametrize(("status", "action"), FORBIDDEN, ids=[f"{s.value}-{a}" for s, a in FORBIDDEN])
def test_every_action_outside_the_table_answers_409(hall, status, action):
    user = UserFactory(username="root", is_superuser=True)
    req = ServiceRequestFactory(centre=hall["district"], status=status)
    StaffMemberFactory(
        user=user,
        centre=hall["district"],
        kind=StaffKind.SPECIALIST,
        department=req.lead_department,
        specialist_role=SpecialistRole.WORKER,
    )
    DepartmentTask.objects.create(request=req, department=req.lead_department, description="x")
    Extension.objects.create(request=req, working_days=1, reason="x", requested_by=user)
    before = RequestEvent.objects.count()
    response = post(api_as(user), req.pk, action)
    assert response.status_code == 409, response.content
    req.refresh_from_db()
    assert req.status == status and RequestEvent.objects.count() == before


def test_openapi_lists_every_action(client, people):
    client.force_login(people["supervisor"])
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for name in ACTIONS:
        assert f"/api/v1/requests/{{id}}/{name}/" in schema["paths"], name
    assert "/api/v1/requests/{id}/events/" in schema["paths"]


def test_consultations_api(people, matter):
    api = api_as(people["desk"])
    created = api.post(
        "/api/v1/consultations/",
        {"channel": "phone", "name": "王五", "contact": "13700001234", "question": "公积金怎么提取？"},
        format="json",
    )
    assert created.status_code == 201 and created.json()["contact_masked"] == "137****1234"
    cid = created.json()["id"]
    answered = api.post(f"/api/v1/consultations/{cid}/answer/", {"answer": "带身份证和购房合同"}, format="json")
    assert answered.json()["outcome"] == "answered"
    assert (
        api.post("/api/v1/consultations/", {"channel": "fax", "name": "x", "question": "y"}, format="json").status_code
        == 400
    )
    assert api_as(people["town_desk"]).get(f"/api/v1/consultations/{cid}/").status_code == 404
    assert "13700001234" not in api.get("/api/v1/consultations/").content.decode()


def test_documents_api_issue_list_and_download(people, matter, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    desk = api_as(people["desk"])
    rid = desk.post("/api/v1/requests/", registration_form(matter, kind="agency"), format="json").json()["id"]
    issued = desk.post(
        f"/api/v1/requests/{rid}/documents/commission_letter/",
        {"signing_copy": True, "pickup_method": "hall"},
        format="json",
    )
    assert issued.status_code == 201 and issued.json()["version"] == 1 and issued.json()["signing_copy"]
    again = desk.post(f"/api/v1/requests/{rid}/documents/notice_of_duties/", {}, format="json")
    assert again.status_code == 201
    refused = desk.post(f"/api/v1/requests/{rid}/documents/completion_form/", {}, format="json")
    assert refused.status_code == 409
    assert desk.post(f"/api/v1/requests/{rid}/documents/nonsense/", {}, format="json").status_code == 400
    assert [d["kind"] for d in desk.get(f"/api/v1/requests/{rid}/documents/").json()] == [
        "commission_letter",
        "notice_of_duties",
    ]
    download = desk.get(issued.json()["download_url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    colleague = api_as(people["desk2"])
    assert [d["kind"] for d in colleague.get(f"/api/v1/requests/{rid}/documents/").json()] == ["notice_of_duties"]
    assert colleague.get(issued.json()["download_url"]).status_code == 404
    assert api_as(people["town_desk"]).get(f"/api/v1/requests/{rid}/documents/").status_code == 404
    assert (
        api_as(people["dept_user"])
        .post(f"/api/v1/requests/{rid}/documents/notice_of_duties/", {}, format="json")
        .status_code
        == 403
    )
