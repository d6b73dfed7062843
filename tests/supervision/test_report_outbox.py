"""Monthly reports are never stuck or lost when Redis or a worker fails (issue 15, items 1 and 2).

The row is the outbox: the request commits it as queued, the task is sent after the commit, and a beat sweep sends
again what the broker never got or lost and restarts what a killed worker left running (hallservice/core/outbox.py).
Tests run Celery eagerly, so "Redis is down" is the task's apply_async raising kombu's OperationalError, as it
does when the broker refuses the connection.
"""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from supervision.models import MonthlyReport
from supervision.tasks import monthly_report_build

pytestmark = pytest.mark.django_db

NOVEMBER = date(2026, 11, 1)
REDIS_DOWN = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def supervisor_client(client, supervisor_user):
    client.force_login(supervisor_user)
    return client


def running_report(user, hall, *, progress, attempts, beat_minutes_ago, **fields):
    """November's report of the district, being built: its worker last beat ``beat_minutes_ago`` minutes ago."""
    return MonthlyReport.objects.create(
        centre=hall["district"],
        month=NOVEMBER,
        requested_by=user,
        status="running",
        progress=progress,
        attempts=attempts,
        heartbeat_at=timezone.now() - timedelta(minutes=beat_minutes_ago),
        **fields,
    )


def _sweep():
    from supervision.tasks import monthly_reports_sweep

    return monthly_reports_sweep()


def _ask(client, hall, callbacks, month="2026-11"):
    with callbacks(execute=True):
        return client.post(reverse("supervision:reports"), {"centre": hall["district"].pk, "month": month})


def test_a_report_asked_for_while_redis_is_down_is_kept_and_starts_when_the_queue_is_back(
    supervisor_client, hall, django_capture_on_commit_callbacks
):
    with mock.patch.object(monthly_report_build, "apply_async", side_effect=REDIS_DOWN):
        response = _ask(supervisor_client, hall, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    report = MonthlyReport.objects.get()
    assert report.status == "queued" and report.enqueued_at is None
    page = supervisor_client.get(reverse("supervision:reports")).content.decode()
    assert "任务队列暂时无法连接；报表已保存，队列恢复后将自动开始生成。" in page

    with mock.patch.object(monthly_report_build, "apply_async", side_effect=REDIS_DOWN):
        assert _sweep()["sent"] == 0  # still down: the row waits, no attempt is spent
    assert MonthlyReport.objects.get().attempts == 0

    _sweep()  # the queue is back

    report.refresh_from_db()
    assert report.status == "done" and report.pdf and report.attempts == 1


def test_the_sweep_sends_again_a_report_whose_message_the_broker_lost(supervisor_user, hall):
    sent_long_ago = timezone.now() - timedelta(minutes=11)
    report = MonthlyReport.objects.create(
        centre=hall["district"], month=NOVEMBER, requested_by=supervisor_user, enqueued_at=sent_long_ago
    )
    just_sent = MonthlyReport.objects.create(
        centre=hall["town"], month=NOVEMBER, requested_by=supervisor_user, enqueued_at=timezone.now()
    )

    result = _sweep()

    report.refresh_from_db()
    just_sent.refresh_from_db()
    assert result["sent"] == 1 and report.status == "done"
    assert just_sent.status == "queued"  # its message may still be on its way: not sent twice yet


def test_a_report_left_running_by_a_killed_worker_is_taken_over_and_completes(supervisor_user, hall):
    killed = running_report(
        supervisor_user,
        hall,
        progress=5,
        attempts=1,
        beat_minutes_ago=11,
        enqueued_at=timezone.now() - timedelta(minutes=12),
    )

    result = _sweep()

    killed.refresh_from_db()
    assert result["requeued"] == 1
    assert killed.status == "done" and killed.progress == 100 and killed.attempts == 2


def test_a_second_delivery_of_a_report_being_built_does_nothing(supervisor_user, hall):
    live = running_report(supervisor_user, hall, progress=40, attempts=1, beat_minutes_ago=0)

    assert monthly_report_build(live.pk) == "running"
    assert _sweep() == {"failed": 0, "requeued": 0, "sent": 0}

    live.refresh_from_db()
    assert live.status == "running" and live.progress == 40 and live.attempts == 1 and not live.pdf


def test_after_three_lost_workers_the_report_fails_with_the_reason_and_the_retry_button_builds_it(
    supervisor_client, supervisor_user, hall, django_capture_on_commit_callbacks
):
    report = running_report(supervisor_user, hall, progress=5, attempts=3, beat_minutes_ago=11)

    assert _sweep()["failed"] == 1
    report.refresh_from_db()
    assert report.status == "failed" and "3" in report.error

    row = supervisor_client.get(reverse("supervision:report", args=[report.pk])).content.decode()
    assert "后台任务在生成该报表时已中断 3 次" in row
    assert f'name="retry" value="{report.pk}"' in row and 'name="form_token"' in row and "hx-trigger" not in row

    with django_capture_on_commit_callbacks(execute=True):
        retried = supervisor_client.post(reverse("supervision:reports"), {"retry": report.pk})

    assert retried.status_code == 302
    report.refresh_from_db()
    assert report.status == "done" and report.error == "" and report.attempts == 1


def test_the_retry_button_of_a_report_already_done_changes_nothing(supervisor_client, supervisor_user, hall):
    report = MonthlyReport.objects.create(
        centre=hall["district"], month=NOVEMBER, requested_by=supervisor_user, status="done", progress=100
    )

    response = supervisor_client.post(reverse("supervision:reports"), {"retry": report.pk}, follow=True)

    assert "只有生成失败的报表才能重试。" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "done" and report.progress == 100


def test_asking_again_for_a_month_whose_report_failed_builds_that_report_again(
    supervisor_client, supervisor_user, hall, django_capture_on_commit_callbacks
):
    failed = MonthlyReport.objects.create(
        centre=hall["district"], month=NOVEMBER, status="failed", error="OperationalError: database is locked"
    )

    response = _ask(supervisor_client, hall, django_capture_on_commit_callbacks)

    assert response.status_code == 302 and response.url.endswith(f"#report-{failed.pk}")
    failed.refresh_from_db()
    assert MonthlyReport.objects.count() == 1
    assert failed.status == "done" and failed.error == "" and failed.requested_by == supervisor_user


def test_asking_again_for_a_month_whose_report_never_reached_the_queue_sends_it(
    supervisor_client, supervisor_user, hall, django_capture_on_commit_callbacks
):
    stuck = MonthlyReport.objects.create(centre=hall["district"], month=NOVEMBER, requested_by=supervisor_user)

    response = _ask(supervisor_client, hall, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    stuck.refresh_from_db()
    assert MonthlyReport.objects.count() == 1 and stuck.status == "done"
