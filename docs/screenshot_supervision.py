"""Screenshot the supervision pages (statistics dashboard, monthly reports) on the demo hall into docs/screenshots/.

    .venv/bin/python docs/screenshot_supervision.py

Starts its own server on 127.0.0.1:8014 with a scratch SQLite database under var/ (the demo hall with its
year of request history); drives Debian's chromium through Playwright (no browser download). Charts are
drawn by the vendored Chart.js, so the screenshot also shows the page works without any CDN.
"""

from __future__ import annotations

from screenshot_session import OUT, ROOT, demo_env, fresh_demo, log_in, served_browser

DB = ROOT / "var" / "docs-supervision.sqlite3"
PORT = 8014
BASE = f"http://127.0.0.1:{PORT}"
ENV = demo_env(DB, ROOT / "var" / "docs-media")
ENV.pop("REDIS_URL", None)
PAGES = [
    ("supervision-statistics", "/supervision/", True),
    ("supervision-reports", "/supervision/reports/", False),
    ("supervision-assessment", "/supervision/assessment/", False),
    ("supervision-integrity", "/supervision/integrity/", False),
    ("supervision-audit", "/supervision/audit/", False),
]


def main() -> None:
    fresh_demo(ENV, DB)
    with served_browser(ENV, PORT) as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        log_in(page, BASE, "supervisor")
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
    print("written to", OUT)


if __name__ == "__main__":
    main()
