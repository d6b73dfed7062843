"""Staff pages for complaints and poor ratings: scoped by centre, thin over the services (409 for a step the status
does not allow, 403 without the permission), and the dashboard's figures."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from complaints import services as complaint_svc
from complaints.models import Complaint, ComplaintStatus
from complaints.selectors import complaint_dashboard
from hallservice.core.actors import CITIZEN
from requests import services as svc
from staff.roles import Role
from tests.conftest import make_staff_user
from tests.factories import online_complaint

pytestmark = pytest.mark.django_db


def file(hall, centre="district", **fields):
    return online_complaint(hall[centre], **fields)


def test_supervisor_walks_a_complaint_through_the_page(client, hall, people):
    complaint = file(hall, contact="13900001111")
    client.force_login(people["supervisor"])
    page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert complaint.number in page and "13900001111" in page  # supervisors call back
    steps = [
        ("accept", {"note": ""}),
        ("investigate", {"note": "调取录像"}),
        ("respond", {"response": "已核实并致歉", "findings": "属实", "substantiated": "yes"}),
        ("record_feedback", {"satisfied": "yes", "comment": "电话回访满意"}),
    ]
    for action, data in steps:
        response = client.post(f"/complaints/{complaint.pk}/act/{action}/", data)
        assert response.status_code == 302, (action, response.content.decode()[:2000])
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED and complaint.substantiated is True
    assert list(complaint.events.order_by("pk").values_list("actor", flat=True))[1:] == [people["supervisor"].pk] * 6


def test_a_step_the_status_does_not_allow_is_409_and_bad_input_400(client, hall, people):
    complaint = file(hall)
    client.force_login(people["supervisor"])
    assert client.post(f"/complaints/{complaint.pk}/act/respond/", {"response": "x"}).status_code == 409
    assert client.post(f"/complaints/{complaint.pk}/act/reject/", {"reason": ""}).status_code == 400
    assert client.post(f"/complaints/{complaint.pk}/act/nonsense/", {}).status_code == 404
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.REGISTERED


def test_other_centres_complaints_are_404_and_desks_may_not_handle(client, hall, people):
    complaint = file(hall)
    town_supervisor = make_staff_user(role=Role.SUPERVISOR, centre=hall["town"], username="townsup")
    client.force_login(town_supervisor)
    assert client.get(f"/complaints/{complaint.pk}/").status_code == 404
    assert client.post(f"/complaints/{complaint.pk}/act/accept/", {}).status_code == 404
    assert complaint.number not in client.get("/complaints/?status=").content.decode()
    client.force_login(people["desk"])
    assert client.get("/complaints/").status_code == 403
    leader = people["leader"]
    client.force_login(leader)
    assert client.get(f"/complaints/{complaint.pk}/").status_code == 200  # duty leaders follow the list
    assert client.post(f"/complaints/{complaint.pk}/act/accept/", {}).status_code == 403
    page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert "13900001111" not in page


def test_desk_registers_a_window_complaint(client, people):
    client.force_login(people["desk"])
    response = client.post(
        "/complaints/new/",
        {"source": "window", "category": "not_one_visit", "content": "跑了两次", "name": "赵六", "contact": ""},
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.registered_by == people["desk"] and complaint.source == "window"
    assert client.post("/complaints/new/", {"source": "online", "category": "x", "content": ""}).status_code == 400


def test_list_filters_overdue_and_escalated(client, hall, people):
    with time_machine.travel(datetime(2026, 11, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        late = file(hall, content="很久以前的投诉")
    fresh = file(hall, content="刚刚的投诉")
    client.force_login(people["supervisor"])
    page = client.get("/complaints/?overdue=on&status=").content.decode()
    assert late.number in page and fresh.number not in page
    default = client.get("/complaints/").content.decode()  # open complaints by default
    assert late.number in default and fresh.number in default


def test_dashboard_counts_stage_overdue_department_staff_source_and_weeks(client, hall, people, register):
    supervisor = people["supervisor"]
    req = register()
    today = timezone.localdate()
    with time_machine.travel(datetime(2026, 11, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        old = file(hall, request_number=req.number)
    a = file(hall, source="status_page")
    b = complaint_svc.complaint_register(actor=people["desk"], source="phone", category="efficiency", content="慢")
    complaint_svc.complaint_accept(actor=supervisor, complaint_id=a.pk)
    complaint_svc.complaint_link(
        actor=supervisor, complaint_id=b.pk, staff_id=people["desk"].staff_member.pk, department_id=people["dept"].pk
    )
    data = complaint_dashboard(supervisor, today)
    stages = {status.value: n for status, n in data["stages"]}
    assert stages["registered"] == 2 and stages["accepted"] == 1 and data["open_total"] == 3
    assert [c.pk for c in data["overdue"]] == [old.pk]
    assert {row["department__name"]: row["total"] for row in data["by_department"]}["不动产登记中心"] == 2
    assert [(row["staff__name"], row["total"]) for row in data["by_staff"]] == [("王帮办", 1)]
    sources = {s.value: n for s, n in data["sources"]}
    assert sources == {"online": 1, "status_page": 1, "phone": 1, "window": 0, "mailbox": 0, "hotline": 0}
    assert len(data["trend"]) == 12 and sum(n for _w, n, _p in data["trend"]) == 3
    this_week = today - timedelta(days=today.weekday())
    assert data["trend"][-1][0] == this_week and data["trend"][-1][1] == 2
    assert client.get("/complaints/dashboard/").status_code == 302  # to the login page
    client.force_login(people["desk"])
    assert client.get("/complaints/dashboard/").status_code == 403
    client.force_login(supervisor)
    page = client.get("/complaints/dashboard/").content.decode()
    assert f"/complaints/{old.pk}/" in page


def test_poor_ratings_page_runs_the_case(client, people, register, immediate_matter):
    desk, supervisor = people["desk"], people["supervisor"]
    req = register(matter=immediate_matter)
    svc.request_accept(actor=desk, request_id=req.pk)
    svc.request_deliver(actor=desk, request_id=req.pk, method="on_the_spot", signer="张三", result="结果")
    evaluation = svc.request_evaluate(actor=CITIZEN, request_id=req.pk, rating=1, comment="排队太久")
    client.force_login(supervisor)
    page = client.get("/evaluations/").content.decode()
    assert req.number in page and f"/evaluations/{evaluation.pk}/act/return_visit/" in page
    assert client.post(f"/evaluations/{evaluation.pk}/act/rectify/", {"note": "x"}).status_code == 409
    assert client.post(f"/evaluations/{evaluation.pk}/act/return_visit/", {"note": ""}).status_code == 400
    assert client.post(f"/evaluations/{evaluation.pk}/act/return_visit/", {"note": "已回访"}).status_code == 302
    assert client.post(f"/evaluations/{evaluation.pk}/act/rectify/", {"note": "已整改"}).status_code == 302
    client.force_login(desk)
    assert client.post(f"/evaluations/{evaluation.pk}/act/appeal/", {"reasons": "误评"}).status_code == 302
    assert (
        client.post(
            f"/evaluations/{evaluation.pk}/act/decide_appeal/", {"invalid": "invalid", "reasons": "x"}
        ).status_code
        == 403
    )
    client.force_login(supervisor)
    response = client.post(
        f"/evaluations/{evaluation.pk}/act/decide_appeal/", {"invalid": "upheld", "reasons": "评价属实"}
    )
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.appeal.decision == "upheld" and not evaluation.is_invalid
