"""Annual assessment: absences and missed check-ins count. A helper with 0 % on-time check-ins and two
absences, excellent in everything else, is no longer 优秀; the page lists the weights and deductions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from supervision import assessment
from tests.factories import StaffMemberFactory

from .test_assessment import YEAR, add_attendance, add_check_in, add_evaluation, add_request, add_test, moment

pytestmark = pytest.mark.django_db


@pytest.fixture
def absent_helper(hall):
    """3 requests on time rated ★5, two trainings attended, a test of 95, and both rostered days absent."""
    helper = StaffMemberFactory(centre=hall["district"], name="缺勤帮办")
    for month in (3, 4, 5):
        req = add_request(
            helper, accepted=moment(YEAR, month, 2), completed=moment(YEAR, month, 4), deadline=date(YEAR, month, 6)
        )
        add_evaluation(req, 5, moment(YEAR, month, 5))
    add_attendance(helper, moment(YEAR, 1, 6, 14), "present")
    add_attendance(helper, moment(YEAR, 2, 3, 14), "present")
    add_test(helper, date(YEAR, 1, 1), status="submitted", score=Decimal("95"))
    add_check_in(helper, date(YEAR, 6, 1), "absent")
    add_check_in(helper, date(YEAR, 6, 2), "absent")
    return helper


def row_of(hall, helper):
    rows = assessment.assessment_rows(year=YEAR, centre_ids=[hall["district"].pk], staff_id=helper.pk)
    return next(r for r in rows if r.staff.pk == helper.pk)


def test_a_helper_with_no_on_time_check_in_and_two_absences_is_not_excellent(hall, absent_helper):
    row = row_of(hall, absent_helper)
    assert (row.check_ins, row.punctuality, row.absent) == (2, Decimal("0.0"), 2)
    # Punctuality counts from the first check-in (worth 0 here) and each absence costs 3 points:
    # 100 × (30 + 25 + 15 + 15 × 0.95 + 15 × 0) / 100 − 2 × 3 = 84.25 − 6 = 78.25 → 78.3
    assert row.component_values()["punctuality"] == 0
    assert row.deductions == 6
    assert row.score == Decimal("78.3")
    assert row.grade == assessment.Grade.PASS


def test_the_page_lists_the_weights_and_the_absence_deduction(client, hall, absent_helper, supervisor_user):
    client.force_login(supervisor_user)
    html = client.get(reverse("supervision:assessment"), {"year": YEAR}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = html.content.decode()
    assert 'id="assessment-weights"' in text
    assert "缺勤（工作日未签到）" in text and "−3" in text
    assert "每次缺勤（工作日未签到）扣 3 分" in text
