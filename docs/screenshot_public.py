"""Screenshot the citizens' pages at phone width (375 px) into docs/screenshots/public-*.png.

    .venv/bin/python docs/screenshot_public.py            # citizen pages only
    .venv/bin/python docs/screenshot_public.py --staff    # also the complaint pages, into /tmp/public-staff-*.png

Starts its own server on 127.0.0.1:8014 with a scratch SQLite database (/tmp/public-demo.sqlite3): migrate,
seed_demo, then a few requests and complaints in telling states. Drives Debian's chromium through Playwright.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from screenshot_session import OUT, demo_env, fresh_demo, log_in, manage, served_browser

DB = Path("/tmp/public-demo.sqlite3")
PORT = 8014
BASE = f"http://127.0.0.1:{PORT}"
ENV = demo_env(DB, "/tmp/public-demo-media", PUBLIC_BASE_URL=BASE)

SETUP = """
import json
from django.contrib.auth import get_user_model
from complaints import services as complaint_svc
from hallservice.core.actors import CITIZEN
from complaints.selectors import complaint_status_url
from requests import services as svc
from requests.models import Matter, MaterialStatus
from requests.services.documents import document_issue, track_token
from requests.services.public import request_status_url
User = get_user_model()
desk = User.objects.get(username="frontdesk")
supervisor = User.objects.get(username="supervisor")
matters = list(Matter.objects.filter(materials__isnull=False, handling_type="pending").distinct()[:3])
immediate = Matter.objects.filter(handling_type="immediate", materials__isnull=False).distinct().first()

def register(matter, name="欧阳娜娜", provide=True):
    return svc.request_register(actor=desk, data=svc.RegistrationInput(kind="assist", matter_id=matter.pk,
        applicant_name=name, applicant_id_number="410402199003150023", applicant_phone="13812345678",
        category="special_care", applicant_address="新华区建设路116号",
        provided_material_ids=[m.pk for m in matter.materials.all()] if provide else []))

running = register(matters[0])
svc.request_accept(actor=desk, request_id=running.pk)
svc.request_start(actor=desk, request_id=running.pk)
svc.request_report_progress(actor=desk, request_id=running.pk,
    text="材料已递交不动产登记窗口审核，已与欧阳娜娜电话（13812345678）确认缴税信息。")
document_issue(actor=desk, request_id=running.pk, kind="completion_form") if False else None

deficient = register(matters[1], name="李建国", provide=False)
svc.request_review_materials(actor=desk, request_id=deficient.pk, reviews=[
    {"check_id": c.pk, "status": MaterialStatus.PROVIDED if j == 0 else MaterialStatus.MISSING}
    for j, c in enumerate(deficient.material_checks.all())])
svc.request_issue_deficiency_notice(actor=desk, request_id=deficient.pk)

done = register(immediate, name="王秀兰")
svc.request_accept(actor=desk, request_id=done.pk)
svc.request_deliver(actor=desk, request_id=done.pk, method="on_the_spot", signer="王秀兰", result="查询结果已打印")

poor = register(immediate, name="赵德才")
svc.request_accept(actor=desk, request_id=poor.pk)
svc.request_deliver(actor=desk, request_id=poor.pk, method="on_the_spot", signer="赵德才", result="查询结果")
svc.request_evaluate(actor=CITIZEN, request_id=poor.pk, rating=2, efficiency=2, service_level=3, attitude=1,
    comment="排队一个多小时，窗口人员态度冷淡")

agency = svc.request_register(actor=desk, data=svc.RegistrationInput(kind="agency", matter_id=matters[2].pk,
    applicant_name="陈光明", applicant_id_number="110105198001011238", applicant_phone="13900001111",
    provided_material_ids=[m.pk for m in matters[2].materials.all()]))
doc = document_issue(actor=desk, request_id=agency.pk, kind="notice_of_duties")

complaint = complaint_svc.complaint_register(actor=CITIZEN, source="online", category="not_one_visit",
    content="办理不动产登记跑了三趟，每次都说缺不同的材料，没有一次性告知。", centre_id=running.centre_id,
    request_number=running.number, name="欧阳娜娜", contact="13812345678")
