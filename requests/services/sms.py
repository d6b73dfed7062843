"""Citizens' SMS beyond sending: what the gateway reports back, opt-outs (退订) and the per-number daily limit.

- ``sms_withhold_reason`` is asked by ``requests.notifications.deliver`` before an SMS goes to the gateway: a
  number that opted out gets no non-essential SMS (``requests.sms_kinds``), and no number gets more than
  ``SMS_DAILY_LIMIT_PER_NUMBER`` a day. The count is one row per number and day, raised by a single conditional
  UPDATE, so two workers sending at once cannot both pass the limit.
- ``sms_delivery_reports_record`` files the gateway's delivery reports, once each (a repeated callback changes
  nothing), matched to our message by the gateway's id or our reference.
- ``sms_reply_record`` reads a citizen's reply: an unsubscribe keyword (``SMS_OPT_OUT_KEYWORDS``) opts the number
  out; ``sms_opt_out_record`` is the one write of an opt-out, by a reply or by staff at the counter.

Phones are hashed (``blind_index``, purpose "phone", the same as the requests' applicant phone) and masked; the
number itself is never stored here nor logged.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from hallservice.core.actors import SYSTEM, user_of
from hallservice.core.crypto import blind_index, mask_phone
from hallservice.core.errors import DomainError
from staff.access import ensure_perm

from ..models import (
    DeliveryState,
    Notification,
    NotificationChannel,
    OptOutChannel,
    SmsDailyCount,
    SmsDeliveryReport,
    SmsOptOut,
    WithheldReason,
)
from ..sms_kinds import is_essential

log = logging.getLogger("requests.sms")

MAINLAND_MOBILE = re.compile(r"1\d{10}")


def phone_number(value: str) -> str:
    """The number as the hall stores it: digits only, without the +86 / 0086 country code."""
    digits = re.sub(r"\D", "", value or "")
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and MAINLAND_MOBILE.fullmatch(digits[len(prefix) :]):
            return digits[len(prefix) :]
    return digits


def phone_hash(value: str) -> str:
    """The keyed hash a phone number is found by here (and on requests)."""
    return blind_index(phone_number(value), purpose="phone")


# --- Opt-out (退订) -------------------------------------------------------------------------------------------


def sms_opted_out(phone: str) -> bool:
    """Whether the number's latest choice is to get no non-essential SMS."""
    latest = SmsOptOut.objects.filter(phone_hash=phone_hash(phone)).order_by("-at", "-pk").first()
    return bool(latest and latest.opted_out)


@transaction.atomic
def sms_opt_out_record(*, actor, phone: str, opted_out: bool, channel: str, note: str = "") -> SmsOptOut:
    """Record that a number opts out of non-essential SMS (or back in); the row is the history, with who and when."""
    ensure_perm(actor, "requests.add_smsoptout", _("You may not record SMS opt-outs."))
    number = phone_number(phone)
    if not MAINLAND_MOBILE.fullmatch(number):
        raise DomainError(_("Enter an 11-digit mobile number."))
    if channel not in OptOutChannel.values:
        raise DomainError(_("Unknown channel."))
    if sms_opted_out(number) == opted_out:
        raise DomainError(
            _("This number has already opted out.") if opted_out else _("This number has not opted out.")
        )
    return SmsOptOut.objects.create(
        phone_hash=phone_hash(number),
        phone_masked=mask_phone(number),
        opted_out=opted_out,
        channel=channel,
        recorded_by=user_of(actor),
        note=note[:200],
    )


def sms_reply_record(*, phone: str, text: str) -> SmsOptOut | None:
    """A citizen's reply through the gateway: an unsubscribe keyword opts the number out (once); else nothing."""
    keywords = {keyword.strip().upper() for keyword in settings.SMS_OPT_OUT_KEYWORDS}
    if (text or "").strip().upper() not in keywords or not MAINLAND_MOBILE.fullmatch(phone_number(phone)):
        return None
    if sms_opted_out(phone):
        return None
    return sms_opt_out_record(actor=SYSTEM, phone=phone, opted_out=True, channel=OptOutChannel.SMS_REPLY)


