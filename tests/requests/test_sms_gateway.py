"""The HTTP SMS gateway (issue 19): each SMS goes as a signed JSON POST to the gateway — here the simulator, a real
HTTP server on a free loopback port — which answers, fails, hangs and reports back on command; the hall files the
delivery reports and citizens' replies it POSTs to /sms/callback/, and holds the daily limit and opt-outs."""

import json
import logging
import time

import pytest
from django.test import Client
from django.urls import reverse

from hallservice.core import signed_http
from hallservice.core.notifications import TemporaryFailure
from hallservice.core.sms_gateway_simulator import SmsGatewaySimulator
from requests import services as svc
from requests.models import (
    DeliveryState,
    Notification,
    NotificationChannel,
    NotificationStatus,
    OptOutChannel,
    SmsDailyCount,
    SmsDeliveryReport,
    SmsOptOut,
    WithheldReason,
)
from requests.notifications import deliver, sweep_request_events
from requests.services.sms import phone_hash, sms_opt_out_record
from requests.tasks import notification_send
from tests.conftest import all_at_once

SECRET = "test-sms-secret"
ACCOUNT = "HALL-XH"
PHONE = "13812345678"
BACKEND = "hallservice.core.sms_gateway.HttpSmsGatewayBackend"


def point_at(settings, simulator) -> None:
    settings.NOTIFICATION_BACKENDS = {**settings.NOTIFICATION_BACKENDS, "sms": BACKEND}
    settings.SMS_GATEWAY_URL = simulator.url
    settings.SMS_GATEWAY_ACCOUNT = ACCOUNT
    settings.SMS_GATEWAY_SECRET = SECRET
    settings.SMS_GATEWAY_SIGN_NAME = "测试政务服务中心"
    settings.SMS_GATEWAY_TIMEOUT = 0.5
    settings.SMS_DAILY_LIMIT_PER_NUMBER = 10


@pytest.fixture
def gateway(settings):
    """The simulated gateway (no callback address), and the hall's settings pointing at it."""
    simulator = SmsGatewaySimulator(key=SECRET, account=ACCOUNT).start()
    point_at(settings, simulator)
    yield simulator
    simulator.stop()


@pytest.fixture
def reporting_gateway(settings, live_server):
    """The simulated gateway posting its delivery reports to the hall's callback on the live test server."""
    simulator = SmsGatewaySimulator(
        key=SECRET, account=ACCOUNT, callback_url=live_server.url + reverse("sms-callback")
    ).start()
    point_at(settings, simulator)
    yield simulator
    simulator.stop()


@pytest.fixture
def accepted_sms(register, people):
    """The applicant's "accepted" SMS, queued (its task has not run: deliver() is called by the test)."""

    def _make():
        req = register()
        svc.request_accept(actor=people["desk"], request_id=req.pk)
        (pk,) = sweep_request_events()
        return Notification.objects.get(pk=pk)

    return _make


def sms(template: str, n: int, phone: str = PHONE) -> Notification:
    """A queued SMS of kind ``template`` (the body is what the template would give; the kind is what counts)."""
    return Notification.objects.create(
        key=f"test:{template}:{n}",
        channel=NotificationChannel.SMS,
        recipient=phone,
        recipient_masked="138****5678",
        template=template,
        body="您的申请已受理。",
    )


def signed_post(client: Client, payload: dict, *, key: str = SECRET, account: str = ACCOUNT, timestamp=None):
    body = json.dumps(payload, ensure_ascii=False).encode()
    ts = str(int(time.time() if timestamp is None else timestamp))
    headers = {
        "HTTP_X_APP_ID": account,
        "HTTP_X_TIMESTAMP": ts,
        "HTTP_X_MESSAGE_ID": "cb-1",
        "HTTP_X_SIGNATURE": signed_http.signature(key=key, app_id=account, timestamp=ts, message_id="cb-1", body=body),
    }
    return client.post(reverse("sms-callback"), data=body, content_type="application/json", **headers)


