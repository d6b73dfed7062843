"""In a real browser (Debian chromium through Playwright): under the site's Content-Security-Policy the main pages,
the Django admin and the Swagger UI load without a single violation or script error, and still work (the
language switch submits itself, the charts draw, Swagger lists the operations, the admin shows a record)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from guide.models import Notice
from requests.services.public import request_status_url
from staff.roles import Role
from tests.browser import BROWSER_MODULE, chromium, sign_in
from tests.conftest import make_staff_user
from tests.factories import UserFactory, online_complaint

pytestmark = BROWSER_MODULE


# Runs before any page script (Playwright injects it past the CSP): records every violation the page reports.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || ""));
});
"""


@pytest.fixture
def site(hall, registered_request):
    district = hall["district"]
    supervisor = make_staff_user(role=Role.SUPERVISOR, centre=district, username="sup", name="钱督查")
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    # A complaint, so the complaints dashboard draws its weekly bars (a <meter>, not an inline style).
    online_complaint(district, content="窗口人员态度不好")
    return {
        "desk": registered_request.created_by,
        "supervisor": supervisor,
        "root": root,
        "request": registered_request,
    }


class Browser:
    """One chromium; each visit collects CSP violations, console errors and uncaught script errors."""

    def __init__(self, browser, base_url):
        self.browser = browser
        self.base_url = base_url
        self.problems: list[str] = []

    def context(self, user=None):
        context = self.browser.new_context()
        context.add_init_script(RECORD_VIOLATIONS)
        if user is not None:
            sign_in(context, user, self.base_url)
        return context

    def visit(self, context, path: str, check=None):
        page = context.new_page()
        messages: list[str] = []
        page.on(
            "console", lambda m: messages.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None
        )
        page.on("pageerror", lambda exc: messages.append(f"pageerror: {exc}"))
        response = page.goto(self.base_url + path, wait_until="load")
        assert response.status == 200, (path, response.status)
        assert "default-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_timeout(300)  # deferred scripts, htmx, charts and Swagger's schema fetch settle
        if check:
            check(page)
        violations = page.evaluate("window.__violations")
        self.problems += [f"{path}: {v}" for v in violations + messages]
        return page


def test_main_pages_admin_and_swagger_run_under_the_policy_without_violations(live_server, site):
    from playwright.sync_api import expect

    req = site["request"]
    with chromium() as browser:
        b = Browser(browser, live_server.url)
        anonymous = b.context()
        b.visit(anonymous, reverse("login"))
        b.visit(anonymous, reverse("track:home"))
        b.visit(anonymous, request_status_url(req))
        # The hall display board: htmx polling and static/js/board.js, a notice too long for the line sliding along
        # it (its distance set through the CSSOM, which the policy allows, not a style attribute).
        Notice.objects.create(centre=req.centre, text="长通知" * 40, starts_on=timezone.localdate())
        b.visit(
            anonymous,
            reverse("board", args=[req.centre.code]),
            lambda page: expect(page.locator("[data-board-notices] li.is-long")).to_have_count(1),
        )

        desk = b.context(site["desk"])
        b.visit(desk, reverse("home"))
        b.visit(desk, reverse("requests:queue"))
        b.visit(desk, req.get_absolute_url())
        page = b.visit(desk, reverse("requests:register"))
        # The language picker (data-autosubmit in static/js/site.js) still switches on change.
        page.select_option("#lang", "en")
        page.wait_for_load_state("load")
        expect(page.locator("html")).to_have_attribute("lang", "en")

        sup = b.context(site["supervisor"])
        b.visit(sup, reverse("rosters:dashboard"))

        def charts_drawn(page):
            page.wait_for_function("document.querySelectorAll('canvas[data-chart]').length > 0")
            assert page.evaluate(
                "[...document.querySelectorAll('canvas[data-chart]')].every(c => c.width > 0 && c.style.height)"
            )

        b.visit(sup, reverse("supervision:statistics"), charts_drawn)
        b.visit(sup, reverse("complaints:dashboard"), lambda page: expect(page.locator("meter.bar")).to_have_count(1))

        def swagger_lists_operations(page):
            expect(page.locator(".opblock").first).to_be_visible(timeout=10_000)

        b.visit(sup, reverse("api-docs"), swagger_lists_operations)

        root = b.context(site["root"])
        b.visit(root, reverse("admin:index"), lambda page: expect(page.locator("#content-main")).to_be_visible())
        b.visit(root, reverse("admin:requests_servicerequest_changelist"))
        b.visit(
            root,
            reverse("admin:requests_servicerequest_change", args=[req.pk]),
            lambda page: expect(page.locator("text=" + req.number).first).to_be_visible(),
        )
        b.visit(root, reverse("admin:auth_user_add"))
    assert b.problems == []
