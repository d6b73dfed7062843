"""Staff sessions end after SESSION_IDLE_TIMEOUT seconds without a request (default 30 minutes) and 10 hours
after sign-in however active; the citizens' pages are unaffected; the elder-mode cookie is Secure in
production (issue 15, item 14)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from hallservice.core.middleware import IdleSessionTimeoutMiddleware

pytestmark = pytest.mark.django_db

MORNING = datetime(2026, 12, 7, 8, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def idle_limit(settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    settings.SESSION_COOKIE_AGE = 10 * 60 * 60


def signed_in(client, user, at):
    with time_machine.travel(at, tick=False):
        client.force_login(user)
        assert client.get(reverse("home")).status_code == 200


def test_a_clerk_idle_for_31_minutes_is_logged_out_and_told_why(client, front_desk_user, idle_limit):
    signed_in(client, front_desk_user, MORNING)
    with time_machine.travel(MORNING + timedelta(minutes=31), tick=False):
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        page = client.get(response["Location"]).content.decode()
        assert "您已长时间未操作，请重新登录" in page
        assert "您已长时间未操作" not in client.get(reverse("login")).content.decode()  # said once
        assert client.get(reverse("home")).status_code == 302  # still logged out


def test_a_clerk_working_every_20_minutes_stays_signed_in(client, front_desk_user, idle_limit):
    signed_in(client, front_desk_user, MORNING)
    for minutes in (20, 40, 60, 80):
        with time_machine.travel(MORNING + timedelta(minutes=minutes), tick=False):
            assert client.get(reverse("home")).status_code == 200


def test_the_last_seen_time_is_written_at_most_once_a_minute(client, front_desk_user, idle_limit):
    signed_in(client, front_desk_user, MORNING)
    # The session is read back inside the travelled time: read later (after 18:30 that day, real time), the
    # store would find it past its 10-hour expiry and hand back an empty one.
    with time_machine.travel(MORNING + timedelta(seconds=30), tick=False):
        client.get(reverse("home"))
        assert client.session[IdleSessionTimeoutMiddleware.LAST_SEEN] == int(MORNING.timestamp())
    with time_machine.travel(MORNING + timedelta(seconds=90), tick=False):
        client.get(reverse("home"))
        assert client.session[IdleSessionTimeoutMiddleware.LAST_SEEN] == int(MORNING.timestamp()) + 90


def test_the_ten_hour_limit_holds_however_active(client, front_desk_user, idle_limit):
    signed_in(client, front_desk_user, MORNING)
    for minutes in range(20, 10 * 60, 20):
        with time_machine.travel(MORNING + timedelta(minutes=minutes), tick=False):
            assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(MORNING + timedelta(hours=10, minutes=1), tick=False):
        assert client.get(reverse("home")).status_code == 302


def test_the_idle_limit_is_configurable(client, front_desk_user, idle_limit, settings):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    signed_in(client, front_desk_user, MORNING)
    with time_machine.travel(MORNING + timedelta(minutes=6), tick=False):
        assert client.get(reverse("home")).status_code == 302


def test_an_htmx_request_after_the_idle_limit_is_sent_to_the_login_page(client, front_desk_user, idle_limit):
    signed_in(client, front_desk_user, MORNING)
    with time_machine.travel(MORNING + timedelta(minutes=45), tick=False):
        response = client.get(reverse("home"), headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"] == reverse("login")


def test_public_pages_are_served_after_the_idle_limit(client, front_desk_user, idle_limit, hall):
    signed_in(client, front_desk_user, MORNING)
    with time_machine.travel(MORNING + timedelta(hours=2), tick=False):
        assert client.get("/track/").status_code == 200
    with time_machine.travel(MORNING + timedelta(hours=3), tick=False):
        assert client.get("/track/").status_code == 200  # a citizen's page never needed the login


def test_the_elder_cookie_is_secure_in_production(client, settings):
    settings.SESSION_COOKIE_SECURE = True  # what DEBUG off sets
    response = client.post("/track/mode/", {"elder": "1", "next": "/track/"}, secure=True)
    assert response.cookies["hall_elder"]["secure"] is True
    settings.SESSION_COOKIE_SECURE = False  # `make run` on plain HTTP
    response = client.post("/track/mode/", {"elder": "1", "next": "/track/"})
    assert not response.cookies["hall_elder"]["secure"]
