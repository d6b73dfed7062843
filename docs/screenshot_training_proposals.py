"""Screenshot the training proposals (issue 19 item 7) on the demo hall into docs/screenshots/.

    .venv/bin/python docs/screenshot_training_proposals.py

The demo upholds two complaints with a cause, so the supervision section finds two proposals: the list
(training-proposals.png) and one proposal's page with its accept form at full width (training-proposal.png).
Starts its own server on 127.0.0.1:8016 with a scratch SQLite database under var/; Debian's chromium through
Playwright.
"""

from __future__ import annotations

from screenshot_session import OUT, ROOT, demo_env, fresh_demo, log_in, served_browser

DB = ROOT / "var" / "docs-training-proposals.sqlite3"
PORT = 8016
BASE = f"http://127.0.0.1:{PORT}"
ENV = demo_env(DB, ROOT / "var" / "docs-training-proposals-media")
ENV.pop("REDIS_URL", None)


def main() -> None:
    fresh_demo(ENV, DB)
    with served_browser(ENV, PORT) as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        log_in(page, BASE, "supervisor")
        page.goto(f"{BASE}/training/proposals/")
        page.screenshot(path=str(OUT / "training-proposals.png"), full_page=True)
        page.locator("tr[id^=proposal-] a").first.click()
        page.wait_for_load_state()
        page.screenshot(path=str(OUT / "training-proposal.png"), full_page=True)
    print("written to", OUT)


if __name__ == "__main__":
    main()
