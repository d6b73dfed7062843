"""Messages to applicants, complainants and supervisors: queued once after the commit, sent by a Celery task with
retries, rendered from templates, never logging a phone number unmasked."""

import logging
from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from complaints import services as complaint_svc
from hallservice.core.notifications import ConsoleSmsBackend, PermanentFailure, TemporaryFailure, mask_recipient
from requests import services as svc
from requests.models import Notification, NotificationStatus, RequestEvent
from requests.notifications import deliver, render_message, requeue_stale, sweep_request_events
from requests.tasks import notification_send, notifications_sweep
from tests.factories import online_complaint

pytestmark = pytest.mark.django_db

SENT: list[dict] = []


class RecordingSms(ConsoleSmsBackend):
    def send_sms(self, *, phone, text):
        SENT.append({"phone": phone, "text": text})


class FlakySms(ConsoleSmsBackend):
    failures = 0

    def send_sms(self, *, phone, text):
        if FlakySms.failures:
            FlakySms.failures -= 1
            raise TemporaryFailure("gateway busy")
        SENT.append({"phone": phone, "text": text})


class RefusingSms(ConsoleSmsBackend):
    def send_sms(self, *, phone, text):
        raise PermanentFailure("number refused")


@pytest.fixture(autouse=True)
def recording(settings):
    SENT.clear()
    settings.NOTIFICATION_BACKENDS = {
        "sms": "tests.requests.test_notifications.RecordingSms",
        "email": "hallservice.core.notifications.EmailBackend",
    }
    return SENT


def sweep(capture):
    with capture(execute=True):
        return notifications_sweep.delay().get()


def test_public_events_message_the_applicant_once(register, people, django_capture_on_commit_callbacks):
    desk = people["desk"]
    req = register()
    svc.request_accept(actor=desk, request_id=req.pk)
    result = sweep(django_capture_on_commit_callbacks)
    assert len(result["queued"]) == 1
    assert len(SENT) == 1 and SENT[0]["phone"] == "13812345678"
    text = SENT[0]["text"]
    assert req.number in text and "/track/r/" in text and "受理" in text
    assert "410402199003150023" not in text and "张三" not in text
    assert sweep(django_capture_on_commit_callbacks)["queued"] == []  # nothing twice
    assert len(SENT) == 1
    notification = Notification.objects.get()
    assert notification.status == NotificationStatus.SENT and notification.recipient_masked == "138****5678"


def test_each_notified_event_has_its_template(register, people, django_capture_on_commit_callbacks):
    from requests.models import MaterialStatus

    desk = people["desk"]
    deficient = register(provide_all=False)
    svc.request_review_materials(
        actor=desk,
        request_id=deficient.pk,
        reviews=[{"check_id": c.pk, "status": MaterialStatus.MISSING} for c in deficient.material_checks.all()],
    )
    svc.request_issue_deficiency_notice(actor=desk, request_id=deficient.pk)
    running = register()
    svc.request_accept(actor=desk, request_id=running.pk)
    svc.request_start(actor=desk, request_id=running.pk)
    svc.request_suspend(
        actor=desk, request_id=running.pk, reason="fees_unpaid", resume_by=timezone.localdate() + timedelta(days=9)
    )
    svc.request_resume(actor=desk, request_id=running.pk)
    svc.request_complete(actor=desk, request_id=running.pk, result="证书")
    sweep(django_capture_on_commit_callbacks)
    templates = sorted(Notification.objects.values_list("template", flat=True))
    assert templates == [
        "request_accepted",
        "request_completed",
        "request_deficient",
        "request_suspended",
    ]
    texts = " ".join(s["text"] for s in SENT)
    assert "不动产登记申请书" in texts  # the missing materials by name
    assert "领取" in texts  # ready for pick-up


def test_old_events_and_internal_events_are_not_messaged(register, people, django_capture_on_commit_callbacks):
    desk = people["desk"]
    req = register()
    svc.request_accept(actor=desk, request_id=req.pk)
    RequestEvent.objects.filter(verb="accepted").update(at=timezone.now() - timedelta(days=3))
    RequestEvent.objects.create(request=req, verb="accepted", public=False)
    assert sweep(django_capture_on_commit_callbacks)["queued"] == []


def test_a_rolled_back_change_sends_nothing(register, people):
    # Without the commit the on_commit callbacks never run (the test's transaction is never committed).
    desk = people["desk"]
    req = register()
    svc.request_accept(actor=desk, request_id=req.pk)
    sweep_request_events()
    assert Notification.objects.count() == 1 and SENT == []


