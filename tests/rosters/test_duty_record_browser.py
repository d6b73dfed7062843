"""The duty record page in Debian's chromium, on a 375 px phone and a 1280 px desktop: the duty leader reads what the
helpers wrote (two versions) and signs it off; nothing is wider than the screen. Saves the page images under
docs/screenshots/ (rosters-duty-record.png, rosters-duty-record-phone.png)."""

from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

from rosters.models import DutyDay, DutyRecordStatus
from rosters.services import duty_record_edit, duty_record_write
from tests.browser import BROWSER_MODULE, chromium, sign_in

from .conftest import SHANGHAI, at, own_day_and_free_leader

pytestmark = BROWSER_MODULE
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@pytest.mark.parametrize(
    ("options", "image"), [(PHONE, "rosters-duty-record-phone.png"), (DESKTOP, "rosters-duty-record.png")]
)
def test_the_duty_leader_signs_off_the_record_on_phone_and_desktop(
    roster_hall, published, live_server, options, image
):
    h = roster_hall
    _leader, day, _substitute = own_day_and_free_leader(h, published)
    duty_day = DutyDay.objects.get(plan=published, day=day)
    with at(day.year, day.month, day.day, 16, 30):
        record = duty_record_write(
            actor=h["helper_user"],
            duty_day_id=duty_day.pk,
            content="受理帮办事项 5 件：不动产登记 3 件、公积金提取 2 件，均已陪同到窗口递交。\n代办事项 1 件（企业开办），材料已交接。",
        )
    with at(day.year, day.month, day.day, 17, 10):
        duty_record_edit(
            actor=h["helper_user"],
            record_id=record.pk,
            content=record.content + "\n17:00 一名老年群众咨询社保卡补办，已引导至 B05 窗口。",
        )
    url = live_server.url + reverse("rosters:duty-record", args=[duty_day.pk])
    # The evening of the duty, with the clock running: the leader reviews what the helpers wrote.
    with (
        time_machine.travel(datetime(day.year, day.month, day.day, 17, 30, tzinfo=SHANGHAI), tick=True),
        chromium() as browser,
    ):
        context = browser.new_context(**options)
        sign_in(context, h["leader_user"], live_server.url)
        page = context.new_page()
        page.goto(url)
        assert page.locator("h1").inner_text().startswith(("Duty record", "值班记录"))
        width = options["viewport"]["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.locator("textarea[name=comment]").fill("记录完整，交接清楚。")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / image), full_page=True)
        button = page.locator(".duty-record-review button[type=submit]")
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        button.click()
        page.wait_for_load_state()
        assert page.locator(".duty-record-review").count() == 0
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        context.close()
    record.refresh_from_db()
    assert record.status == DutyRecordStatus.REVIEWED and record.review_comment == "记录完整，交接清楚。"
