""" "连续三个月考核不达标的，建议劳务派遣公司做出相应处理" (seed 000 四.2): three consecutive CALENDAR MONTHS with a failed
monthly test give a recommendation, not three tests in a row.

A passed month ends the run; a month in which the centre held no test ends it too (no result that month: the
failed months are not consecutive); an excused month neither ends nor extends it; two tests in one month are one
month; the run goes on across the new year.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from training import services as svc
from training.models import Attempt, AttemptStatus, MonthlyTest, MonthlyTestStatus, Recommendation
from training.selectors import fail_streak, failed_month_run

from .conftest import at
from .test_consequences import close, month_test, take_test

pytestmark = pytest.mark.django_db

F, P, E = "failed", "passed", "excused"


def m(y, mo):
    return date(y, mo, 1)


@pytest.mark.parametrize(
    ("months", "upto", "run"),
    [
        # Sept, Oct, Nov failed: three months.
        ({m(2026, 9): F, m(2026, 10): F, m(2026, 11): F}, m(2026, 11), [m(2026, 9), m(2026, 10), m(2026, 11)]),
        # A pass in October between two failures.
        ({m(2026, 9): F, m(2026, 10): P, m(2026, 11): F}, m(2026, 11), [m(2026, 11)]),
        # No test at all in October: the run starts again in November.
        ({m(2026, 9): F, m(2026, 11): F, m(2026, 12): F}, m(2026, 12), [m(2026, 11), m(2026, 12)]),
        # Excused in October: neither ends nor extends the run.
        ({m(2026, 9): F, m(2026, 10): E, m(2026, 11): F}, m(2026, 11), [m(2026, 9), m(2026, 11)]),
        # Across the year boundary: November, December, January.
        ({m(2025, 11): F, m(2025, 12): F, m(2026, 1): F}, m(2026, 1), [m(2025, 11), m(2025, 12), m(2026, 1)]),
        # The month asked about was not a failed one: no run ends there.
        ({m(2026, 9): F, m(2026, 10): F, m(2026, 11): E}, m(2026, 11), []),
        ({m(2026, 9): F, m(2026, 10): F, m(2026, 11): P}, m(2026, 11), []),
    ],
)
def test_the_run_of_failed_calendar_months(months, upto, run):
    assert failed_month_run(months, upto) == run


@pytest.fixture
def topic(people):
    return svc.topic_create(actor=people["supervisor"], name="综合业务")


def recommended(user) -> int:
    return Recommendation.objects.filter(staff=user.staff_member).count()


def fail(user, test, month_and_year):
    year, month = month_and_year
    take_test(user, test, 10, when=(year, month, 21, 10))  # 50 points


def failed_month(people, topic, user, year, month) -> MonthlyTest:
    """The centre's test of the month, failed by ``user`` on the 21st and closed on the 25th."""
    test = month_test(people, topic, year, month)
    fail(user, test, (year, month))
    close(test, people, (year, month, 25, 18, 5))
    return test


def test_fails_in_september_october_and_november_give_a_recommendation(people, topic):
    h1 = people["helpers"][0]
    for month in (9, 10, 11):
        failed_month(people, topic, h1, 2026, month)
        assert recommended(h1) == (1 if month == 11 else 0)
    rec = Recommendation.objects.get(staff=h1.staff_member)
    assert [x["month"] for x in rec.months] == ["2026-09", "2026-10", "2026-11"]


def test_a_pass_in_october_between_fails_in_september_and_november_gives_none(people, topic):
    h1 = people["helpers"][0]
    for month in (9, 10, 11):
        test = month_test(people, topic, 2026, month)
        take_test(h1, test, 20 if month == 10 else 10, when=(2026, month, 21, 10))
        close(test, people, (2026, month, 25, 18, 5))
    assert recommended(h1) == 0


def test_a_month_without_a_test_breaks_the_run(people, topic):
    """The centre held no test in October: the failures of September, November and December are not three
    consecutive months — the run is November and December."""
    h1 = people["helpers"][0]
    for year, month in ((2026, 9), (2026, 11), (2026, 12)):
        test = failed_month(people, topic, h1, year, month)
    assert [a.test.month.month for a in fail_streak(h1.staff_member.pk, test)] == [11, 12]
    assert recommended(h1) == 0


def test_the_test_pages_explain_the_rule_in_calendar_months(people, client):
    client.force_login(people["supervisor"])
    for name in ("training:tests", "training:recommendations"):
        html = client.get(reverse(name)).content.decode()
        assert "连续三个自然月" in html and "未举行考核的月份" in html and "免考" in html


def test_across_the_year_boundary_november_december_january(people, topic):
    h1 = people["helpers"][0]
    for year, month in ((2025, 11), (2025, 12), (2026, 1)):
        test = failed_month(people, topic, h1, year, month)
    rec = Recommendation.objects.get(staff=h1.staff_member)
    assert rec.test == test and [x["month"] for x in rec.months] == ["2025-11", "2025-12", "2026-01"]


def test_an_excused_month_neither_breaks_nor_extends_the_run(people, topic):
    h1 = people["helpers"][0]
    for month in (8, 9, 10, 11):
        test = month_test(people, topic, 2026, month)
        if month == 9:
            with at(2026, 9, 10):
                svc.attempt_excuse(
                    actor=people["supervisor"], test_id=test.pk, staff_id=h1.staff_member.pk, reason="病假"
                )
        else:
            fail(h1, test, (2026, month))
        close(test, people, (2026, month, 25, 18, 5))
        # August and October are only two failed months: September did not extend the run.
        assert recommended(h1) == (1 if month == 11 else 0)
    rec = Recommendation.objects.get(staff=h1.staff_member)
    assert [x["month"] for x in rec.months] == ["2026-08", "2026-10", "2026-11"]


def test_two_tests_in_one_month_count_as_one_month(people, topic):
    """One test per centre and month (a constraint); a person who moved centres can have two in one month."""
    h1 = people["helpers"][0]
    tests = {}
    for month in (9, 10):
        tests[month] = failed_month(people, topic, h1, 2026, month)
    # A second failed test in October, at the town centre where the person stood in before moving.
    town_test = MonthlyTest.objects.create(
        centre=people["town_helper"].staff_member.centre,
        month=date(2026, 10, 1),
        question_count=20,
        time_limit_minutes=30,
        opens_at=tests[10].opens_at,
        closes_at=tests[10].closes_at,
        status=MonthlyTestStatus.CLOSED,
        closed_at=tests[10].closed_at,
    )
    Attempt.objects.create(
        test=town_test,
        staff=h1.staff_member,
        status=AttemptStatus.SUBMITTED,
        score=Decimal("40.00"),
        passed=False,
    )
    assert [a.test.month for a in fail_streak(h1.staff_member.pk, tests[10])] == [date(2026, 9, 1), date(2026, 10, 1)]
    assert recommended(h1) == 0
    # November's failure is the third month, not the fourth test.
    failed_month(people, topic, h1, 2026, 11)
    assert recommended(h1) == 1
