"""Urgent handling (急办, seed 000 三.3) and the applicant's priority groups (seed 001 五 主动靠前), issue 18 item 5.

Today is Monday 23 November 2026 (a working day); the land registration matter promises 5 working days, so a request
accepted or registered today is promised by Monday 30 November, and the default internal target is half the
working days left: Wednesday 25 November.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import factory
import pytest
import time_machine
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from hallservice.core.identity import PROVINCE_CODES, IdType, check_digit
from requests import services as svc
from requests.models import KeyProject, PriorityGroup, RequestEvent, ServiceRequest
from requests.services.priority import elderly_of
from tests.conftest import api_as
from tests.factories import VALID_ID_NUMBERS, ServiceRequestFactory
from tests.requests.conftest import registration_form
from tests.requests.test_identity_documents import valid_numbers

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 23)
DEADLINE = date(2026, 11, 30)
DEFAULT_TARGET = date(2026, 11, 25)
BORN_1949 = VALID_ID_NUMBERS[2]  # 11010519491231002X: 76 years old, ends in X
BORN_1990 = VALID_ID_NUMBERS[0]


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=SHANGHAI), tick=False):
        yield TODAY


def events(req, verb):
    return list(RequestEvent.objects.filter(request=req, verb=verb))


@pytest.fixture
def accepted(register, people):
    req = register()
    svc.request_accept(actor=people["desk"], request_id=req.pk)
    return ServiceRequest.objects.get(pk=req.pk)


# --- Services: marking urgent --------------------------------------------------------------------------------


def test_urgent_at_registration_gets_the_computed_internal_target_and_an_event(register, people):
    req = register(urgent=True, urgent_reason="企业开工在即")

    assert (req.urgent, req.urgent_reason, req.urgent_target) == (True, "企业开工在即", DEFAULT_TARGET)
    [event] = events(req, "urgent_marked")
    assert event.actor == people["desk"] and event.at is not None
    assert "2026-11-25" in event.note and "2026-11-30" in event.note
    assert not event.public  # an internal target, not a promise to the applicant


def test_a_target_not_before_the_promised_deadline_is_refused_at_registration(register):
    with pytest.raises(DomainError) as refused:
        register(urgent=True, urgent_reason="急", urgent_target=DEADLINE)
    assert refused.value.field == "urgent_target"
    assert not ServiceRequest.objects.exists()


def test_urgent_without_a_reason_is_refused(register):
    with pytest.raises(DomainError) as refused:
        register(urgent=True, urgent_reason="  ")
    assert refused.value.field == "urgent_reason"


def test_an_open_request_is_marked_urgent_with_the_clerks_target(accepted, people):
    req = svc.request_mark_urgent(
        actor=people["leader"], request_id=accepted.pk, urgent_reason="项目节点", urgent_target=date(2026, 11, 27)
    )

    assert (req.urgent, req.urgent_target) == (True, date(2026, 11, 27))
    assert [e.actor for e in events(req, "urgent_marked")] == [people["leader"]]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (DEADLINE, "早于承诺办结日期"),
        (DEADLINE + timedelta(days=3), "早于承诺办结日期"),
        (TODAY - timedelta(days=1), "过去"),
    ],
)
def test_a_target_in_the_past_or_not_before_the_deadline_is_refused(accepted, people, target, message):
    with pytest.raises(DomainError, match=message):
        svc.request_mark_urgent(actor=people["desk"], request_id=accepted.pk, urgent_reason="急", urgent_target=target)
    assert not ServiceRequest.objects.get(pk=accepted.pk).urgent
    assert not events(accepted, "urgent_marked")


def test_marking_twice_is_a_conflict_and_unmarking_clears_the_target_with_an_event(accepted, people):
    svc.request_mark_urgent(actor=people["desk"], request_id=accepted.pk, urgent_reason="急")
    with pytest.raises(TransitionNotAllowed):
        svc.request_mark_urgent(actor=people["desk"], request_id=accepted.pk, urgent_reason="急")

    req = svc.request_unmark_urgent(actor=people["supervisor"], request_id=accepted.pk, note="申请人不急了")

    assert (req.urgent, req.urgent_reason, req.urgent_target) == (False, "", None)
    [event] = events(req, "urgent_unmarked")
    assert event.actor == people["supervisor"] and "申请人不急了" in event.note and "2026-11-25" in event.note
    with pytest.raises(TransitionNotAllowed):
        svc.request_unmark_urgent(actor=people["desk"], request_id=accepted.pk, note="再次")


def test_a_matter_done_on_the_spot_cannot_be_urgent(register, people, immediate_matter):
    req = register(matter=immediate_matter)
    with pytest.raises(DomainError, match="2026-11-23"):
        svc.request_mark_urgent(actor=people["desk"], request_id=req.pk, urgent_reason="急")


def test_a_completed_request_can_no_longer_be_marked(completed, people):
    with pytest.raises(TransitionNotAllowed):
        svc.request_mark_urgent(actor=people["desk"], request_id=completed.pk, urgent_reason="急")


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("desk", True), ("leader", True), ("supervisor", True), ("dept_user", False), ("town_desk", False)],
)
def test_who_may_mark_a_request_urgent(accepted, people, who, allowed):
    mark = lambda: svc.request_mark_urgent(actor=people[who], request_id=accepted.pk, urgent_reason="急")  # noqa: E731
    if allowed:
        assert mark().urgent
    else:
        with pytest.raises(PermissionDenied):
            mark()


# --- Priority groups ------------------------------------------------------------------------------------------


def test_groups_are_recorded_at_registration_and_elderly_is_derived_from_the_id(register):
    old = register(applicant_id_number=BORN_1949, applicant_disabled=True)
    young_ticked = register(applicant_id_number=BORN_1990, applicant_elderly=True, applicant_military=True)
    passport = register(
        applicant_id_type=IdType.OTHER, applicant_id_document="美国护照", applicant_id_number="E1234567",
        applicant_elderly=True,
    )  # fmt: skip

    assert old.priority_groups == [PriorityGroup.ELDERLY, PriorityGroup.DISABLED]
    assert young_ticked.priority_groups == [PriorityGroup.MILITARY]  # the ID says 36: the tick does not count
    assert passport.priority_groups == [PriorityGroup.ELDERLY]  # no birth date to read: the clerk's tick


def test_an_organisation_is_never_elderly(register):
    company = register(
        applicant_type="organisation", applicant_name="平顶山市鑫源商贸有限公司",
        applicant_id_number="91410402MA44A0B15N", contact_person="刘经理", applicant_elderly=True,
    )  # fmt: skip
    assert company.priority_groups == []


def test_changing_the_groups_writes_an_event_and_keeps_elderly_derived(register, people):
    req = register(applicant_id_number=BORN_1949)

    req = svc.request_set_priority_groups(actor=people["desk"], request_id=req.pk, pregnant=True, note="核实")

    assert req.priority_groups == [PriorityGroup.ELDERLY, PriorityGroup.PREGNANT]
    [event] = events(req, "priority_groups_changed")
    assert event.actor == people["desk"] and "孕妇" in event.note
    with pytest.raises(DomainError):
        svc.request_set_priority_groups(actor=people["desk"], request_id=req.pk, pregnant=True)
    with pytest.raises(PermissionDenied):
        svc.request_set_priority_groups(actor=people["dept_user"], request_id=req.pk, military=True)


def test_a_request_linked_to_a_key_project_is_in_the_key_project_group(register, people):
    project = KeyProject.objects.create(name="高铁站片区", centre=people["desk"].staff_member.centre)
    req = svc.request_link_key_project(actor=people["leader"], request_id=register().pk, key_project_id=project.pk)
    assert req.priority_groups == [PriorityGroup.KEY_PROJECT]


# --- Elderly over the whole ID domain (hypothesis) -------------------------------------------------------------


def sixtieth_birthday(born: date) -> date:
    """An independent reading of 周岁: one born on 29 February turns 60 on 1 March when that year has none."""
    try:
        return born.replace(year=born.year + 60)
    except ValueError:
        return date(born.year + 60, 3, 1)


@st.composite
def numbers_ending_in_x(draw):
    province = draw(st.sampled_from(sorted(PROVINCE_CODES)))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date.today()))
    body = next(b for b in (f"{province}0000{born:%Y%m%d}{s:03d}" for s in range(100)) if check_digit(b) == "X")
    return IdType.RESIDENT_ID, body + "X"


@settings(max_examples=500, deadline=None)
@given(st.one_of(valid_numbers(), numbers_ending_in_x()), st.dates(min_value=date(1960, 1, 1), max_value=TODAY))
def test_elderly_is_derived_for_every_valid_number_and_day(generated, on):
    kind, number = generated
    born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    expected = on >= sixtieth_birthday(born)
    assert elderly_of(kind, number, on=on) is expected
    assert elderly_of(kind, number, on=on, ticked=not expected) is expected  # the tick never overrides the ID


@pytest.mark.parametrize(
    ("born", "on", "elderly"),
    [
        (date(1966, 11, 23), TODAY, True),  # 60 today
        (date(1966, 11, 24), TODAY, False),  # 60 tomorrow
        (date(1964, 2, 29), date(2024, 2, 28), False),
        (date(1964, 2, 29), date(2024, 2, 29), True),
        (date(1963, 2, 28), date(2023, 2, 28), True),
    ],
)
def test_the_sixtieth_birthday_is_the_first_elderly_day(born, on, elderly):
    body = f"410402{born:%Y%m%d}001"
    assert elderly_of(IdType.RESIDENT_ID, body + check_digit(body), on=on) is elderly


def test_elderly_follows_the_elderly_age_setting(settings):
    settings.ELDERLY_AGE = 80
    assert elderly_of(IdType.RESIDENT_ID, BORN_1949, on=TODAY) is False


# --- The queue ---------------------------------------------------------------------------------------------------


def queue_numbers(client, **params) -> list[str]:
    return [row.req.number for row in client.get(reverse("requests:queue"), params).context["rows"]]


def test_the_queue_lists_urgent_requests_first_by_internal_target(client, register, people):
    early = register(urgent=True, urgent_reason="急", urgent_target=date(2026, 11, 24))
    plain = register()
    late = register(urgent=True, urgent_reason="急")  # target 25 November
    newest = register()
    client.force_login(people["desk"])

    assert queue_numbers(client) == [early.number, late.number, newest.number, plain.number]
    html = client.get(reverse("requests:queue")).content.decode()
    assert html.count('class="tag urgent"') == 2 and "2 个急办件排在最前" in html
    assert "共 4 件" in html


def test_urgent_requests_are_not_listed_twice_across_pages(client, register, people):
    urgent = register(urgent=True, urgent_reason="急")
    others = [register() for _ in range(4)]
    client.force_login(people["desk"])

    first = client.get(reverse("requests:queue"), {"page_size": 2}).context
    second = client.get(reverse("requests:queue"), {"page_size": 2, "page": 2}).context
    third = client.get(reverse("requests:queue"), {"page_size": 2, "page": 3}).context
    listed = [row.req.pk for ctx in (first, second, third) for row in ctx["rows"]]

    assert listed[0] == urgent.pk and sorted(listed) == sorted([urgent.pk, *(r.pk for r in others)])
    assert first["page"].count == 5


def test_with_more_urgent_requests_than_pinned_the_pages_keep_them_all(client, register, people, monkeypatch):
    monkeypatch.setattr("requests.selectors.URGENT_FIRST_LIMIT", 1)
    later = register(urgent=True, urgent_reason="急")  # target 25 November
    sooner = register(urgent=True, urgent_reason="急", urgent_target=date(2026, 11, 24))
    plain = register()
    client.force_login(people["desk"])

    assert queue_numbers(client) == [sooner.number, plain.number, later.number]


def test_a_closed_urgent_request_is_listed_in_its_place(client, people, register):
    done = register(urgent=True, urgent_reason="急")
    svc.request_refuse(actor=people["desk"], request_id=done.pk, reason="不符合条件")
    newer = register()
    client.force_login(people["desk"])
    assert queue_numbers(client) == [newer.number, done.number]


def test_the_queue_shows_group_badges_and_filters_by_urgency_and_group(client, register, people):
    old = register(applicant_id_number=BORN_1949, applicant_name="老王")
    military = register(applicant_military=True)
    urgent = register(urgent=True, urgent_reason="急")
    client.force_login(people["desk"])

    html = client.get(reverse("requests:queue")).content.decode()
    assert "priority-elderly" in html and "老年人" in html and "军人军属" in html
    assert "1949" not in html  # the birth date behind the badge is never shown
    assert queue_numbers(client, urgent="true") == [urgent.number]
    assert queue_numbers(client, priority_group="elderly") == [old.number]
    assert queue_numbers(client, priority_group="military") == [military.number]
    assert client.get(reverse("requests:queue"), {"priority_group": "nobody"}).status_code == 400


def test_the_queue_with_urgent_requests_stays_within_twelve_queries(client, people, register, desk_requests):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    desk_requests(30, "accepted")
    desk = people["desk"].staff_member
    ServiceRequestFactory.create_batch(
        3,
        number=factory.Sequence(lambda n: f"URGENT-{n}"),
        centre=desk.centre,
        helper=desk,
        status="accepted",
        urgent=True,
        urgent_reason="急",
        urgent_target=date(2026, 11, 25),
        applicant_military=True,
    )
    client.force_login(people["desk"])
    client.get(reverse("requests:queue"))
    with CaptureQueriesContext(connection) as page:
        assert len(client.get(reverse("requests:queue")).context["rows"]) == 25 + 3
    assert len(page) <= 12, [q["sql"][:90] for q in page.captured_queries]


def test_the_request_page_offers_the_actions_and_shows_the_urgency(client, accepted, people):
    client.force_login(people["desk"])
    url = reverse("requests:act", args=[accepted.pk, "mark_urgent"])
    response = client.post(url, {"urgent_reason": "项目节点", "urgent_target": "2026-11-30"})
    assert response.status_code in (400, 409) and "早于承诺办结日期" in response.content.decode()

    response = client.post(url, {"urgent_reason": "项目节点", "urgent_target": "2026-11-26"}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and "项目节点" in html and "2026-11-26" in html
    assert ServiceRequest.objects.get(pk=accepted.pk).urgent_target == date(2026, 11, 26)


def test_the_registration_page_records_urgency_and_groups(client, people, matter):
    client.force_login(people["desk"])
    data = registration_form(matter, urgent="on", urgent_reason="明天开标", applicant_pregnant="on")
    response = client.post(reverse("requests:register"), data)
    req = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert (req.urgent, req.urgent_target, req.priority_groups) == (True, DEFAULT_TARGET, [PriorityGroup.PREGNANT])


# --- The API -----------------------------------------------------------------------------------------------------


def test_the_api_registers_marks_unmarks_lists_and_filters(people, matter, accepted):
    api = api_as(people["desk"])
    created = api.post(
        "/api/v1/requests/",
        registration_form(matter, applicant_disabled=True, urgent=True, urgent_reason="急"),
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["urgent"], body["urgent_target"], body["priority_groups"]) == (True, "2026-11-25", ["disabled"])
    assert body["urgent_reason"] == "急"

    url = f"/api/v1/requests/{accepted.pk}/mark_urgent/"
    assert api.post(url, {"urgent_reason": "急", "urgent_target": "2026-12-01"}, format="json").status_code == 400
    marked = api.post(url, {"urgent_reason": "急", "urgent_target": "2026-11-24"}, format="json")
    assert marked.status_code == 200 and marked.json()["urgent_target"] == "2026-11-24"
    assert api.post(url, {"urgent_reason": "急"}, format="json").status_code == 409
    assert "unmark_urgent" in marked.json()["allowed_actions"]

    listed = api.get("/api/v1/requests/", {"urgent": "true"}).json()["results"]
    assert {r["id"] for r in listed} == {accepted.pk, body["id"]}
    assert [r["id"] for r in api.get("/api/v1/requests/", {"priority_group": "disabled"}).json()["results"]] == [
        body["id"]
    ]
    unmarked = api.post(f"/api/v1/requests/{accepted.pk}/unmark_urgent/", {"note": "不急了"}, format="json")
    assert unmarked.status_code == 200 and unmarked.json()["urgent"] is False

    groups = api.post(f"/api/v1/requests/{accepted.pk}/set_priority_groups/", {"military": True}, format="json")
    assert groups.status_code == 200 and groups.json()["priority_groups"] == ["military"]
    assert api_as(people["dept_user"]).post(url, {"urgent_reason": "急"}, format="json").status_code == 403


def test_the_admin_lists_and_filters_urgent_requests_read_only(client, admin_user_role, register):
    urgent, plain = register(urgent=True, urgent_reason="急"), register()
    client.force_login(admin_user_role)
    html = client.get("/admin/requests/servicerequest/", {"urgent__exact": "1"}).content.decode()
    assert urgent.number in html and plain.number not in html
    page = client.get(f"/admin/requests/servicerequest/{urgent.pk}/change/").content.decode()
    assert "2026-11-25" in page or "2026年11月25日" in page
