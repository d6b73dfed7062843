"""Open requests' promised deadlines follow the working calendar (issue 14, item 11).

chinese-calendar 1.11 knows nothing of 2027, so a request accepted in late December 2026 counts 2027-01-01 as a
working day. When the admin enters the 2027 holidays the deadline must move, with an event saying from and to.
"""

from datetime import date

import pytest

from hallservice.core.calendar import calendar_notice_enter, calendar_override_delete, calendar_override_save
from hallservice.core.errors import DomainError
from requests import services as svc
from requests.models import ServiceRequest, Status, SuspensionReason
from requests.services import timers
from staff.roles import Role
from tests.clock import at
from tests.conftest import make_staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(hall):
    return make_staff_user(role=Role.ADMIN, centre=hall["district"], username="calendar-admin")


@pytest.fixture
def accepted(register, people):
    """Accept a registered request on the given day (the matter's time limit is 5 working days)."""

    def _accepted(day: date) -> ServiceRequest:
        with at(day.year, day.month, day.day):
            req = register()
            svc.request_accept(actor=people["desk"], request_id=req.pk)
        req.refresh_from_db()
        return req

    return _accepted


def test_a_holiday_added_for_2027_moves_open_deadlines_with_an_event(accepted, admin):
    req = accepted(date(2026, 12, 28))  # Monday
    assert req.deadline == date(2027, 1, 4)  # Tue 29, Wed 30, Thu 31, Fri 1 (unknown year), Mon 4
    with at(2026, 12, 29):
        calendar_override_save(actor=admin, day=date(2027, 1, 1), is_working_day=False, note="元旦")
    req.refresh_from_db()
    assert req.deadline == date(2027, 1, 5)
    event = req.events.get(verb="deadline_moved")
    assert event.actor == admin and event.public
    assert "2027-01-04" in event.note and "2027-01-05" in event.note and "2027-01-01" in event.note


def test_entering_the_2027_notice_moves_only_the_open_deadlines_it_crosses(accepted, register, people, admin):
    crossing = accepted(date(2026, 12, 28))
    before = accepted(date(2026, 12, 14))  # deadline 2026-12-21, before any 2027 date
    finished = accepted(date(2026, 12, 28))
    with at(2026, 12, 28):
        svc.request_start(actor=people["desk"], request_id=finished.pk)
        svc.request_complete(actor=people["desk"], request_id=finished.pk, result="不动产权证书")
    with at(2026, 12, 29):
        entered = calendar_notice_enter(actor=admin, year=2027, text="2027-01-01 至 2027-01-03 休 元旦")
    assert entered.moved == 1
    for req in (crossing, before, finished):
        req.refresh_from_db()
    assert crossing.deadline == date(2027, 1, 5)
    assert before.deadline == date(2026, 12, 21) and not before.events.filter(verb="deadline_moved").exists()
    assert finished.deadline == date(2027, 1, 4) and not finished.events.filter(verb="deadline_moved").exists()


def test_an_adjusted_working_day_brings_the_deadline_forward(accepted, admin):
    req = accepted(date(2027, 2, 1))  # Monday; 2027 counts Monday to Friday
    assert req.deadline == date(2027, 2, 8)
    with at(2027, 2, 2):
        calendar_override_save(actor=admin, day=date(2027, 2, 6), is_working_day=True, note="调休上班")
    req.refresh_from_db()
    assert req.deadline == date(2027, 2, 6)
    assert "2027-02-08" in req.events.get(verb="deadline_moved").note


def test_deleting_the_holiday_moves_the_deadline_back(accepted, admin):
    req = accepted(date(2026, 12, 28))
    with at(2026, 12, 29):
        override = calendar_override_save(actor=admin, day=date(2027, 1, 1), is_working_day=False, note="元旦")
        calendar_override_delete(actor=admin, override_id=override.pk)
    req.refresh_from_db()
    assert req.deadline == date(2027, 1, 4)
    assert req.events.filter(verb="deadline_moved").count() == 2


def test_paused_and_extended_working_days_are_kept_when_the_calendar_changes(accepted, people, admin):
    desk, supervisor = people["desk"], people["supervisor"]
    req = accepted(date(2026, 12, 21))  # Monday: deadline Monday 2026-12-28
    with at(2026, 12, 22):
        svc.request_start(actor=desk, request_id=req.pk)
        svc.request_suspend(
            actor=desk, request_id=req.pk, reason=SuspensionReason.FEES_UNPAID, resume_by=date(2026, 12, 31)
        )
    with at(2026, 12, 24):  # Wed 23 and Thu 24 paused: deadline 2026-12-30
        svc.request_resume(actor=desk, request_id=req.pk)
        extension = svc.request_request_extension(actor=desk, request_id=req.pk, working_days=3, reason="需补充测绘")
        svc.extension_decide(actor=supervisor, extension_id=extension.pk, approve=True)
    req.refresh_from_db()
    assert req.deadline == date(2027, 1, 4)  # 5 + 2 paused + 3 extended working days after 2026-12-21
    with at(2026, 12, 28):
        calendar_notice_enter(actor=admin, year=2027, text="2027-01-01 至 2027-01-03 休 元旦")
    req.refresh_from_db()
    assert req.deadline == date(2027, 1, 5)
    assert "10" in req.events.get(verb="deadline_moved").note


def test_a_suspended_request_moves_too(accepted, people, admin):
    req = accepted(date(2026, 12, 28))
    with at(2026, 12, 29):
        svc.request_start(actor=people["desk"], request_id=req.pk)
        svc.request_suspend(
            actor=people["desk"], request_id=req.pk, reason=SuspensionReason.FEES_UNPAID, resume_by=date(2027, 1, 8)
        )
        calendar_override_save(actor=admin, day=date(2027, 1, 1), is_working_day=False, note="元旦")
    req.refresh_from_db()
    assert req.status == Status.SUSPENDED and req.deadline == date(2027, 1, 5)


def test_the_deadline_warning_comes_again_for_the_later_date(accepted, admin):
    req = accepted(date(2026, 12, 28))
    assert timers.warn_deadlines(date(2026, 12, 31)) == [req.pk]
    with at(2026, 12, 31):
        calendar_override_save(actor=admin, day=date(2027, 1, 1), is_working_day=False, note="元旦")
    req.refresh_from_db()
    assert req.deadline == date(2027, 1, 5) and req.deadline_warned_on is None
    assert timers.warn_deadlines(date(2027, 1, 4)) == [req.pk]


def test_a_refused_notice_moves_no_deadline(accepted, admin):
    req = accepted(date(2026, 12, 28))
    with at(2026, 12, 29), pytest.raises(DomainError):
        calendar_notice_enter(actor=admin, year=2027, text="2027-01-01 至 2027-01-03 休 元旦\n2027-02-30 休 春节")
    req.refresh_from_db()
    assert req.deadline == date(2027, 1, 4) and not req.events.filter(verb="deadline_moved").exists()


def test_a_holiday_added_in_the_django_admin_moves_the_deadline(accepted, admin, client):
    req = accepted(date(2026, 12, 28))
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    client.force_login(admin)
    with at(2026, 12, 29):
        response = client.post(
            "/admin/hallservice/calendaroverride/add/", {"date": "2027-01-01", "is_working_day": "", "note": "元旦"}
        )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.deadline == date(2027, 1, 5)
    assert req.events.get(verb="deadline_moved").actor == admin
