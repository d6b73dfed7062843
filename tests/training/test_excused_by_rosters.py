"""Issue 20, item 2: a helper who never starts the monthly test scores 0 and fails — except when the rosters record
leave or off-post study over the whole test window: then the paper is excused (已免考), which is no fail, gives
no study day, and neither counts in nor breaks a run of failed months.

November's test is open Wednesday 25 Nov 09:00 to Friday 27 Nov 18:00 (Beijing time).
"""

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from rosters.models import UnavailabilityKind
from rosters.services import unavailability_record
from training import services as svc
from training.models import (
    Attempt,
    AttemptStatus,
    MonthlyTest,
    Recommendation,
    StudyDay,
    TrainingEvent,
)
from training.selectors import fail_streak, window_days

from .conftest import at, moment, take_test
from .test_consequences import close, month_test

pytestmark = pytest.mark.django_db


def away(people, user, start, end, kind=UnavailabilityKind.LEAVE):
    with at(2026, 11, 2):
        return unavailability_record(
            actor=people["supervisor"], staff_id=user.staff_member.pk, start=start, end=end, kind=kind, note="年假"
        )


def paper_of(user, test) -> Attempt:
    return Attempt.objects.get(staff=user.staff_member, test=test)


def test_leave_over_the_whole_window_excuses_and_a_partial_leave_does_not(people, published_test):
    h1, h2, h3 = people["helpers"]
    # Given 帮办1 on leave Monday to Friday, 帮办2 on leave Wednesday and Thursday only, 帮办3 at work
    away(people, h1, date(2026, 11, 23), date(2026, 11, 27))
    away(people, h2, date(2026, 11, 25), date(2026, 11, 26))
    # When the test closes and none of them started it
    summary = close(published_test, people, (2026, 11, 27, 18, 1))
    # Then 帮办1 is excused, with the leave as the reason: no score, no fail, no study day
    excused = paper_of(h1, published_test)
    assert (excused.status, excused.score, excused.passed) == (AttemptStatus.EXCUSED, None, None)
    assert "请假 2026-11-23–2026-11-27" in excused.note and "整个考试时段" in excused.note
    assert not StudyDay.objects.filter(staff=h1.staff_member).exists()
    event = TrainingEvent.objects.get(test=published_test, verb="attempt_excused")
    assert event.actor == people["supervisor"] and h1.staff_member.name in event.note
    # And the other two did not take it: 0 points, a fail, a study day each
    for user in (h2, h3):
        paper = paper_of(user, published_test)
        assert (paper.status, paper.score, paper.passed) == (AttemptStatus.MISSED, 0, False)
    assert summary.study_days == 2
    assert set(StudyDay.objects.values_list("staff__name", flat=True)) == {"帮办2", "帮办3"}


def test_a_paper_started_before_the_leave_is_graded_not_excused(people, published_test):
    h1 = people["helpers"][0]
    take_test(h1, published_test, 5, when=(2026, 11, 25, 10))  # 50 points
    away(people, h1, date(2026, 11, 25), date(2026, 11, 27))
    close(published_test, people, (2026, 11, 27, 18, 1))
    paper = paper_of(h1, published_test)
    assert (paper.status, str(paper.score), paper.passed) == (AttemptStatus.SUBMITTED, "50.00", False)


def test_business_travel_is_not_leave_and_off_post_study_is(people, published_test):
    h1, h2, _h3 = people["helpers"]
    away(people, h1, date(2026, 11, 25), date(2026, 11, 27), kind=UnavailabilityKind.TRAVEL)
    away(people, h2, date(2026, 11, 25), date(2026, 11, 27), kind=UnavailabilityKind.STUDY)
    close(published_test, people, (2026, 11, 27, 18, 1))
    assert paper_of(h1, published_test).status == AttemptStatus.MISSED
    assert paper_of(h2, published_test).status == AttemptStatus.EXCUSED
    assert "离岗学习" in paper_of(h2, published_test).note


def test_a_window_over_a_weekend_is_covered_by_leave_on_its_working_days(people, topics, bank):
    """Open Friday 27 Nov 09:00 to Monday 30 Nov 18:00; leave entered as Friday and Monday."""
    sup, h1 = people["supervisor"], people["helpers"][0]
    with at(2026, 11, 20):
        test = svc.monthly_test_create(
            actor=sup,
            centre_id=people["centre"].pk,
            month=date(2026, 11, 1),
            question_count=10,
            time_limit_minutes=30,
            opens_at=moment(2026, 11, 27, 9),
            closes_at=moment(2026, 11, 30, 18),
        )
        svc.monthly_test_publish(actor=sup, test_id=test.pk)
    assert window_days(test) == [date(2026, 11, 27), date(2026, 11, 30)]
    away(people, h1, date(2026, 11, 27), date(2026, 11, 27))
    away(people, h1, date(2026, 11, 30), date(2026, 11, 30))
    close(test, people, (2026, 11, 30, 18, 1))
    assert paper_of(h1, test).status == AttemptStatus.EXCUSED


