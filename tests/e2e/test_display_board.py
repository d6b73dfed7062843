"""The hall's TV at 1920 × 1080 shows the display board (/board/XH/) and rides out a network blip: a failed poll (the
server answers 500, then the request does not get through at all) keeps the board's content with a "connection
lost, last updated HH:MM" note; the next poll that gets through brings the board up to date and the note goes."""

import re
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from guide.models import Notice
from staff.models import StaffKind
from tests.factories import DepartmentFactory, StaffMemberFactory, WindowFactory

from .conftest import JOURNEY, no_errors

pytestmark = JOURNEY

TV = {"viewport": {"width": 1920, "height": 1080}}
LIVE = re.compile(r"/board/XH/live/")


@pytest.fixture
def tv_hall(hall, settings):
    """XH with a window helper (at their own window on a working day, or listed on none on a closed one) and a
    notice from today; the board polls every second and caches nothing, so a test need not wait."""
    settings.DISPLAY_BOARD_REFRESH_SECONDS = 1
    settings.DISPLAY_BOARD_CACHE_SECONDS = 0
    department = DepartmentFactory(code="SCJG", name="市场监督管理局")
    window = WindowFactory(
        centre=hall["district"], number="B03", name="个体工商户登记窗口", floor=2, department=department
    )
    StaffMemberFactory(
        centre=hall["district"], name="朱晓东", kind=StaffKind.WINDOW_HELPER, department=department, window=window
    )
    Notice.objects.create(centre=hall["district"], text="一号通知：帮办代办全程免费", starts_on=timezone.localdate())
    return hall


def test_the_board_keeps_its_content_when_a_poll_fails_and_recovers(pages, tv_hall):
    tv = pages("tv", **TV)
    page = tv.page

    page.goto("/board/XH/")
    expect(page.locator(".board-title h1")).to_have_text("新华区政务服务中心")
    expect(page.locator("[data-board-notices] li.is-current")).to_have_text("一号通知：帮办代办全程免费")
    expect(page.locator("#board-offline")).to_be_hidden()
    updated = page.locator("[data-updated]").get_attribute("data-updated")
    assert re.fullmatch(r"\d\d:\d\d", updated)
    # The page fills the TV without scrolling.
    assert page.evaluate("document.documentElement.scrollHeight") <= 1080
    assert page.evaluate("document.documentElement.scrollWidth") <= 1920

    # The server fails the next polls: the content stays, with the note.
    page.route(LIVE, lambda route: route.fulfill(status=500, body="Server Error"))
    note = page.locator("#board-offline")
    expect(note).to_be_visible()
    expect(note).to_contain_text("网络连接中断")
    expect(note).to_contain_text(updated)
    expect(page.locator("[data-board-notices] li.is-current")).to_have_text("一号通知：帮办代办全程免费")
    expect(page.locator(".board-numbers dt").first).to_have_text("今日登记")

    # Then nothing gets through at all (the network is down): still the same content and the note.
    page.unroute(LIVE)
    page.route(LIVE, lambda route: route.abort("internetdisconnected"))
    page.wait_for_timeout(2500)
    expect(note).to_be_visible()
    expect(page.locator(".board-title h1")).to_have_text("新华区政务服务中心")
    expect(page.locator("[data-board-notices] li.is-current")).to_have_text("一号通知：帮办代办全程免费")

    # Meanwhile a supervisor replaces the notice; the network comes back and the next poll shows it.
    Notice.objects.update(text="二号通知：元旦假期安排", starts_on=date(2026, 1, 1))
    page.unroute(LIVE)
    expect(note).to_be_hidden()
    expect(page.locator("[data-board-notices] li.is-current")).to_have_text("二号通知：元旦假期安排")
    no_errors(tv, expected=(r"500", r"ERR_INTERNET_DISCONNECTED", r"Response Status Error", r"htmx"))
