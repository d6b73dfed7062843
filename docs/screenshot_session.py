"""What the screenshot scripts share: a scratch demo hall, a server on it, and Debian's chromium to drive.

Each script picks its own database, media folder and port, so two of them can run side by side.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
PASSWORD = "Hall-demo-2026"  # every demo account's (hallservice/demo)
sys.path.insert(0, str(ROOT))
from tests.browser import ARGS, CHROMIUM  # noqa: E402  (chromium launched as the browser tests launch it)


def demo_env(db: Path, media: Path | str, **extra: str) -> dict[str, str]:
    """The environment of manage.py on a scratch database: never the demo data of `make run`."""
    return {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "MEDIA_ROOT": str(media), "DJANGO_DEBUG": "1", **extra}


def manage(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def fresh_demo(env: dict[str, str], db: Path) -> None:
    """The demo hall on an empty database."""
    db.unlink(missing_ok=True)
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo")


@contextmanager
def served_browser(env: dict[str, str], port: int) -> Iterator:
    """A development server on 127.0.0.1:``port`` and a chromium (Debian's: no browser download) to drive it."""
    from playwright.sync_api import sync_playwright

    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(server, port)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            yield browser
            browser.close()
    finally:
        server.terminate()


def _wait_for(server: subprocess.Popen, port: int, seconds: float = 60) -> None:
    """Until the server answers: on a busy machine it takes longer than a fixed pause to start."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server on port {port} stopped (exit {server.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"no server on port {port} after {seconds:.0f} s")


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
