"""Complaint and poor-rating limits with a frozen clock: working days across a weekend and the 2026 National Day
holiday (10-01 … 10-07, with Saturday 10-10 an adjusted working day), escalation once, e-mail to supervisors."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from complaints import services as complaint_svc
from complaints.models import Complaint, ComplaintStatus
from complaints.tasks import complaint_timers
from hallservice.core.actors import CITIZEN
from requests import services as svc
from requests.models import Notification
from tests.factories import online_complaint

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")


def at(*args):
    return time_machine.travel(datetime(*args, tzinfo=TZ), tick=False)


@pytest.fixture
def supervisor(people):
    user = people["supervisor"]
    user.email = "qian@hall.example.cn"
    user.save(update_fields=["email"])
    return user


def file(hall, **fields):
    return online_complaint(hall["district"], category="efficiency", content="承诺时限已过仍未办结", **fields)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the daily task for ``day``, with the messages it queues after its commits."""

    def _run(day: str) -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            return complaint_timers.delay(day).get()

    return _run


def test_acceptance_limit_crosses_the_weekend(hall, supervisor, run):
    with at(2026, 11, 20, 16, 30):  # Friday afternoon
        complaint = file(hall)
    assert complaint.accept_due == date(2026, 11, 23)
    for day in ("2026-11-21", "2026-11-22", "2026-11-23"):  # Saturday, Sunday, and Monday (still in time)
        assert run(day)["complaints_overdue"] == []
    assert run("2026-11-24")["complaints_overdue"] == [complaint.pk]
    complaint.refresh_from_db()
    assert complaint.escalated and complaint.accept_overdue_on == date(2026, 11, 24)
    assert complaint.events.filter(verb="accept_overdue", public=False, actor=None, actor_kind="system").count() == 1


def test_limits_cross_the_national_day_holiday_and_escalate_once(hall, people, supervisor, run):
    with at(2026, 9, 30, 16):  # the last working day before the holiday
        complaint = file(hall)
    assert complaint.accept_due == date(2026, 10, 8)  # 10-01 … 10-07 are holidays
    for day in ("2026-10-01", "2026-10-05", "2026-10-07", "2026-10-08"):
        assert run(day)["complaints_overdue"] == []
    assert run("2026-10-09")["complaints_overdue"] == [complaint.pk]
    assert run("2026-10-09")["complaints_overdue"] == []  # idempotent: flagged once
    assert len(mail.outbox) == 1 and complaint.number in mail.outbox[0].body
    assert mail.outbox[0].to == ["qian@hall.example.cn"]

    with at(2026, 10, 9, 9):
        complaint_svc.complaint_accept(actor=supervisor, complaint_id=complaint.pk)
    complaint.refresh_from_db()
    # Five working days after Friday 10-09: Saturday 10-10 (adjusted working day), 10-12, 10-13, 10-14, 10-15.
    assert complaint.respond_due == date(2026, 10, 15)
    assert run("2026-10-15")["complaints_overdue"] == []
    assert run("2026-10-16")["complaints_overdue"] == [complaint.pk]
    complaint.refresh_from_db()
    assert complaint.respond_overdue_on == date(2026, 10, 16)
    assert len(mail.outbox) == 2


def answered_on_23_november(hall, supervisor):
    """A complaint filed, accepted, investigated and answered at 10:00 on Monday 23 November."""
    with at(2026, 11, 23, 10):
        complaint = file(hall)
        complaint_svc.complaint_accept(actor=supervisor, complaint_id=complaint.pk)
        complaint_svc.complaint_investigate(actor=supervisor, complaint_id=complaint.pk)
        complaint_svc.complaint_respond(actor=supervisor, complaint_id=complaint.pk, response="已处理")
    return complaint


def test_answered_in_time_is_never_flagged(hall, supervisor, run):
    answered_on_23_november(hall, supervisor)
    assert run("2026-12-01")["complaints_overdue"] == []
    assert not Complaint.objects.filter(escalated=True).exists()


def test_a_response_without_feedback_closes_after_the_feedback_limit(hall, supervisor, run):
    complaint = answered_on_23_november(hall, supervisor)
    assert run("2026-11-30")["complaints_closed"] == []  # 5 working days after 11-23 is 11-30
    with at(2026, 12, 1, 0, 30):
        assert run("2026-12-01")["complaints_closed"] == [complaint.pk]
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED


def test_reopening_restarts_the_response_limit_and_its_escalation(hall, supervisor, run):
    with at(2026, 11, 2, 10):
        complaint = file(hall)
        complaint_svc.complaint_accept(actor=supervisor, complaint_id=complaint.pk)
    assert run("2026-11-10")["complaints_overdue"] == [complaint.pk]
    with at(2026, 11, 10, 10):
        complaint_svc.complaint_investigate(actor=supervisor, complaint_id=complaint.pk)
        complaint_svc.complaint_respond(actor=supervisor, complaint_id=complaint.pk, response="已处理")
        complaint_svc.complaint_feedback(actor=CITIZEN, complaint_id=complaint.pk, satisfied=False)
    complaint.refresh_from_db()
    assert complaint.respond_overdue_on is None and complaint.respond_due == date(2026, 11, 17)
    assert run("2026-11-18")["complaints_overdue"] == [complaint.pk]


def test_poor_rating_follow_up_limits(register, people, supervisor, immediate_matter, run):
    desk = people["desk"]
    with at(2026, 9, 30, 15):
        req = register(matter=immediate_matter)
        svc.request_accept(actor=desk, request_id=req.pk)
        svc.request_deliver(actor=desk, request_id=req.pk, method="on_the_spot", signer="张三", result="结果")
        evaluation = svc.request_evaluate(actor=CITIZEN, request_id=req.pk, rating=1, comment="太慢")
    assert evaluation.return_visit_due == date(2026, 10, 8)
    assert evaluation.rectify_due == date(2026, 10, 13)  # 10-08, 10-09, 10-10 (Sat, working), 10-12, 10-13
    assert run("2026-10-08")["evaluations_overdue"] == []
    assert run("2026-10-09")["evaluations_overdue"] == [req.pk]
    assert run("2026-10-09")["evaluations_overdue"] == []
    with at(2026, 10, 9, 10):
        svc.evaluation_follow_up(actor=supervisor, request_id=req.pk, note="已电话回访")
    assert run("2026-10-14")["evaluations_overdue"] == [req.pk]  # rectification now late
    verbs = set(req.events.values_list("verb", flat=True))
    assert {"follow_up_overdue", "rectification_overdue"} <= verbs
    assert Notification.objects.filter(channel="email").count() == 2
