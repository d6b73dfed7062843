"""Taking a monthly test: start (the draw), save answers as one goes, submit once, in time.

The server keeps the time: an attempt's deadline is the start plus the time limit, or the test's closing time
if that comes first. Answers and the submission are refused after the deadline (a few seconds of grace cover
the network); the answers saved until then are graded when the time runs out.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from staff.access import staff_of

from ..draw import DrawImpossible, draw
from ..grading import grace
from ..models import Attempt, AttemptQuestion, AttemptStatus, MonthlyTest, QuestionKind
from ..selectors import pool_for
from .common import record_test_event
from .paper import attempt_grade, shortfall_message


def attempt_start(*, actor, test_id: int) -> Attempt:
    """Draw the person's paper and start the clock; starting again returns the same attempt."""
    return attempt_start_or_resume(actor=actor, test_id=test_id)[0]


@transaction.atomic
def attempt_start_or_resume(*, actor, test_id: int) -> tuple[Attempt, bool]:
    """The person's attempt, and whether this call drew it (False: an attempt started earlier is handed back)."""
    member = staff_of(actor)
    # The test row is locked so that a double click does not draw two papers, and a close waits for us; "no key"
    # so that others' hand-ins may still insert rows referencing the test meanwhile (see exams._lock).
    test = (
        MonthlyTest.objects.select_for_update(of=("self",), no_key=True)
        .select_related("centre")
        .filter(pk=test_id)
        .first()
    )
    if test is None or test.centre_id != member.centre_id:
        raise PermissionDenied(_("This test is for another centre's staff."))
    existing = Attempt.objects.filter(test=test, staff=member).first()
    if existing is not None:
        return existing, False
    now = timezone.now()
    if not test.is_open_at(now):
        raise TransitionNotAllowed(
            _("The test is open from %(opens)s to %(closes)s.")
            % {
                "opens": date_format(timezone.localtime(test.opens_at), "Y-m-d H:i"),
                "closes": date_format(timezone.localtime(test.closes_at), "Y-m-d H:i"),
            }
        )
    seed = secrets.randbits(62)
    quotas = dict(test.quotas.values_list("topic_id", "count"))
    try:
        drawn = draw(pool_for(test.centre, test.month), quotas, test.question_count, seed)
    except DrawImpossible as exc:
        raise DomainError(shortfall_message(exc.shortfalls)) from exc
    attempt = Attempt.objects.create(
        test=test,
        staff=member,
        seed=seed,
        started_at=now,
        deadline=min(now + timedelta(minutes=test.time_limit_minutes), test.closes_at),
    )
    AttemptQuestion.objects.bulk_create(
        [
            AttemptQuestion(attempt=attempt, question_id=d.question_id, position=i, option_order=list(d.option_order))
            for i, d in enumerate(drawn, start=1)
        ]
    )
    record_test_event(test, actor=actor, verb="attempt_started", note=member.name)
    return attempt, True


def _lock_own(actor, attempt_id: int) -> Attempt:
    member = staff_of(actor)
    attempt = (
        Attempt.objects.select_for_update(of=("self",)).select_related("test", "staff").filter(pk=attempt_id).first()
    )
    if attempt is None or attempt.staff_id != member.pk:
        raise PermissionDenied(_("This is not your test paper."))
    return attempt


def _ensure_in_time(attempt: Attempt, now) -> None:
    if attempt.status == AttemptStatus.SUBMITTED:
        raise TransitionNotAllowed(_("This paper has been submitted already: it is accepted once."))
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise TransitionNotAllowed(_("This paper is closed: %(status)s.") % {"status": attempt.get_status_display()})
    if now > attempt.deadline + grace():
        raise TransitionNotAllowed(
            _("The time is up (%(deadline)s): the answers saved until then are graded.")
            % {"deadline": date_format(timezone.localtime(attempt.deadline), "H:i:s")}
        )


def _choice(row: AttemptQuestion, option_ids: Iterable) -> list[int]:
    """The chosen options of a drawn question, checked against its own options, in the order shown."""
    try:
        ids = list(dict.fromkeys(int(i) for i in option_ids))
    except (TypeError, ValueError) as exc:
        raise DomainError(_("That answer is not one of the question's options."), field="answer") from exc
    if set(ids) - set(row.option_order):
        raise DomainError(_("That answer is not one of the question's options."), field="answer")
    if row.question.kind != QuestionKind.MULTIPLE and len(ids) > 1:
        raise DomainError(_("Choose one answer."), field="answer")
    return sorted(ids, key=row.option_order.index)


@transaction.atomic
def attempt_answer(*, actor, attempt_id: int, question_id: int, option_ids: Iterable) -> AttemptQuestion:
    """Save the answer to one question of one's paper (an empty choice clears it)."""
    attempt = _lock_own(actor, attempt_id)
    now = timezone.now()
    _ensure_in_time(attempt, now)
    row = attempt.questions.select_related("question").filter(question_id=question_id).first()
    if row is None:
        raise DomainError(_("This question is not in your paper."), field="question")
    row.chosen = _choice(row, option_ids)
    row.answered_at = now
    row.save(update_fields=["chosen", "answered_at"])
    return row


def _save_answers(attempt: Attempt, answers: Mapping[int, Iterable], now) -> None:
    rows = {r.question_id: r for r in attempt.questions.select_related("question")}
    for question_id, option_ids in answers.items():
        row = rows.get(int(question_id))
        if row is None:
            raise DomainError(_("This question is not in your paper."), field="question")
        chosen = _choice(row, option_ids)
        if chosen != row.chosen:
            row.chosen, row.answered_at = chosen, now
            row.save(update_fields=["chosen", "answered_at"])


@transaction.atomic
def attempt_save_answers(*, actor, attempt_id: int, answers: Mapping[int, Iterable]) -> Attempt:
    """Save the whole page's answers without handing in (the step before the hand-in is confirmed)."""
    attempt = _lock_own(actor, attempt_id)
    now = timezone.now()
    _ensure_in_time(attempt, now)
    _save_answers(attempt, answers, now)
    return attempt


@transaction.atomic
def attempt_submit(*, actor, attempt_id: int, answers: Mapping[int, Iterable] | None = None) -> Attempt:
    """Hand in the paper (with the answers given here, over those saved before) and grade it. Accepted once."""
    attempt = _lock_own(actor, attempt_id)
    now = timezone.now()
    _ensure_in_time(attempt, now)
    if answers:
        _save_answers(attempt, answers, now)
    return attempt_grade(attempt, status=AttemptStatus.SUBMITTED, now=now, actor=actor)


def attempt_expire_overdue(*, attempt_id: int | None = None, now=None) -> int:
    """Grade the papers whose time ran out without a submission (all of them, or one). Safe to run any time."""
    now = now or timezone.now()
    qs = Attempt.objects.filter(status=AttemptStatus.IN_PROGRESS, deadline__lt=now - grace())
    if attempt_id is not None:
        qs = qs.filter(pk=attempt_id)
    graded = 0
    for pk in qs.values_list("pk", flat=True):
        with transaction.atomic():
            attempt = Attempt.objects.select_for_update(of=("self",)).select_related("test", "staff").get(pk=pk)
            if attempt.status == AttemptStatus.IN_PROGRESS and attempt.deadline < now - grace():
                attempt_grade(attempt, status=AttemptStatus.EXPIRED, now=now)
                graded += 1
    return graded