def test_temporary_failures_are_retried_then_sent(register, people, settings):
    settings.NOTIFICATION_BACKENDS = {
        **settings.NOTIFICATION_BACKENDS,
        "sms": "tests.requests.test_notifications.FlakySms",
    }
    FlakySms.failures = 2
    req = register()
    svc.request_accept(actor=people["desk"], request_id=req.pk)
    (pk,) = sweep_request_events()
    # The task retries (with backoff) on TemporaryFailure; each retry runs deliver() again.
    assert TemporaryFailure in notification_send.autoretry_for
    for _attempt in range(2):
        with pytest.raises(TemporaryFailure):
            deliver(notification_id=pk)
        assert Notification.objects.get(pk=pk).status == NotificationStatus.PENDING
    assert deliver(notification_id=pk) == NotificationStatus.SENT
    notification = Notification.objects.get(pk=pk)
    assert notification.attempts == 3 and notification.last_error == "gateway busy"
    assert len(SENT) == 1
    assert deliver(notification_id=pk) == NotificationStatus.SENT and len(SENT) == 1  # a duplicate task sends nothing


def test_gives_up_after_the_last_attempt_and_on_permanent_failure(register, people, settings):
    settings.NOTIFICATION_BACKENDS = {
        **settings.NOTIFICATION_BACKENDS,
        "sms": "tests.requests.test_notifications.FlakySms",
    }
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    FlakySms.failures = 10
    req = register()
    svc.request_accept(actor=people["desk"], request_id=req.pk)
    (pk,) = sweep_request_events()
    with pytest.raises(TemporaryFailure):
        deliver(notification_id=pk)
    assert deliver(notification_id=pk) == NotificationStatus.FAILED
    assert deliver(notification_id=pk) == NotificationStatus.FAILED  # idempotent
    settings.NOTIFICATION_BACKENDS = {
        **settings.NOTIFICATION_BACKENDS,
        "sms": "tests.requests.test_notifications.RefusingSms",
    }
    Notification.objects.filter(pk=pk).update(status=NotificationStatus.PENDING, attempts=0)
    assert notification_send.delay(pk).get() == NotificationStatus.FAILED


def test_lost_tasks_are_queued_again(register, people, django_capture_on_commit_callbacks):
    req = register()
    svc.request_accept(actor=people["desk"], request_id=req.pk)
    (pk,) = sweep_request_events()  # queued, but its task never ran (no commit here)
    Notification.objects.filter(pk=pk).update(created_at=timezone.now() - timedelta(minutes=30))
    assert requeue_stale() == [pk]
    assert Notification.objects.get(pk=pk).status == NotificationStatus.SENT


def test_console_backend_logs_masked_phone_only(caplog):
    with caplog.at_level(logging.INFO, logger="hallservice.core.notifications"):
        ConsoleSmsBackend().send(recipient="13812345678", subject="s", body="您的申请已受理")
    # The last four digits and the length only (issue 15): no text, no full or half-masked number.
    assert "…5678" in caplog.text and "13812345678" not in caplog.text and "已受理" not in caplog.text
    assert mask_recipient("zhang.san@example.cn") == "z***@example.cn"


def test_complainant_hears_when_accepted_and_answered(hall, people, django_capture_on_commit_callbacks):
    supervisor = people["supervisor"]
    with django_capture_on_commit_callbacks(execute=True):
        complaint = online_complaint(hall["district"], content="态度差", contact="13900001111")
        complaint_svc.complaint_accept(actor=supervisor, complaint_id=complaint.pk)
        complaint_svc.complaint_investigate(actor=supervisor, complaint_id=complaint.pk)
        complaint_svc.complaint_respond(actor=supervisor, complaint_id=complaint.pk, response="已致歉")
    assert [s["phone"] for s in SENT] == ["13900001111", "13900001111"]
    assert all(complaint.number in s["text"] and "/track/c/" in s["text"] for s in SENT)
    assert "已致歉" not in SENT[1]["text"]  # the answer itself is read on the page


def test_messages_render_in_chinese_whatever_the_thread_language(register):
    from django.utils import translation

    req = register()
    with translation.override("en"):
        subject, body = render_message(
            "request_accepted",
            {
                "req": req,
                "centre": req.centre,
                "matter": "X",
                "helper": "Y",
                "deadline": date(2026, 12, 1),
                "link": "L",
            },
        )
    assert "受理" in subject and "2026-12-01" in body


def test_supervisors_are_mailed_about_escalations(hall, people, django_capture_on_commit_callbacks):
    supervisor = people["supervisor"]
    supervisor.email = "qian@hall.example.cn"
    supervisor.save(update_fields=["email"])
    from complaints.tasks import complaint_timers

    complaint = online_complaint(hall["town"], category="other", content="x")
    day = (complaint.accept_due + timedelta(days=7)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        complaint_timers.delay(day).get()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["qian@hall.example.cn"]
    assert f"/complaints/{complaint.pk}/" in mail.outbox[0].body