# --- Sending ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_sms_goes_to_the_gateway_signed_with_its_template_id(gateway, accepted_sms, settings, caplog):
    notification = accepted_sms()
    with caplog.at_level(logging.DEBUG):
        assert deliver(notification_id=notification.pk) == NotificationStatus.SENT
    notification.refresh_from_db()
    filed = gateway.state.messages[notification.key]
    assert notification.provider_message_id == filed["message_id"] and notification.attempts == 1
    assert filed["to"] == PHONE and filed["template_id"] == settings.SMS_TEMPLATE_IDS["request_accepted"]
    assert filed["kind"] == "request_accepted" and filed["sign_name"] == "测试政务服务中心"
    assert filed["reference"] == notification.key and "受理" in filed["text"]
    assert gateway.stats()["bad_signatures"] == 0
    assert PHONE not in caplog.text and "受理" not in caplog.text  # no number, no text in the log


@pytest.mark.django_db
def test_a_refusal_fails_the_sms_with_the_gateways_reason_and_is_not_retried(gateway, accepted_sms):
    notification = accepted_sms()
    gateway.script("reject:号码格式错误")
    assert notification_send.delay(notification.pk).get() == NotificationStatus.FAILED
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED and notification.attempts == 1
    assert "400" in notification.last_error and "号码格式错误" in notification.last_error
    assert deliver(notification_id=notification.pk) == NotificationStatus.FAILED
    assert gateway.stats()["received"] == 1 and gateway.stats()["accepted"] == 0


@pytest.mark.django_db
def test_a_5xx_and_a_timeout_are_retried_then_sent_once(gateway, accepted_sms):
    notification = accepted_sms()
    gateway.script("error:503", "timeout:2")
    assert TemporaryFailure in notification_send.autoretry_for  # the task retries with backoff
    with pytest.raises(TemporaryFailure, match="503"):
        deliver(notification_id=notification.pk)
    assert Notification.objects.get(pk=notification.pk).status == NotificationStatus.PENDING
    with pytest.raises(TemporaryFailure, match="timeout"):
        deliver(notification_id=notification.pk)
    assert deliver(notification_id=notification.pk) == NotificationStatus.SENT
    notification.refresh_from_db()
    assert notification.attempts == 3 and notification.provider_message_id
    assert gateway.stats()["received"] == 3 and gateway.stats()["accepted"] == 1
    # Retries are the same message: counted once against the number's daily limit.
    assert SmsDailyCount.objects.get(phone_hash=phone_hash(PHONE)).count == 1


