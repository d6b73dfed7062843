"""Duty oversight: the bureau leader's weekly patrol and its missing-week warning, the party badge asked of party
members at check-in, and the duty record written by the helpers on duty and reviewed by the duty leader."""

from datetime import date, datetime

import pytest
from django.utils.translation import gettext

from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from rosters.models import (
    DutyDay,
    DutyRecord,
    DutyRecordStatus,
    PatrolRecord,
    RosterEvent,
    RosterVerb,
)
from rosters.selectors import attendance_report, day_roster, party_badge_missing, patrol_gaps
from rosters.services import (
    checkin_record,
    duty_record_edit,
    duty_record_review,
    duty_record_write,
    patrol_record_create,
)
from staff.models import StaffKind
from staff.roles import Role
from tests.conftest import make_staff_user

from .conftest import MONTH, SHANGHAI, at, file_substitution, own_day_and_free_leader

pytestmark = pytest.mark.django_db


def local(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def patrol(user, centre, when, checked="一楼、二楼帮办代办区；带班人员在岗"):
    return patrol_record_create(actor=user, centre_id=centre.pk, patrolled_at=when, checked=checked)


# --- Patrols ----------------------------------------------------------------------------------------------


def test_a_bureau_leader_records_a_patrol_with_its_week_and_an_event(roster_hall, bureau_user):
    centre = roster_hall["centre"]
    with at(2026, 12, 9, 16):
        record = patrol_record_create(
            actor=bureau_user,
            centre_id=centre.pk,
            patrolled_at=local(2026, 12, 9, 15),
            checked="二楼帮办代办区",
            findings="一名帮办员未佩戴党徽",
            follow_up="督查指导科当日提醒",
        )
    assert record.leader == bureau_user.staff_member and record.week_start == date(2026, 12, 7)
    event = RosterEvent.objects.get(verb=RosterVerb.PATROL_RECORDED)
    assert event.actor == bureau_user and event.centre_id == centre.pk


@pytest.mark.parametrize("who", ["supervisor", "leader_user", "desk"])
def test_only_a_bureau_leader_records_a_patrol(roster_hall, who):
    with at(2026, 12, 9, 16), pytest.raises(PermissionDenied):
        patrol(roster_hall[who], roster_hall["centre"], local(2026, 12, 9, 15))
    assert not PatrolRecord.objects.exists()


def test_a_patrol_in_the_future_or_without_what_was_checked_is_refused(roster_hall, bureau_user):
    centre = roster_hall["centre"]
    with at(2026, 12, 9, 10):
        with pytest.raises(DomainError):
            patrol(bureau_user, centre, local(2026, 12, 9, 11))
        with pytest.raises(DomainError):
            patrol(bureau_user, centre, local(2026, 12, 9, 9), checked="  ")
    assert not PatrolRecord.objects.exists()


def test_a_patrol_of_a_centre_the_leader_may_not_see_is_refused(roster_hall, bureau_user):
    with at(2026, 12, 9, 16), pytest.raises(PermissionDenied):
        patrol(bureau_user, roster_hall["town"], local(2026, 12, 9, 15))


def test_a_sunday_night_patrol_counts_for_its_own_week_not_the_next(roster_hall, bureau_user):
    with at(2026, 12, 14, 9):
        record = patrol(bureau_user, roster_hall["centre"], local(2026, 12, 13, 23, 30))
    assert record.week_start == date(2026, 12, 7)


def test_a_week_without_a_patrol_is_flagged_from_the_monday_after_it(roster_hall, published):
    centre = roster_hall["centre"]
    # Sunday 13 December: the week of 7–13 December is still running, so nothing is flagged for it yet.
    assert date(2026, 12, 7) not in {g.week_start for g in patrol_gaps([centre], date(2026, 12, 13))}
    # Monday 14 December: the week has ended without a patrol.
    gaps = patrol_gaps([centre], date(2026, 12, 14))
    assert [(g.centre, g.week_start, g.week_end) for g in gaps][0] == (
        centre,
        date(2026, 12, 7),
        date(2026, 12, 13),
    )
    assert {g.week_start for g in gaps} == {date(2026, 11, 30), date(2026, 12, 7)}


def test_a_patrol_on_the_last_evening_of_the_week_clears_it(roster_hall, published, bureau_user):
    centre = roster_hall["centre"]
    with at(2026, 12, 13, 22):
        patrol(bureau_user, centre, local(2026, 12, 13, 21))
    assert date(2026, 12, 7) not in {g.week_start for g in patrol_gaps([centre], date(2026, 12, 14))}


def test_a_monday_morning_patrol_does_not_clear_the_week_before(roster_hall, published, bureau_user):
    centre = roster_hall["centre"]
    with at(2026, 12, 7, 9):
        patrol(bureau_user, centre, local(2026, 12, 7, 0, 5))
    flagged = {g.week_start for g in patrol_gaps([centre], date(2026, 12, 14))}
    assert date(2026, 11, 30) in flagged and date(2026, 12, 7) not in flagged


def test_weeks_without_a_published_roster_are_not_flagged(roster_hall):
    # No plan at all: no duty days, so no week needs a patrol.
    assert patrol_gaps([roster_hall["centre"]], date(2026, 12, 14)) == []


def test_the_gap_names_the_weeks_leading_bureau_leader(roster_hall, published):
    gap = patrol_gaps([roster_hall["centre"]], date(2026, 12, 14))[0]
    week_leader = DutyDay.objects.filter(plan=published, day__gte=date(2026, 12, 7)).first().week_leader
    assert gap.week_leader == week_leader


# --- Party badge at check-in ------------------------------------------------------------------------------


def test_a_party_member_without_the_party_badge_is_recorded_and_shown(roster_hall, published):
    h = roster_hall
    member = h["helpers"][0]  # 帮办1, a party member
    with at(2026, 12, 1, 8, 40):
        check_in = checkin_record(actor=h["leader_user"], staff_id=member.pk, badge_worn=True, party_badge_worn=False)
    assert check_in.party_badge_worn is False
    assert party_badge_missing(day_roster(h["centre"], date(2026, 12, 1))) == [check_in]
    assert attendance_report(h["centre"].pk, MONTH)[0].no_party_badge == 1
    assert RosterEvent.objects.get(verb=RosterVerb.CHECKED_IN).note.endswith(gettext("without the party badge"))


def test_a_party_member_who_says_nothing_is_recorded_without_the_party_badge(roster_hall, published):
    h = roster_hall
    with at(2026, 12, 1, 8, 40):
        check_in = checkin_record(actor=h["leader_user"], staff_id=h["helpers"][0].pk, badge_worn=True)
    assert check_in.party_badge_worn is False


def test_a_party_member_wearing_the_party_badge_is_not_shown(roster_hall, published):
    h = roster_hall
    with at(2026, 12, 1, 8, 40):
        check_in = checkin_record(actor=h["leader_user"], staff_id=h["helpers"][0].pk, party_badge_worn=True)
    assert check_in.party_badge_worn is True
    assert party_badge_missing(day_roster(h["centre"], date(2026, 12, 1))) == []


@pytest.mark.parametrize("answer", [True, False, None])
def test_someone_not_in_the_party_is_not_asked(roster_hall, published, answer):
    h = roster_hall
    with at(2026, 12, 1, 8, 40):
        check_in = checkin_record(actor=h["helper_user"], badge_worn=True, party_badge_worn=answer)
    assert check_in.party_badge_worn is None
    assert party_badge_missing(day_roster(h["centre"], date(2026, 12, 1))) == []


# --- The duty record --------------------------------------------------------------------------------------


@pytest.fixture
def duty(roster_hall, published):
    """The duty leader login's first duty day (1 December), with the helper login on a window that day."""
    leader, day, _substitute = own_day_and_free_leader(roster_hall, published)
    return DutyDay.objects.get(plan=published, day=day)


def write(user, duty_day, content="受理帮办 3 件，代办 1 件，均已转交窗口。"):
    return duty_record_write(actor=user, duty_day_id=duty_day.pk, content=content)


def test_a_helper_on_duty_writes_the_record_once(roster_hall, duty):
    with at(2026, 12, 1, 17):
        record = write(roster_hall["helper_user"], duty)
        with pytest.raises(TransitionNotAllowed):
            write(roster_hall["helper_user"], duty)
    assert record.status == DutyRecordStatus.WRITTEN and record.revisions.count() == 1
    assert DutyRecord.objects.count() == 1
    event = RosterEvent.objects.get(verb=RosterVerb.DUTY_RECORD_WRITTEN)
    assert event.actor == roster_hall["helper_user"] and event.duty_record == record
    # The record's text is not copied into the history.
    assert "受理" not in event.note


@pytest.mark.parametrize("who", ["desk", "supervisor", "leader_user"])
def test_only_the_helpers_on_duty_write_the_record(roster_hall, duty, who):
    # The desk clerk and the supervisor have no duty that day; the duty leader reviews instead of writing.
    with at(2026, 12, 1, 17), pytest.raises(PermissionDenied):
        write(roster_hall[who], duty)
    assert not DutyRecord.objects.exists()


def test_a_substitute_in_effect_writes_and_the_person_replaced_does_not(roster_hall, duty):
    h = roster_hall
    absent = h["helper_user"].staff_member
    stand_in = make_staff_user(
        role=Role.FRONT_DESK, centre=h["centre"], username="standin", name="替岗人", kind=StaffKind.FULL_TIME_HELPER
    )
    with at(2026, 11, 30, 12):
        file_substitution(h["supervisor"], absent.pk, stand_in.staff_member.pk, duty.day, "window", "外出学习")
    with at(2026, 12, 1, 17):
        with pytest.raises(PermissionDenied):
            write(h["helper_user"], duty)
        assert write(stand_in, duty).written_by == stand_in


def test_the_record_is_not_written_before_the_day(roster_hall, duty):
    with at(2026, 11, 30, 17), pytest.raises(DomainError):
        write(roster_hall["helper_user"], duty)


def test_edits_before_review_keep_every_version(roster_hall, duty):
    h = roster_hall
    with at(2026, 12, 1, 17):
        record = write(h["helper_user"], duty, "初稿")
    with at(2026, 12, 1, 17, 30):
        record = duty_record_edit(actor=h["helper_user"], record_id=record.pk, content="修改稿")
    assert record.content == "修改稿" and record.edited_by == h["helper_user"]
    assert list(record.revisions.values_list("content", flat=True)) == ["初稿", "修改稿"]
    assert RosterEvent.objects.filter(verb=RosterVerb.DUTY_RECORD_EDITED, duty_record=record).count() == 1


def test_the_duty_leader_of_the_day_reviews_and_the_record_is_read_only_after(roster_hall, duty):
    h = roster_hall
    with at(2026, 12, 1, 17):
        record = write(h["helper_user"], duty)
    with at(2026, 12, 1, 18):
        record = duty_record_review(actor=h["leader_user"], record_id=record.pk, comment="记录完整")
    assert record.status == DutyRecordStatus.REVIEWED and record.reviewed_by == h["leader_user"]
    assert record.review_comment == "记录完整"
    with at(2026, 12, 2, 9):
        with pytest.raises(TransitionNotAllowed):
            duty_record_edit(actor=h["helper_user"], record_id=record.pk, content="改")
        with pytest.raises(TransitionNotAllowed):
            duty_record_review(actor=h["leader_user"], record_id=record.pk)
    record.refresh_from_db()
    assert record.content != "改" and record.revisions.count() == 1


def test_a_review_needs_no_comment(roster_hall, duty):
    h = roster_hall
    with at(2026, 12, 1, 17):
        record = write(h["helper_user"], duty)
        assert duty_record_review(actor=h["leader_user"], record_id=record.pk).review_comment == ""


@pytest.mark.parametrize("who", ["supervisor", "helper_user", "desk"])
def test_only_the_days_duty_leader_reviews(roster_hall, duty, who):
    h = roster_hall
    with at(2026, 12, 1, 17):
        record = write(h["helper_user"], duty)
        with pytest.raises(PermissionDenied):
            duty_record_review(actor=h[who], record_id=record.pk)
    record.refresh_from_db()
    assert record.status == DutyRecordStatus.WRITTEN


def test_a_leader_replaced_by_a_substitute_no_longer_reviews(roster_hall, published, duty):
    h = roster_hall
    leader, day, substitute = own_day_and_free_leader(h, published)
    with at(2026, 11, 30, 12):
        file_substitution(h["supervisor"], leader.pk, substitute.pk, day, "duty_leader", "出差")
    with at(2026, 12, 1, 17):
        record = write(h["helper_user"], duty)
        with pytest.raises(PermissionDenied):
            duty_record_review(actor=h["leader_user"], record_id=record.pk)


def test_a_patrol_before_2000_is_refused(roster_hall, bureau_user):
    """Found in review: a patrol dated year 1 broke every later read of the centre's patrols on PostgreSQL."""
    with at(2026, 12, 9, 16), pytest.raises(DomainError) as err:
        patrol(bureau_user, roster_hall["centre"], local(1, 1, 1, 5))
    assert err.value.field == "patrolled_at"


def test_the_leader_cannot_sign_off_text_edited_after_they_read_it(roster_hall, duty):
    """Found in review: a helper's edit between the leader's reading and sign-off was signed off unseen."""
    h = roster_hall
    with at(2026, 12, 1, 17):
        record = write(h["helper_user"], duty)
        read = record.revisions.get().pk  # what the leader's page showed
        duty_record_edit(actor=h["helper_user"], record_id=record.pk, content="修改稿：另有一件未交接")
        with pytest.raises(TransitionNotAllowed):
            duty_record_review(actor=h["leader_user"], record_id=record.pk, seen_revision=read)
        record.refresh_from_db()
        assert record.status == DutyRecordStatus.WRITTEN
        latest = record.revisions.order_by("-pk").first().pk
        reviewed = duty_record_review(actor=h["leader_user"], record_id=record.pk, seen_revision=latest)
    assert reviewed.status == DutyRecordStatus.REVIEWED
