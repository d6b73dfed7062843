"""Journey 4: a full-time helper takes this month's test from "My training": starts it, answers every question
(autosaved as they go), hands the paper in and reads the score; the review (right and wrong, explanations) shows
once the test has closed for everyone (issue 20, item 1).

The bank has five questions from this month's training; the helper gets four right and one wrong, so the score
is 80 — below the pass mark of 85, which the result says.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.training.conftest import open_monthly_test
from training import services as svc
from training.models import Attempt, QuestionKind
from training.services.bank import TRUE_FALSE_OPTIONS

from .conftest import JOURNEY, login, no_errors

pytestmark = JOURNEY

LETTERS = "甲乙丙丁"
# (kind, indexes of the correct options)
QUESTIONS = [
    (QuestionKind.SINGLE, [2]),
    (QuestionKind.SINGLE, [0]),
    (QuestionKind.MULTIPLE, [1, 3]),
    (QuestionKind.TRUE_FALSE, [0]),
    (QuestionKind.SINGLE, [1]),
]
WRONG = 4  # the helper misses the fifth question


def option(n: int, index: int) -> str:
    """The text of option ``index`` of question ``n`` (true/false questions have the bank's fixed pair)."""
    if QUESTIONS[n][0] == QuestionKind.TRUE_FALSE:
        return TRUE_FALSE_OPTIONS[index]
    return f"第{n + 1}题选项{LETTERS[index]}"


@pytest.fixture
def monthly_test(hall):
    questions = [
        {
            "kind": kind,
            "text": f"第{n + 1}题：一次性告知的要求",
            "options": [f"第{n + 1}题选项{letter}" for letter in LETTERS],
            "correct": correct,
            "explanation": f"解析{n + 1}",
        }
        for n, (kind, correct) in enumerate(QUESTIONS)
    ]
    return open_monthly_test(
        hall["district"],
        helper_name="周帮办",
        topic="一次性告知与容缺受理",
        title="本月业务培训",
        questions=questions,
        trained_ago=timedelta(days=1),
        open_for=timedelta(hours=3),
    )


def test_helper_takes_the_monthly_test_and_sees_the_score(pages, monthly_test):
    helper = pages("helper")
    page = helper.page
    login(page, "helper")

    page.locator("nav.mainnav a[href='/training/']").click()
    start = page.locator(f"section.trn-open-test form[action$='/tests/{monthly_test['test'].pk}/start/']")
    with page.expect_navigation():
        start.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/training/papers/\d+/$"))
    questions = page.locator("fieldset.trn-question")
    expect(questions).to_have_count(len(QUESTIONS))

    for n, (_kind, correct) in enumerate(QUESTIONS):
        fieldset = page.locator("fieldset.trn-question", has_text=f"第{n + 1}题：")
        chosen = correct if n != WRONG else [next(i for i in range(4) if i not in correct)]
        for index in chosen:
            fieldset.locator("label.choice", has_text=re.compile(rf"^\W*[A-H]?{re.escape(option(n, index))}$")).click()
        expect(fieldset.locator(".save-state.ok")).to_be_visible()  # autosaved
    expect(page.locator("#answered")).to_have_text(str(len(QUESTIONS)))

    with page.expect_navigation():
        page.locator("#hand-in").click()
    # The server asks to confirm the hand-in, saying how many are answered.
    expect(page.locator("#hand-in-confirmation")).to_contain_text(f"已答 {len(QUESTIONS)} 题")
    with page.expect_navigation():
        page.locator("#hand-in-confirm").click()
    result = page.locator(".trn-result")
    expect(result).to_be_visible()
    expect(result.locator(".trn-score strong")).to_have_text(re.compile(r"^80(\.00?)?$"))
    expect(result).to_have_class(re.compile(r"\bfail\b"))
    # The test is still open to colleagues: the score only, and when the review opens.
    expect(page.locator("#review-opens")).to_be_visible()
    expect(page.locator("section.trn-question.reviewed")).to_have_count(0)
    # Once the supervision section has closed the test, the review shows.
    svc.monthly_test_close(actor=monthly_test["supervisor"], test_id=monthly_test["test"].pk)
    page.reload()
    expect(page.locator("section.trn-question.reviewed.right")).to_have_count(len(QUESTIONS) - 1)
    expect(page.locator("section.trn-question.reviewed.wrong")).to_have_count(1)

    # Back on "My training", the test shows as handed in with its score; it cannot be started again.
    page.locator("nav.mainnav a[href='/training/']").click()
    expect(page.locator("section.trn-open-test form[action$='/start/']")).to_have_count(0)

    attempt = Attempt.objects.get(staff=monthly_test["helper"].staff_member)
    assert attempt.score == Decimal("80.00") and attempt.passed is False and attempt.correct_count == 4
    no_errors(helper)
