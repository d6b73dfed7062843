"""End-to-end journeys in Debian's chromium, driven by Playwright's sync API against pytest-django's live server.

Shared pieces: one browser for the session, a `pages` factory that opens a page per actor (each in its own
context, so cookies never mix) and records every console error and uncaught exception, a `login` that types
into the login form like a user, and on failure a screenshot and the HTML of every open page under
`test-results/e2e/<test>[-<actor>].png|.html` (for every test with E2E_SCREENSHOTS=always).
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from rosters.models import BureauLeader
from staff.models import StaffKind
from staff.roles import Role
from tests.browser import chromium, orm_beside_playwright
from tests.conftest import make_staff_user
from tests.factories import DepartmentFactory, StaffMemberFactory, WindowFactory

PASSWORD = "pass-word-123"  # tests.factories.UserFactory sets it for every user
PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
TIMEOUT_MS = 15_000

# Every journey module starts with this (live_server needs committed data, so transaction=True).
JOURNEY = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the test item, so the `pages` fixture knows at teardown whether the test failed.
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="package")
def browser(django_db_setup):
    # Package scope: Playwright's loop runs from launch to close, so it must be gone before other packages' tests
    # run (they would see a running loop); the test database is created before it starts.
    with orm_beside_playwright(), chromium() as launched:
        yield launched


@dataclass
class Actor:
    """One person at one browser: the page, and what went wrong in its console."""

    name: str
    page: object
    errors: list[str] = field(default_factory=list)


def _watch(actor: Actor) -> None:
    def on_console(message):
        if message.type == "error":
            actor.errors.append(f"console: {message.text} ({message.location.get('url', '')})")

    actor.page.on("console", on_console)
    actor.page.on("pageerror", lambda exc: actor.errors.append(f"pageerror: {exc}"))


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")


@pytest.fixture
def pages(browser, live_server, request):
    """``pages("clerk", **context_options)`` opens a fresh context and page for one actor, base URL the live server."""
    actors: list[Actor] = []
    contexts = []

    def open_page(name: str = "main", **options) -> Actor:
        context = browser.new_context(base_url=live_server.url, **{**DESKTOP, **options})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        actor = Actor(name=name, page=context.new_page())
        _watch(actor)
        actors.append(actor)
        return actor

    yield open_page

    failed = any(
        getattr(request.node, f"rep_{when}", None) and getattr(request.node, f"rep_{when}").failed
        for when in ("setup", "call")
    )
    if failed or os.environ.get("E2E_SCREENSHOTS") == "always":
        out = Path(request.config.rootpath) / "test-results" / "e2e"
        out.mkdir(parents=True, exist_ok=True)
        for index, actor in enumerate(actors):
            stem = _safe_name(request.node.name) + ("" if index == 0 else f"-{_safe_name(actor.name)}")
            try:
                actor.page.screenshot(path=str(out / f"{stem}.png"), full_page=True)
                (out / f"{stem}.html").write_text(actor.page.content(), encoding="utf-8")
            except Exception as exc:  # a crashed page still must not hide the test's own failure
                (out / f"{stem}.txt").write_text(f"no screenshot: {exc}", encoding="utf-8")
    for context in contexts:
        context.close()


def login(page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login form, as a member of staff does."""
    page.goto("/accounts/login/")
    form = page.locator("section.login form")
    form.locator("#id_username").fill(username)
    form.locator("#id_password").fill(password)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "/accounts/login/" not in page.url, f"login of {username} failed"


def open_register_form_with(page, username: str, matter) -> None:
    """``username`` logs in, opens the register form and picks ``matter`` by typing its pinyin initials, as
    clerks do (the search answers while they type; the one hit is chosen)."""
    from playwright.sync_api import expect

    login(page, username)
    page.goto("/requests/new/")
    page.locator("#matter-q").press_sequentially("bdczy", delay=30)
    picks = page.locator("#matter-results button[name=pick_matter]")
    expect(picks).to_have_count(1)
    expect(page.locator(".htmx-request")).to_have_count(0)
    picks.first.click()
    expect(page.locator("#matter-chosen input[name=matter_id]")).to_have_value(str(matter.pk))


def pdf_text(data: bytes) -> str:
    """The text of a PDF as poppler's pdftotext reads it."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        result = subprocess.run(["pdftotext", "-layout", handle.name, "-"], capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def no_errors(*actors: Actor, expected: tuple[str, ...] = ()) -> None:
    """No console error and no uncaught exception on any page of these actors, but those matching ``expected``
    (regular expressions, e.g. the 400 of a form the journey submits wrong on purpose)."""
    errors = [
        f"{a.name}: {e}" for a in actors for e in a.errors if not any(re.search(pattern, e) for pattern in expected)
    ]
    assert not errors, "\n".join(errors)


def fits_the_phone(page) -> None:
    """The page is no wider than the phone's screen (``PHONE``): nothing to swipe sideways to."""
    width, screen = page.evaluate("document.documentElement.scrollWidth"), PHONE["viewport"]["width"]
    assert width <= screen, f"{page.url} is {width}px wide on a {screen}px screen"


def rotation_hall(district, *, standby: str) -> dict:
    """A district hall a rotation can be drawn for: 不动产登记中心 (``bdc``), a high-volume department with four
    ``windows`` (A01–A04); six full-time helpers and 陈帮办 (``helper``, user "helper"); three duty leaders and a
    bureau leader; the supervisor 钱督查 (user "sup") and the ``standby``, window helpers of 民政局, a department
    without rotation windows, so free to stand in at a window."""
    bdc = DepartmentFactory(code="BDC", name="不动产登记中心", is_high_volume=True)
    quiet = DepartmentFactory(code="MZJ", name="民政局")
    windows = [
        WindowFactory(centre=district, number=f"A0{i}", name=f"综合窗口{i}", department=bdc, min_staff=1, max_staff=2)
        for i in range(1, 5)
    ]
    for i in range(1, 7):
        StaffMemberFactory(centre=district, name=f"专职帮办{i}", kind=StaffKind.FULL_TIME_HELPER)
    helper = make_staff_user(
        role=Role.FRONT_DESK, centre=district, username="helper", name="陈帮办", kind=StaffKind.FULL_TIME_HELPER
    )
    for i in range(1, 4):
        StaffMemberFactory(centre=district, name=f"带班{i}", kind=StaffKind.DUTY_LEADER)
    chief = StaffMemberFactory(centre=district, name="局长甲", kind=StaffKind.DUTY_LEADER)
    BureauLeader.objects.create(staff=chief, title="副局长")
    quiet_helper = {"kind": StaffKind.WINDOW_HELPER, "department": quiet}
    supervisor = make_staff_user(role=Role.SUPERVISOR, centre=district, username="sup", name="钱督查", **quiet_helper)
    return {
        "bdc": bdc,
        "windows": windows,
        "helper": helper,
        "supervisor": supervisor,
        "standby": StaffMemberFactory(centre=district, name=standby, **quiet_helper),
    }
