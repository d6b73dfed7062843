"""Grading a paper to 100 points: pure functions, no database.

Every question weighs the same. A question counts only when the chosen options are exactly the correct ones:
a multiple-choice answer with some of the correct options (and nothing wrong) is still wrong. Scores are kept
to two decimals rounded *down*, so a paper below the pass mark never shows as 85.00: `passes(score)` and the
exact fraction always agree.

The grace seconds of the hand-in live here too: both the attempts (a paper is accepted until its deadline plus
the grace) and the review (which opens only once no paper can come in any more) read them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

from django.conf import settings

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
DEFAULT_PASS_MARK = Decimal(85)
DEFAULT_GRACE_SECONDS = 10


def pass_mark() -> Decimal:
    """Seed 000 四.2: a score below 85 gives a day of off-post study."""
    return Decimal(str(getattr(settings, "TRAINING_PASS_MARK", DEFAULT_PASS_MARK)))


def grace() -> timedelta:
    """The seconds after a paper's deadline in which its hand-in is still accepted (they cover the network)."""
    return timedelta(seconds=int(getattr(settings, "TRAINING_SUBMIT_GRACE_SECONDS", DEFAULT_GRACE_SECONDS)))


def answer_is_correct(chosen: Iterable[int], correct: Iterable[int]) -> bool:
    correct = set(correct)
    return bool(correct) and set(chosen) == correct


def score_of(correct_count: int, total: int) -> Decimal:
    if total <= 0:
        raise ValueError("a paper has at least one question")
    if not 0 <= correct_count <= total:
        raise ValueError("correct answers must be between 0 and the number of questions")
    return (HUNDRED * correct_count / total).quantize(CENT, rounding=ROUND_DOWN)


def passes(score: Decimal | int | float | str, mark: Decimal | None = None) -> bool:
    return Decimal(str(score)) >= (pass_mark() if mark is None else mark)
