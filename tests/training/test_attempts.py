"""Taking a test: the draw, answers saved as one goes, one submission, the time limit kept by the server."""

from datetime import timedelta

import pytest

from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from training import services as svc
from training.draw import draw
from training.models import Attempt, AttemptStatus, MonthlyTestStatus, Option, Question, QuestionKind
from training.selectors import pool_for

from .conftest import MONTH, add_question, answer_key, answers_with, at, moment, november_test, take_test, wrong_answer

pytestmark = pytest.mark.django_db


def test_starting_draws_the_quotas_and_starting_again_returns_the_same_paper(people, topics, published_test):
    helper = people["helpers"][0]
    with at(2026, 11, 25, 10):
        attempt = svc.attempt_start(actor=helper, test_id=published_test.pk)
        again = svc.attempt_start(actor=helper, test_id=published_test.pk)
    assert again.pk == attempt.pk
    rows = list(attempt.questions.select_related("question"))
    assert len(rows) == 10 and len({r.question_id for r in rows}) == 10
    per_topic = {t.pk: sum(1 for r in rows if r.question.topic_id == t.pk) for t in topics}
    assert per_topic == {topics[0].pk: 3, topics[1].pk: 3, topics[2].pk: 4}
    assert attempt.deadline == moment(2026, 11, 25, 10, 30)


def test_the_stored_paper_is_the_draw_of_the_attempts_seed(people, published_test):
    with at(2026, 11, 25, 10):
        attempt = svc.attempt_start(actor=people["helpers"][0], test_id=published_test.pk)
    quotas = dict(published_test.quotas.values_list("topic_id", "count"))
    again = draw(pool_for(published_test.centre, MONTH), quotas, published_test.question_count, attempt.seed)
    stored = [(r.question_id, tuple(r.option_order)) for r in attempt.questions.order_by("position")]
    assert stored == [(d.question_id, d.option_order) for d in again]


def test_two_people_get_different_papers(people, published_test):
    with at(2026, 11, 25, 10):
        a = svc.attempt_start(actor=people["helpers"][0], test_id=published_test.pk)
        b = svc.attempt_start(actor=people["helpers"][1], test_id=published_test.pk)
    order = lambda attempt: [r.question_id for r in attempt.questions.order_by("position")]  # noqa: E731
    assert a.seed != b.seed and order(a) != order(b)


@pytest.mark.parametrize(
    ("n_right", "score", "passed"), [(10, "100.00", True), (9, "90.00", True), (8, "80.00", False)]
)
def test_submission_is_graded_to_100_points(people, published_test, n_right, score, passed):
    attempt = take_test(people["helpers"][0], published_test, n_right)
    assert attempt.status == AttemptStatus.SUBMITTED
    assert (str(attempt.score), attempt.passed, attempt.correct_count) == (score, passed, n_right)
    assert attempt.questions.filter(is_correct=True).count() == n_right


def test_partial_answers_to_multiple_choice_count_as_wrong(people, published_test, monkeypatch):
    helper = people["helpers"][0]
    # A seed whose draw has multiple-choice questions (the bank holds one per topic).
    quotas = dict(published_test.quotas.values_list("topic_id", "count"))
    pool = pool_for(published_test.centre, MONTH)
    multiple_ids = set(Question.objects.filter(kind=QuestionKind.MULTIPLE).values_list("pk", flat=True))
    seed = next(s for s in range(1000) if len({d.question_id for d in draw(pool, quotas, 10, s)} & multiple_ids) >= 2)
    monkeypatch.setattr("training.services.attempts.secrets.randbits", lambda _bits: seed)
    with at(2026, 11, 25, 10):
        attempt = svc.attempt_start(actor=helper, test_id=published_test.pk)
        key = answer_key(attempt)
        answers = dict(key)
        multiple = [
            r for r in attempt.questions.select_related("question") if r.question.kind == QuestionKind.MULTIPLE
        ]
        assert len(multiple) >= 2
        for row in multiple:
            answers[row.question_id] = key[row.question_id][:1]  # one of the two correct options
        graded = svc.attempt_submit(actor=helper, attempt_id=attempt.pk, answers=answers)
    assert graded.correct_count == 10 - len(multiple)
    assert all(not r.is_correct for r in graded.questions.filter(question_id__in=[m.question_id for m in multiple]))