complaint_svc.complaint_accept(actor=supervisor, complaint_id=complaint.pk)
complaint_svc.complaint_investigate(actor=supervisor, complaint_id=complaint.pk, note="调取窗口录像")
complaint_svc.complaint_respond(actor=supervisor, complaint_id=complaint.pk,
    response="经核实，窗口未执行一次性告知制度。已对相关人员批评教育，并安排专人为您全程代办。", substantiated=True,
    findings="窗口人员未出具一次性告知单")
open_one = complaint_svc.complaint_register(actor=CITIZEN, source="status_page", category="attitude", content="电话一直占线",
    centre_id=running.centre_id, anonymous=True)
print("JSON" + json.dumps({
    "running": request_status_url(running), "deficient": request_status_url(deficient),
    "done": request_status_url(done), "poor": request_status_url(poor), "running_number": running.number,
    "running_code": running.lookup_code,
    "document": "/track/d/" + track_token(request_id=agency.pk, kind=doc.kind, version=doc.version) + "/",
    "complaint": complaint_status_url(complaint), "complaint_pk": complaint.pk,
}))
"""


def main() -> None:
    staff = "--staff" in sys.argv
    fresh_demo(ENV, DB)
    out = manage(ENV, "shell", stdin=SETUP)
    urls = json.loads(out[out.index("JSON") + 4 :].strip().splitlines()[0])
    with served_browser(ENV, PORT) as browser:
        phone = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=1)
        page = phone.new_page()

        def shot(name: str, url: str | None = None, full: bool = True) -> None:
            if url:
                page.goto(BASE + url)
            page.screenshot(path=str(OUT / f"public-{name}.png"), full_page=full)

        shot("home", "/track/")
        page.fill("#id_number", "XH-20990101-0001")
        page.fill("#id_code", "WRONG123")
        page.click("button.primary")
        shot("lookup-not-found")
        page.fill("#id_number", urls["running_number"])
        page.fill("#id_code", urls["running_code"])
        page.click("button.primary")
        page.wait_for_url("**/track/r/**")
        shot("status")
        shot("status-deficient", urls["deficient"])
        shot("status-delivered", urls["done"])
        shot("evaluate", urls["done"] + "evaluate/")
        page.click("label.choice:has-text('不满意') >> nth=0")
        shot("evaluate-filled", full=True)
        shot("document-check", urls["document"])
        shot("consult", "/track/consult/")
        page.fill("#id_name", "周九")
        page.fill("#id_phone", "13700002222")
        page.fill("#id_question", "办理二手房过户需要带哪些材料？")
        page.click("button.primary")
        page.wait_for_url("**/consult/done/")
        shot("consult-done")
        shot("complain", "/track/complain/")
        page.click("button.primary")  # empty: the errors
        shot("complain-errors")
        page.check("input[name=category][value=not_one_visit]")
        page.fill("#id_content", "窗口说今天系统故障，让我明天再来。<script>alert(1)</script>")
        page.check("#id_anonymous")
        page.click("button.primary")
        page.wait_for_url("**/complain/done/")
        shot("complain-done")
        shot("complaint", urls["complaint"])
        # Elder-friendly mode: the switch in the header, remembered by a cookie.
        page.goto(BASE + urls["running"])
        page.click(".elder-switch button")
        page.wait_for_load_state()
        shot("status-elder")
        shot("home-elder", "/track/")
        shot("evaluate-elder", urls["done"] + "evaluate/")
        page.click(".elder-switch button")
        for i in range(25):  # a flood of failed lookups ends in 429
            page.goto(BASE + "/track/")
            page.fill("#id_number", f"XH-20990101-{i:04d}")
            page.fill("#id_code", "WRONG123")
            page.click("button.primary")
            if "尝试次数过多" in page.content():
                break
        shot("throttled")
        if staff:
            desk = browser.new_context(viewport={"width": 1280, "height": 900})
            spage = desk.new_page()
            log_in(spage, BASE, "supervisor")
            for name, url in [
                ("complaints", "/complaints/"),
                ("dashboard", "/complaints/dashboard/"),
                ("complaint", f"/complaints/{urls['complaint_pk']}/"),
                ("evaluations", "/evaluations/"),
                ("consultations", "/consultations/"),
            ]:
                spage.goto(BASE + url)
                spage.screenshot(path=f"/tmp/public-staff-{name}.png", full_page=True)
    print("written to", OUT)


if __name__ == "__main__":
    main()
