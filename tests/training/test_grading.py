"""Grading to 100 points (training.grading): exact answers only, scores rounded down, the 85 edge."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from training.grading import answer_is_correct, passes, score_of


@pytest.mark.parametrize(
    ("chosen", "correct", "right"),
    [
        ([3], [3], True),
        ([4], [3], False),
        ([], [3], False),  # unanswered
        ([1, 2], [1, 2], True),
        ([2, 1], [1, 2], True),  # order does not matter
        ([1], [1, 2], False),  # partial multiple choice is wrong
        ([1, 2, 3], [1, 2], False),  # one option too many is wrong
        ([1, 3], [1, 2], False),
    ],
)
def test_only_the_exact_set_of_correct_options_counts(chosen, correct, right):
    assert answer_is_correct(chosen, correct) is right


def test_a_question_without_a_correct_option_is_never_right():
    assert answer_is_correct([], []) is False


@pytest.mark.parametrize(
    ("correct", "total", "score"),
    [(10, 10, "100.00"), (0, 10, "0.00"), (17, 20, "85.00"), (1, 3, "33.33"), (2, 3, "66.66"), (169, 200, "84.50")],
)
def test_scores_are_out_of_100_rounded_down_to_two_decimals(correct, total, score):
    assert score_of(correct, total) == Decimal(score)


def test_85_passes_and_84_5_fails():
    assert passes(Decimal("85")) and passes(Decimal("85.00")) and passes(100)
    assert not passes(Decimal("84.5"))
    assert not passes(Decimal("84.99"))
    assert passes(score_of(17, 20)) and not passes(score_of(169, 200))


def test_the_pass_mark_comes_from_the_settings(settings):
    settings.TRAINING_PASS_MARK = 90
    assert not passes(Decimal("85"))
    assert passes(Decimal("90"))


@given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_pass_or_fail_agrees_with_the_exact_fraction(case):
    correct, total = case
    # 100 * correct / total >= 85 exactly when the (rounded down) score passes: 84.999… never shows as 85.
    assert passes(score_of(correct, total)) == (100 * correct >= 85 * total)


def test_a_paper_has_questions():
    with pytest.raises(ValueError):
        score_of(0, 0)
    with pytest.raises(ValueError):
        score_of(11, 10)
