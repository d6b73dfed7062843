"""Every SMS a citizen may opt out of ends with how to (回复TD退订); the essential ones, which an opt-out does not stop,
do not (requests.sms_kinds). The instruction is never cut off by the length of the message's column."""

import pytest

from requests.models import Notification, NotificationChannel
from requests.notifications import queue, sms_text
from requests.sms_kinds import SMS_KINDS, is_essential

pytestmark = pytest.mark.django_db

OPT_OUT = "回复TD退订"


@pytest.mark.parametrize("kind", sorted(SMS_KINDS))
def test_only_the_kinds_that_can_be_opted_out_of_say_how(kind):
    sms = queue(
        key=f"test:{kind}", channel=NotificationChannel.SMS, recipient="13712345678", template=kind, context={}
    )

    assert sms.body.endswith(OPT_OUT) is not is_essential(kind)
    assert sms.body.count(OPT_OUT) == (0 if is_essential(kind) else 1)


def test_the_reminder_before_an_appointment_ends_with_the_instruction_after_its_own_text():
    sms = queue(
        key="test:reminder",
        channel=NotificationChannel.SMS,
        recipient="13712345678",
        template="appointment_reminder",
        context={"code": "ACD347", "department": "不动产登记中心", "half_day": "上午"},
    )
    text, ending = sms.body.removesuffix(OPT_OUT), sms.body[-len(OPT_OUT) :]
    assert ending == OPT_OUT and "ACD347" in text and text.endswith("。")


def test_an_email_of_the_same_template_says_nothing_of_sms(settings):
    mail = queue(
        key="test:mail",
        channel=NotificationChannel.EMAIL,
        recipient="someone@example.com",
        template="request_accepted",
        context={},
    )
    assert OPT_OUT not in mail.body


def test_the_instruction_names_the_first_opt_out_keyword(settings):
    settings.SMS_OPT_OUT_KEYWORDS = ["N", "TD"]
    assert sms_text("request_accepted", "您的申请已受理。").endswith("回复N退订")


def test_a_text_too_long_for_its_column_keeps_the_instruction_whole():
    limit = Notification._meta.get_field("body").max_length
    text = sms_text("request_accepted", "长" * (limit + 50))

    assert len(text) <= limit
    assert text.endswith("…" + OPT_OUT)
    assert sms_text("request_deficient", "缺少材料。") == "缺少材料。"
