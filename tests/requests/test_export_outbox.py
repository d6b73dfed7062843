"""Ledger PDF exports are never stuck at "Queued 0%" or "Rendering 5%" (issue 15, items 1 and 2).

The export row is the outbox (hallservice/core/outbox.py): sent after commit, sent again by the beat sweep when the
broker was down or lost it, taken over when its worker was killed, failed with the reason after three lost workers.
Tests run Celery eagerly, so "Redis is down" is apply_async raising kombu's OperationalError.
"""

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from requests.models import LedgerExport
from requests.tasks import ledger_export_render
from tests.factories import ServiceRequestFactory

pytestmark = pytest.mark.django_db

REDIS_DOWN = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def desk(client, people, matter):
    helper = people["desk"].staff_member
    ServiceRequestFactory.create_batch(
        3, centre=helper.centre, helper=helper, matter=matter, status="in_progress", reason="行动不便"
    )
    client.force_login(people["desk"])
    return people["desk"]


def _sweep():
    from requests.tasks import ledger_exports_sweep

    return ledger_exports_sweep()


def _export(user, **fields):
    today = timezone.localdate()
    return LedgerExport.objects.create(
        centre=user.staff_member.centre, date_from=today.replace(day=1), date_to=today, requested_by=user, **fields
    )


def test_a_ledger_export_asked_for_while_redis_is_down_waits_and_renders_when_the_queue_is_back(
    client, desk, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    with (
        mock.patch.object(ledger_export_render, "apply_async", side_effect=REDIS_DOWN),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("requests:ledger-pdf"),
            {"centre": desk.staff_member.centre.pk, "date_from": today.replace(day=1), "date_to": today},
        )

    export = LedgerExport.objects.get()
    assert response.status_code == 302 and response.url == reverse("requests:ledger-export", args=[export.pk])
    assert export.status == "queued" and export.enqueued_at is None
    page = client.get(response.url).content.decode()
    assert "任务队列暂时无法连接；导出已保存，队列恢复后将自动开始生成。" in page and "hx-trigger" in page

    _sweep()

    export.refresh_from_db()
    assert export.status == "done" and export.rows == 3 and export.attempts == 1


def test_the_sweep_sends_again_an_export_whose_message_was_lost(desk):
    export = _export(desk, enqueued_at=timezone.now() - timedelta(minutes=11))

    assert _sweep()["sent"] == 1

    export.refresh_from_db()
    assert export.status == "done" and export.progress == 100


def test_an_export_left_rendering_at_5_percent_by_a_killed_worker_is_rendered_again(desk):
    killed = _export(
        desk, status="running", progress=5, attempts=1, heartbeat_at=timezone.now() - timedelta(minutes=11)
    )

    assert _sweep()["requeued"] == 1

    killed.refresh_from_db()
    assert killed.status == "done" and killed.rows == 3 and killed.attempts == 2 and killed.sha256


def test_a_redelivered_message_of_an_export_still_rendering_does_nothing(desk):
    live = _export(desk, status="running", progress=30, attempts=1, heartbeat_at=timezone.now())

    assert ledger_export_render(live.pk) == "running"

    live.refresh_from_db()
    assert live.progress == 30 and live.attempts == 1 and not live.file


def test_after_three_killed_workers_the_export_fails_with_the_reason_and_retry_renders_it(
    client, desk, django_capture_on_commit_callbacks
):
    export = _export(
        desk, status="running", progress=5, attempts=3, heartbeat_at=timezone.now() - timedelta(minutes=11)
    )

    assert _sweep()["failed"] == 1
    page = client.get(reverse("requests:ledger-export", args=[export.pk])).content.decode()
    assert "后台任务在生成该 PDF 时已中断 3 次" in page
    assert f'name="retry" value="{export.pk}"' in page and 'name="form_token"' in page and "hx-trigger" not in page

    with django_capture_on_commit_callbacks(execute=True):
        retried = client.post(reverse("requests:ledger-pdf"), {"retry": export.pk})

    assert retried.status_code == 302 and retried.url == reverse("requests:ledger-export", args=[export.pk])
    export.refresh_from_db()
    assert export.status == "done" and export.error == "" and export.attempts == 1


def test_an_error_while_rendering_shows_its_reason_at_once(client, desk, django_capture_on_commit_callbacks):
    export = _export(desk, enqueued_at=timezone.now())

    with (
        mock.patch("requests.documents.render_ledger", side_effect=ValueError("font missing")),
        pytest.raises(ValueError),
    ):
        ledger_export_render(export.pk)

    export.refresh_from_db()
    assert export.status == "failed" and export.error == "ValueError: font missing"
    assert "font missing" in client.get(reverse("requests:ledger-export", args=[export.pk])).content.decode()


def test_another_users_export_cannot_be_retried(client, desk, people):
    theirs = _export(people["desk2"], status="failed", error="WorkerLostError")

    response = client.post(reverse("requests:ledger-pdf"), {"retry": theirs.pk}, follow=True)

    assert "您无权查看该导出。" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.status == "failed"
