"""Screenshot the main staff pages with a demo hall and a few requests, into docs/screenshots/.

    .venv/bin/python docs/screenshot_pages.py

Starts its own server on 127.0.0.1:8013 with a scratch SQLite database under var/; drives Debian's chromium
through Playwright (no browser download).
"""

from __future__ import annotations

from screenshot_session import OUT, ROOT, demo_env, fresh_demo, log_in, manage, served_browser

DB = ROOT / "var" / "docs-pages.sqlite3"
PORT = 8013
BASE = f"http://127.0.0.1:{PORT}"
ENV = demo_env(DB, ROOT / "var" / "docs-media")

SETUP = """
from django.contrib.auth import get_user_model
from requests import services as svc
from requests.models import Matter, MaterialStatus
desk = get_user_model().objects.get(username="frontdesk")
matters = list(Matter.objects.filter(materials__isnull=False).distinct()[:6])
people = [("欧阳娜娜", "410402199003150023", "13812345678"), ("李建国", "110105198001011238", "13900001111"),
          ("王秀兰", "11010519491231002X", "13700002222")]
made = []
for i, matter in enumerate(matters):
    name, idn, phone = people[i % 3]
    req = svc.request_register(actor=desk, data=svc.RegistrationInput(kind="agency" if i % 2 else "assist",
        matter_id=matter.pk, applicant_name=name, applicant_id_number=idn, applicant_phone=phone,
        category="special_care", provided_material_ids=[m.pk for m in matter.materials.all()][: (1 if i == 1 else 99)],
        reason="申请人年老行动不便", applicant_military=i == 3,
        urgent=i in (2, 4) and matter.time_limit_days > 1, urgent_reason="企业项目开工在即"))
    made.append(req)
first = made[0]
svc.request_accept(actor=desk, request_id=first.pk)
svc.request_start(actor=desk, request_id=first.pk)
svc.request_report_progress(actor=desk, request_id=first.pk, text="材料已递交不动产登记窗口，等待审核。")
second = made[1]
svc.request_review_materials(actor=desk, request_id=second.pk, reviews=[
    {"check_id": c.pk, "status": MaterialStatus.PROVIDED if j == 0 else MaterialStatus.MISSING}
    for j, c in enumerate(second.material_checks.all())])
svc.request_issue_deficiency_notice(actor=desk, request_id=second.pk)
print(first.pk, second.pk)
"""


def main() -> None:
    fresh_demo(ENV, DB)
    first, second = manage(ENV, "shell", stdin=SETUP).split()[-2:]
    with served_browser(ENV, PORT) as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        page.goto(f"{BASE}/accounts/login/")
        page.screenshot(path=str(OUT / "page-login.png"))
        log_in(page, BASE, "frontdesk")
        for name, url in [
            ("queue", "/requests/"),
            ("register", "/requests/new/"),
            ("request", f"/requests/{first}/"),
            ("request-deficient", f"/requests/{second}/"),
        ]:
            page.goto(BASE + url)
            page.screenshot(path=str(OUT / f"page-{name}.png"), full_page=name.startswith("request"))
        phone = browser.new_page(viewport={"width": 375, "height": 780})
        phone.context.add_cookies(page.context.cookies())
        phone.goto(f"{BASE}/requests/")
        phone.screenshot(path=str(OUT / "page-queue-phone.png"))
    print("written to", OUT)


if __name__ == "__main__":
    main()
