"""Screenshot department parts with deadlines and escalation: the request page, the duty dashboard, the supervisor's
home page, into docs/screenshots/.

    .venv/bin/python docs/screenshot_department_parts.py

A scratch SQLite database in the system's temporary folder and a server on 127.0.0.1:8047 (see screenshot_session).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from screenshot_session import OUT, demo_env, fresh_demo, log_in, manage, served_browser

SCRATCH = Path(tempfile.gettempdir()) / "hall-docs-department-parts"
DB = SCRATCH / "db.sqlite3"
PORT = 8047
BASE = f"http://127.0.0.1:{PORT}"
ENV = demo_env(DB, SCRATCH / "media")

# Three parts of one request: the tax bureau's in parallel, added nine working days ago with a 3-day limit (overdue and
# escalated to the duty leader by today's sweep), the land registry's after it (waiting), and a third one in time.
SETUP = """
from datetime import datetime, time
from zoneinfo import ZoneInfo
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone
from hallservice.core.workdays import WorkingCalendar
from requests import services as svc
from requests.models import Matter
from requests.services.department_parts import escalate_department_tasks
from staff.models import Department
desk = get_user_model().objects.get(username="frontdesk")
matter = Matter.objects.filter(materials__isnull=False).first()
today = timezone.localdate()
start = WorkingCalendar().add_working_days(today, -6)
with time_machine.travel(datetime.combine(start, time(10), tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
    req = svc.request_register(actor=desk, data=svc.RegistrationInput(kind="assist", matter_id=matter.pk,
        applicant_name="欧阳娜娜", applicant_id_number="410402199003150023", applicant_phone="13812345678",
        category="key_project", provided_material_ids=[m.pk for m in matter.materials.all()],
        reason="企业开办涉及多个部门"))
    svc.request_accept(actor=desk, request_id=req.pk)
    svc.request_start(actor=desk, request_id=req.pk)
    departments = list(Department.objects.exclude(pk=req.lead_department_id).order_by("code")[:3])
    tax = svc.request_add_department_task(actor=desk, request_id=req.pk, department_id=departments[0].pk,
        description="核定契税并出具完税证明", working_days=3)
    svc.request_add_department_task(actor=desk, request_id=req.pk, department_id=departments[1].pk,
        description="不动产转移登记", working_days=5, after_id=tax.pk)
svc.request_add_department_task(actor=desk, request_id=req.pk, department_id=departments[2].pk,
    description="公积金提取审核")
escalate_department_tasks(today)
print(req.pk)
"""


def main() -> None:
    SCRATCH.mkdir(parents=True, exist_ok=True)
    fresh_demo(ENV, DB)
    request_id = manage(ENV, "shell", stdin=SETUP).split()[-1]
    with served_browser(ENV, PORT) as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        log_in(page, BASE, "frontdesk")
        page.goto(f"{BASE}/requests/{request_id}/")
        page.locator("#department-parts").screenshot(path=str(OUT / "page-request-department-parts.png"))
        page.context.clear_cookies()
        log_in(page, BASE, "dutyleader")
        page.goto(f"{BASE}/rosters/dashboard/")
        page.locator("#overdue-parts").screenshot(path=str(OUT / "page-duty-dashboard-overdue-parts.png"))
        page.context.clear_cookies()
        log_in(page, BASE, "supervisor")
        page.goto(f"{BASE}/")
        page.screenshot(path=str(OUT / "page-supervisor-home-overdue-parts.png"), full_page=True)
    print("written to", OUT)


if __name__ == "__main__":
    main()
