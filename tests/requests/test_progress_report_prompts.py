"""A request in handling without a progress report for N working days reminds its helper, once per silence.

Seed 004 (承办): "在执行过程中，服务人员需定期向服务对象提供进度报告，确保服务对象随时了解事项办理情况。" The days are
working days of the statutory calendar: National Day 2026 is 1–7 October off, Saturday 10 October a working day.
"""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from requests import services as svc
from requests.models import Notification, RequestVerb, Status
from requests.services import timers
from requests.tasks import request_deadline_timers
from tests.clock import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _three_days(settings):
    settings.PROGRESS_REPORT_PROMPT_DAYS = 3


@pytest.fixture
def handling(in_handling, people):
    """A request accepted and started on Wednesday 30 September 2026, the last working day before National Day."""
    desk = people["desk"]
    desk.email = "wang@hall.example.cn"
    desk.save(update_fields=["email"])
    with at(2026, 9, 30):
        return in_handling()


def prompts(req):
    return req.events.filter(verb=RequestVerb.PROGRESS_REPORT_PROMPTED)


def test_silence_counts_working_days_across_the_holiday_not_calendar_days(handling):
    # 8, 9 and Saturday 10 October (a working day in lieu) are the three full working days after 30 September;
    # the eight holiday days before them do not count, though twelve calendar days have passed by 12 October.
    assert timers.prompt_progress_reports(date(2026, 10, 9)) == []  # 8 October only
    assert timers.prompt_progress_reports(date(2026, 10, 10)) == []  # 8 and 9 October
    assert timers.prompt_progress_reports(date(2026, 10, 11)) == [handling.pk]  # 8, 9, 10 October
    event = prompts(handling).get()
    assert event.actor is None and event.actor_kind == "system" and not event.public
    assert "2026-09-30" in event.note and "3" in event.note


def test_the_helper_is_reminded_once_by_e_mail_however_often_the_timer_runs(
    handling, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = request_deadline_timers.delay("2026-10-12").get()
    with django_capture_on_commit_callbacks(execute=True):
        second = request_deadline_timers.delay("2026-10-12").get()
        later = request_deadline_timers.delay("2026-10-20").get()
    assert first["progress_report_prompts"] == [handling.pk]
    assert second["progress_report_prompts"] == [] and later["progress_report_prompts"] == []
    assert prompts(handling).count() == 1
    notification = Notification.objects.get(template="progress_report_prompt")
    assert notification.request_id == handling.pk
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["wang@hall.example.cn"]
    assert handling.number in mail.outbox[0].subject and "2026-09-30" in mail.outbox[0].body
    assert f"/requests/{handling.pk}/" in mail.outbox[0].body
    assert "13812345678" not in mail.outbox[0].body  # no personal data in the message


def test_a_progress_report_restarts_the_clock_and_the_next_silence_is_reminded_again(handling, people):
    assert timers.prompt_progress_reports(date(2026, 10, 12)) == [handling.pk]
    with at(2026, 10, 12, 15):  # the same day, after the morning's reminder
        svc.request_report_progress(actor=people["desk"], request_id=handling.pk, text="已提交部门审核")
    # 13, 14, 15 October are the new silence's three working days: reminded on the 16th, not before.
    assert timers.prompt_progress_reports(date(2026, 10, 13)) == []
    assert timers.prompt_progress_reports(date(2026, 10, 15)) == []
    assert timers.prompt_progress_reports(date(2026, 10, 16)) == [handling.pk]
    assert prompts(handling).count() == 2
    assert "2026-10-12" in prompts(handling).order_by("-pk").first().note


@pytest.mark.parametrize("status", [Status.SUSPENDED, Status.COMPLETED, Status.TERMINATED])
def test_only_requests_in_handling_are_reminded(handling, status):
    type(handling).objects.filter(pk=handling.pk).update(status=status)
    assert timers.prompt_progress_reports(date(2026, 10, 20)) == []
    assert not prompts(handling).exists()


def test_an_accepted_request_not_yet_started_is_reminded_too(register, people):
    with at(2026, 11, 23):  # Monday
        req = register()
        svc.request_accept(actor=people["desk"], request_id=req.pk)
    assert timers.prompt_progress_reports(date(2026, 11, 26)) == []  # Tuesday and Wednesday
    assert timers.prompt_progress_reports(date(2026, 11, 27)) == [req.pk]


def test_the_queue_and_the_request_page_show_the_silence(client, handling, people):
    client.force_login(people["desk"])
    with at(2026, 10, 9):
        page = client.get(reverse("requests:detail", args=[handling.pk]))
        queue = client.get(reverse("requests:queue"))
    assert "未报告进度" not in page.content.decode() and "未报告进度" not in queue.content.decode()
    with at(2026, 10, 12):
        page = client.get(reverse("requests:detail", args=[handling.pk]))
        queue = client.get(reverse("requests:queue"))
    # Monday 12 October: 8, 9 and 10 October have passed (11 is a Sunday, the 12th is not over).
    assert "已3个工作日未报告进度" in page.content.decode()
    assert "已3个工作日未报告进度" in queue.content.decode()
    assert [row.silent_days for row in queue.context["rows"]] == [3]
