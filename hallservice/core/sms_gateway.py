"""A generic HTTP SMS gateway: the SMS backend most Chinese providers and government SMS platforms (政务短信平台)
can be fronted by, and the checks of the callbacks it sends back.

Sending (``HttpSmsGatewayBackend``, ``SMS_BACKEND=hallservice.core.sms_gateway.HttpSmsGatewayBackend``): one POST of
JSON to ``SMS_GATEWAY_URL``, signed with HMAC-SHA256 under ``SMS_GATEWAY_SECRET`` as ``signed_http`` describes
(headers X-App-Id = ``SMS_GATEWAY_ACCOUNT``, X-Timestamp, X-Message-Id = our reference, X-Signature)::

    {"account": "...", "to": "13812345678", "sign_name": "某市政务服务中心", "template_id": "SMS_0001",
     "kind": "request_accepted", "text": "您的申请已受理……", "reference": "request-event:42:sms"}

The gateway answers 2xx ``{"message_id": "..."}``; a 4xx other than 408/425/429 is a refusal of this message
(``PermanentFailure`` with the gateway's reason, never retried); a 5xx, 408/425/429, a timeout or a connection
error is ``TemporaryFailure`` (the notification task retries with backoff). Redirects and environment proxies
are never followed. The phone number goes in the body only, never in a header, a URL or a log line.

Callbacks (``verify_callback``): the gateway POSTs delivery reports and citizens' replies (上行短信) to
``/sms/callback/``, signed the same way with the same secret and account; anything unsigned, badly signed, too
old or from another account is refused with 403 before its body is read.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

from . import signed_http
from .notifications import PermanentFailure, SmsBackend, TemporaryFailure, recipient_tail

log = logging.getLogger("hallservice.core.sms_gateway")

__all__ = ["HttpSmsGatewayBackend", "verify_callback"]

LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


class HttpSmsGatewayBackend(SmsBackend):
    """Sends each SMS as one signed JSON POST to the hall's HTTP SMS gateway (settings ``SMS_GATEWAY_*``)."""

    def send(self, *, recipient: str, subject: str, body: str, template: str = "", reference: str = "") -> str:
        template_id = settings.SMS_TEMPLATE_IDS.get(template, "")
        if not template_id:
            # The gateway sends only texts of templates it has approved: without an id the message cannot go.
            raise PermanentFailure(f"No SMS template id for {template or 'this message'} (SMS_TEMPLATE_IDS)")
        if not settings.SMS_GATEWAY_URL:
            raise TemporaryFailure("SMS_GATEWAY_URL is not set")
        payload = {
            "account": settings.SMS_GATEWAY_ACCOUNT,
            "to": recipient,
            "sign_name": settings.SMS_GATEWAY_SIGN_NAME,
            "template_id": template_id,
            "kind": template,
            "text": body,
            "reference": reference,
        }
        answer = signed_http.post_signed(
            settings.SMS_GATEWAY_URL,
            key=settings.SMS_GATEWAY_SECRET,
            app_id=settings.SMS_GATEWAY_ACCOUNT,
            message_id=reference,
            payload=payload,
            timeout=settings.SMS_GATEWAY_TIMEOUT,
        )
        if answer.outcome == signed_http.REFUSED:
            raise PermanentFailure(answer.reason)
        if answer.outcome == signed_http.FAILED_FOR_NOW:
            raise TemporaryFailure(answer.reason)
        message_id = str(answer.data.get("message_id") or "")[:64]
        log.info("SMS %s to %s accepted by the gateway as %s", template, recipient_tail(recipient), message_id)
        return message_id

    def send_sms(self, *, phone: str, text: str) -> None:
        # SmsBackend's entry point without a kind: the gateway refuses a text without a template id.
        self.send(recipient=phone, subject="", body=text)


def verify_callback(headers, body: bytes) -> str:
    """Why a callback from the gateway is not to be trusted ("" when it is): signature, age and account."""
    if not settings.SMS_GATEWAY_SECRET:
        return "callbacks are not configured (SMS_GATEWAY_SECRET is empty)"
    problem = signed_http.verify(
        key=settings.SMS_GATEWAY_SECRET, headers=headers, body=body, max_age=settings.SMS_CALLBACK_MAX_AGE
    )
    if problem:
        return problem
    if headers.get(signed_http.HEADERS["app_id"]) != settings.SMS_GATEWAY_ACCOUNT:
        return "unknown account"
    return ""


@checks.register(checks.Tags.security)
def check_sms_gateway(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """hallservice.E012/E013: the HTTP gateway chosen needs its address (HTTPS outside loopback) and secret."""
    if settings.NOTIFICATION_BACKENDS.get("sms") != "hallservice.core.sms_gateway.HttpSmsGatewayBackend":
        return []
    errors = []
    url = urlsplit(settings.SMS_GATEWAY_URL)
    if not settings.SMS_GATEWAY_URL or not settings.SMS_GATEWAY_SECRET or not settings.SMS_GATEWAY_ACCOUNT:
        errors.append(
            checks.Error(
                "The HTTP SMS gateway needs SMS_GATEWAY_URL, SMS_GATEWAY_ACCOUNT and SMS_GATEWAY_SECRET.",
                id="hallservice.E012",
            )
        )
    elif url.scheme != "https" and url.hostname not in LOOPBACK_HOSTS:
        errors.append(
            checks.Error(
                "SMS_GATEWAY_URL must be an https:// address (plain http only to a simulator on loopback).",
                id="hallservice.E013",
            )
        )
    return errors
