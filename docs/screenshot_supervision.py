"""Screenshot the supervision pages (statistics dashboard, monthly reports) on the demo hall into docs/screenshots/.

    .venv/bin/python docs/screenshot_supervision.py

Starts its own server on 127.0.0.1:8014 with a scratch SQLite database under var/ (the demo hall with its
year of request history); drives Debian's chromium through Playwright (no browser download). Charts are
drawn by the vendored Chart.js, so the screenshot also shows the page works without any CDN.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB = ROOT / "var" / "docs-supervision.sqlite3"
OUT = ROOT / "docs" / "screenshots"
BASE = "http://127.0.0.1:8014"
ENV = {
    **os.environ,
    "DATABASE_URL": f"sqlite:///{DB}",
    "MEDIA_ROOT": str(ROOT / "var" / "docs-media"),
    "DJANGO_DEBUG": "1",
}
ENV.pop("REDIS_URL", None)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PAGES = [
    ("supervision-statistics", "/supervision/", True),
    ("supervision-reports", "/supervision/reports/", False),
    ("supervision-assessment", "/supervision/assessment/", False),
    ("supervision-integrity", "/supervision/integrity/", False),
    ("supervision-audit", "/supervision/audit/", False),
]


def manage(*args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=ENV, capture_output=True, text=True, check=True
    ).stdout


def main() -> None:
    from playwright.sync_api import sync_playwright

    DB.unlink(missing_ok=True)
    manage("migrate", "--noinput")
    manage("seed_demo")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "127.0.0.1:8014", "--noreload"],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(3)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/lib/chromium/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.goto(f"{BASE}/accounts/login/")
            page.fill("#id_username", "supervisor")
            page.fill("#id_password", "Hall-demo-2026")
            page.click("button[type=submit]")
            for name, url, full in PAGES:
                response = page.goto(BASE + url)
                if response is None or response.status != 200:
                    print("skipped", url, response.status if response else "no response")
                    continue
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(OUT / f"{name}.png"), full_page=full)
            phone = browser.new_page(viewport={"width": 390, "height": 844})
            phone.context.add_cookies(page.context.cookies())
            phone.goto(f"{BASE}/supervision/")
            phone.wait_for_load_state("networkidle")
            phone.screenshot(path=str(OUT / "supervision-statistics-phone.png"))
            browser.close()
    finally:
        server.terminate()
    print("written to", OUT)


if __name__ == "__main__":
    main()
