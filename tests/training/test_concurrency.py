"""On PostgreSQL, with real row locks: a double click draws one paper, and a paper handed in twice at the same
moment is graded once."""

import threading

import pytest
from django.db import connections

from hallservice.errors import TransitionNotAllowed
from training import services as svc
from training.models import Attempt, AttemptQuestion, TrainingEvent

from .conftest import answers_with, at

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(calls):
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait()
            outcomes.append(call())
        except TransitionNotAllowed:
            outcomes.append("refused")
        except Exception as exc:  # surfaced in the assertions
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


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
