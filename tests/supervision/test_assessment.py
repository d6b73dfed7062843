"""Annual assessment: every figure of a small 2026 checked by hand, the score and grade, scoping by centre, the
person page, the xlsx export and a query count that does not grow with the number of staff.

District XH (town JD below it) and another district OT. Year 2026, Beijing time.

甲 (h1, XH full-time helper)
  requests  r1 acc 03-02 done 03-05 (deadline 03-06, on time)   r2 acc 04-01 done 04-10 (deadline 04-08, late)
            r3 acc 05-01 done 05-06 00:30 (deadline 05-05: late in Beijing, though still 05-05 in UTC)
            r4 acc 2025-12-20 done 01-05 (deadline 01-10, on time)   r5 acc 11-01, in progress
            r6 acc and done in 2025 (not counted)
            → 4 handled, 4 completed, 2 on time = 50.0 %
  ratings   r1 ★5, r2 ★2, r3 ★4, r4 ★1 invalid on appeal, r6 ★1 in 2025 → 3 valid, average 3.67, 1 poor
  complaints 2026: upheld, not upheld, undecided; 2025: upheld → 3, 1 upheld
  training  present, absent, excused, cancelled session (absent), not required (present), 2025 (absent), present
            → 2 present of 3 counted = 66.7 %
  tests     01: 90, 02: 80 (time ran out), 03: missed (0), 04: excused, 2025-12: 50 → 3 tests, average 56.67, 2 below 85
  check-ins 8 on time, 1 late, 1 absent (and a 2025 late) → 80.0 %
  integrity 2026 rudeness standing, 2026 fees revoked, 2025 gifts standing → 1
  score     100 × (30×½ + 25×⅔ + 15×⅔ + 15×0.5667 + 15×0.8) / 100 − 5 − 10 − 3 (one absence) = 62.17 − 18 = 44.2 → Fail
乙 (h2, XH full-time helper): nothing at all → a row of zeros, no score ("—").
丙 (h3, JD full-time helper): 3 requests on time, 10 on-time check-ins, one test of 95
  → weights 30 + 15 + 15 = 60: 100 × (30 + 15 + 14.25) / 60 = 98.75 → 98.8, Excellent; without the test only 45 → "—".
丁 (h4, OT): data of every kind, never shown to XH's supervisor.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from html.parser import HTMLParser
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from complaints.models import Complaint
from hallservice.core.spreadsheets import XLSX_CONTENT_TYPE
from requests.models import Evaluation, ServiceRequest
from rosters.models import CheckIn
from staff.models import StaffKind
from staff.roles import Role
from supervision import assessment
from supervision.figures import refresh_figures
from supervision.models import IntegrityRecord
from tests.clock import weekdays_from
from tests.conftest import make_staff_user
from tests.factories import DepartmentFactory, DistrictFactory, ServiceRequestFactory, StaffMemberFactory
from training.models import Attempt, Attendance, MonthlyTest, TrainingSession

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
YEAR = 2026


def moment(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


# --- Builders (direct rows: the assessment reads the records, however they were written) ---------------------


def add_request(helper, *, accepted, completed=None, deadline, status="completed", centre=None):
    req = ServiceRequestFactory(
        centre=centre or helper.centre, helper=helper, status=status, deadline=deadline, created_by=helper.user
    )
    ServiceRequest.objects.filter(pk=req.pk).update(accepted_at=accepted, completed_at=completed)
    return req


def add_evaluation(req, rating, at, *, invalid=False):
    evaluation = Evaluation.objects.create(request=req, rating=rating, is_invalid=invalid)
    Evaluation.objects.filter(pk=evaluation.pk).update(at=at)


def add_complaint(staff, *, registered, substantiated):
    complaint = Complaint.objects.create(
        number=f"TS-{staff.pk}-{Complaint.objects.count() + 1:04d}",
        lookup_code="ABCD2345",
        centre=staff.centre,
        source="phone",
        category="attitude",
        content="态度不好",
        staff=staff,
        status="closed",
        accept_due=registered.date(),
        respond_due=registered.date(),
        response="已答复",
        substantiated=substantiated,
    )
    Complaint.objects.filter(pk=complaint.pk).update(registered_at=registered)
    return complaint


def add_attendance(staff, when, status, *, required=True, session_status="held"):
    from training.models import Topic

    topic, _created = Topic.objects.get_or_create(name="服务礼仪")
    session = TrainingSession.objects.create(
        centre=staff.centre,
        kind="weekly",
        topic=topic,
        title="服务礼仪培训",
        starts_at=when,
        trainer_name="李卫民",
        status=session_status,
    )
    Attendance.objects.create(session=session, staff=staff, required=required, status=status)


def add_test(staff, month: date, *, status, score=None):
    test, _created = MonthlyTest.objects.get_or_create(
        centre=staff.centre,
        month=month,
        defaults={
            "title": f"{month:%Y-%m} 月考",
            "question_count": 10,
            "time_limit_minutes": 30,
            "opens_at": moment(month.year, month.month, 20, 9),
            "closes_at": moment(month.year, month.month, 22, 18),
            "status": "closed",
        },
    )
    passed = None if score is None else score >= 85
    Attempt.objects.create(test=test, staff=staff, status=status, score=score, passed=passed)


def add_check_in(staff, day: date, status):
    CheckIn.objects.create(
        staff=staff,
        centre=staff.centre,
        day=day,
        status=status,
        checked_in_at=None if status == "absent" else moment(day.year, day.month, day.day, 8, 50),
        source="self",
    )


def add_integrity(staff, occurred_on, kind, recorder, *, revoked=False):
    return IntegrityRecord.objects.create(
        staff=staff,
        kind=kind,
        occurred_on=occurred_on,
        description="经查属实",
        recorded_by=recorder,
        revoked_at=moment(YEAR, 12, 1) if revoked else None,
        revoked_by=recorder if revoked else None,
        revoke_reason="复核不属实" if revoked else "",
    )


@pytest.fixture
def year_2026(hall, supervisor_user):
    district, town = hall["district"], hall["town"]
    other = DistrictFactory(code="OT", name="另一区政务服务中心")
    h1 = StaffMemberFactory(centre=district, name="甲帮办")
    h2 = StaffMemberFactory(centre=district, name="乙帮办")
    h3 = StaffMemberFactory(centre=town, name="丙帮办")
    h4 = StaffMemberFactory(centre=other, name="丁帮办")
    # Not assessed: an inactive helper and a department specialist without any figures.
    StaffMemberFactory(centre=district, name="离职帮办", is_active=False)

    r1 = add_request(h1, accepted=moment(YEAR, 3, 2), completed=moment(YEAR, 3, 5), deadline=date(YEAR, 3, 6))
    r2 = add_request(h1, accepted=moment(YEAR, 4, 1), completed=moment(YEAR, 4, 10), deadline=date(YEAR, 4, 8))
    r3 = add_request(h1, accepted=moment(YEAR, 5, 1), completed=moment(YEAR, 5, 6, 0, 30), deadline=date(YEAR, 5, 5))
    r4 = add_request(h1, accepted=moment(2025, 12, 20), completed=moment(YEAR, 1, 5), deadline=date(YEAR, 1, 10))
    add_request(h1, accepted=moment(YEAR, 11, 1), deadline=date(YEAR, 11, 10), status="in_progress")
    r6 = add_request(h1, accepted=moment(2025, 6, 1), completed=moment(2025, 6, 3), deadline=date(2025, 6, 5))
    add_evaluation(r1, 5, moment(YEAR, 3, 6))
    add_evaluation(r2, 2, moment(YEAR, 4, 11))
    add_evaluation(r3, 4, moment(YEAR, 5, 7))
    add_evaluation(r4, 1, moment(YEAR, 1, 6), invalid=True)
    add_evaluation(r6, 1, moment(2025, 6, 4))
    add_complaint(h1, registered=moment(YEAR, 4, 12), substantiated=True)
    add_complaint(h1, registered=moment(YEAR, 6, 1), substantiated=False)
    add_complaint(h1, registered=moment(YEAR, 7, 1), substantiated=None)
    add_complaint(h1, registered=moment(2025, 12, 31, 20), substantiated=True)
    add_attendance(h1, moment(YEAR, 1, 6, 14), "present")
    add_attendance(h1, moment(YEAR, 2, 3, 14), "absent")
    add_attendance(h1, moment(YEAR, 3, 3, 14), "excused")
    add_attendance(h1, moment(YEAR, 3, 10, 14), "absent", session_status="cancelled")
    add_attendance(h1, moment(YEAR, 3, 17, 14), "present", required=False)
    add_attendance(h1, moment(2025, 12, 9, 14), "absent")
    add_attendance(h1, moment(YEAR, 4, 7, 14), "present")
    add_test(h1, date(YEAR, 1, 1), status="submitted", score=Decimal("90"))
    add_test(h1, date(YEAR, 2, 1), status="expired", score=Decimal("80"))
    add_test(h1, date(YEAR, 3, 1), status="missed", score=Decimal("0"))
    add_test(h1, date(YEAR, 4, 1), status="excused")
    add_test(h1, date(2025, 12, 1), status="submitted", score=Decimal("50"))
    days = weekdays_from(date(YEAR, 6, 1), 10)
    for day in days[:8]:
        add_check_in(h1, day, "on_time")
    add_check_in(h1, days[8], "late")
    add_check_in(h1, days[9], "absent")
    add_check_in(h1, date(2025, 6, 2), "late")
    recorder = supervisor_user
    add_integrity(h1, date(YEAR, 5, 20), "rudeness", recorder)
    add_integrity(h1, date(YEAR, 6, 20), "fees", recorder, revoked=True)
    add_integrity(h1, date(2025, 5, 20), "gifts", recorder)

    for i in range(3):
        add_request(h3, accepted=moment(YEAR, 6, 1 + i), completed=moment(YEAR, 6, 2 + i), deadline=date(YEAR, 6, 10))
    for day in weekdays_from(date(YEAR, 7, 1), 10):
        add_check_in(h3, day, "on_time")

    r7 = add_request(h4, accepted=moment(YEAR, 3, 2), completed=moment(YEAR, 3, 5), deadline=date(YEAR, 3, 6))
    add_evaluation(r7, 1, moment(YEAR, 3, 6))
    add_complaint(h4, registered=moment(YEAR, 4, 12), substantiated=True)
    add_check_in(h4, date(YEAR, 6, 1), "late")
    add_integrity(h4, date(YEAR, 5, 20), "gifts", recorder)
    return {"h1": h1, "h2": h2, "h3": h3, "h4": h4, "other": other, **hall}


def rows_by_name(rows):
    return {row.staff.name: row for row in rows}


def district_ids(hall):
    return [hall["district"].pk, hall["town"].pk, hall["village"].pk]


# --- The figures --------------------------------------------------------------------------------------------


def test_every_figure_of_a_helper_equals_the_hand_count(year_2026):
    # Given the year of 甲帮办 laid out in the module docstring
    # When the assessment is computed for the district and its lower centres
    rows = rows_by_name(assessment.assessment_rows(year=YEAR, centre_ids=district_ids(year_2026)))
    # Then each figure is the hand count
    h1 = rows["甲帮办"]
    assert (h1.requests, h1.completed, h1.on_time, h1.on_time_rate) == (4, 4, 2, Decimal("50.0"))
    assert (h1.evaluations, h1.average_rating, h1.poor_ratings) == (3, Decimal("3.67"), 1)
    assert (h1.complaints, h1.upheld_complaints) == (3, 1)
    assert (h1.training_present, h1.training_counted, h1.attendance_rate) == (2, 3, Decimal("66.7"))
    assert (h1.tests, h1.average_score, h1.tests_below_pass) == (3, Decimal("56.67"), 2)
    assert (h1.check_ins, h1.punctuality, h1.late, h1.absent) == (10, Decimal("80.0"), 1, 1)
    assert h1.integrity_records == 1
    assert h1.deductions == 18
    assert h1.score == Decimal("44.2")
    assert h1.grade == assessment.Grade.FAIL


def test_a_request_completed_after_midnight_in_beijing_is_late_even_if_utc_says_otherwise(year_2026):
    # Given r3, completed 00:30 on 6 May in Beijing (16:30 on 5 May in UTC) with a deadline of 5 May
    rows = rows_by_name(assessment.assessment_rows(year=YEAR, centre_ids=district_ids(year_2026)))
    # Then only r1 and r4 are on time
    assert rows["甲帮办"].on_time == 2


def test_helper_without_data_gets_a_row_but_no_score(year_2026):
    rows = rows_by_name(assessment.assessment_rows(year=YEAR, centre_ids=district_ids(year_2026)))
    h2 = rows["乙帮办"]
    assert (h2.requests, h2.check_ins, h2.tests, h2.integrity_records) == (0, 0, 0, 0)
    assert h2.score is None and h2.grade == ""
    # and the inactive helper without figures is not assessed at all
    assert "离职帮办" not in rows


def test_too_little_data_gives_no_score_and_enough_gives_a_scaled_one(year_2026):
    # Given 丙帮办 with only on-time completion (30) and punctuality (15): 45 < 50
    rows = rows_by_name(assessment.assessment_rows(year=YEAR, centre_ids=district_ids(year_2026)))
    assert rows["丙帮办"].score is None and rows["丙帮办"].grade == ""
    # When one monthly test of 95 adds 15 more
    add_test(year_2026["h3"], date(YEAR, 8, 1), status="submitted", score=Decimal("95"))
    rows = rows_by_name(assessment.assessment_rows(year=YEAR, centre_ids=district_ids(year_2026)))
    # Then the score is scaled over 60 points: (30 + 15 + 14.25) / 60 = 98.75 → 98.8
    assert rows["丙帮办"].score == Decimal("98.8")
    assert rows["丙帮办"].grade == assessment.Grade.EXCELLENT


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (Decimal("90.0"), "excellent"),
        (Decimal("89.9"), "pass"),
        (Decimal("75.0"), "pass"),
        (Decimal("74.9"), "basic_pass"),
        (Decimal("60.0"), "basic_pass"),
        (Decimal("59.9"), "fail"),
    ],
)
def test_grade_bounds(score, grade, monkeypatch):
    row = assessment.AssessmentRow(staff=None)
    monkeypatch.setattr(assessment.AssessmentRow, "score", property(lambda self: score))
    assert row.grade == grade


def test_a_standing_record_of_fees_or_gifts_fails_the_year_whatever_the_score(year_2026, supervisor_user):
    # Given 丙帮办 with an excellent score
    add_test(year_2026["h3"], date(YEAR, 8, 1), status="submitted", score=Decimal("95"))
    # When a gift is recorded against them
    record = add_integrity(year_2026["h3"], date(YEAR, 9, 1), "gifts", supervisor_user)
    row = rows_by_name(assessment.assessment_rows(year=YEAR, centre_ids=district_ids(year_2026)))["丙帮办"]
    # Then the year is failed (一票否决) even though the score itself is 88.8
    assert row.score == Decimal("88.8") and row.grade == assessment.Grade.FAIL
    # And once the record is revoked it no longer counts
    IntegrityRecord.objects.filter(pk=record.pk).update(
        revoked_at=moment(YEAR, 12, 1), revoked_by=supervisor_user, revoke_reason="复核不属实"
    )
    row = rows_by_name(assessment.assessment_rows(year=YEAR, centre_ids=district_ids(year_2026)))["丙帮办"]
    assert row.score == Decimal("98.8") and row.grade == assessment.Grade.EXCELLENT


def test_sorting_puts_empty_values_last_in_both_directions(year_2026):
    ids = district_ids(year_2026)
    add_test(year_2026["h3"], date(YEAR, 8, 1), status="submitted", score=Decimal("95"))
    names = [r.staff.name for r in assessment.assessment_rows(year=YEAR, centre_ids=ids, sort="-score")]
    assert names[:2] == ["丙帮办", "甲帮办"] and set(names[2:]) == {"乙帮办", "supervisor"}
    names = [r.staff.name for r in assessment.assessment_rows(year=YEAR, centre_ids=ids, sort="score")]
    assert names[:2] == ["甲帮办", "丙帮办"]
    names = [r.staff.name for r in assessment.assessment_rows(year=YEAR, centre_ids=ids, sort="-requests")]
    assert names[0] == "甲帮办"


# --- Pages ------------------------------------------------------------------------------------------------------


class TableText(HTMLParser):
    """The text of each cell of each body row of the first table."""

    def __init__(self):
        super().__init__()
        self.rows, self._row, self._cell, self._in_body = [], None, None, False

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag == "tbody":
            self._in_body = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def page_rows(html: str) -> dict[str, list[str]]:
    parser = TableText()
    parser.feed(html)
    return {row[0]: row for row in parser.rows if row}


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_page_shows_the_figures_and_the_formula(client, year_2026, supervisor_user):
    english(client).force_login(supervisor_user)
    response = client.get(reverse("supervision:assessment"), {"year": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    rows = page_rows(html)
    assert rows["甲帮办"][2:] == [
        "44.2", "Fail", "4", "4", "50.0", "3", "3.67", "1", "3", "1", "66.7", "3", "56.67", "2", "80.0", "1", "1", "1",
    ]  # fmt: skip
    assert rows["乙帮办"][2:4] == ["—", "—"]
    assert "Score out of 100" in html and "On-time completion 30" in html


def test_a_high_score_with_a_standing_gift_record_is_shown_as_a_fail_with_the_reason(
    client, year_2026, supervisor_user
):
    """Issue 20, item 3 (seed 000 五.3: 收取费用、收受礼品、吃拿卡要……一经发现即按有关规定处理)."""
    # Given 丙帮办 with an excellent score and a standing record of accepting a gift
    add_test(year_2026["h3"], date(YEAR, 8, 1), status="submitted", score=Decimal("95"))
    record = add_integrity(year_2026["h3"], date(YEAR, 9, 1), "gifts", supervisor_user)
    client.force_login(supervisor_user)
    html = client.get(reverse("supervision:assessment"), {"year": YEAR}).content.decode()
    # Then the row keeps the score and shows a fail that names the veto
    assert page_rows(html)["丙帮办"][2:4] == ["88.8", "不合格（廉洁一票否决）"]
    # And the rule is said beside the weights, in Chinese
    weights = html.split('id="assessment-weights"')[1].split("</table>")[0]
    assert "有效的收取费用或收受礼品记录" in weights and "无论得分多少" in weights
    veto = html.split('id="integrity-veto"')[1].split("</p>")[0]
    assert "本年度有收取费用、收受礼品或接受宴请且未被撤销的记录的，无论得分多少，年度考核一律为不合格" in veto
    # And the spreadsheet says the same
    response = client.get(reverse("supervision:assessment-export"), {"year": YEAR})
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    shown = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert shown["丙帮办"][2:4] == (88.8, "不合格（廉洁一票否决）")
    # When the record is revoked on review
    from supervision.services import integrity_record_revoke

    integrity_record_revoke(actor=supervisor_user, record_id=record.pk, reason="复核不属实：系他人冒名")
    html = client.get(reverse("supervision:assessment"), {"year": YEAR}).content.decode()
    # Then it vetoes nothing: the grade follows the score again
    assert page_rows(html)["丙帮办"][2:4] == ["98.8", "优秀"]


def test_a_standing_record_of_rudeness_lowers_the_score_but_does_not_veto(year_2026, supervisor_user):
    add_test(year_2026["h3"], date(YEAR, 8, 1), status="submitted", score=Decimal("95"))
    add_integrity(year_2026["h3"], date(YEAR, 9, 1), "rudeness", supervisor_user)
    row = rows_by_name(assessment.assessment_rows(year=YEAR, centre_ids=district_ids(year_2026)))["丙帮办"]
    assert (row.score, row.grade, row.vetoed) == (Decimal("88.8"), assessment.Grade.PASS, False)


def test_column_headers_sort_on_the_server(client, year_2026, supervisor_user):
    english(client).force_login(supervisor_user)
    html = client.get(reverse("supervision:assessment"), {"year": YEAR, "sort": "name"}).content.decode()
    assert list(page_rows(html)) == sorted(["甲帮办", "乙帮办", "丙帮办", "supervisor"])
    assert 'aria-sort="ascending"' in html and "sort=-name" in html
    html = client.get(reverse("supervision:assessment"), {"year": YEAR, "sort": "-requests"}).content.decode()
    assert list(page_rows(html))[0] == "甲帮办"
    assert client.get(reverse("supervision:assessment"), {"year": YEAR, "sort": "nonsense"}).status_code == 400


def test_supervisor_never_sees_another_districts_staff(client, year_2026, supervisor_user):
    english(client).force_login(supervisor_user)
    html = client.get(reverse("supervision:assessment"), {"year": YEAR}).content.decode()
    assert "丁帮办" not in html
    response = client.get(reverse("supervision:assessment"), {"year": YEAR, "centre": year_2026["other"].pk})
    assert response.status_code == 400 and "丁帮办" not in response.content.decode()
    person = reverse("supervision:assessment-person", args=[year_2026["h4"].pk])
    assert client.get(person, {"year": YEAR}).status_code == 404


def test_town_supervisor_sees_the_town_but_not_the_district(client, year_2026):
    town_sup = make_staff_user(role=Role.SUPERVISOR, centre=year_2026["town"], username="jd-sup", name="镇督查")
    english(client).force_login(town_sup)
    rows = page_rows(client.get(reverse("supervision:assessment"), {"year": YEAR}).content.decode())
    assert "丙帮办" in rows and "甲帮办" not in rows and "乙帮办" not in rows
    person = reverse("supervision:assessment-person", args=[year_2026["h1"].pk])
    assert client.get(person, {"year": YEAR}).status_code == 404


def test_choosing_the_town_narrows_the_district_supervisors_table(client, year_2026, supervisor_user):
    english(client).force_login(supervisor_user)
    rows = page_rows(
        client.get(reverse("supervision:assessment"), {"year": YEAR, "centre": year_2026["town"].pk}).content.decode()
    )
    assert list(rows) == ["丙帮办"]


def test_person_page_shows_the_same_figures_the_months_and_the_records(client, year_2026, supervisor_user):
    english(client).force_login(supervisor_user)
    response = client.get(reverse("supervision:assessment-person", args=[year_2026["h1"].pk]), {"year": YEAR})
    assert response.status_code == 200
    context = response.context
    assert context["row"].score == Decimal("44.2")
    months = {m.month.month: m for m in context["months"]}
    assert (months[3].requests, months[3].completed) == (1, 1)
    assert (months[1].requests, months[1].completed) == (0, 1)  # r4 was accepted in 2025
    assert (months[1].test_score, months[3].test_score, months[4].test_score) == (Decimal("90"), Decimal("0"), None)
    assert (months[2].training_present, months[2].training_counted) == (0, 1)
    assert (months[3].training_counted, months[4].attendance_rate) == (0, Decimal("100.0"))
    assert [r.kind for r in context["integrity"]] == ["fees", "rudeness"]  # the revoked one shown, marked
    assert [c.substantiated for c in context["complaints"]] == [True]
    html = response.content.decode()
    assert "revoked" in html and "Rude or evasive service" in html and "44.2" in html


def test_xlsx_opens_and_has_the_numbers_of_the_page(client, year_2026, supervisor_user):
    english(client).force_login(supervisor_user)
    query = {"year": YEAR, "sort": "name"}
    page = page_rows(client.get(reverse("supervision:assessment"), query).content.decode())
    response = client.get(reverse("supervision:assessment-export"), query)
    assert response.status_code == 200 and response["Content-Type"] == XLSX_CONTENT_TYPE
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    header = [c.value for c in sheet[2]]
    assert header[:5] == ["Name", "Centre", "Score", "Grade", "Requests"] and header[-1] == "Integrity"
    body = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert [row[0] for row in body] == list(page)
    for row in body:
        shown = page[row[0]]
        assert len(row) == len(shown)
        assert row[1] == shown[1] and (row[3] or "—") == shown[3]  # centre and grade
        for value, text in zip([row[2], *row[4:]], [shown[2], *shown[4:]], strict=True):
            assert (value is None and text == "—") or float(text) == value
    assert body[[r[0] for r in body].index("甲帮办")][2] == 44.2


def test_front_desk_is_refused_every_people_page(client, year_2026, front_desk_user):
    client.force_login(front_desk_user)
    h1 = year_2026["h1"]
    record = IntegrityRecord.objects.filter(staff=h1).first()
    for method, url in [
        ("get", reverse("supervision:assessment")),
        ("get", reverse("supervision:assessment-export")),
        ("get", reverse("supervision:assessment-person", args=[h1.pk])),
        ("get", reverse("supervision:integrity")),
        ("post", reverse("supervision:integrity")),
        ("post", reverse("supervision:integrity-revoke", args=[record.pk])),
        ("get", reverse("supervision:audit")),
    ]:
        assert getattr(client, method)(url).status_code == 403, url


# --- Query counts ----------------------------------------------------------------------------------------------


def staff_with_a_year(centre, n: int, offset: int = 0):
    for i in range(offset, offset + n):
        member = StaffMemberFactory(centre=centre, name=f"帮办{i:02d}")
        req = add_request(member, accepted=moment(YEAR, 3, 2), completed=moment(YEAR, 3, 5), deadline=date(YEAR, 3, 6))
        add_evaluation(req, 5, moment(YEAR, 3, 6))
        add_check_in(member, date(YEAR, 3, 2 + i % 3), "on_time")
        add_attendance(member, moment(YEAR, 3, 3, 14), "present")
        add_test(member, date(YEAR, 3, 1), status="submitted", score=Decimal("88"))


@pytest.mark.parametrize("n", [1, 20])
def test_the_assessment_costs_the_same_queries_for_1_or_20_staff(n, hall, django_assert_max_num_queries):
    staff_with_a_year(hall["district"], n)
    refresh_figures()  # the daily figures of the new requests: a fixed cost, see test_figures.py
    # 7 grouped source queries + the staff + claiming no stale day (savepoint, (PostgreSQL lock,) claim, release)
    with django_assert_max_num_queries(12):
        rows = assessment.assessment_rows(year=YEAR, centre_ids=district_ids(hall))
        [(r.score, r.grade) for r in rows]
    assert len(rows) == n


def test_the_page_costs_the_same_queries_for_1_or_20_staff(client, hall, supervisor_user):
    client.force_login(supervisor_user)
    url = reverse("supervision:assessment")
    staff_with_a_year(hall["district"], 1)
    client.get(url, {"year": YEAR})  # warm the session and the content types
    with CaptureQueriesContext(connection) as one:
        assert client.get(url, {"year": YEAR}).status_code == 200
    staff_with_a_year(hall["district"], 19, offset=1)
    refresh_figures()  # the daily figures of the new requests: a fixed cost, see test_figures.py
    with CaptureQueriesContext(connection) as twenty:
        response = client.get(url, {"year": YEAR})
    assert len(page_rows(response.content.decode())) == 21  # and the supervisor
    assert len(twenty) == len(one)


def test_staff_kinds_assessed_without_data_are_the_helpers(hall):
    StaffMemberFactory(
        centre=hall["district"], name="窗口帮办", kind=StaffKind.WINDOW_HELPER, department=DepartmentFactory()
    )
    names = {r.staff.name for r in assessment.assessment_rows(year=YEAR, centre_ids=district_ids(hall))}
    assert "窗口帮办" in names
