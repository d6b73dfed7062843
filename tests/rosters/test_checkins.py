"""Check-in at least ten minutes before opening, absences marked at opening, reports and the duty summary."""

from datetime import date

import pytest

from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from requests.models import Consultation, ConsultationChannel
from rosters.models import CheckIn, CheckInSource, CheckInStatus, DutySummary
from rosters.selectors import attendance_report, day_roster
from rosters.services import checkin_mark_absentees, checkin_record, duty_summary_file, unavailability_record
from rosters.tasks import rosters_mark_absentees

from .conftest import at

pytestmark = pytest.mark.django_db
DAY = date(2026, 12, 9)  # a Wednesday; the district opens at 09:00


@pytest.mark.parametrize(
    ("hh", "mm", "ss", "status"),
    [
        (8, 49, 59, CheckInStatus.ON_TIME),
        (8, 50, 0, CheckInStatus.ON_TIME),  # exactly ten minutes before opening is still on time
        (8, 50, 1, CheckInStatus.LATE),
        (9, 5, 0, CheckInStatus.LATE),
    ],
)
def test_on_time_means_ten_minutes_before_opening(roster_hall, published, hh, mm, ss, status):
    with at(2026, 12, 9, hh, mm, ss):
        check_in = checkin_record(actor=roster_hall["helper_user"], badge_worn=True)
    assert check_in.status == status and check_in.day == DAY and check_in.source == CheckInSource.SELF


def test_the_lead_time_is_a_setting(roster_hall, published, settings):
    settings.ROSTERS_CHECKIN_LEAD_MINUTES = 15
    with at(2026, 12, 9, 8, 50, 0):
        assert checkin_record(actor=roster_hall["helper_user"]).status == CheckInStatus.LATE


def test_the_opening_time_is_the_centres(roster_hall, published):
    centre = roster_hall["centre"]
    centre.opening_time = centre.opening_time.replace(hour=8, minute=30)
    centre.save()
    with at(2026, 12, 9, 8, 20, 1):
        assert checkin_record(actor=roster_hall["helper_user"]).status == CheckInStatus.LATE


def test_checking_in_twice_is_refused(roster_hall, published):
    with at(2026, 12, 9, 8, 40):
        checkin_record(actor=roster_hall["helper_user"], badge_worn=True)
        with pytest.raises(TransitionNotAllowed):
            checkin_record(actor=roster_hall["helper_user"], badge_worn=True)
    assert CheckIn.objects.count() == 1


def test_only_a_duty_leader_records_someone_elses_arrival(roster_hall, published):
    h = roster_hall
    someone = h["helpers"][0]
    with at(2026, 12, 9, 8, 45):
        with pytest.raises(PermissionDenied):
            checkin_record(actor=h["desk"], staff_id=someone.pk, badge_worn=True)
        check_in = checkin_record(actor=h["leader_user"], staff_id=someone.pk, badge_worn=False)
    assert check_in.staff == someone and check_in.source == CheckInSource.LEADER
    assert check_in.recorded_by == h["leader_user"] and not check_in.badge_worn
    with pytest.raises(DomainError), at(2026, 12, 9, 8, 46):
        checkin_record(actor=h["leader_user"], staff_id=h["town_supervisor"].staff_member.pk)


def test_no_check_in_on_a_rest_day_or_while_on_leave(roster_hall, published):
    h = roster_hall
    with pytest.raises(DomainError), at(2026, 12, 12, 8, 40):  # Saturday
        checkin_record(actor=h["helper_user"])
    unavailability_record(
        actor=h["supervisor"], staff_id=h["helper_user"].staff_member.pk, start=DAY, end=DAY, kind="leave"
    )
    with pytest.raises(DomainError), at(2026, 12, 9, 8, 40):
        checkin_record(actor=h["helper_user"])


