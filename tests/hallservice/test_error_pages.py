"""Issue 14 item 16: bad or truncated links and refusals answer Chinese 403, 404, 500 and 429 pages in the
citizens' layout under /track/ (elder mode included), the staff layout elsewhere and JSON under /api/."""

import pytest
from django.core.cache import cache
from django.test import Client

from staff.roles import Role
from tests.conftest import make_staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production_handlers(settings):
    # Django shows its technical pages in DEBUG; the hall's handlers answer when it is off, as in production.
    settings.DEBUG = False
    cache.clear()


def test_a_truncated_status_link_answers_a_chinese_404_in_the_citizens_layout(client, hall):
    response = client.get("/track/r/garbage/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page and "编号和查询码" in page and "查询我的办件" in page
    assert "Not Found" not in page and "The requested resource" not in page
    assert "长辈模式" in page  # the citizens' switch is on the page
    assert "新华区政务服务中心" in page


def test_the_404_page_keeps_elder_mode_on(client, hall):
    client.cookies["hall_elder"] = "1"
    page = client.get("/track/c/garbage/").content.decode()
    assert 'class="elder"' in page and "页面不存在" in page


def test_a_staff_page_that_does_not_exist_answers_a_chinese_404_in_the_staff_layout(client, front_desk_user):
    client.force_login(front_desk_user)
    response = client.get("/requests/999999999/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page and "返回首页" in page and "长辈模式" not in page


def test_a_refused_staff_page_answers_a_chinese_403(client, hall):
    user = make_staff_user(role=Role.DEPARTMENT_USER, centre=hall["district"], username="dept")
    client.force_login(user)
    response = client.get("/requests/new/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in page and "403 Forbidden" not in page


def test_an_expired_form_answers_a_chinese_403_not_djangos_csrf_page(hall):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/track/", {"number": "XH-20261123-0001", "code": "ABCD2345"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期" in page and "CSRF" not in page


def test_too_many_lookups_answer_the_chinese_429_page_with_the_wait(client, hall, settings):
    settings.PUBLIC_THROTTLE_RATES = {**settings.PUBLIC_THROTTLE_RATES, "lookup_address": "1/3600"}
    client.cookies["hall_elder"] = "1"
    client.post("/track/", {"number": "XH-20261123-0001", "code": "ZZZZZZZZ"})
    response = client.post("/track/", {"number": "XH-20261123-0002", "code": "ZZZZZZZZ"})
    page = response.content.decode()
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 3600
    assert "尝试次数过多" in page
    assert 'class="elder"' in page


@pytest.mark.urls("tests.hallservice.error_urls")
@pytest.mark.parametrize("url, public", [("/boom/", False), ("/track/boom/", True)])
def test_a_server_error_answers_a_chinese_500_page(hall, url, public):
    client = Client(raise_request_exception=False)
    client.cookies["hall_elder"] = "1"
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 500
    assert "系统出错了" in page and "Server Error" not in page and "database went away" not in page
    assert ('href="/track/"' in page) == public
    assert 'class="elder"' in page


@pytest.mark.urls("tests.hallservice.error_urls")
def test_the_api_answers_errors_in_json(hall):
    client = Client(raise_request_exception=False)
    missing = client.get("/api/v1/no-such-thing/")
    assert missing.status_code == 404 and missing.json() == {"detail": "未找到。"}
    failed = client.get("/api/v1/boom/")
    assert failed.status_code == 500 and "系统出错了" in failed.json()["detail"]
