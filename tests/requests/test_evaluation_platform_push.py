"""The national 好差评 push (issue 19): every evaluation event becomes one signed message in an outbox, sent by a
Celery task to the platform — here the simulator, a real HTTP server on a free loopback port."""

import json
import logging
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.utils import timezone

from hallservice.core import signed_http
from hallservice.core.actors import CITIZEN
from requests import services as svc
from requests.evaluation_platform_simulator import PlatformSimulator
from requests.models import EvaluationPush, NotificationStatus, PushEvent
from requests.services.evaluation_push import backoff_seconds, evaluation_push_deliver, evaluation_push_sweep
from requests.tasks import evaluation_push_send
from tests.conftest import all_at_once
from tests.factories import VALID_ID_NUMBERS

pytestmark = pytest.mark.django_db

KEY = "test-signing-key"
APP_ID = "HALL-XH"
ID_NUMBER, PHONE = VALID_ID_NUMBERS[0], "13812345678"


@pytest.fixture
def platform(settings):
    """The simulated platform, and the hall's settings pointing at it (short timeout, small backoff)."""
    simulator = PlatformSimulator(key=KEY, app_id=APP_ID).start()
    settings.EVALUATION_PLATFORM_URL = simulator.url
    settings.EVALUATION_PLATFORM_KEY = KEY
    settings.EVALUATION_PLATFORM_APP_ID = APP_ID
    settings.EVALUATION_PLATFORM_TIMEOUT = 0.5
    settings.EVALUATION_PLATFORM_MAX_ATTEMPTS = 5
    settings.EVALUATION_PLATFORM_BACKOFF_SECONDS = 30
    settings.EVALUATION_PLATFORM_FIELDS = {}
    yield simulator
    simulator.stop()


@pytest.fixture
def rate(delivered_query, django_capture_on_commit_callbacks):
    """The applicant rates 张三's query online; the message goes out after the commit (tasks run eagerly)."""

    def _rate(rating=5, **indicators):
        with django_capture_on_commit_callbacks(execute=True):
            svc.request_evaluate(actor=CITIZEN, request_id=delivered_query.pk, rating=rating, **indicators)
        return EvaluationPush.objects.get(event=PushEvent.RATED)

    return _rate


def filed(platform, push) -> dict:
    """The message as the platform filed it."""
    return platform.state.messages[str(push.message_id)]


def test_a_rating_is_sent_signed_and_filed_once(platform, rate, delivered_query):
    push = rate(5, efficiency=4, service_level=5, attitude=5, comment="很好")
    push.refresh_from_db()
    assert push.status == NotificationStatus.SENT and push.attempts == 1 and push.response_status == 200
    assert push.sent_at is not None and push.last_error == ""
    stats = platform.stats()
    assert stats["accepted"] == 1 and stats["bad_signatures"] == 0
    message = filed(platform, push)
    assert message["messageId"] == str(push.message_id) and message["messageType"] == "1"
    assert message["projectNo"] == delivered_query.number
    assert message["taskCode"] == delivered_query.matter.code
    assert message["orgCode"] == delivered_query.centre.code
    assert message["pf"] == "1"  # rated online by the applicant
    assert (message["satisfaction"], message["efficiency"], message["serviceLevel"], message["attitude"]) == (
        "5",
        "4",
        "5",
        "5",
    )
    assert message["evalContent"] == "很好" and message["valid"] == "1" and message["isBad"] == "0"


def test_personal_data_is_not_sent_nor_kept_in_the_outbox(platform, rate):
    push = rate(5, comment=f"我的电话 {PHONE}，身份证 {ID_NUMBER}")
    sent = json.dumps(filed(platform, push), ensure_ascii=False)
    kept = json.dumps(push.payload, ensure_ascii=False)
    for secret in (ID_NUMBER, PHONE, "张三", "建设路"):
        assert secret not in sent and secret not in kept
    assert "我的电话" in sent  # the comment goes, scrubbed


def test_a_province_that_requires_the_id_number_gets_it_at_sending_time_only(platform, rate, settings):
    settings.EVALUATION_PLATFORM_FIELDS = json.dumps({"证件号码": "certNo", "办件编号": "bjbh", "服务人员姓名": None})
    push = rate(5)
    message = filed(platform, push)
    assert message["certNo"] == ID_NUMBER
    assert "bjbh" in message and "projectNo" not in message and "staffName" not in message
    assert "mobile" not in message and PHONE not in json.dumps(message)
    assert ID_NUMBER not in json.dumps(push.payload)


