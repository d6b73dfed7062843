"""Login, navigation per role, home pages, language switch and the admin."""

import pytest
from django.urls import reverse

from staff.roles import Role
from tests.conftest import make_staff_user

pytestmark = pytest.mark.django_db


def test_login_page_is_in_chinese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="zh-hans"' in html
    assert "登录" in html


def test_anonymous_home_redirects_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_bad_password_shows_a_chinese_error(client, front_desk_user):
    response = client.post(reverse("login"), {"username": "clerk", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "sees_admin", "sees_api"),
    [
        (Role.FRONT_DESK, False, False),
        (Role.DUTY_LEADER, False, False),
        (Role.SUPERVISOR, False, True),
        (Role.DEPARTMENT_USER, False, False),
        (Role.ADMIN, True, True),
    ],
)
def test_each_role_logs_in_and_sees_its_navigation(client, hall, role, sees_admin, sees_api):
    make_staff_user(role=role, centre=hall["district"], username=f"u-{role}")
    response = client.post(reverse("login"), {"username": f"u-{role}", "password": "pass-word-123"}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("requests:matter-list") in html
    assert (f'href="{reverse("admin:index")}"' in html) is sees_admin
    assert (f'href="{reverse("api-docs")}"' in html) is sees_api
    assert str(Role(role).label) in html or Role(role).value in html


def test_supervisor_sees_calendar_banner_for_missing_year(client, supervisor_user, front_desk_user, settings):
    client.force_login(supervisor_user)
    html = client.get("/").content.decode()
    assert "2027" in html  # chinese-calendar does not know 2027; the banner asks for the holidays
    client.force_login(front_desk_user)
    assert 'role="alert"' not in client.get("/").content.decode()


def test_language_can_be_switched_to_english(client, front_desk_user):
    client.force_login(front_desk_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert 'lang="en"' in html
    assert "Log out" in html


def test_admin_lists_reference_data(client, admin_user_role):
    client.force_login(admin_user_role)
    for name in [
        "staff_servicecentre",
        "staff_department",
        "staff_window",
        "staff_staffmember",
        "requests_matter",
        "requests_requiredmaterial",
        "hallservice_calendaroverride",
    ]:
        response = client.get(reverse(f"admin:{name}_changelist"))
        assert response.status_code == 200, name


def test_front_desk_cannot_open_admin(client, front_desk_user):
    client.force_login(front_desk_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_an_english_browser_still_gets_chinese_until_the_user_switches(client):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in html and "登录" in html


def test_home_shows_a_helpers_work_and_a_supervisors_pending_extensions(client, hall):
    from requests import services as svc
    from tests.factories import MatterFactory, RequiredMaterialFactory, registration_input

    clerk = make_staff_user(role=Role.FRONT_DESK, centre=hall["district"], username="home-clerk", name="王帮办")
    supervisor = make_staff_user(role=Role.SUPERVISOR, centre=hall["district"], username="home-sup")
    matter = MatterFactory(time_limit_days=5)
    material = RequiredMaterialFactory(matter=matter)
    req = svc.request_register(
        actor=clerk,
        data=registration_input(matter, provided_material_ids=[material.pk]),
    )
    svc.request_accept(actor=clerk, request_id=req.pk)
    svc.request_request_extension(actor=clerk, request_id=req.pk, working_days=3, reason="需要现场勘验")
    client.force_login(clerk)
    html = client.get("/").content.decode()
    assert 'class="count">1<' in html  # one request being handled
    client.force_login(supervisor)
    html = client.get("/").content.decode()
    assert req.number in html and "需要现场勘验" in html
