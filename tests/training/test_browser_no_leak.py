"""In a real browser (Debian chromium through Playwright): a helper takes a test on a phone-sized screen, and no
page or network response before the hand-in tells which options are correct; nor does the page after the hand-in
while the test is still open to colleagues (issue 20, item 1); the review once the test has closed does."""

import re
import uuid

import pytest
from django.urls import reverse

from tests.browser import BROWSER_MODULE, chromium, sign_in
from training import services as svc
from training.models import QuestionKind

from .conftest import open_monthly_test

pytestmark = BROWSER_MODULE


@pytest.fixture
def open_test(hall):
    """A test open now on this month's training: five questions whose explanations carry a unique marker."""
    marker = f"EXPLAIN-{uuid.uuid4().hex[:12]}"
    kinds = [
        QuestionKind.SINGLE,
        QuestionKind.SINGLE,
        QuestionKind.MULTIPLE,
        QuestionKind.TRUE_FALSE,
        QuestionKind.SINGLE,
    ]
    questions = [
        {
            "kind": kind,
            "text": f"第{n + 1}题：不动产转移登记的要求",
            "options": [f"选项{n}-{letter}" for letter in "甲乙丙丁"],
            "correct": [1, 3] if kind == QuestionKind.MULTIPLE else [2 if kind == QuestionKind.SINGLE else 0],
            "explanation": f"{marker}-{n}",
        }
        for n, kind in enumerate(kinds)
    ]
    made = open_monthly_test(
        hall["district"], helper_name="帮办甲", topic="不动产登记", title="本月培训", questions=questions
    )
    return {**made, "marker": marker}


def normalised_labels(html: str) -> set[str]:
    """The option labels of the paper with their id and text blanked: all alike if nothing marks the correct."""
    labels = re.findall(r'<label class="choice">.*?</label>', html, flags=re.S)
    out = set()
    for label in labels:
        label = re.sub(r'name="q\d+" value="\d+"', 'name="q#" value="#"', label)
        label = re.sub(r"<span>[^<]*</span>", "<span>…</span>", label)
        label = re.sub(r'type="(radio|checkbox)"', 'type="…"', label)
        label = re.sub(r'<span class="trn-letter">[A-H]</span>', '<span class="trn-letter">·</span>', label)
        out.add(label.replace(" checked", ""))
    return out


def test_the_test_page_and_its_network_traffic_hold_no_correct_answers(live_server, open_test):
    from playwright.sync_api import expect

    bodies: list[tuple[str, str, int]] = []

    def record(response):
        try:
            text = response.text()
        except Exception:  # redirects and aborted requests have no body
            text = ""
        bodies.append((response.url, text, response.status))

    with chromium() as browser:
        context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
        sign_in(context, open_test["helper"], live_server.url)
        page = context.new_page()
        page.on("response", record)
        page.goto(live_server.url + reverse("training:home"))
        page.locator(f"form[action='{reverse('training:test-start', args=[open_test['test'].pk])}'] button").click()
        page.wait_for_url(re.compile(r".*/training/papers/\d+/$"))
        expect(page.locator("#countdown")).to_have_text(re.compile(r"^(29|30):\d\d$"))
        questions = page.locator("fieldset.trn-question")
        expect(questions).to_have_count(5)
        for i in range(5):
            fieldset = questions.nth(i)
            fieldset.locator("label.choice").first.click()
            expect(fieldset.locator(".save-state.ok")).to_be_visible()
        expect(page.locator("#answered")).to_have_text("5")
        # The paper fits a phone: nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        before = len(bodies)
        page.locator("#hand-in").click()
        page.locator("#hand-in-confirm").click()  # the server asks to confirm the hand-in
        expect(page.locator(".trn-result")).to_be_visible()
        expect(page.locator("#review-opens")).to_be_visible()
        handed_in_html = page.content()
        # The supervision section closes the test: now the review may show.
        svc.monthly_test_close(actor=open_test["supervisor"], test_id=open_test["test"].pk)
        page.reload()
        expect(page.locator(".trn-explanation").first).to_be_visible()
        review_html = page.content()

    before_hand_in, after = bodies[:before], bodies[before:]
    assert any("/papers/" in url and "/answer/" in url for url, _b, _s in before_hand_in), "autosave was used"
    for url, body, _status in before_hand_in:
        assert open_test["marker"] not in body, url
        assert "is_correct" not in body and "data-correct" not in body, url
        if "/answer/" in url:
            # The autosave answers with a status line and the time: no option id at all, so no correct one.
            assert re.fullmatch(r'<span class="save-state ok">[^<\d]*\d\d:\d\d:\d\d</span>\s*', body), (url, body)
        if re.search(r"/papers/\d+/$", url):
            labels = normalised_labels(body)
            assert len(labels) == 1, labels  # every option is marked up alike, correct or not
            assert "trn-review-options" not in body
    # Right after the hand-in, with the test still open, the page gives the score only.
    assert open_test["marker"] not in handed_in_html and "trn-review-options" not in handed_in_html
    # Once the test has closed the review shows every explanation (so the markers above would have been found).
    for n in range(5):
        assert f"{open_test['marker']}-{n}" in review_html
    assert any(open_test["marker"] in body for _u, body, _s in after)
