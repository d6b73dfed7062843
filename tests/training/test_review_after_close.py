"""Issue 20, item 1: the review of a monthly test (correct answers, whether each answer was right, explanations)
opens only once the test has closed for everyone. Right after a hand-in the page and the API give the score and
when the review opens: colleagues may still be taking the same test until its window ends.

November's test is open 25 Nov 09:00 to 27 Nov 18:00 (Beijing time), with 10 seconds' grace for a hand-in.
"""

import json

import pytest
from rest_framework.test import APIClient

from training import services as svc
from training.models import Attempt, Question

from .conftest import at, take_test

pytestmark = pytest.mark.django_db

PAPERS = "/api/v1/training/papers/"


def explanations_of(attempt: Attempt) -> list[str]:
    return list(
        Question.objects.filter(pk__in=attempt.questions.values("question_id")).values_list("explanation", flat=True)
    )


def page_of(client, user, attempt) -> str:
    client.force_login(user)
    response = client.get(attempt.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def api_paper(user, attempt) -> dict:
    api = APIClient()
    api.force_authenticate(user)
    response = api.get(f"{PAPERS}{attempt.pk}/")
    assert response.status_code == 200
    return response.json()


def assert_score_only(html: str, attempt: Attempt) -> None:
    assert attempt.score is not None and str(attempt.score) in html
    assert not any(text in html for text in explanations_of(attempt))
    assert (
        "trn-review-options" not in html
        and '<span class="mark">正确答案</span>' not in html
        and "trn-question reviewed" not in html
    )
    assert 'id="review-opens"' in html and "2026-11-27 18:00" in html


def assert_no_answers_in(paper: dict, attempt: Attempt) -> None:
    text = json.dumps(paper, ensure_ascii=False)
    assert paper["review_open"] is False and paper["review_opens_at"].startswith("2026-11-27T18:00:10")
    assert '"correct"' not in text and '"is_correct"' not in text and '"explanation"' not in text
    assert not any(explanation in text for explanation in explanations_of(attempt))
    assert paper["score"] == str(attempt.score) and len(paper["questions"]) == 10


def assert_review_in(html: str, paper: dict, attempt: Attempt) -> None:
    assert all(text in html for text in explanations_of(attempt))
    assert '<span class="mark">正确答案</span>' in html and 'id="review-opens"' not in html
    assert html.count("trn-question reviewed right") == attempt.correct_count
    assert paper["review_open"] is True
    assert all("correct" in o for q in paper["questions"] for o in q["options"])
    assert sorted(q["explanation"] for q in paper["questions"]) == sorted(explanations_of(attempt))
    assert sum(q["is_correct"] for q in paper["questions"]) == attempt.correct_count


def test_after_the_hand_in_the_score_only_until_the_window_has_ended_for_everyone(client, people, published_test):
    h1, h2 = people["helpers"][:2]
    # Given 帮办1 hands in on the first morning, 8 of 10 right, while 帮办2 has not started yet
    paper = take_test(h1, published_test, 8, when=(2026, 11, 25, 10))
    for moment in ((2026, 11, 25, 10, 1), (2026, 11, 27, 17, 59), (2026, 11, 27, 18, 0, 5)):
        with at(*moment):
            # Then, up to the window's end and its grace seconds, the page and the API give the score only
            assert_score_only(page_of(client, h1, paper), paper)
            assert_no_answers_in(api_paper(h1, paper), paper)
            # and so does the supervisor's view of the paper: whoever reads it might pass it on
            assert_score_only(page_of(client, people["supervisor"], paper), paper)
            assert_no_answers_in(api_paper(people["supervisor"], paper), paper)
    # While 帮办2 can still start and take the test the same day
    with at(2026, 11, 27, 17, 30):
        assert svc.attempt_start(actor=h2, test_id=published_test.pk).in_progress
    # When no paper can come in any more (18:00 plus the grace), even before the test is formally closed
    with at(2026, 11, 27, 18, 0, 11):
        html, api = page_of(client, h1, paper), api_paper(h1, paper)
    # Then the review shows: correct answers, right and wrong, explanations
    published_test.refresh_from_db()
    assert published_test.status == "published"
    assert_review_in(html, api, paper)


def test_a_test_closed_early_opens_the_review_at_once(client, people, published_test):
    h1 = people["helpers"][0]
    paper = take_test(h1, published_test, 9, when=(2026, 11, 25, 10))
    with at(2026, 11, 26, 9):
        assert_score_only(page_of(client, h1, paper), paper)
        # When the supervision section closes the test a day early, nobody can hand in any more
        svc.monthly_test_close(actor=people["supervisor"], test_id=published_test.pk)
    with at(2026, 11, 26, 9, 1):
        assert_review_in(page_of(client, h1, paper), api_paper(h1, paper), paper)


def test_the_hand_in_through_the_api_answers_the_score_and_when_the_review_opens(people, published_test):
    h1 = people["helpers"][0]
    api = APIClient()
    api.force_authenticate(h1)
    with at(2026, 11, 25, 10):
        started = api.post(f"/api/v1/training/tests/{published_test.pk}/start/").json()
        submitted = api.post(f"{PAPERS}{started['id']}/submit/", {}, format="json")
    assert submitted.status_code == 200
    paper = Attempt.objects.get(pk=started["id"])
    assert paper.score is not None
    assert_no_answers_in(submitted.json(), paper)