# --- Before sending: opt-out and the daily limit -----------------------------------------------------------------


def _count_one_more(phone: str) -> bool:
    """Count one SMS to the number today; False (nothing counted) when the day's limit is reached."""
    key, today = phone_hash(phone), timezone.localdate()
    limit = settings.SMS_DAILY_LIMIT_PER_NUMBER
    if limit <= 0:
        return True
    for _attempt in range(2):
        # One UPDATE with the limit in its WHERE: concurrent workers are serialised by the row, none passes it.
        if SmsDailyCount.objects.filter(phone_hash=key, day=today, count__lt=limit).update(count=F("count") + 1):
            return True
        if SmsDailyCount.objects.filter(phone_hash=key, day=today).exists():
            return False
        try:
            with transaction.atomic():
                SmsDailyCount.objects.create(phone_hash=key, day=today, count=1)
            return True
        except IntegrityError:  # another worker made the day's row first: count on it
            continue
    return False


def sms_withhold_reason(notification: Notification) -> str:
    """Why this SMS must not go out (a ``WithheldReason``), or "" — counting it against today's limit when it may.

    Called once per message, on its first attempt: a retry after a gateway failure is the same message.
    """
    if notification.channel != NotificationChannel.SMS:
        return ""
    if not is_essential(notification.template) and sms_opted_out(notification.recipient):
        return WithheldReason.OPTED_OUT
    if not _count_one_more(notification.recipient):
        return WithheldReason.DAILY_LIMIT
    return ""


# --- Delivery reports ----------------------------------------------------------------------------------------


# The report checks answer the gateway (a machine, in the 400's JSON), so their messages are not translated.
def _report_fields(entry) -> dict:
    if not isinstance(entry, dict):
        raise DomainError("Each report must be an object.")
    message_id = str(entry.get("message_id") or "").strip()
    status = str(entry.get("status") or "").strip().lower()
    if not message_id or len(message_id) > 64:
        raise DomainError("A report needs the gateway's message id.")
    if status not in DeliveryState.values:
        raise DomainError("A report's status must be delivered or undelivered.")
    reported_at = parse_datetime(str(entry.get("reported_at") or "")) if entry.get("reported_at") else None
    return {
        "message_id": message_id,
        "reference": str(entry.get("reference") or "")[:120],
        "status": status,
        "provider_code": str(entry.get("code") or "")[:32],
        "reported_at": reported_at,
        "phone": str(entry.get("to") or ""),
    }


def sms_delivery_reports_record(*, reports) -> list[SmsDeliveryReport]:
    """File the gateway's delivery reports; returns the new rows (a report filed before is skipped, not an error).

    The whole callback is checked first, so a malformed one files nothing (DomainError, a 400 to the gateway).
    """
    if not isinstance(reports, list) or not reports:
        raise DomainError("Send a list of reports.")
    parsed = [_report_fields(entry) for entry in reports]
    created = []
    for data in parsed:
        phone = data.pop("phone")
        notification = (
            Notification.objects.filter(provider_message_id=data["message_id"]).first()
            or (data["reference"] and Notification.objects.filter(key=data["reference"]).first())
            or None
        )
        if notification is not None and not phone:
            phone = notification.recipient
        try:
            with transaction.atomic():
                report = SmsDeliveryReport.objects.create(
                    notification=notification,
                    phone_hash=phone_hash(phone) if phone else "",
                    phone_masked=mask_phone(phone_number(phone)) if phone else "",
                    **data,
                )
        except IntegrityError:  # the same report again
            continue
        created.append(report)
        if report.status == DeliveryState.UNDELIVERED:
            log.info("SMS %s not delivered (%s)", report.message_id, report.provider_code)
    return created