def test_answers_are_saved_as_one_goes_and_graded_on_submission(people, published_test):
    helper = people["helpers"][0]
    with at(2026, 11, 25, 10):
        attempt = svc.attempt_start(actor=helper, test_id=published_test.pk)
        key = answer_key(attempt)
        for question_id, option_ids in key.items():
            svc.attempt_answer(actor=helper, attempt_id=attempt.pk, question_id=question_id, option_ids=option_ids)
        first = attempt.questions.order_by("position").first()
        svc.attempt_answer(actor=helper, attempt_id=attempt.pk, question_id=first.question_id, option_ids=[])
        graded = svc.attempt_submit(actor=helper, attempt_id=attempt.pk)
    assert graded.correct_count == 9 and str(graded.score) == "90.00"


def test_a_second_submission_is_refused(people, published_test):
    helper = people["helpers"][0]
    attempt = take_test(helper, published_test, 10)
    with at(2026, 11, 25, 10, 5), pytest.raises(TransitionNotAllowed, match="accepted once"):
        svc.attempt_submit(actor=helper, attempt_id=attempt.pk, answers={})
    with at(2026, 11, 25, 10, 5), pytest.raises(TransitionNotAllowed):
        svc.attempt_answer(
            actor=helper, attempt_id=attempt.pk, question_id=attempt.questions.first().question_id, option_ids=[]
        )
    attempt.refresh_from_db()
    assert str(attempt.score) == "100.00"


@pytest.fixture
def paper_at_ten(people, published_test, settings):
    """The first helper's paper, started at 10:00 on the opening day (30 minutes, 10 seconds' grace), and the
    answers that would score 100."""
    settings.TRAINING_SUBMIT_GRACE_SECONDS = 10
    with at(2026, 11, 25, 10):
        attempt = svc.attempt_start(actor=people["helpers"][0], test_id=published_test.pk)
        return attempt, answers_with(attempt, 10)


def test_the_server_refuses_a_submission_after_the_time_limit(people, paper_at_ten):
    helper = people["helpers"][0]
    attempt, answers = paper_at_ten
    with at(2026, 11, 25, 10):
        first_id = next(iter(answers))
        svc.attempt_answer(actor=helper, attempt_id=attempt.pk, question_id=first_id, option_ids=answers[first_id])
    # 30 minutes and 11 seconds later: past the deadline and its grace.
    with at(2026, 11, 25, 10, 30, 11):
        with pytest.raises(TransitionNotAllowed, match="time is up"):
            svc.attempt_submit(actor=helper, attempt_id=attempt.pk, answers=answers)
        with pytest.raises(TransitionNotAllowed, match="time is up"):
            svc.attempt_answer(actor=helper, attempt_id=attempt.pk, question_id=first_id, option_ids=answers[first_id])
        # The paper is graded with what was saved in time: one right answer of ten.
        assert svc.attempt_expire_overdue() == 1
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.EXPIRED and attempt.correct_count == 1 and str(attempt.score) == "10.00"


def test_a_submission_inside_the_grace_seconds_is_accepted(people, paper_at_ten):
    helper = people["helpers"][0]
    attempt, answers = paper_at_ten
    with at(2026, 11, 25, 10, 30, 9):
        assert svc.attempt_expire_overdue() == 0
        graded = svc.attempt_submit(actor=helper, attempt_id=attempt.pk, answers=answers)
    assert graded.status == AttemptStatus.SUBMITTED and graded.passed


def test_the_deadline_is_the_closing_time_when_that_comes_first(people, published_test):
    with at(2026, 11, 27, 17, 50):
        attempt = svc.attempt_start(actor=people["helpers"][0], test_id=published_test.pk)
    assert attempt.deadline == published_test.closes_at


