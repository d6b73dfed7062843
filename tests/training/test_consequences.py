"""Consequences of a test (seed 000 四.2): below 85 a day of off-post study in the rosters and a notice; the
third failed test in a row a recommendation to the dispatch company. Applying them twice changes nothing."""

from datetime import date

import pytest
from django.urls import reverse

from hallservice.core.actors import SYSTEM
from hallservice.core.errors import TransitionNotAllowed
from rosters.models import Unavailability, UnavailabilityKind
from rosters.selectors import away_days, day_roster, unavailable_staff_ids
from rosters.services import unavailability_record
from training import services as svc
from training.models import (
    MonthlyTestStatus,
    NoticeKind,
    Recommendation,
    SessionKind,
    StudyDay,
    TrainingEvent,
    TrainingNotice,
)

from .conftest import COMPANY, add_question, at, moment, take_test

pytestmark = pytest.mark.django_db


def close(test, people, when):
    with at(*when):
        svc.monthly_test_close(actor=people["supervisor"], test_id=test.pk)
        return svc.monthly_test_apply_consequences(actor=SYSTEM, test_id=test.pk)


def month_test(people, topic, year, month, *, n=20, opens_day=20, closes_day=25):
    """A month with one training on ``topic``, 20 questions from it, and a published 20-question test."""
    sup = people["supervisor"]
    with at(year, month, 1):
        session = svc.session_create(
            actor=sup,
            centre_id=people["centre"].pk,
            kind=SessionKind.WEEKLY,
            topic_id=topic.pk,
            title=f"{year}-{month} 培训",
            starts_at=moment(year, month, 3, 14),
            trainer_name="李卫民",
        )
        for _ in range(n):
            add_question(sup, people["centre"], session=session)
        test = svc.monthly_test_create(
            actor=sup,
            centre_id=people["centre"].pk,
            month=date(year, month, 1),
            question_count=n,
            time_limit_minutes=30,
            opens_at=moment(year, month, opens_day, 9),
            closes_at=moment(year, month, closes_day, 18),
        )
        svc.monthly_test_publish(actor=sup, test_id=test.pk)
    return test


@pytest.fixture
def topic(people):
    return svc.topic_create(actor=people["supervisor"], name="综合业务")


def test_a_score_below_85_gives_a_study_day_on_the_next_working_day_in_the_rosters(people, published_test, client):
    h1, h2, _h3 = people["helpers"]
    take_test(h1, published_test, 8)  # 80 points
    take_test(h2, published_test, 9)  # 90 points
    summary = close(published_test, people, (2026, 11, 27, 18, 1))  # Friday evening
    assert (summary.study_days, summary.recommendations) == (2, 0)  # h1 and h3, who never started
    study = StudyDay.objects.get(staff=h1.staff_member)
    assert study.day == date(2026, 11, 30)  # the Monday
    record = Unavailability.objects.get(staff=h1.staff_member, kind=UnavailabilityKind.STUDY)
    assert (record.start, record.end, record.source) == (study.day, study.day, f"training:test-{published_test.pk}")
    assert study.unavailability_id == record.pk
    assert not StudyDay.objects.filter(staff=h2.staff_member).exists()
    # The rosters see the day: the generator's inputs, the day's roster and the absences page.
    centre = people["centre"]
    assert h1.staff_member.pk in unavailable_staff_ids(centre, study.day)
    assert study.day in away_days(centre_id=centre.pk, start=study.day, end=study.day)[h1.staff_member.pk]
    assert h1.staff_member.pk in day_roster(centre, study.day).away
    client.force_login(people["supervisor"])
    page = client.get(reverse("rosters:unavailability"), {"centre": centre.pk, "month": "2026-11"})
    assert page.status_code == 200 and h1.staff_member.name in page.content.decode()
    # The person is told.
    notice = TrainingNotice.objects.get(staff=h1.staff_member, kind=NoticeKind.STUDY_DAY)
    assert "2026-11-30" in notice.text and "80.00" in notice.text


