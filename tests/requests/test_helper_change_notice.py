"""Issue 18 item 7 b: a change of dedicated helper is told to the applicant by SMS with the new helper's name and
work phone (seed 004 一对一服务: "因特殊情况需要对服务人员进行调整的，应与服务对象充分沟通和解释后，进行调整。"), through
the notification outbox, once, and without an unmasked phone in the log."""

import pytest

from requests import services as svc
from requests.models import Notification, NotificationStatus
from requests.notifications import sweep_request_events
from tests.requests.test_notifications import SENT, recording  # noqa: F401  (the recording SMS backend)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reassigned(register, people, django_capture_on_commit_callbacks):
    """张三's request moves from 王帮办 to 李帮办 (work phone 0391-3561234); the SMS is queued after the commit."""
    req = register()
    new = people["desk2"].staff_member
    new.phone = "0391-3561234"
    new.save(update_fields=["phone"])
    with django_capture_on_commit_callbacks(execute=True):
        svc.request_reassign(actor=people["leader"], request_id=req.pk, helper_id=new.pk, reason="王帮办轮岗至三楼")
    return req


def test_the_applicant_is_told_the_new_helpers_name_and_work_phone(reassigned, caplog):
    notification = Notification.objects.get(request=reassigned)
    assert notification.template == "request_helper_changed" and notification.recipient == "13812345678"
    assert notification.recipient_masked == "138****5678" and notification.status == NotificationStatus.SENT
    assert notification.request_event.verb == "reassigned"
    assert len(SENT) == 1 and SENT[0]["phone"] == "13812345678"
    text = SENT[0]["text"]
    assert "李帮办" in text and "0391-3561234" in text and "轮岗" in text and reassigned.number in text
    assert "张三" not in text and "410402" not in text
    assert "13812345678" not in caplog.text


def test_the_sweeper_does_not_send_it_twice(reassigned, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_request_events() == []
    assert Notification.objects.filter(request=reassigned).count() == 1 and len(SENT) == 1


def test_the_message_names_the_helper_of_its_own_change(register, people, django_capture_on_commit_callbacks):
    """Two changes before the sweeper runs: each message names the helper that change brought, not the last."""
    req = register()
    leader = people["leader"]
    svc.request_reassign(actor=leader, request_id=req.pk, helper_id=people["desk2"].staff_member.pk, reason="轮岗")
    svc.request_reassign(actor=leader, request_id=req.pk, helper_id=people["desk"].staff_member.pk, reason="回岗")
    with django_capture_on_commit_callbacks(execute=True):
        sweep_request_events()
    bodies = list(
        Notification.objects.filter(request=req).order_by("request_event__at").values_list("body", flat=True)
    )
    assert len(bodies) == 2 and "李帮办" in bodies[0] and "王帮办" in bodies[1]