def test_answering_a_question_not_in_ones_draw_is_refused(people, topics, published_test):
    helper = people["helpers"][0]
    with at(2026, 11, 25, 10):
        attempt = svc.attempt_start(actor=helper, test_id=published_test.pk)
        drawn = set(attempt.questions.values_list("question_id", flat=True))
        outside = Option.objects.exclude(question_id__in=drawn).select_related("question").first()
        with pytest.raises(DomainError, match="not in your paper") as refused:
            svc.attempt_answer(
                actor=helper, attempt_id=attempt.pk, question_id=outside.question_id, option_ids=[outside.pk]
            )
        assert refused.value.field == "question"
        with pytest.raises(DomainError, match="not in your paper"):
            svc.attempt_submit(actor=helper, attempt_id=attempt.pk, answers={outside.question_id: [outside.pk]})


def test_an_answer_outside_the_questions_options_is_refused(people, published_test):
    helper = people["helpers"][0]
    with at(2026, 11, 25, 10):
        attempt = svc.attempt_start(actor=helper, test_id=published_test.pk)
        rows = list(attempt.questions.select_related("question").order_by("position"))
        single = next(r for r in rows if r.question.kind == QuestionKind.SINGLE)
        other = next(r for r in rows if r.pk != single.pk)
        with pytest.raises(DomainError, match="not one of the question's options"):
            svc.attempt_answer(
                actor=helper, attempt_id=attempt.pk, question_id=single.question_id, option_ids=[other.option_order[0]]
            )
        with pytest.raises(DomainError, match="not one of"):
            svc.attempt_answer(actor=helper, attempt_id=attempt.pk, question_id=single.question_id, option_ids=["x"])
        with pytest.raises(DomainError, match="one answer"):
            svc.attempt_answer(
                actor=helper, attempt_id=attempt.pk, question_id=single.question_id, option_ids=single.option_order[:2]
            )


def test_only_the_owner_answers_a_paper(people, published_test):
    with at(2026, 11, 25, 10):
        attempt = svc.attempt_start(actor=people["helpers"][0], test_id=published_test.pk)
        row = attempt.questions.first()
        with pytest.raises(PermissionDenied):
            svc.attempt_answer(
                actor=people["helpers"][1], attempt_id=attempt.pk, question_id=row.question_id, option_ids=[]
            )
        with pytest.raises(PermissionDenied):
            svc.attempt_submit(actor=people["supervisor"], attempt_id=attempt.pk)


@pytest.mark.parametrize("when", [(2026, 11, 25, 8, 59), (2026, 11, 27, 18, 0)])
def test_the_test_is_taken_inside_its_window_only(people, published_test, when):
    with at(*when), pytest.raises(TransitionNotAllowed, match="open from"):
        svc.attempt_start(actor=people["helpers"][0], test_id=published_test.pk)


def test_another_centres_staff_cannot_take_the_test(people, published_test):
    with at(2026, 11, 25, 10), pytest.raises(PermissionDenied):
        svc.attempt_start(actor=people["town_helper"], test_id=published_test.pk)


def test_a_draft_test_cannot_be_taken(people, topics, bank):
    with at(2026, 11, 20):
        test = november_test(people, question_count=5, time_limit_minutes=20, opens_at=moment(2026, 11, 20, 9))
        with pytest.raises(TransitionNotAllowed):
            svc.attempt_start(actor=people["helpers"][0], test_id=test.pk)


def test_a_test_asking_more_of_a_topic_than_the_bank_holds_is_refused(people, topics, bank):
    with at(2026, 11, 20):
        with pytest.raises(DomainError, match=f"“{topics[0].name}” asks for 7 questions but the bank holds 6") as e:
            november_test(people, question_count=10, time_limit_minutes=20, quotas={topics[0].pk: 7})
        assert e.value.field == "quotas"
        with pytest.raises(DomainError, match="holds 18"):
            november_test(people, question_count=19, time_limit_minutes=20)
        with pytest.raises(DomainError, match="add up to more"):
            november_test(people, question_count=5, time_limit_minutes=20, quotas={topics[0].pk: 3, topics[1].pk: 3})