def test_85_passes_and_a_fraction_below_fails(people, published_test, settings):
    settings.TRAINING_PASS_MARK = 85
    h1, h2, h3 = people["helpers"]
    # A paper of 40 questions weighs 2.5 points each: 34 right is exactly 85, 33 right is 82.5.
    sup = people["supervisor"]
    with at(2026, 11, 20):
        for session in published_test.centre.training_sessions.all():
            for _ in range(10):
                add_question(sup, people["centre"], session=session)
    published_test.question_count = 40
    published_test.save(update_fields=["question_count"])
    published_test.quotas.all().delete()
    a1 = take_test(h1, published_test, 34)
    a2 = take_test(h2, published_test, 33)
    assert (str(a1.score), a1.passed) == ("85.00", True)
    assert (str(a2.score), a2.passed) == ("82.50", False)
    take_test(h3, published_test, 40)
    close(published_test, people, (2026, 11, 27, 18, 1))
    assert list(StudyDay.objects.values_list("staff__name", flat=True)) == [h2.staff_member.name]


def test_applying_consequences_twice_changes_nothing(people, published_test):
    take_test(people["helpers"][0], published_test, 5)
    close(published_test, people, (2026, 11, 27, 18, 1))

    def snapshot():
        return (
            list(StudyDay.objects.values_list("pk", "staff_id", "day", "unavailability_id")),
            list(Unavailability.objects.values_list("pk", "staff_id", "start", "end", "kind", "source", "note")),
            list(TrainingNotice.objects.values_list("pk", "staff_id", "key", "text")),
            list(Recommendation.objects.values_list("pk")),
            TrainingEvent.objects.count(),
        )

    before = snapshot()
    # Again the next week, through the task (as the tick would after a crash), and by a supervisor's click.
    from training.tasks import training_apply_consequences

    with at(2026, 12, 2, 9):
        assert training_apply_consequences(published_test.pk) == {"study_days": 0, "recommendations": 0}
        summary = svc.monthly_test_apply_consequences(actor=people["supervisor"], test_id=published_test.pk)
    assert (summary.study_days, summary.recommendations) == (0, 0)
    assert snapshot() == before


def test_consequences_wait_for_the_test_to_close(people, published_test):
    with at(2026, 11, 25), pytest.raises(TransitionNotAllowed):
        svc.monthly_test_apply_consequences(actor=SYSTEM, test_id=published_test.pk)


def test_a_study_day_skips_days_the_person_is_away_already(people, published_test):
    h1 = people["helpers"][0]
    with at(2026, 11, 20):
        unavailability_record(
            actor=people["supervisor"],
            staff_id=h1.staff_member.pk,
            start=date(2026, 11, 30),
            end=date(2026, 12, 1),
            kind=UnavailabilityKind.LEAVE,
            note="年休假",
        )
    take_test(h1, published_test, 2)
    close(published_test, people, (2026, 11, 27, 18, 1))
    assert StudyDay.objects.get(staff=h1.staff_member).day == date(2026, 12, 2)


def test_after_national_day_the_study_day_is_the_first_working_day(people, topic):
    test = month_test(people, topic, 2026, 9, opens_day=28, closes_day=30)
    take_test(people["helpers"][0], test, 10, when=(2026, 9, 29, 10))
    close(test, people, (2026, 9, 30, 18, 5))
    assert StudyDay.objects.get(staff=people["helpers"][0].staff_member).day == date(2026, 10, 8)


