"""Screenshot the hall display board (/board/XH/) at 1920 × 1080, as the hall's TV shows it, into
docs/screenshots/board-hall.png, and the same board after a failed poll into board-hall-offline.png.

    .venv/bin/python docs/screenshot_board.py

Starts its own server on 127.0.0.1:8023 with a scratch SQLite database (/tmp/board-demo.sqlite3): migrate and
seed_demo (its roster gives today's duty leader and desks, its history the counts, its notices the footer).
"""

from __future__ import annotations

import re
from pathlib import Path

from screenshot_session import OUT, demo_env, fresh_demo, manage, served_browser

DB = Path("/tmp/board-demo.sqlite3")
PORT = 8023
BASE = f"http://127.0.0.1:{PORT}"
ENV = demo_env(DB, "/tmp/board-demo-media", DISPLAY_BOARD_REFRESH_SECONDS="5")


def main() -> None:
    fresh_demo(ENV, DB)
    manage(ENV, "refresh_statistics")
    with served_browser(ENV, PORT) as browser:
        tv = browser.new_context(viewport={"width": 1920, "height": 1080}, device_scale_factor=1)
        page = tv.new_page()
        page.goto(f"{BASE}/board/XH/")
        page.wait_for_timeout(1000)
        page.screenshot(path=str(OUT / "board-hall.png"))
        page.route(re.compile(r"/board/XH/live/"), lambda route: route.abort())
        page.locator("#board-offline").wait_for(state="visible", timeout=15_000)
        page.screenshot(path=str(OUT / "board-hall-offline.png"))
    print("written to", OUT)


if __name__ == "__main__":
    main()