def test_nothing_of_a_message_reaches_the_log(platform, rate, settings, caplog):
    settings.EVALUATION_PLATFORM_FIELDS = {"证件号码": "certNo", "联系电话": "mobile"}
    platform.script("error:503")
    with caplog.at_level(logging.DEBUG):
        push = rate(2, comment="等了很久")
    assert push.message_id.hex[:8] in caplog.text.replace("-", "")
    for secret in (ID_NUMBER, PHONE, "等了很久", "张三"):
        assert secret not in caplog.text


def test_a_bad_signature_is_refused_by_the_platform(platform, rate, settings):
    settings.EVALUATION_PLATFORM_KEY = "not-the-platform-key"
    push = rate(5)
    push.refresh_from_db()
    assert push.status == NotificationStatus.FAILED and push.response_status == 401
    assert "bad signature" in push.last_error
    assert platform.stats()["bad_signatures"] == 1 and platform.stats()["accepted"] == 0


def test_the_signature_covers_the_body_and_the_message_id():
    body = b'{"a": 1}'
    headers = {
        "X-App-Id": APP_ID,
        "X-Timestamp": "1700000000",
        "X-Message-Id": "m1",
        "X-Signature": signed_http.signature(
            key=KEY, app_id=APP_ID, timestamp="1700000000", message_id="m1", body=body
        ),
    }
    assert signed_http.verify(key=KEY, headers=headers, body=body, now=1700000010) == ""
    assert signed_http.verify(key=KEY, headers=headers, body=b'{"a": 2}', now=1700000010) == "bad signature"
    assert signed_http.verify(key=KEY, headers={**headers, "X-Message-Id": "m2"}, body=body, now=1700000010)
    assert "window" in signed_http.verify(key=KEY, headers=headers, body=body, now=1700009999)


def test_a_refusal_is_failed_with_its_reason_and_not_retried(platform, rate):
    platform.script("reject:事项编码不存在")
    push = rate(5)
    push.refresh_from_db()
    assert push.status == NotificationStatus.FAILED and push.attempts == 1 and push.response_status == 422
    assert "事项编码不存在" in push.last_error
    assert platform.stats()["received"] == 1
    assert evaluation_push_send.delay(push.pk).get() == NotificationStatus.FAILED
    assert platform.stats()["received"] == 1  # a failed message waits for a person


def test_5xx_and_timeout_are_retried_with_backoff_then_sent(platform, rate):
    platform.script("error:503", "timeout:5")
    push = rate(5)
    push.refresh_from_db()
    assert push.status == NotificationStatus.SENT and push.attempts == 3
    assert platform.stats()["received"] == 3 and platform.stats()["accepted"] == 1


def test_each_failure_for_now_waits_twice_as_long(platform, rate, settings):
    settings.EVALUATION_PLATFORM_URL = ""  # written, not sent yet
    push = rate(5)
    settings.EVALUATION_PLATFORM_URL = platform.url
    platform.script("error:500", "timeout:5")
    waits = []
    for _attempt in range(2):
        before = timezone.now()
        delivery = evaluation_push_deliver(push_id=push.pk)
        push.refresh_from_db()
        assert push.status == NotificationStatus.PENDING and delivery.retry_in is not None
        waits.append(delivery.retry_in)
        assert abs((push.next_attempt_at - before).total_seconds() - delivery.retry_in) < 2
    assert waits == [30, 60]
    assert "HTTP 500" in push.last_error or "timeout" in push.last_error
    assert [backoff_seconds(n) for n in (1, 2, 3, 8, 20)] == [30, 60, 120, 3600, 3600]


def test_after_the_last_attempt_the_message_is_failed(platform, rate, settings):
    settings.EVALUATION_PLATFORM_MAX_ATTEMPTS = 2
    platform.script("error:502", "error:503")
    push = rate(5)
    push.refresh_from_db()
    assert push.status == NotificationStatus.FAILED and push.attempts == 2 and push.response_status == 503


def test_a_resend_after_a_lost_answer_counts_once(platform, rate):
    platform.script("lost")
    push = rate(5)
    push.refresh_from_db()
    stats = platform.stats()
    assert push.status == NotificationStatus.SENT and push.attempts == 2
    assert stats["accepted"] == 1 and stats["deliveries"] == {str(push.message_id): 2}