def test_three_failed_months_in_a_row_give_a_recommendation_with_a_letter(people, topic, client):
    h1, h2, h3 = people["helpers"]
    for month in (8, 9, 10):
        test = month_test(people, topic, 2026, month)
        take_test(h1, test, 16, when=(2026, month, 21, 10))  # 80 each time
        take_test(h2, test, 18 if month == 9 else 10, when=(2026, month, 21, 10))  # passes in September
        take_test(h3, test, 20, when=(2026, month, 21, 10))
        summary = close(test, people, (2026, month, 25, 18, 5))
        assert summary.recommendations == (1 if month == 10 else 0)
    rec = Recommendation.objects.get()
    assert rec.staff == h1.staff_member and rec.company == COMPANY and rec.test == test
    assert [m["month"] for m in rec.months] == ["2026-08", "2026-09", "2026-10"]
    assert [m["score"] for m in rec.months] == ["80.00"] * 3
    # h2 failed August and October, passed September: the pass in between reset the run.
    assert not Recommendation.objects.filter(staff=h2.staff_member).exists()
    assert StudyDay.objects.filter(staff=h2.staff_member).count() == 2

    client.force_login(people["supervisor"])
    listing = client.get(reverse("training:recommendations"))
    assert listing.status_code == 200 and h1.staff_member.name in listing.content.decode()
    letter = client.get(reverse("training:recommendation-letter", args=[rec.pk]))
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    text = pdf_text(letter.content)
    for expected in (h1.staff_member.name, COMPANY, "2026年08月", "80.00", "85"):
        assert expected in text
    sent = client.post(reverse("training:recommendation-sent", args=[rec.pk]))
    assert sent.status_code == 302
    rec.refresh_from_db()
    assert rec.status == "sent" and rec.sent_by == people["supervisor"]
    # Somebody without the reports permission sees neither the list nor the letter.
    client.force_login(h3)
    assert client.get(reverse("training:recommendation-letter", args=[rec.pk])).status_code == 403


def test_a_missed_test_counts_as_a_failure_and_an_excused_one_is_skipped(people, topic):
    h1 = people["helpers"][0]
    tests = {}
    for month in (7, 8, 9, 10):
        tests[month] = test = month_test(people, topic, 2026, month)
        if month == 8:
            with at(2026, 8, 10):
                svc.attempt_excuse(
                    actor=people["supervisor"], test_id=test.pk, staff_id=h1.staff_member.pk, reason="产假"
                )
        elif month == 9:
            pass  # never started: marked "not taken" with 0 points at closing
        else:
            take_test(h1, test, 12, when=(2026, month, 21, 10))
        close(test, people, (2026, month, 25, 18, 5))
    rec = Recommendation.objects.get(staff=h1.staff_member)
    assert rec.test == tests[10]
    assert [(m["month"], m["status"]) for m in rec.months] == [
        ("2026-07", "submitted"),
        ("2026-09", "missed"),
        ("2026-10", "submitted"),
    ]
    assert not StudyDay.objects.filter(attempt__test=tests[8], staff=h1.staff_member).exists()


def test_the_run_counts_again_after_a_recommendation(people, topic):
    h1 = people["helpers"][0]
    for month in range(4, 10):
        test = month_test(people, topic, 2026, month)
        take_test(h1, test, 0, when=(2026, month, 21, 10))
        close(test, people, (2026, month, 25, 18, 5))
    assert sorted(r.test.month.month for r in Recommendation.objects.filter(staff=h1.staff_member)) == [6, 9]


def test_closing_queues_the_consequences_as_a_task(people, published_test, django_capture_on_commit_callbacks):
    take_test(people["helpers"][0], published_test, 1)
    with at(2026, 11, 27, 18, 1), django_capture_on_commit_callbacks(execute=True):
        svc.monthly_test_close(actor=people["supervisor"], test_id=published_test.pk)
    published_test.refresh_from_db()
    assert published_test.status == MonthlyTestStatus.CLOSED and published_test.consequences_applied_at
    assert StudyDay.objects.filter(attempt__test=published_test).count() == 3


def test_the_tick_closes_tests_whose_window_is_over(people, published_test, django_capture_on_commit_callbacks):
    from training.tasks import training_tests_tick

    with at(2026, 11, 25, 10):
        svc.attempt_start(actor=people["helpers"][0], test_id=published_test.pk)
    with at(2026, 11, 27, 17), django_capture_on_commit_callbacks(execute=True):
        assert training_tests_tick() == {"expired": 1, "closed": 0}
    with at(2026, 11, 27, 18, 5), django_capture_on_commit_callbacks(execute=True):
        assert training_tests_tick() == {"expired": 0, "closed": 1}
        assert training_tests_tick() == {"expired": 0, "closed": 0}
    published_test.refresh_from_db()
    assert published_test.status == MonthlyTestStatus.CLOSED and published_test.consequences_applied_at
    assert StudyDay.objects.filter(attempt__test=published_test).count() == 3


def pdf_text(content: bytes) -> str:
    import subprocess

    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    return result.stdout.decode()
