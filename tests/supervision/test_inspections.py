"""Inspections (督查), circulated notices (通报) and difficult points (难点堵点), seed 001 八 and seed 003 三(一), 三(四):
the services' rules and events, the pages, the API, the notice's PDF, the annual assessment page, and who may do what
(the supervision section writes, bureau leaders read, everyone else is refused)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from staff.roles import Role
from supervision.choices import DIFFICULT_POINT_TRANSITIONS, DifficultPointStatus, SupervisionVerb
from supervision.documents import notice_pdf
from supervision.models import DifficultPoint, Inspection, Notice, SupervisionEvent
from supervision.services_inspections import (
    difficult_point_add_meeting,
    difficult_point_record,
    difficult_point_resolve,
    inspection_record,
    inspection_record_rectification,
    notice_issue,
)
from tests.conftest import api_as, make_staff_user
from tests.factories import DepartmentFactory, DistrictFactory, StaffMemberFactory
from tests.requests.test_documents import pdf_text

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 7)


@pytest.fixture(autouse=True)
def _english_and_fixed_day():
    """English messages (the tests name their source text) on a fixed day of the hall's time zone."""
    with translation.override("en"), time_machine.travel("2026-12-07 10:00 +08:00", tick=False):
        yield


@pytest.fixture
def client(client):
    """The pages in English, as the messages the tests name."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def world(hall, supervisor_user):
    other = DistrictFactory(code="OT", name="另一区政务服务中心")
    return {
        "district": hall["district"],
        "town": hall["town"],
        "other": other,
        "supervisor": supervisor_user,
        "leader": make_staff_user(role=Role.BUREAU_LEADER, centre=hall["district"], username="leader", name="邓局长"),
        "desk": make_staff_user(role=Role.FRONT_DESK, centre=hall["district"], username="desk"),
        "helper": StaffMemberFactory(centre=hall["district"], name="甲帮办"),
        "stranger": StaffMemberFactory(centre=other, name="丁帮办"),
        "other_supervisor": make_staff_user(role=Role.SUPERVISOR, centre=other, username="ot-sup"),
        "department": DepartmentFactory(name="不动产登记中心"),
    }


def _inspection(w, **kw) -> Inspection:
    fields = {
        "centre_id": w["district"].pk,
        "inspected_on": date(2026, 12, 1),
        "staff_id": w["helper"].pk,
        "department_id": w["department"].pk,
        "findings": "帮办代办台账记录不实，两件事项缺少办结记录",
        "rectify_by": date(2026, 12, 15),
        **kw,
    }
    return inspection_record(actor=w["supervisor"], **fields)


def _notice(w, inspections=(), **kw) -> Notice:
    fields = {
        "centre_id": w["district"].pk,
        "title": "关于帮办代办台账记录不实问题的通报",
        "body": "近期督查指导科对区政务服务大厅帮办代办工作进行了督查。\n现将有关情况通报如下。",
        "inspection_ids": [i.pk for i in inspections],
        **kw,
    }
    return notice_issue(actor=w["supervisor"], **fields)


# --- Services --------------------------------------------------------------------------------------------------


def test_an_inspection_is_recorded_with_an_event_naming_the_actor(world):
    inspection = _inspection(world)
    assert inspection.staff == world["helper"] and inspection.rectify_by == date(2026, 12, 15)
    event = SupervisionEvent.objects.get(inspection=inspection)
    assert event.verb == SupervisionVerb.INSPECTION_RECORDED and event.actor == world["supervisor"]
    assert event.centre == world["district"] and event.at is not None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rectify_by": None}, "rectify_by"),
        ({"findings": "", "rectify_by": date(2026, 12, 15)}, "rectify_by"),
        ({"rectify_by": date(2026, 11, 30)}, "rectify_by"),
        ({"inspected_on": date(2026, 12, 8), "rectify_by": date(2026, 12, 20)}, "inspected_on"),
        ({"staff_id": "stranger"}, "staff"),
        ({"centre_id": "other"}, "centre"),
    ],
)
def test_an_inspection_with_bad_input_is_refused_and_nothing_is_written(world, change, field):
    change = {k: (world[v].pk if isinstance(v, str) and v in world else v) for k, v in change.items()}
    with pytest.raises(DomainError) as refused:
        _inspection(world, **change)
    assert refused.value.field == field
    assert not Inspection.objects.exists() and not SupervisionEvent.objects.exists()


@pytest.mark.parametrize("who", ["desk", "leader"])
def test_only_the_supervision_section_records_inspections(world, who):
    with pytest.raises(PermissionDenied):
        inspection_record(actor=world[who], centre_id=world["district"].pk, inspected_on=TODAY)
    assert not Inspection.objects.exists()


def test_the_rectification_is_recorded_once_and_late_is_noted(world):
    inspection = _inspection(world, rectify_by=date(2026, 12, 3))
    done = inspection_record_rectification(
        actor=world["supervisor"], inspection_id=inspection.pk, result="已补齐办结记录", rectified_on=date(2026, 12, 5)
    )
    assert done.rectified and done.rectification_recorded_by == world["supervisor"]
    event = SupervisionEvent.objects.get(verb=SupervisionVerb.RECTIFICATION_RECORDED)
    assert event.note == "after the deadline"
    with pytest.raises(TransitionNotAllowed, match="already recorded on 2026-12-05"):
        inspection_record_rectification(
            actor=world["supervisor"], inspection_id=inspection.pk, result="again", rectified_on=TODAY
        )


def test_an_inspection_that_found_nothing_has_nothing_to_rectify(world):
    clean = _inspection(world, findings="", rectify_by=None)
    with pytest.raises(TransitionNotAllowed):
        inspection_record_rectification(
            actor=world["supervisor"], inspection_id=clean.pk, result="x", rectified_on=TODAY
        )


def test_another_districts_supervisor_cannot_rectify(world):
    inspection = _inspection(world)
    with pytest.raises(DomainError, match="No such inspection"):
        inspection_record_rectification(
            actor=world["other_supervisor"], inspection_id=inspection.pk, result="x", rectified_on=TODAY
        )


def test_notices_are_numbered_per_centre_and_year_and_name_the_inspections_staff(world):
    inspection = _inspection(world)
    first = _notice(world, [inspection])
    second = _notice(world, staff_ids=[world["helper"].pk], issued_on=date(2026, 12, 2))
    next_year_on_other = notice_issue(
        actor=world["other_supervisor"], centre_id=world["other"].pk, title="t", body="b"
    )
    assert (first.number, second.number) == ("督查通报〔2026〕1号", "督查通报〔2026〕2号")
    assert next_year_on_other.number == "督查通报〔2026〕1号"
    assert list(first.named_staff.all()) == [world["helper"]]
    assert list(first.inspections.all()) == [inspection]
    assert SupervisionEvent.objects.get(notice=first, verb=SupervisionVerb.NOTICE_ISSUED).note == first.number


def test_a_notice_cannot_cite_another_districts_inspection_or_staff(world):
    foreign = inspection_record(actor=world["other_supervisor"], centre_id=world["other"].pk, inspected_on=TODAY)
    with pytest.raises(DomainError) as refused:
        _notice(world, [foreign])
    assert refused.value.field == "inspections"
    with pytest.raises(DomainError) as refused:
        _notice(world, staff_ids=[world["stranger"].pk])
    assert refused.value.field == "staff"
    assert not Notice.objects.filter(centre=world["district"]).exists()


def test_a_difficult_point_goes_from_open_through_meetings_to_resolved(world):
    point = difficult_point_record(
        actor=world["supervisor"],
        centre_id=world["district"].pk,
        title="跨部门联办事项材料互认难",
        description="不动产与税务材料重复提交",
        department_ids=[world["department"].pk],
    )
    assert point.status == DifficultPointStatus.OPEN and list(point.departments.all()) == [world["department"]]
    difficult_point_add_meeting(
        actor=world["supervisor"], point_id=point.pk, held_on=TODAY, attendees="不动产、税务", outcome="材料互认"
    )
    point.refresh_from_db()
    assert point.status == DifficultPointStatus.COORDINATING
    difficult_point_resolve(actor=world["supervisor"], point_id=point.pk, outcome="已实现材料共享")
    point.refresh_from_db()
    assert point.status == DifficultPointStatus.RESOLVED and point.resolved_on == TODAY
    verbs = list(SupervisionEvent.objects.filter(point=point).order_by("pk").values_list("verb", flat=True))
    assert verbs == ["point_recorded", "meeting_recorded", "point_resolved"]
    with pytest.raises(TransitionNotAllowed):
        difficult_point_add_meeting(
            actor=world["supervisor"], point_id=point.pk, held_on=TODAY, attendees="a", outcome="b"
        )
    with pytest.raises(TransitionNotAllowed):
        difficult_point_resolve(actor=world["supervisor"], point_id=point.pk, outcome="again")
    assert point.meetings.count() == 1


@pytest.mark.parametrize(("current", "target"), [(s, t) for s in DifficultPointStatus for t in DifficultPointStatus])
def test_the_transition_table_decides_every_move(world, current, target):
    point = difficult_point_record(
        actor=world["supervisor"], centre_id=world["district"].pk, title="t", description="d"
    )
    DifficultPoint.objects.filter(pk=point.pk).update(
        status=current, outcome="o" if current == DifficultPointStatus.RESOLVED else "", resolved_on=TODAY
    )
    allowed = target in DIFFICULT_POINT_TRANSITIONS[current]
    move = {
        DifficultPointStatus.COORDINATING: lambda: difficult_point_add_meeting(
            actor=world["supervisor"], point_id=point.pk, held_on=TODAY, attendees="a", outcome="b"
        ),
        DifficultPointStatus.RESOLVED: lambda: difficult_point_resolve(
            actor=world["supervisor"], point_id=point.pk, outcome="done"
        ),
    }.get(target)
    if move is None:
        assert not allowed  # nothing ever moves a point back to open
        return
    if allowed:
        move()
        point.refresh_from_db()
        assert point.status == target
    else:
        with pytest.raises(TransitionNotAllowed):
            move()


# --- PDF -----------------------------------------------------------------------------------------------------------


def test_the_notice_pdf_carries_its_number_title_findings_and_issuer(world):
    notice = _notice(world, [_inspection(world)])
    text = pdf_text(notice_pdf(notice))
    for expected in (
        "督查通报",
        "督查通报〔2026〕1号",
        "关于帮办代办台账记录不实问题的通报",
        "现将有关情况通报如下",
        "帮办代办台账记录不实",
        "甲帮办",
        "不动产登记中心",
        "2026-12-15",
        "新华区政务服务中心督查指导科",
        "2026年12月7日",
    ):
        assert expected in text, expected


# --- Pages ---------------------------------------------------------------------------------------------------------


def supervisor_creates(client, world, view: str, **fields):
    """The supervisor logs in and posts the form of ``view`` (``supervision:<view>``) for the district."""
    client.force_login(world["supervisor"])
    return client.post(reverse(f"supervision:{view}"), {"centre_id": world["district"].pk, **fields})


def test_the_supervisor_records_an_inspection_and_its_rectification_through_the_pages(client, world):
    response = supervisor_creates(
        client,
        world,
        "inspection-create",
        inspected_on="2026-12-01",
        staff_id=world["helper"].pk,
        department_id=world["department"].pk,
        findings="服务不到位",
        rectify_by="2026-12-10",
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == inspection.get_absolute_url()
    page = client.get(inspection.get_absolute_url()).content.decode()
    assert "服务不到位" in page and "inspection recorded" in page and "Record the rectification" in page
    response = client.post(
        reverse("supervision:inspection-rectify", args=[inspection.pk]),
        {"result": "已整改", "rectified_on": "2026-12-05"},
    )
    assert response.status_code == 302
    assert "Rectified 2026-12-05" in client.get(reverse("supervision:inspections")).content.decode()
    again = client.post(
        reverse("supervision:inspection-rectify", args=[inspection.pk]), {"result": "x", "rectified_on": "2026-12-05"}
    )
    assert again.status_code == 409


def test_a_bad_inspection_form_is_shown_again_with_the_services_message(client, world):
    response = supervisor_creates(client, world, "inspection-create", inspected_on="2026-12-01", findings="服务不到位")
    assert response.status_code == 400
    assert "Set the deadline for putting the findings right." in response.content.decode()
    assert not Inspection.objects.exists()


def test_the_notice_pages_issue_list_and_open_the_pdf(client, world):
    inspection = _inspection(world)
    client.force_login(world["supervisor"])
    form = client.get(reverse("supervision:notice-create"), {"inspection": inspection.pk})
    assert form.status_code == 200
    response = supervisor_creates(
        client,
        world,
        "notice-create",
        title="关于服务不到位问题的通报",
        body="通报如下。",
        inspection_ids=[inspection.pk],
        issued_on="2026-12-07",
    )
    notice = Notice.objects.get()
    assert response.status_code == 302 and response["Location"] == notice.get_absolute_url()
    listing = client.get(reverse("supervision:notices")).content.decode()
    assert "督查通报〔2026〕1号" in listing and "甲帮办" in listing
    pdf = client.get(reverse("supervision:notice-pdf", args=[notice.pk]))
    assert pdf["Content-Type"] == "application/pdf" and "关于服务不到位问题的通报" in pdf_text(pdf.content)


def test_the_difficult_point_pages_record_a_meeting_and_the_outcome(client, world):
    response = supervisor_creates(
        client,
        world,
        "difficult-point-create",
        title="企业开办跨部门衔接慢",
        description="市场监管与税务衔接",
        department_ids=[world["department"].pk],
    )
    point = DifficultPoint.objects.get()
    assert response.status_code == 302
    url = reverse("supervision:difficult-point-meeting", args=[point.pk])
    assert (
        client.post(
            url, {"held_on": "2026-12-03", "attendees": "市场监管局、税务局", "outcome": "并联办理"}
        ).status_code
        == 302
    )
    resolve = reverse("supervision:difficult-point-resolve", args=[point.pk])
    assert client.post(resolve, {"outcome": "已并联办理"}).status_code == 302
    page = client.get(point.get_absolute_url()).content.decode()
    assert "并联办理" in page and "市场监管局、税务局" in page and "Record a coordination meeting" not in page
    listing = client.get(reverse("supervision:difficult-points"), {"status": "resolved"}).content.decode()
    assert "企业开办跨部门衔接慢" in listing
    assert (
        "企业开办跨部门衔接慢"
        not in client.get(reverse("supervision:difficult-points"), {"status": "open"}).content.decode()
    )
    assert client.post(url, {"held_on": "2026-12-04", "attendees": "a", "outcome": "b"}).status_code == 409


def test_bureau_leaders_read_the_pages_but_may_not_write(client, world):
    inspection = _inspection(world)
    notice = _notice(world, [inspection])
    client.force_login(world["leader"])
    for name, args in (
        ("supervision:inspections", []),
        ("supervision:inspection", [inspection.pk]),
        ("supervision:notices", []),
        ("supervision:notice", [notice.pk]),
        ("supervision:notice-pdf", [notice.pk]),
        ("supervision:difficult-points", []),
    ):
        assert client.get(reverse(name, args=args)).status_code == 200, name
    page = client.get(reverse("supervision:inspection", args=[inspection.pk])).content.decode()
    assert "Record the rectification" not in page
    assert client.get(reverse("supervision:inspection-create")).status_code == 403
    assert client.post(reverse("supervision:notice-create"), {}).status_code == 403
    assert "Inspections" in client.get(reverse("home")).content.decode()


def test_another_district_sees_none_of_these_records(client, world):
    inspection = _inspection(world)
    client.force_login(world["other_supervisor"])
    assert client.get(reverse("supervision:inspection", args=[inspection.pk])).status_code == 404
    assert "甲帮办" not in client.get(reverse("supervision:inspections")).content.decode()


# --- Annual assessment -----------------------------------------------------------------------------------------------


def test_the_assessment_page_lists_the_findings_and_notices_without_changing_the_score(client, world):
    client.force_login(world["supervisor"])
    url = reverse("supervision:assessment-person", args=[world["helper"].pk])
    before = client.get(url, {"year": 2026}).context["row"]
    inspection = _inspection(world)
    _inspection(world, findings="", rectify_by=None)  # found nothing: not a record against the person
    notice = _notice(world, [inspection])
    response = client.get(url, {"year": 2026})
    assert list(response.context["inspections"]) == [inspection]
    assert list(response.context["notices"]) == [notice]
    page = response.content.decode()
    assert "帮办代办台账记录不实" in page and "督查通报〔2026〕1号" in page
    assert "do not change it" in page
    after = response.context["row"]
    assert (after.score, after.deductions, after.grade) == (before.score, before.deductions, before.grade)


# --- API ---------------------------------------------------------------------------------------------------------------


def test_the_api_records_and_reads_inspections_notices_and_points(world):
    api = api_as(world["supervisor"])
    created = api.post(
        "/api/v1/supervision/inspections/",
        {
            "centre": world["district"].pk,
            "inspected_on": "2026-12-01",
            "staff": world["helper"].pk,
            "findings": "流于形式",
            "rectify_by": "2026-12-20",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    done = api.post(
        f"/api/v1/supervision/inspections/{pk}/rectify/",
        {"result": "已整改", "rectified_on": "2026-12-06"},
        format="json",
    )
    assert done.status_code == 200 and done.json()["rectified_on"] == "2026-12-06"
    again = api.post(
        f"/api/v1/supervision/inspections/{pk}/rectify/", {"result": "x", "rectified_on": "2026-12-06"}, format="json"
    )
    assert again.status_code == 409
    notice = api.post(
        "/api/v1/supervision/notices/",
        {"centre": world["district"].pk, "title": "通报", "body": "正文", "inspections": [pk]},
        format="json",
    )
    assert notice.status_code == 201 and notice.json()["number"] == "督查通报〔2026〕1号"
    assert notice.json()["named_staff"] == [world["helper"].pk]
    pdf = api.get(f"/api/v1/supervision/notices/{notice.json()['id']}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    point = api.post(
        "/api/v1/supervision/difficult-points/",
        {
            "centre": world["district"].pk,
            "title": "难点",
            "description": "描述",
            "departments": [world["department"].pk],
        },
        format="json",
    )
    assert point.status_code == 201 and point.json()["status"] == "open"
    point_id = point.json()["id"]
    meeting = api.post(
        f"/api/v1/supervision/difficult-points/{point_id}/meetings/",
        {"held_on": "2026-12-05", "attendees": "各部门", "outcome": "明确途径"},
        format="json",
    )
    assert meeting.status_code == 200 and meeting.json()["status"] == "coordinating"
    assert len(meeting.json()["meetings"]) == 1
    resolved = api.post(
        f"/api/v1/supervision/difficult-points/{point_id}/resolve/", {"outcome": "解决"}, format="json"
    )
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    bad = api.post("/api/v1/supervision/inspections/", {"centre": world["district"].pk}, format="json")
    assert bad.status_code == 400 and "inspected_on" in bad.json()


def test_an_inspection_of_a_centre_without_a_person_matches_its_documented_schema(world):
    """Found by the API fuzzing: an inspection naming no staff member answered ``staff_name: null`` where the schema
    promised a string (schemathesis' response_schema_conformance)."""
    from tests.openapi_check import assert_matches_schema

    api = api_as(world["supervisor"])
    created = api.post(
        "/api/v1/supervision/inspections/",
        {"centre": world["district"].pk, "inspected_on": "2026-12-01"},
        format="json",
    )
    assert created.status_code == 201 and created.json()["staff_name"] is None
    assert_matches_schema(created, "POST", "/api/v1/supervision/inspections/")
    listed = api.get("/api/v1/supervision/inspections/")
    assert_matches_schema(listed, "GET", "/api/v1/supervision/inspections/")


def test_the_api_lets_bureau_leaders_read_and_refuses_their_writes_and_other_roles(world):
    inspection = _inspection(world)
    leader = api_as(world["leader"])
    listed = leader.get("/api/v1/supervision/inspections/")
    assert listed.status_code == 200 and [row["id"] for row in listed.json()["results"]] == [inspection.pk]
    assert leader.get("/api/v1/supervision/difficult-points/").status_code == 200
    refused = leader.post(
        "/api/v1/supervision/inspections/",
        {"centre": world["district"].pk, "inspected_on": "2026-12-01"},
        format="json",
    )
    assert refused.status_code == 403
    assert (
        leader.post(f"/api/v1/supervision/inspections/{inspection.pk}/rectify/", {}, format="json").status_code == 403
    )
    desk = api_as(world["desk"])
    assert desk.get("/api/v1/supervision/inspections/").status_code == 403
    assert desk.get("/api/v1/supervision/notices/").status_code == 403
    other = api_as(world["other_supervisor"])
    assert other.get(f"/api/v1/supervision/inspections/{inspection.pk}/").status_code == 404
    assert Inspection.objects.count() == 1


def test_an_overdue_rectification_is_marked_on_the_inspection(client, world):
    inspection = _inspection(world, inspected_on=TODAY - timedelta(days=10), rectify_by=TODAY - timedelta(days=1))
    client.force_login(world["supervisor"])
    assert "Overdue" in client.get(inspection.get_absolute_url()).content.decode()


def test_a_date_before_2000_is_refused(world):
    """Found in review: year 1 in the hall's zone is stored before year 1 in UTC, which PostgreSQL cannot read back."""
    with pytest.raises(DomainError) as err:
        _inspection(world, inspected_on=date(1, 1, 1), rectify_by=None, findings="")
    assert err.value.field == "inspected_on" and not Inspection.objects.exists()


def test_a_notice_cites_only_inspections_of_its_centre_or_below(world):
    """Found in review: a town's notice could cite the district's inspection and name its staff."""
    district_inspection = _inspection(world)
    with pytest.raises(DomainError) as err:
        _notice(world, inspections=[district_inspection], centre_id=world["town"].pk)
    assert err.value.field == "inspections" and not Notice.objects.exists()
    assert _notice(world, inspections=[district_inspection]).inspections.get() == district_inspection


def test_a_notice_issued_from_an_inspection_starts_from_its_centre_and_findings(client, world):
    inspection = _inspection(world)
    client.force_login(world["supervisor"])
    form = client.get(reverse("supervision:notice-create"), {"inspection": inspection.pk}).context["form"]
    assert form.initial["centre_id"] == world["district"].pk
    assert form.initial["inspection_ids"] == [inspection.pk]
    assert form.initial["body"] == (
        f"On 2026-12-01 the inspection of {world['district'].name} 不动产登记中心 甲帮办 found: "
        "帮办代办台账记录不实，两件事项缺少办结记录 To be rectified by 2026-12-15."
    )
    # Another district's inspection, a bad id or none: nothing is drafted from it.
    client.force_login(world["other_supervisor"])
    for value in (str(inspection.pk), "x", "9" * 30):
        initial = client.get(reverse("supervision:notice-create"), {"inspection": value}).context["form"].initial
        assert initial.get("inspection_ids") == [] and "body" not in initial and "centre_id" not in initial
