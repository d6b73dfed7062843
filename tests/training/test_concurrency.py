"""On PostgreSQL, with real row locks: a double click draws one paper, a paper handed in twice at the same moment
is graded once, a hand-in racing the test's closing is graded once (by whichever came first), and an answer
saved while the paper is handed in is either graded or refused, never lost or changed afterwards."""

import pytest

from tests.conftest import race
from training import services as svc
from training.models import Attempt, AttemptQuestion, TrainingEvent

from .conftest import answers_with, at

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_starts_at_once_draw_one_paper(require_postgres, people, published_test):
    helper = people["helpers"][0]
    with at(2026, 11, 25, 10):
        outcomes = race([lambda: svc.attempt_start(actor=helper, test_id=published_test.pk).pk] * 2)
    assert len(set(outcomes)) == 1 and isinstance(outcomes[0], int), outcomes
    assert Attempt.objects.count() == 1 and AttemptQuestion.objects.count() == 10


def test_two_submissions_at_once_are_graded_once(require_postgres, people, published_test):
    helper = people["helpers"][0]
    with at(2026, 11, 25, 10):
        attempt = svc.attempt_start(actor=helper, test_id=published_test.pk)
        answers = answers_with(attempt, 10)
        outcomes = race([lambda: svc.attempt_submit(actor=helper, attempt_id=attempt.pk, answers=answers).status] * 2)
    assert sorted(outcomes) == ["refused", "submitted"], outcomes
    assert TrainingEvent.objects.filter(verb="attempt_submitted").count() == 1


def test_handing_in_while_the_test_is_closed_grades_the_paper_once(require_postgres, people, published_test):
    helper = people["helpers"][0]
    with at(2026, 11, 25, 10):
        attempt = svc.attempt_start(actor=helper, test_id=published_test.pk)
        answers = answers_with(attempt, 10)
        outcomes = race(
            [
                lambda: svc.attempt_submit(actor=helper, attempt_id=attempt.pk, answers=answers).status,
                lambda: svc.monthly_test_close(actor=people["supervisor"], test_id=published_test.pk).status,
            ]
        )
    assert outcomes[1] == "closed" and outcomes[0] in ("submitted", "refused"), outcomes
    attempt.refresh_from_db()
    # Either the hand-in came first (graded with its answers) or the closing did (graded with none saved).
    expected = ("submitted", 10) if outcomes[0] == "submitted" else ("expired", 0)
    assert (attempt.status, attempt.correct_count) == expected
    grades = TrainingEvent.objects.filter(verb__in=["attempt_submitted", "attempt_expired"])
    assert grades.count() == 1 and grades.get().verb == f"attempt_{expected[0]}"


def test_an_answer_saved_while_handing_in_is_graded_or_refused_never_lost(require_postgres, people, published_test):
    helper = people["helpers"][0]
    with at(2026, 11, 25, 10):
        attempt = svc.attempt_start(actor=helper, test_id=published_test.pk)
        saved = answers_with(attempt, 9)  # the last question wrong
        for question_id, option_ids in saved.items():
            svc.attempt_answer(actor=helper, attempt_id=attempt.pk, question_id=question_id, option_ids=option_ids)
        last = attempt.questions.order_by("position").last().question_id
        right = answers_with(attempt, 10)[last]
        outcomes = race(
            [
                lambda: (
                    svc.attempt_answer(actor=helper, attempt_id=attempt.pk, question_id=last, option_ids=right).chosen
                ),
                lambda: svc.attempt_submit(actor=helper, attempt_id=attempt.pk).status,
            ]
        )
    assert outcomes[1] == "submitted", outcomes
    attempt.refresh_from_db()
    row = attempt.questions.get(question_id=last)
    if outcomes[0] == "refused":  # the hand-in came first: the late answer changed nothing
        assert (attempt.correct_count, row.chosen, row.is_correct) == (9, saved[last], False)
    else:  # the answer came first and was graded
        assert (attempt.correct_count, sorted(row.chosen), row.is_correct) == (10, sorted(right), True)
    assert attempt.correct_count == attempt.questions.filter(is_correct=True).count()
