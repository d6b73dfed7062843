"""SMS in production is a choice: SMS_BACKEND=none records messages as not sent and logs nothing; the console
backend never writes a text (with its 30-day status link) or a full phone number to the log (issue 15, item 4)."""

import logging

import pytest

from hallservice.core.notifications import ConsoleEmailBackend, ConsoleSmsBackend
from requests import services as svc
from requests.models import Notification, NotificationStatus
from requests.notifications import deliver, sweep_request_events

pytestmark = pytest.mark.django_db


def test_console_sms_logs_only_the_length_and_the_last_four_digits(caplog):
    text = "您的申请XH-2026-000123已受理，查看进度：https://hall.example.cn/track/r/Zk3vQ9pLmN2xYt7B/"
    with caplog.at_level(logging.INFO, logger="hallservice.core.notifications"):
        ConsoleSmsBackend().send(recipient="13812345678", subject="", body=text)
        ConsoleEmailBackend().send(recipient="zhang.san@example.cn", subject="投诉", body=text)
    logged = caplog.text
    assert "…5678" in logged and f"{len(text)} characters" in logged
    for secret in ("Zk3vQ9pLmN2xYt7B", "/track/r/", "XH-2026-000123", "13812345678", "138****", "zhang.san"):
        assert secret not in logged


def test_sms_switched_off_records_the_message_as_not_sent_and_logs_nothing(register, people, settings, caplog):
    settings.NOTIFICATION_BACKENDS = {
        **settings.NOTIFICATION_BACKENDS,
        "sms": "hallservice.core.notifications.DisabledSmsBackend",
    }
    req = register()
    svc.request_accept(actor=people["desk"], request_id=req.pk)
    (pk,) = sweep_request_events()
    with caplog.at_level(logging.DEBUG):
        assert deliver(notification_id=pk) == NotificationStatus.FAILED
    notification = Notification.objects.get(pk=pk)
    assert notification.status == NotificationStatus.FAILED and "SMS_BACKEND=none" in notification.last_error
    assert notification.attempts == 1
    assert not [r for r in caplog.records if r.name.startswith(("hallservice.core.notifications", "requests"))]