def test_deactivated_questions_and_other_months_topics_are_not_drawn(people, topics, bank):
    sup = people["supervisor"]
    # A question on a topic nobody was trained on this month is not in the month's pool.
    untrained = svc.topic_create(actor=sup, name="税务")
    add_question(sup, people["centre"], topic=untrained)
    svc.question_set_active(actor=sup, question_id=bank[topics[0].pk][0].pk, active=False)
    pool = pool_for(people["centre"], MONTH)
    assert len(pool) == 17
    assert untrained.pk not in {q.topic_id for q in pool}


def test_closing_grades_open_papers_and_marks_who_never_started(
    people, published_test, django_capture_on_commit_callbacks
):
    h1, h2, h3 = people["helpers"]
    take_test(h1, published_test, 9)
    with at(2026, 11, 27, 17, 55):
        open_attempt = svc.attempt_start(actor=h2, test_id=published_test.pk)
        answers = answers_with(open_attempt, 10)
        for question_id in list(answers)[:5]:
            svc.attempt_answer(
                actor=h2, attempt_id=open_attempt.pk, question_id=question_id, option_ids=answers[question_id]
            )
    with at(2026, 11, 27, 18, 1), django_capture_on_commit_callbacks(execute=False) as callbacks:
        svc.monthly_test_close(actor=people["supervisor"], test_id=published_test.pk)
    assert len(callbacks) == 1  # the consequences are queued once the close is committed
    results = {a.staff_id: a for a in Attempt.objects.filter(test=published_test)}
    assert results[h1.staff_member.pk].status == AttemptStatus.SUBMITTED
    assert (results[h2.staff_member.pk].status, str(results[h2.staff_member.pk].score)) == (
        AttemptStatus.EXPIRED,
        "50.00",
    )
    missed = results[h3.staff_member.pk]
    assert (missed.status, missed.score, missed.passed) == (AttemptStatus.MISSED, 0, False)
    # Window helpers and department staff are not required to take it.
    assert people["window_helper"].staff_member.pk not in results
    published_test.refresh_from_db()
    assert published_test.status == MonthlyTestStatus.CLOSED
    with pytest.raises(TransitionNotAllowed):
        svc.monthly_test_close(actor=people["supervisor"], test_id=published_test.pk)


def test_an_excused_person_has_no_score_and_cannot_start(people, published_test):
    h3 = people["helpers"][2]
    with at(2026, 11, 24):
        excused = svc.attempt_excuse(
            actor=people["supervisor"], test_id=published_test.pk, staff_id=h3.staff_member.pk, reason="病假"
        )
    with at(2026, 11, 25, 10):
        again = svc.attempt_start(actor=h3, test_id=published_test.pk)
    assert again.pk == excused.pk and again.status == AttemptStatus.EXCUSED and again.score is None
    with at(2026, 11, 25, 10), pytest.raises(TransitionNotAllowed):
        svc.attempt_submit(actor=h3, attempt_id=again.pk)
    take_test(people["helpers"][0], published_test, 10, when=(2026, 11, 25, 11))
    with at(2026, 11, 25, 11), pytest.raises(TransitionNotAllowed, match="begun the test"):
        svc.attempt_excuse(
            actor=people["supervisor"],
            test_id=published_test.pk,
            staff_id=people["helpers"][0].staff_member.pk,
            reason="x",
        )


def test_wrong_answer_helper_is_wrong(people, published_test):
    # Guard for the fixtures' helper: a "wrong" answer is never a correct option.
    with at(2026, 11, 25, 10):
        attempt = svc.attempt_start(actor=people["helpers"][0], test_id=published_test.pk)
    key = answer_key(attempt)
    for row in attempt.questions.all():
        assert not set(wrong_answer(row)) & set(key[row.question_id])
    assert attempt.deadline - attempt.started_at == timedelta(minutes=30)
