"""Screenshot the appointment pages (issue 19) into docs/screenshots/: the citizens' booking at phone width (375 px:
choose the department, the free half-days, the booking code, lookup, cancel) and the hall's pages at desktop width
(the desk's check-in list, the queue ticket, the places page). Checks on the way that no phone page scrolls
sideways and that the desk's list shows phones masked only.

    .venv/bin/python docs/screenshot_appointments.py

Starts its own server on 127.0.0.1:8017 with a scratch SQLite database (/tmp/appointments-demo.sqlite3): migrate,
seed_demo (which sets the demo places), then bookings for today made "yesterday", two of them checked in.
"""

from __future__ import annotations

import json
from pathlib import Path

from screenshot_session import OUT, demo_env, fresh_demo, log_in, manage, served_browser

DB = Path("/tmp/appointments-demo.sqlite3")
PORT = 8017
BASE = f"http://127.0.0.1:{PORT}"
ENV = demo_env(DB, "/tmp/appointments-demo-media", PUBLIC_BASE_URL=BASE)

SETUP = """
import json
from datetime import datetime, time, timedelta
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone
from hallservice.core.workdays import WorkingCalendar
from requests.models import Appointment
from requests.services import appointments as appt
from staff.models import ServiceCentre
User = get_user_model()
desk = User.objects.get(username="frontdesk")
centre = desk.staff_member.centre
department = next(d for d in appt.window_departments(centre) if d.is_high_volume)
calendar = WorkingCalendar()
today = timezone.localdate()
while not calendar.is_working_day(today):
    today += timedelta(days=1)
day_before = today - timedelta(days=1)
while not calendar.is_working_day(day_before):
    day_before -= timedelta(days=1)
tz = timezone.get_current_timezone()
people = [("欧阳娜娜", "13812345678", "morning", []), ("李建国", "13900001111", "morning", ["elderly"]),
    ("王秀兰", "13700002222", "morning", []), ("赵德才", "13600003333", "afternoon", ["disabled"]),
    ("陈光明", "13500004444", "afternoon", [])]
booked = []
with time_machine.travel(datetime.combine(day_before, time(15)).replace(tzinfo=tz), tick=False):
    for name, phone, half, groups in people:
        booked.append(appt.appointment_book(centre_id=centre.pk, department_id=department.pk, day=today,
            half_day=half, name=name, phone=phone, question="办理二手房转移登记", priority_groups=groups))
with time_machine.travel(datetime.combine(today, time(9, 10)).replace(tzinfo=tz), tick=False):
    appt.appointment_check_in(actor=desk, appointment_id=booked[0].pk)
    ticket = appt.appointment_check_in(actor=desk, appointment_id=booked[1].pk)
with time_machine.travel(datetime.combine(today, time(10, 30)).replace(tzinfo=tz), tick=False):
    appt.appointment_mark_no_show(actor=desk, appointment_id=booked[2].pk)
print("JSON" + json.dumps({"centre": centre.pk, "department": department.pk, "ticket": ticket.pk,
    "today": today.isoformat()}))
"""


def no_sideways_scroll(page, name: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{name}: the page is {width} px wide at 375 px"


def main() -> None:
    fresh_demo(ENV, DB)
    out = manage(ENV, "shell", stdin=SETUP)
    facts = json.loads(out[out.index("JSON") + 4 :].strip().splitlines()[0])
    with served_browser(ENV, PORT) as browser:
        phone = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=1)
        page = phone.new_page()

        def shot(name: str, url: str | None = None) -> None:
            if url:
                page.goto(BASE + url)
            no_sideways_scroll(page, name)
            page.screenshot(path=str(OUT / f"public-{name}.png"), full_page=True)

        shot("book-choose", "/track/book/")
        page.select_option("#id_department", str(facts["department"]))
        page.click(".appt-choose button")
        page.wait_for_selector("input[name=slot]")
        offered = page.locator("input[name=slot]").count()
        assert offered > 0, "no free half-day offered"
        page.check("input[name=slot] >> nth=1")
        page.fill("#id_name", "周九")
        page.fill("#id_phone", "13700009999")
        page.fill("#id_question", "二手房过户，想预约办理")
        page.check("input[name=priority_groups][value=elderly]")
        shot("book-slots")
        page.click("button.primary")  # Book
        page.wait_for_url("**/track/book/done/")
        code = page.locator(".appt-code").inner_text().strip()
        assert len(code) == 6, code
        assert "137****9999" in page.content() and "13700009999" not in page.content()
        shot("book-done")
        shot("booking-lookup", "/track/booking/")
        page.fill("#id_code", code)
        page.fill("#id_phone_tail", "9999")
        page.click("button.primary")
        page.wait_for_selector("button.danger")
        shot("booking")
        page.click("button.danger")
        page.wait_for_load_state()
        assert "已取消" in page.content()
        shot("booking-cancelled")

        desk = browser.new_context(viewport={"width": 1280, "height": 800})
        spage = desk.new_page()
        log_in(spage, BASE, "frontdesk")
        spage.goto(BASE + "/appointments/")
        text = spage.content()
        assert "138****5678" in text and "13812345678" not in text, "the desk's list shows a phone unmasked"
        assert "A001" in text and "Y001" in text
        spage.screenshot(path=str(OUT / "page-appointments-desk.png"), full_page=True)
        spage.goto(BASE + f"/appointments/{facts['ticket']}/ticket/")
        spage.screenshot(path=str(OUT / "page-appointment-ticket.png"), full_page=True)
        spage.emulate_media(media="print")
        spage.screenshot(path=str(OUT / "page-appointment-ticket-print.png"), full_page=True)
        sup = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
        log_in(sup, BASE, "supervisor")
        sup.goto(BASE + f"/appointments/places/?centre={facts['centre']}&department={facts['department']}")
        sup.screenshot(path=str(OUT / "page-appointment-places.png"), full_page=True)
    print("written to", OUT)


if __name__ == "__main__":
    main()