def test_absentees_are_marked_at_opening_once_and_a_late_arrival_replaces_the_mark(roster_hall, published):
    h = roster_hall
    away = h["helpers"][1]
    unavailability_record(actor=h["supervisor"], staff_id=away.pk, start=DAY, end=DAY, kind="leave")
    with at(2026, 12, 9, 8, 45):
        checkin_record(actor=h["helper_user"], badge_worn=True)
        assert checkin_mark_absentees(centre_id=h["centre"].pk) == 0  # before opening: nothing yet
    expected = day_roster(h["centre"], DAY).expected
    assert away.pk not in expected and h["helper_user"].staff_member.pk in expected
    with at(2026, 12, 9, 9, 0):
        marked = rosters_mark_absentees.delay().get()
    assert marked == {h["centre"].code: len(expected) - 1}
    absent = set(CheckIn.objects.filter(status=CheckInStatus.ABSENT).values_list("staff_id", flat=True))
    assert absent == set(expected) - {h["helper_user"].staff_member.pk}
    with at(2026, 12, 9, 9, 5):
        assert rosters_mark_absentees.delay().get() == {}  # idempotent
    late = next(iter(absent))
    with at(2026, 12, 9, 9, 20):
        check_in = checkin_record(actor=h["leader_user"], staff_id=late, badge_worn=True)
    assert check_in.status == CheckInStatus.LATE and CheckIn.objects.filter(staff_id=late).count() == 1


def test_no_absences_on_a_rest_day(roster_hall, published):
    with at(2026, 12, 12, 10, 0):
        assert checkin_mark_absentees(centre_id=roster_hall["centre"].pk) == 0
    assert not CheckIn.objects.exists()


def test_monthly_lateness_and_absence_report(roster_hall, published):
    h = roster_hall
    me = h["helper_user"].staff_member
    with at(2026, 12, 9, 8, 55):
        checkin_record(actor=h["helper_user"], badge_worn=False)
    with at(2026, 12, 10, 9, 0):
        checkin_mark_absentees(centre_id=h["centre"].pk)
    with at(2026, 12, 11, 8, 30):
        checkin_record(actor=h["helper_user"], badge_worn=True)
    row = next(r for r in attendance_report(h["centre"].pk, date(2026, 12, 1)) if r.staff == me)
    assert (row.on_time, row.late, row.absent, row.no_badge) == (1, 1, 1, 1)
    assert row.late_days == [DAY] and row.absent_days == [date(2026, 12, 10)]


def test_the_days_duty_leader_files_the_duty_summary_once(roster_hall, published):
    h = roster_hall
    leader = h["leader_user"].staff_member
    duty_day = published.duty_days.filter(leader=leader, day__gt=date(2026, 12, 1)).order_by("day").first()
    y, m, d = duty_day.day.year, duty_day.day.month, duty_day.day.day
    with at(y, m, d - 1, 17, 0), pytest.raises(DomainError):
        duty_summary_file(actor=h["leader_user"], duty_day_id=duty_day.pk, notes="还没值班")
    with at(y, m, d, 9, 1):
        checkin_mark_absentees(centre_id=h["centre"].pk)
        Consultation.objects.create(
            centre=h["centre"],
            channel=ConsultationChannel.values[0],
            name="张三",
            question="不动产登记要带什么？",
            owner=leader,
            created_by=h["leader_user"],
        )
    with at(y, m, d, 17, 30):
        with pytest.raises(PermissionDenied):
            duty_summary_file(actor=h["supervisor"], duty_day_id=duty_day.pk, notes="代填")
        summary = duty_summary_file(actor=h["leader_user"], duty_day_id=duty_day.pk, notes="巡查三楼，处理投诉一起")
        with pytest.raises(TransitionNotAllowed):
            duty_summary_file(actor=h["leader_user"], duty_day_id=duty_day.pk, notes="再次")
    assert DutySummary.objects.get() == summary
    absences = CheckIn.objects.filter(day=duty_day.day, status=CheckInStatus.ABSENT).count()
    assert summary.absent == absences > 0
    assert (summary.consultations, summary.assists, summary.agencies) == (1, 0, 0)