@pytest.mark.django_db
def test_the_last_failed_attempt_fails_the_sms(gateway, accepted_sms, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    notification = accepted_sms()
    gateway.script("error:502", "error:500")
    with pytest.raises(TemporaryFailure):
        deliver(notification_id=notification.pk)
    assert deliver(notification_id=notification.pk) == NotificationStatus.FAILED
    assert "500" in Notification.objects.get(pk=notification.pk).last_error


@pytest.mark.django_db
def test_a_wrong_secret_is_refused_by_the_gateway(gateway, accepted_sms, settings):
    settings.SMS_GATEWAY_SECRET = "not-the-gateways-secret"
    notification = accepted_sms()
    assert deliver(notification_id=notification.pk) == NotificationStatus.FAILED
    assert "bad signature" in Notification.objects.get(pk=notification.pk).last_error
    assert gateway.stats()["bad_signatures"] == 1


@pytest.mark.django_db
def test_a_kind_without_a_template_id_is_not_sent(gateway, accepted_sms, settings):
    settings.SMS_TEMPLATE_IDS = {}
    notification = accepted_sms()
    assert deliver(notification_id=notification.pk) == NotificationStatus.FAILED
    assert "SMS_TEMPLATE_IDS" in Notification.objects.get(pk=notification.pk).last_error
    assert gateway.stats()["received"] == 0


# --- Daily limit -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_over_the_daily_limit_an_sms_is_withheld_and_recorded(gateway, settings):
    settings.SMS_DAILY_LIMIT_PER_NUMBER = 2
    outcomes = [deliver(notification_id=sms("request_completed", n).pk) for n in range(3)]
    assert outcomes == [NotificationStatus.SENT, NotificationStatus.SENT, NotificationStatus.FAILED]
    withheld = Notification.objects.get(key="test:request_completed:2")
    assert withheld.withheld == WithheldReason.DAILY_LIMIT and withheld.last_error
    assert gateway.stats()["received"] == 2
    # Another number has its own count.
    assert deliver(notification_id=sms("request_completed", 9, phone="13900001111").pk) == NotificationStatus.SENT
    assert deliver(notification_id=withheld.pk) == NotificationStatus.FAILED  # a withheld message stays withheld
    assert gateway.stats()["received"] == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_daily_limit_holds_when_workers_send_at_once(settings, require_postgres):
    settings.SMS_DAILY_LIMIT_PER_NUMBER = 3
    settings.NOTIFICATION_BACKENDS = {
        **settings.NOTIFICATION_BACKENDS,
        "sms": "hallservice.core.notifications.ConsoleSmsBackend",
    }
    ids = [sms("request_completed", n).pk for n in range(6)]
    outcomes = all_at_once([lambda pk=pk: deliver(notification_id=pk) for pk in ids])
    assert sorted(outcomes) == sorted([NotificationStatus.SENT] * 3 + [NotificationStatus.FAILED] * 3)
    assert Notification.objects.filter(withheld=WithheldReason.DAILY_LIMIT).count() == 3
    assert SmsDailyCount.objects.get().count == 3


# --- Opt-out ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_opted_out_number_gets_only_essential_sms(gateway, people):
    sms_opt_out_record(actor=people["supervisor"], phone=f"+86 {PHONE}", opted_out=True, channel=OptOutChannel.CLERK)
    courtesy = sms("request_accepted", 1)
    essential = sms("request_deficient", 2)
    assert deliver(notification_id=courtesy.pk) == NotificationStatus.FAILED
    assert Notification.objects.get(pk=courtesy.pk).withheld == WithheldReason.OPTED_OUT
    assert deliver(notification_id=essential.pk) == NotificationStatus.SENT
    assert [m["kind"] for m in gateway.state.messages.values()] == ["request_deficient"]
    # Back in: courtesy messages go again.
    sms_opt_out_record(actor=people["supervisor"], phone=PHONE, opted_out=False, channel=OptOutChannel.CLERK)
    assert deliver(notification_id=sms("request_accepted", 3).pk) == NotificationStatus.SENT
    history = list(SmsOptOut.objects.order_by("at", "pk").values_list("opted_out", "recorded_by", "phone_masked"))
    supervisor_id = people["supervisor"].pk
    assert history == [(True, supervisor_id, "138****5678"), (False, supervisor_id, "138****5678")]


@pytest.mark.django_db
def test_only_the_supervision_section_records_an_opt_out(people):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        sms_opt_out_record(actor=people["desk"], phone=PHONE, opted_out=True, channel=OptOutChannel.CLERK)
    assert not SmsOptOut.objects.exists()


# --- Callbacks: signature ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_unsigned_and_badly_signed_callbacks_are_refused_with_403(settings):
    settings.SMS_GATEWAY_SECRET, settings.SMS_GATEWAY_ACCOUNT = SECRET, ACCOUNT
    client = Client()
    report = {"type": "report", "reports": [{"message_id": "m1", "status": "delivered", "to": PHONE}]}
    uplink = {"type": "uplink", "from": PHONE, "text": "TD"}
    unsigned = client.post(reverse("sms-callback"), data=report, content_type="application/json")
    assert unsigned.status_code == 403 and PHONE not in unsigned.content.decode()
    assert signed_post(client, report, key="another-key").status_code == 403
    assert signed_post(client, uplink, account="SOMEONE-ELSE").status_code == 403
    assert signed_post(client, uplink, timestamp=time.time() - 3600).status_code == 403
    assert client.get(reverse("sms-callback")).status_code == 405
    assert not SmsDeliveryReport.objects.exists() and not SmsOptOut.objects.exists()
    settings.SMS_GATEWAY_SECRET = ""  # callbacks not configured: nothing is trusted
    assert signed_post(client, uplink, key="").status_code == 403


@pytest.mark.django_db
def test_a_signed_callback_that_is_not_one_is_a_400_and_files_nothing(settings):
    settings.SMS_GATEWAY_SECRET, settings.SMS_GATEWAY_ACCOUNT = SECRET, ACCOUNT
    client = Client()
    assert signed_post(client, {"type": "weather"}).status_code == 400
    bad = {"type": "report", "reports": [{"message_id": "m1", "status": "delivered"}, {"message_id": "m2"}]}
    answer = signed_post(client, bad)
    assert answer.status_code == 400 and "delivered or undelivered" in answer.json()["message"]
    assert not SmsDeliveryReport.objects.exists()


# --- Callbacks over loopback: the simulator posts to the live server ---------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_delivery_reports_reach_the_hall_and_a_repeated_one_is_filed_once(reporting_gateway, accepted_sms):
    reporting_gateway.script("twice")
    notification = accepted_sms()  # committed at once here: its task sends it (tasks run eagerly)
    assert deliver(notification_id=notification.pk) == NotificationStatus.SENT
    callbacks = reporting_gateway.wait_for_callbacks(2)
    assert [c["status"] for c in callbacks] == [200, 200]
    report = SmsDeliveryReport.objects.get()
    notification.refresh_from_db()
    assert report.notification == notification and report.message_id == notification.provider_message_id
    assert report.status == DeliveryState.DELIVERED and report.provider_code == "DELIVRD"
    assert report.phone_masked == "138****5678" and report.phone_hash == phone_hash(PHONE)
    assert report.reported_at is not None


@pytest.mark.django_db(transaction=True)
def test_an_undelivered_report_keeps_the_providers_code(reporting_gateway, accepted_sms):
    reporting_gateway.script("undelivered:MK:0012")
    notification = accepted_sms()
    assert deliver(notification_id=notification.pk) == NotificationStatus.SENT
    assert [c["status"] for c in reporting_gateway.wait_for_callbacks(1)] == [200]
    report = SmsDeliveryReport.objects.get()
    assert report.status == DeliveryState.UNDELIVERED and report.provider_code == "MK:0012"


@pytest.mark.django_db(transaction=True)
def test_a_reply_td_opts_the_number_out_of_courtesy_sms(reporting_gateway):
    answer = reporting_gateway.uplink(phone=f"86{PHONE}", text=" td ")
    assert answer["status"] == 200
    opt_out = SmsOptOut.objects.get()
    assert opt_out.channel == OptOutChannel.SMS_REPLY and opt_out.opted_out and opt_out.recorded_by is None
    assert opt_out.phone_hash == phone_hash(PHONE)
    assert reporting_gateway.uplink(phone=PHONE, text="TD")["status"] == 200  # again: nothing more recorded
    assert reporting_gateway.uplink(phone=PHONE, text="谢谢")["status"] == 200  # not a keyword
    assert SmsOptOut.objects.count() == 1
    assert deliver(notification_id=sms("request_accepted", 1).pk) == NotificationStatus.FAILED
    assert reporting_gateway.stats()["accepted"] == 0


@pytest.mark.django_db(transaction=True)
def test_a_badly_signed_callback_over_loopback_is_a_403(settings, live_server):
    simulator = SmsGatewaySimulator(
        key="the-wrong-secret", account=ACCOUNT, callback_url=live_server.url + reverse("sms-callback")
    ).start()
    try:
        point_at(settings, simulator)
        assert simulator.uplink(phone=PHONE, text="TD")["status"] == 403
    finally:
        simulator.stop()
    assert not SmsOptOut.objects.exists()


# --- The supervision page and the system check -------------------------------------------------------------------


@pytest.mark.django_db
def test_supervisors_see_each_sms_masked_with_its_delivery_report(gateway, accepted_sms, client, people, settings):
    settings.SMS_GATEWAY_SECRET, settings.SMS_GATEWAY_ACCOUNT = SECRET, ACCOUNT
    notification = accepted_sms()
    deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    report = {"message_id": notification.provider_message_id, "status": "undelivered", "code": "MK:0005"}
    assert signed_post(Client(), {"type": "report", "reports": [report]}).status_code == 200
    client.force_login(people["supervisor"])
    page = client.get("/supervision/sms/")
    html = page.content.decode()
    assert page.status_code == 200 and notification.request.number in html
    assert "138****5678" in html and PHONE not in html and "MK:0005" in html
    assert page.context["counts"]["undelivered"] == 1 and page.context["counts"]["sent"] == 1


@pytest.mark.django_db
def test_other_districts_and_other_roles_do_not_see_the_sms(gateway, accepted_sms, client, people):
    from staff.roles import Role
    from tests.conftest import make_staff_user
    from tests.factories import DistrictFactory

    notification = accepted_sms()
    elsewhere = make_staff_user(role=Role.SUPERVISOR, centre=DistrictFactory(code="OT"), username="ot-sup")
    client.force_login(elsewhere)
    page = client.get("/supervision/sms/")
    assert page.status_code == 200 and page.context["counts"]["total"] == 0
    assert notification.request.number not in page.content.decode()
    client.force_login(people["desk"])
    assert client.get("/supervision/sms/").status_code == 403
    assert client.post("/supervision/sms/opt-out/", {"phone": PHONE, "opted_out": "out"}).status_code == 403
    assert not SmsOptOut.objects.exists()


@pytest.mark.django_db
def test_the_supervision_section_records_an_opt_out_heard_at_the_counter(client, people):
    client.force_login(people["supervisor"])
    bad = client.post("/supervision/sms/opt-out/", {"phone": "12345", "opted_out": "out"})
    assert bad.status_code == 400 and "请输入11位手机号码" in bad.content.decode()
    assert not SmsOptOut.objects.exists()
    done = client.post("/supervision/sms/opt-out/", {"phone": PHONE, "opted_out": "out", "note": "窗口口头提出"})
    assert done.status_code == 302
    opt_out = SmsOptOut.objects.get()
    assert opt_out.channel == OptOutChannel.CLERK and opt_out.recorded_by == people["supervisor"]
    again = client.post("/supervision/sms/opt-out/", {"phone": PHONE, "opted_out": "out"})
    assert again.status_code == 400 and "该号码已退订" in again.content.decode()
    page = client.get("/supervision/sms/").content.decode()
    assert "138****5678" in page and "窗口口头提出" in page and PHONE not in page


def test_the_gateway_needs_its_account_secret_and_https(settings):
    from hallservice.core.sms_gateway import check_sms_gateway

    settings.NOTIFICATION_BACKENDS = {**settings.NOTIFICATION_BACKENDS, "sms": BACKEND}
    settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_ACCOUNT, settings.SMS_GATEWAY_SECRET = "", ACCOUNT, SECRET
    assert [e.id for e in check_sms_gateway()] == ["hallservice.E012"]
    settings.SMS_GATEWAY_URL = "http://sms.example.cn/send"
    assert [e.id for e in check_sms_gateway()] == ["hallservice.E013"]
    settings.SMS_GATEWAY_URL = "https://sms.example.cn/send"
    assert check_sms_gateway() == []
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:8766/sms/send"  # the simulator
    assert check_sms_gateway() == []


@pytest.mark.django_db
def test_a_form_posted_to_the_callback_is_a_403_not_a_500(settings):
    settings.SMS_GATEWAY_SECRET, settings.SMS_GATEWAY_ACCOUNT = SECRET, ACCOUNT
    answer = Client().post(reverse("sms-callback"), {"type": "uplink", "from": PHONE, "text": "TD"})
    assert answer.status_code == 403 and not SmsOptOut.objects.exists()