def test_a_sent_message_is_never_sent_again(platform, rate, settings):
    push = rate(5)
    settings.EVALUATION_PLATFORM_BACKOFF_SECONDS = 0
    assert evaluation_push_send.delay(push.pk).get() == NotificationStatus.SENT
    assert evaluation_push_sweep() == []
    assert platform.stats()["received"] == 1


def test_a_message_whose_worker_died_is_sent_again_once_its_lease_passes(platform, rate, settings):
    settings.EVALUATION_PLATFORM_URL = ""
    push = rate(5)
    settings.EVALUATION_PLATFORM_URL = platform.url
    # A worker claimed it and died before recording the answer.
    EvaluationPush.objects.filter(pk=push.pk).update(
        status=NotificationStatus.SENDING, attempts=1, lease_until=timezone.now() + timedelta(minutes=1)
    )
    assert evaluation_push_send.delay(push.pk).get() == NotificationStatus.SENDING  # the claim still holds
    assert evaluation_push_sweep() == []
    EvaluationPush.objects.filter(pk=push.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert evaluation_push_sweep() == [push.pk]
    push.refresh_from_db()
    assert push.status == NotificationStatus.SENT and push.attempts == 2
    assert platform.stats()["accepted"] == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_taking_one_message_at_once_send_it_once(platform, rate, settings, require_postgres):
    settings.EVALUATION_PLATFORM_URL = ""
    push = rate(5)
    settings.EVALUATION_PLATFORM_URL = platform.url
    platform.script("timeout:1")  # the first to claim it holds it while the platform answers slowly
    settings.EVALUATION_PLATFORM_TIMEOUT = 3
    outcomes = all_at_once([lambda: evaluation_push_deliver(push_id=push.pk)] * 4)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert platform.stats()["received"] == 1  # the others skipped the locked row or found it claimed
    push.refresh_from_db()
    assert push.attempts == 1


def test_the_sweep_sends_messages_written_while_sending_was_off(platform, rate, settings):
    settings.EVALUATION_PLATFORM_URL = ""
    push = rate(5)
    assert push.status == NotificationStatus.PENDING and evaluation_push_sweep() == []
    settings.EVALUATION_PLATFORM_URL = platform.url
    EvaluationPush.objects.filter(pk=push.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=5))
    assert evaluation_push_sweep() == [push.pk]
    push.refresh_from_db()
    assert push.status == NotificationStatus.SENT


def test_rectification_rating_again_and_appeal_are_updates_in_order(
    platform, rate, delivered_query, people, django_capture_on_commit_callbacks, settings
):
    supervisor, desk = people["supervisor"], people["desk"]
    first = rate(2, comment="排队太久")
    with django_capture_on_commit_callbacks(execute=True):
        svc.evaluation_follow_up(actor=supervisor, request_id=delivered_query.pk, note="已回访致歉")
        svc.evaluation_rectify(actor=supervisor, request_id=delivered_query.pk, note="增设取号窗口")
        svc.evaluation_rate_again(request_id=delivered_query.pk, rating=4, comment="改进了")
        svc.evaluation_appeal(actor=desk, request_id=delivered_query.pk, reasons="与本事项无关")
        svc.evaluation_appeal_decide(actor=supervisor, request_id=delivered_query.pk, invalid=True, reasons="误评")
    pushes = list(EvaluationPush.objects.order_by("pk"))
    assert [p.event for p in pushes] == ["rated", "rectified", "rated_again", "invalidated"]
    assert all(p.status == NotificationStatus.SENT for p in pushes)
    messages = [filed(platform, p) for p in pushes]
    assert len({m["messageId"] for m in messages}) == 4 and len({m["evalNo"] for m in messages}) == 1
    assert [m["messageType"] for m in messages] == ["1", "2", "2", "2"]
    assert messages[0]["isBad"] == "1" and messages[1]["rectifyResult"] == "增设取号窗口"
    assert messages[2]["rectifySatisfaction"] == "4" and messages[3]["valid"] == "0"
    assert list(platform.state.messages) == [m["messageId"] for m in messages]  # filed in order
    assert first.pk == pushes[0].pk