def test_a_window_ending_at_midnight_does_not_reach_into_the_next_day(people, published_test):
    published_test.opens_at, published_test.closes_at = moment(2026, 11, 26, 0), moment(2026, 11, 27, 0)
    assert window_days(published_test) == [date(2026, 11, 26)]


def test_the_excused_paper_shows_as_excused_on_the_pages_and_in_the_api(client, people, published_test):
    h1, h2, h3 = people["helpers"]
    away(people, h1, date(2026, 11, 24), date(2026, 11, 30))
    take_test(h2, published_test, 9)  # 90 points
    close(published_test, people, (2026, 11, 27, 18, 1))
    paper = paper_of(h1, published_test)
    with at(2026, 11, 30, 9):
        # The helper's own results: 已免考 with the reason, no score, no study day
        client.force_login(h1)
        mine = client.get(reverse("training:home")).content.decode()
        assert "已免考" in mine and "请假 2026-11-24–2026-11-30" in mine
        own = client.get(paper.get_absolute_url()).content.decode()
        assert "已免考" in own and "trn-result fail" not in own and "离岗学习一天" not in own
        # The supervisor's results and statistics: excused, not a fail, and not in the pass rate
        client.force_login(people["supervisor"])
        detail = client.get(published_test.get_absolute_url()).content.decode()
        report = client.get(reverse("training:report-scores"), {"centre": people["centre"].pk, "month": "2026-11"})
        report = report.content.decode()
    for html in (detail, report):
        row = row_of(html, h1)
        assert "已免考" in row and "不合格" not in row and "score fail" not in row
        assert "不合格" in row_of(html, h3)  # never started, no leave: a fail
    kpi = report.split('id="kpi-excused"')[1].split("</div>")[0]
    assert "<strong>1</strong>" in kpi
    assert "50.0%" in report  # 帮办2 passed, 帮办3 failed: the excused paper is not counted
    # The API: status excused, no score, passed null, the reason
    api = APIClient()
    api.force_authenticate(people["supervisor"])
    scores = api.get("/api/v1/training/scores/", {"month": "2026-11-01"}).json()["results"]
    by_name = {s["staff_name"]: s for s in scores}
    assert set(by_name) == {"帮办1", "帮办2", "帮办3"}
    assert by_name["帮办1"]["status"] == "excused" and by_name["帮办1"]["excused"] is True
    assert by_name["帮办1"]["score"] is None and by_name["帮办1"]["passed"] is None
    assert "请假" in by_name["帮办1"]["note"]
    assert by_name["帮办3"]["excused"] is False and by_name["帮办3"]["passed"] is False
    failed = api.get("/api/v1/training/scores/", {"month": "2026-11-01", "passed": "false"}).json()["results"]
    assert [s["staff_name"] for s in failed] == ["帮办3"]
    api.force_authenticate(h1)
    own = api.get("/api/v1/training/scores/").json()["results"]
    assert [(s["status"], s["excused"]) for s in own] == [("excused", True)]


def row_of(html: str, user) -> str:
    return html.split(f'data-staff="{user.staff_member.pk}"')[1].split("</tr>")[0]


@pytest.fixture
def topic(people):
    return svc.topic_create(actor=people["supervisor"], name="综合业务")


def test_a_month_excused_by_leave_neither_counts_as_a_fail_nor_breaks_the_run(people, topic):
    """August failed, September on leave over the whole window (excused), October and November failed: the run
    is August, October, November — three failed months — and the recommendation comes in November, not
    October."""
    h1 = people["helpers"][0]
    for month in (8, 9, 10, 11):
        test = month_test(people, topic, 2026, month)
        if month == 9:
            away(people, h1, date(2026, 9, 18), date(2026, 9, 30))
        else:
            take_test(h1, test, 10, when=(2026, month, 21, 10))  # 50 points
        close(test, people, (2026, month, 25, 18, 5))
        assert Recommendation.objects.filter(staff=h1.staff_member).count() == (1 if month == 11 else 0)
    september = MonthlyTest.objects.get(month=date(2026, 9, 1))
    assert paper_of(h1, september).status == AttemptStatus.EXCUSED
    rec = Recommendation.objects.get(staff=h1.staff_member)
    assert [m["month"] for m in rec.months] == ["2026-08", "2026-10", "2026-11"]
    assert [a.test.month.month for a in fail_streak(h1.staff_member.pk, test)] == [8, 10, 11]
