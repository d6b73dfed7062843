"""Shared by the test services: the paper check with messages naming the topic, and grading an attempt."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime

from django.utils.translation import gettext as _

from hallservice.core.actors import SYSTEM
from hallservice.core.errors import DomainError
from staff.models import ServiceCentre

from ..draw import Shortfall, shortfalls
from ..grading import answer_is_correct, passes, score_of
from ..models import ATTEMPT_TRANSITIONS, Attempt, AttemptQuestion, AttemptStatus, Option, Topic
from ..selectors import pool_for
from .common import ensure_transition, record_test_event


def shortfall_message(problems: list[Shortfall]) -> str:
    names = dict(Topic.objects.filter(pk__in=[p.topic_id for p in problems if p.topic_id]).values_list("pk", "name"))
    parts = []
    for p in problems:
        if p.topic_id is not None:
            parts.append(
                _("the quota for “%(topic)s” asks for %(wanted)d questions but the bank holds %(available)d")
                % {"topic": names.get(p.topic_id, p.topic_id), "wanted": p.wanted, "available": p.available}
            )
        elif p.wanted < 0:
            parts.append(_("the quotas add up to more than the number of questions"))
        else:
            parts.append(
                _(
                    "%(wanted)d questions must come from the month's topics without a quota but the bank holds %(available)d"
                )
                % {"wanted": p.wanted, "available": p.available}
            )
    return _("The paper cannot be drawn from this month's training: %(problems)s.") % {"problems": "; ".join(parts)}


def paper_check(centre: ServiceCentre, month: date, count: int, quotas: Mapping[int, int]) -> None:
    problems = shortfalls(pool_for(centre, month), quotas, count)
    if problems:
        raise DomainError(
            shortfall_message(problems), field="quotas" if any(p.topic_id for p in problems) else "question_count"
        )


def attempt_grade(attempt: Attempt, *, status: AttemptStatus, now: datetime, actor=SYSTEM) -> Attempt:
    """Grade a locked attempt in progress with the answers it holds, and close it as ``status``."""
    ensure_transition(attempt, status, ATTEMPT_TRANSITIONS)
    rows = list(attempt.questions.all())
    correct: dict[int, set[int]] = defaultdict(set)
    for question_id, option_id in Option.objects.filter(
        question_id__in=[r.question_id for r in rows], is_correct=True
    ).values_list("question_id", "pk"):
        correct[question_id].add(option_id)
    for row in rows:
        row.is_correct = answer_is_correct(row.chosen, correct[row.question_id])
    AttemptQuestion.objects.bulk_update(rows, ["is_correct"])
    attempt.correct_count = sum(1 for r in rows if r.is_correct)
    attempt.score = score_of(attempt.correct_count, len(rows))
    attempt.passed = passes(attempt.score)
    attempt.status = status
    attempt.finished_at = now
    attempt.save(update_fields=["correct_count", "score", "passed", "status", "finished_at"])
    record_test_event(
        attempt.test, actor=actor, verb="attempt_" + status, note=f"{attempt.staff.name} {attempt.score}"
    )
    return attempt
