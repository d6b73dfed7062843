"""Screenshot the public display (/guide/) at phone width and its PDFs into docs/screenshots/guide-*.png.

    .venv/bin/python docs/screenshot_guide.py

Starts its own server on 127.0.0.1:8021 with a scratch SQLite database (/tmp/guide-demo.sqlite3): migrate and
seed_demo (its December roster gives the board and the sign today's desks). Pages at 375 px in Debian's chromium;
the checklist and the two signs are fetched as PDFs and their first pages drawn with pdftoppm.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from screenshot_session import OUT, demo_env, fresh_demo, served_browser

DB = Path("/tmp/guide-demo.sqlite3")
PORT = 8021
BASE = f"http://127.0.0.1:{PORT}"
ENV = demo_env(DB, "/tmp/guide-demo-media", PUBLIC_BASE_URL=BASE)
PDFS = {
    "checklist": "/guide/matters/BDC-002/checklist.pdf",
    "sign-service-a4": "/guide/signs/service.pdf?size=A4",
    "sign-complaint-a4": "/guide/signs/complaint.pdf?size=A4",
}


def draw(pdf: bytes, name: str) -> None:
    """The PDF's first page as docs/screenshots/guide-<name>.png (70 dpi: legible, small)."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        first_page = ["-f", "1", "-l", "1", "-singlefile"]
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", *first_page, str(source), str(OUT / f"guide-{name}")], check=True
        )


def main() -> None:
    fresh_demo(ENV, DB)
    with served_browser(ENV, PORT) as browser:
        phone = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=1)
        page = phone.new_page()

        def shot(name: str, url: str | None = None, height: int | None = None) -> None:
            if url:
                page.goto(BASE + url)
            clip = {"x": 0, "y": 0, "width": 375, "height": height} if height else None
            page.screenshot(path=str(OUT / f"guide-{name}.png"), full_page=True, clip=clip)

        page.goto(BASE + "/guide/")
        page.click("details.guide-matter >> nth=0 >> summary")
        shot("list", height=1500)
        page.fill("#guide-q", "gongshang")
        page.click(".guide-search button")
        page.click("details.guide-matter >> nth=0 >> summary")
        shot("search", height=1300)
        shot("matter", "/guide/matters/BDC-002/")
        shot("helpers", "/guide/helpers/", height=1500)
        page.click(".elder-switch button")
        page.wait_for_load_state()
        shot("helpers-elder", height=1300)
        page.click(".elder-switch button")
        for name, url in PDFS.items():
            response = page.request.get(BASE + url)
            assert response.ok, (url, response.status)
            draw(response.body(), name)
    print("written to", OUT)


if __name__ == "__main__":
    main()