def test_an_update_waits_for_the_earlier_message_of_its_evaluation(
    platform, rate, delivered_query, people, settings, django_capture_on_commit_callbacks
):
    settings.EVALUATION_PLATFORM_URL = ""
    first = rate(1)
    with django_capture_on_commit_callbacks(execute=True):
        svc.evaluation_follow_up(actor=people["supervisor"], request_id=delivered_query.pk, note="回访")
        svc.evaluation_rectify(actor=people["supervisor"], request_id=delivered_query.pk, note="整改")
    update = EvaluationPush.objects.get(event=PushEvent.RECTIFIED)
    settings.EVALUATION_PLATFORM_URL = platform.url
    assert evaluation_push_deliver(push_id=update.pk).status == NotificationStatus.PENDING
    assert platform.stats()["received"] == 0
    assert evaluation_push_deliver(push_id=first.pk).status == NotificationStatus.SENT  # and then the update
    assert list(platform.state.messages) == [str(first.message_id), str(update.message_id)]


def test_the_simulator_takes_its_commands_over_http(platform):
    def call(path, data=None):
        body = None if data is None else json.dumps(data).encode()
        with urllib.request.urlopen(urllib.request.Request(platform.url.replace("/evaluations", path), body)) as r:
            return json.loads(r.read())

    assert call("/_control/script", {"responses": ["reject:x", "error:500"]})["script"] == ["reject:x", "error:500"]
    assert call("/_control/stats")["script"] == ["reject:x", "error:500"]
    assert call("/_control/reset", {})["script"] == []


def test_the_simulator_listens_on_loopback_only():
    with pytest.raises(ValueError):
        PlatformSimulator(key=KEY, host="0.0.0.0")  # noqa: S104 — the point of the test


# --- The supervision page and the admin ----------------------------------------------------------------------


def test_supervisors_see_what_was_sent_waits_and_failed_and_send_a_failed_one_again(
    platform, rate, client, people, django_capture_on_commit_callbacks
):
    platform.script("reject:事项编码不存在")
    push = rate(5)
    client.force_login(people["supervisor"])
    page = client.get("/supervision/evaluation-push/")
    assert page.status_code == 200
    assert page.context["counts"] == {"sent": 0, "pending": 0, "failed": 1}
    text = page.content.decode()
    assert "事项编码不存在" in text and push.evaluation.request.number in text
    assert f"/supervision/evaluation-push/{push.pk}/retry/" in text
    assert client.get("/supervision/evaluation-push/", {"status": "sent"}).context["page"].paginator.count == 0
    assert client.get("/supervision/evaluation-push/", {"status": "nonsense"}).status_code == 400

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/supervision/evaluation-push/{push.pk}/retry/")
    assert response.status_code == 302
    push.refresh_from_db()
    assert push.status == NotificationStatus.SENT and push.attempts == 1 and push.last_error == ""
    assert platform.stats()["accepted"] == 1
    again = client.post(f"/supervision/evaluation-push/{push.pk}/retry/", follow=True)
    assert "Only a failed message" in again.content.decode() or "只有" in again.content.decode()
    assert client.get("/supervision/evaluation-push/").context["counts"]["sent"] == 1


def test_other_districts_and_other_roles_do_not_see_the_messages(platform, rate, client, people):
    from staff.roles import Role
    from tests.conftest import make_staff_user
    from tests.factories import DistrictFactory

    platform.script("reject:x")
    push = rate(5)
    elsewhere = make_staff_user(role=Role.SUPERVISOR, centre=DistrictFactory(code="OT"), username="ot-sup")
    client.force_login(elsewhere)
    page = client.get("/supervision/evaluation-push/")
    assert page.status_code == 200 and page.context["counts"]["failed"] == 0
    assert push.evaluation.request.number not in page.content.decode()
    assert client.post(f"/supervision/evaluation-push/{push.pk}/retry/").status_code == 404
    client.force_login(people["desk"])
    assert client.get("/supervision/evaluation-push/").status_code == 403
    assert client.post(f"/supervision/evaluation-push/{push.pk}/retry/").status_code == 403
    push.refresh_from_db()
    assert push.status == NotificationStatus.FAILED


def test_the_page_says_when_sending_is_switched_off(rate, client, people, settings):
    settings.EVALUATION_PLATFORM_URL = ""
    rate(5)
    client.force_login(people["supervisor"])
    page = client.get("/supervision/evaluation-push/")
    assert page.context["counts"]["pending"] == 1 and not page.context["enabled"]
    assert "EVALUATION_PLATFORM_URL" in page.content.decode()


def test_the_admin_lists_the_outbox_read_only(rate, client, admin_user_role, settings):
    settings.EVALUATION_PLATFORM_URL = ""
    push = rate(5)
    client.force_login(admin_user_role)
    listing = client.get("/admin/requests/evaluationpush/")
    assert listing.status_code == 200 and str(push.message_id) in listing.content.decode()
    assert client.get("/admin/requests/evaluationpush/add/").status_code == 403
    detail = client.get(f"/admin/requests/evaluationpush/{push.pk}/change/")
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()


