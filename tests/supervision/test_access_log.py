"""The personal-data access log (PIPL, issue 15 item 5): who opened unmasked personal data, shown to supervisors."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib import admin
from django.urls import reverse

from requests.models import AccessKind, PersonalDataAccess
from staff.roles import Role
from tests.conftest import make_staff_user
from tests.factories import DistrictFactory, ServiceRequestFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
ID_NUMBER = "110101198001013211"


@pytest.fixture(autouse=True)
def _sessions_survive_time_travel(settings):
    settings.SESSION_COOKIE_AGE = 60 * 60 * 24 * 366 * 3


@pytest.fixture
def req(hall, front_desk_user):
    return ServiceRequestFactory(
        centre=hall["district"], helper=front_desk_user.staff_member, status="accepted", applicant_name="陈七"
    )


def test_a_supervisor_opening_an_unmasked_request_page_is_recorded(client, supervisor_user, req):
    client.force_login(supervisor_user)
    assert client.get(reverse("requests:detail", args=[req.pk])).status_code == 200
    access = PersonalDataAccess.objects.get()
    assert (access.actor, access.request, access.kind, access.centre) == (
        supervisor_user,
        req,
        AccessKind.VIEW,
        req.centre,
    )


def test_opening_the_page_again_within_a_minute_is_one_entry_and_later_another(client, supervisor_user, req):
    url = reverse("requests:detail", args=[req.pk])
    start = datetime(2026, 12, 9, 10, 0, tzinfo=SHANGHAI)
    with time_machine.travel(start, tick=False):
        client.force_login(supervisor_user)
        client.get(url)
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        client.get(url)
    assert PersonalDataAccess.objects.count() == 1
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        client.get(url)
    assert PersonalDataAccess.objects.count() == 2


def test_a_front_desk_seeing_the_masked_page_is_not_recorded(client, hall, req):
    other_desk = make_staff_user(role=Role.FRONT_DESK, centre=hall["district"], username="desk-b")
    client.force_login(other_desk)
    assert client.get(reverse("requests:detail", args=[req.pk])).status_code == 200
    assert not PersonalDataAccess.objects.exists()


def test_the_access_log_is_shown_to_supervisors_and_not_to_front_desks(client, supervisor_user, front_desk_user, req):
    client.force_login(supervisor_user)
    client.get(reverse("requests:detail", args=[req.pk]))
    page = client.get(reverse("supervision:access-log"))
    assert page.status_code == 200
    html = page.content.decode()
    assert req.number in html and supervisor_user.staff_member.name in html
    client.force_login(front_desk_user)
    assert client.get(reverse("supervision:access-log")).status_code == 403


def test_a_supervisor_of_another_district_does_not_see_the_entries(client, supervisor_user, req):
    client.force_login(supervisor_user)
    client.get(reverse("requests:detail", args=[req.pk]))
    foreign = make_staff_user(role=Role.SUPERVISOR, centre=DistrictFactory(code="OT"), username="ot-sup")
    client.force_login(foreign)
    page = client.get(reverse("supervision:access-log"))
    assert page.status_code == 200
    assert req.number not in page.content.decode()
    assert list(page.context["page"]) == []


def test_the_log_filters_by_staff_member_and_date(client, hall, supervisor_user, req):
    second = make_staff_user(role=Role.SUPERVISOR, centre=hall["district"], username="sup-b", name="孙督查")
    with time_machine.travel(datetime(2026, 12, 1, 10, tzinfo=SHANGHAI), tick=False):
        client.force_login(supervisor_user)
        client.get(reverse("requests:detail", args=[req.pk]))
    with time_machine.travel(datetime(2026, 12, 8, 10, tzinfo=SHANGHAI), tick=False):
        client.force_login(second)
        client.get(reverse("requests:detail", args=[req.pk]))
    url = reverse("supervision:access-log")
    by_staff = client.get(url, {"staff": second.staff_member.pk})
    assert [e.actor for e in by_staff.context["page"]] == [second]
    by_date = client.get(url, {"date_from": "2026-12-01", "date_to": "2026-12-02"})
    assert [e.actor for e in by_date.context["page"]] == [supervisor_user]
    assert client.get(url, {"date_from": "2026-12-08", "date_to": "2026-12-01"}).status_code == 400


def test_a_search_by_full_id_number_is_recorded_without_the_number(client, supervisor_user, req):
    client.force_login(supervisor_user)
    client.post(reverse("requests:lookup"), {"value": ID_NUMBER})
    access = PersonalDataAccess.objects.get()
    assert access.kind == AccessKind.SEARCH and access.request is None
    assert access.centre == supervisor_user.staff_member.centre
    assert ID_NUMBER not in str(vars(access))
    page = client.get(reverse("supervision:access-log"))
    assert "按完整身份证号或手机号查询" in page.content.decode()


def test_the_admin_shows_the_log_read_only(rf, supervisor_user):
    model_admin = admin.site._registry[PersonalDataAccess]
    request = rf.get("/")
    request.user = supervisor_user
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
