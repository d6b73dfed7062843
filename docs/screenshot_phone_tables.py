"""Screenshot, on a 375 px phone, the pages whose tables become a card per row (issue 20 item 8): the substitution
list as the supervisor sees it (the buttons under each row) and a key project with its requests.

    .venv/bin/python docs/screenshot_phone_tables.py

Starts its own server on 127.0.0.1:8015 with a scratch SQLite database under var/ (the demo hall); drives Debian's
chromium through Playwright (no browser download). Prints each page's width: it must not exceed 375.
"""

from __future__ import annotations

from screenshot_session import OUT, ROOT, demo_env, fresh_demo, log_in, manage, served_browser

DB = ROOT / "var" / "docs-phone-tables.sqlite3"
PORT = 8015
BASE = f"http://127.0.0.1:{PORT}"
ENV = demo_env(DB, ROOT / "var" / "docs-media")
ENV.pop("REDIS_URL", None)
PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
# The demo's key project with the most requests.
PROJECT = """
from django.db.models import Count
from requests.models import KeyProject
print(KeyProject.objects.annotate(n=Count("requests")).order_by("-n", "pk").first().pk)
"""


def shoot(browser, username: str, url: str, name: str, *, start_at: str = "") -> None:
    """The whole page, or one screen from ``start_at`` (a long page: the first cards show the layout)."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    log_in(page, BASE, username)
    page.goto(BASE + url)
    width = page.evaluate("document.documentElement.scrollWidth")
    print(f"{name}: {width}px wide")
    if start_at:
        page.evaluate(f"window.scrollTo(0, document.querySelector({start_at!r}).offsetTop - 8)")
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=not start_at)
    context.close()


def main() -> None:
    fresh_demo(ENV, DB)
    project = manage(ENV, "shell", stdin=PROJECT).split()[-1]
    with served_browser(ENV, PORT) as browser:
        shoot(browser, "supervisor", "/rosters/substitutions/", "rosters-substitutions-phone")
        shoot(browser, "dutyleader", f"/key-projects/{project}/", "key-project-phone", start_at="h1")
    print("written to", OUT)


if __name__ == "__main__":
    main()