def test_the_sweep_waits_out_the_backoff(platform, rate, settings):
    import time_machine

    platform.script("error:503")
    settings.EVALUATION_PLATFORM_URL = ""
    push = rate(5)
    settings.EVALUATION_PLATFORM_URL = platform.url
    start = timezone.now()
    assert evaluation_push_deliver(push_id=push.pk).retry_in == 30
    with time_machine.travel(start + timedelta(seconds=60), tick=False):
        assert evaluation_push_sweep() == []  # due at +30 s; the task's own retry has until +2.5 min
    with time_machine.travel(start + timedelta(minutes=3), tick=False):
        assert evaluation_push_sweep() == [push.pk]
    push.refresh_from_db()
    assert push.status == NotificationStatus.SENT and push.attempts == 2


def test_the_simulator_command_serves_on_loopback(settings):
    import os
    import socket
    import subprocess
    import sys
    from pathlib import Path

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    root = Path(__file__).resolve().parents[2]
    command = [sys.executable, "manage.py", "evaluation_platform_simulator", "--port", str(port), "--key", KEY]
    server = subprocess.Popen(
        command,
        cwd=root,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert f"127.0.0.1:{port}" in server.stdout.readline().decode()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_control/stats", timeout=5) as answer:
            assert json.loads(answer.read())["accepted"] == 0
        unsigned = urllib.request.Request(f"http://127.0.0.1:{port}/evaluations", b"{}", method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(unsigned, timeout=5)
        assert refused.value.code == 401
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_settings_naming_unknown_items_stop_the_start_and_fail_a_message_with_the_reason(platform, rate, settings):
    from requests.evaluation_platform import check_evaluation_platform

    settings.EVALUATION_PLATFORM_FIELDS = '{"办件号": "bjh"}'
    assert [error.id for error in check_evaluation_platform()] == ["requests.E030"]
    push = rate(5)
    push.refresh_from_db()
    assert push.status == NotificationStatus.FAILED and "办件号" in push.last_error
    assert platform.stats()["received"] == 0
    settings.EVALUATION_PLATFORM_FIELDS, settings.EVALUATION_PLATFORM_KEY = "{}", ""
    assert [error.id for error in check_evaluation_platform()] == ["requests.E031"]


def test_a_rating_on_the_citizens_page_reaches_the_platform(platform, client, delivered_query):
    from requests.services.public import request_status_url

    with_all_indicators = {"rating": 4, "efficiency": 4, "service_level": 4, "attitude": 4, "comment": "不错"}
    response = client.post(request_status_url(delivered_query) + "evaluate/", with_all_indicators)
    assert response.status_code in (200, 302)
    push = EvaluationPush.objects.get()
    assert push.status == NotificationStatus.PENDING  # the page's transaction is the test's: not committed yet
    evaluation_push_send.delay(push.pk).get()
    assert filed(platform, push)["satisfaction"] == "4" and filed(platform, push)["pf"] == "1"


def test_a_rating_taken_at_the_counter_is_sent_as_such(platform, delivered_query, people, settings):
    settings.EVALUATION_PLATFORM_CODES = {"评价渠道": {"counter": "9"}}
    svc.request_evaluate(actor=people["desk"], request_id=delivered_query.pk, rating=3)
    push = EvaluationPush.objects.get()
    assert push.payload["评价渠道"] == "9" and push.payload["服务人员姓名"] == delivered_query.helper.name
    assert evaluation_push_send.delay(push.pk).get() == NotificationStatus.SENT


def test_a_bad_code_setting_keeps_the_rating_and_sends_the_platforms_own_codes(platform, rate, settings):
    """Found in review: the codes are read inside the rating's transaction; bad JSON there rolled the rating back."""
    settings.EVALUATION_PLATFORM_CODES = "{not json"
    push = rate(5)
    push.refresh_from_db()
    assert push.status == NotificationStatus.SENT and push.evaluation.rating == 5


def test_an_address_that_cannot_be_sent_to_fails_the_message_once(platform, rate, settings):
    """Found in review: an error no retry can mend left the message "sending", claimed again after every lease."""
    settings.EVALUATION_PLATFORM_URL = "platform.example/evaluations"  # no scheme
    push = rate(5)
    push.refresh_from_db()
    assert push.status == NotificationStatus.FAILED and push.attempts == 1 and push.last_error == "ValueError"
