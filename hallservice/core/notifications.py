"""Where messages leave the system: a small backend interface with email, SMS and console implementations.

A backend gets a recipient, a subject and a text and either sends it, raises ``TemporaryFailure`` (the task
retries later: gateway down, timeout) or raises ``PermanentFailure`` (no point retrying: number refused).
``NOTIFICATION_BACKENDS`` maps each channel ("sms", "email") to a backend class by dotted path.

Backends never log the recipient or any ID number unmasked; message texts are written (templates) so that
they carry no personal data beyond what the recipient already knows. The console backends (development) log
only the masked recipient's last four characters and the text's length: a text carries a status link whose
token opens the request's public page for 30 days, so it never reaches a log.

SMS in production (DEBUG off) must be chosen: SMS_BACKEND names a gateway subclass of ``SmsBackend`` (the generic
HTTP gateway is ``hallservice.core.sms_gateway.HttpSmsGatewayBackend``), or
``none`` (``DisabledSmsBackend``: each message is recorded as failed with the reason "SMS is switched off", and
nothing is logged). Left at the console default, the system check ``hallservice.E010`` refuses to start.
"""

from __future__ import annotations

import logging
import smtplib
from abc import ABC, abstractmethod

from django.conf import settings
from django.core import checks
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from .crypto import mask_phone

log = logging.getLogger("hallservice.core.notifications")

__all__ = [
    "ConsoleEmailBackend",
    "ConsoleSmsBackend",
    "DisabledSmsBackend",
    "EmailBackend",
    "NotificationBackend",
    "PermanentFailure",
    "SmsBackend",
    "SmsDisabled",
    "TemporaryFailure",
    "get_backend",
    "mask_recipient",
]


class TemporaryFailure(Exception):
    """Sending failed for a reason that may pass (network, gateway busy): try again later."""


class PermanentFailure(Exception):
    """Sending can never succeed (invalid recipient, message refused): do not retry."""


def mask_recipient(recipient: str) -> str:
    """138****5678 for a phone, z***@example.cn for an address."""
    if "@" in recipient:
        local, _, domain = recipient.partition("@")
        return f"{local[:1]}***@{domain}"
    return mask_phone(recipient)


class NotificationBackend(ABC):
    """Sends one message to one recipient."""

    channel = ""

    @abstractmethod
    def send(self, *, recipient: str, subject: str, body: str, template: str = "", reference: str = "") -> str:
        """Deliver the message or raise TemporaryFailure / PermanentFailure; returns the provider's message id
        ("" when it gives none). ``template`` names the kind of message (a provider's template is chosen by it),
        ``reference`` is our own id of the message, which a provider's delivery reports repeat."""


class EmailBackend(NotificationBackend):
    """Django's mail (EMAIL_BACKEND and EMAIL_HOST settings)."""

    channel = "email"

    def send(self, *, recipient: str, subject: str, body: str, template: str = "", reference: str = "") -> str:
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient], fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentFailure("recipient refused") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(type(exc).__name__) from exc
        return ""


class SmsBackend(NotificationBackend):
    """Base of an SMS gateway: a deployment subclasses it for its provider and implements ``send_sms``.

    ``send_sms`` must raise TemporaryFailure or PermanentFailure as described above and must not log the
    phone number unmasked. Subjects are dropped: an SMS is its text only.
    """

    channel = "sms"

    def send(self, *, recipient: str, subject: str, body: str, template: str = "", reference: str = "") -> str:
        self.send_sms(phone=recipient, text=body)
        return ""

    @abstractmethod
    def send_sms(self, *, phone: str, text: str) -> None:
        """Hand the text to the provider's API (each hall's gateway differs; set SMS_BACKEND to the subclass)."""


class SmsDisabled(PermanentFailure):
    """SMS is switched off (SMS_BACKEND=none): the message is recorded as not sent, nothing is logged."""


def recipient_tail(recipient: str) -> str:
    """The last four characters only (…5678): enough to tell test messages apart, nothing to contact."""
    return "…" + (recipient or "")[-4:]


class ConsoleSmsBackend(SmsBackend):
    """Development: logs that a text went out, to the phone's last four digits, with its length, never the text."""

    def send_sms(self, *, phone: str, text: str) -> None:
        log.info("SMS to %s: %d characters", recipient_tail(phone), len(text))


class DisabledSmsBackend(SmsBackend):
    """SMS_BACKEND=none: the hall sends no SMS. Each message fails permanently with the reason, unlogged."""

    def send_sms(self, *, phone: str, text: str) -> None:
        raise SmsDisabled("SMS is switched off (SMS_BACKEND=none)")


class ConsoleEmailBackend(NotificationBackend):
    """Development: logs the subject, the address's last four characters and the text's length, never the text."""

    channel = "email"

    def send(self, *, recipient: str, subject: str, body: str, template: str = "", reference: str = "") -> str:
        log.info("Email to %s: %s | %d characters", recipient_tail(recipient), subject, len(body))
        return ""


def get_backend(channel: str) -> NotificationBackend:
    """The configured backend of a channel ("sms" or "email"), a new instance per call (no shared state)."""
    return import_string(settings.NOTIFICATION_BACKENDS[channel])()


CONSOLE_SMS = "hallservice.core.notifications.ConsoleSmsBackend"


@checks.register(checks.Tags.security)
def check_sms_backend(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """hallservice.E010: with DEBUG off the SMS backend is a gateway or explicitly none, never the console."""
    if settings.DEBUG:
        return []
    path = settings.NOTIFICATION_BACKENDS.get("sms", "")
    try:
        backend = import_string(path)
    except ImportError:
        return [checks.Error(f"SMS_BACKEND {path!r} cannot be imported.", id="hallservice.E011")]
    if path == CONSOLE_SMS or issubclass(backend, ConsoleSmsBackend):
        return [
            checks.Error(
                "No SMS backend is configured: the console backend is for development only.",
                hint="Set SMS_BACKEND to the dotted path of the hall's SmsBackend subclass, or SMS_BACKEND=none "
                "to send no SMS (messages are recorded as not sent).",
                id="hallservice.E010",
            )
        ]
    return []
