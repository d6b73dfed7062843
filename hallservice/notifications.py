"""Where messages leave the system: a small backend interface with email, SMS and console implementations.

A backend gets a recipient, a subject and a text and either sends it, raises ``TemporaryFailure`` (the task
retries later: gateway down, timeout) or raises ``PermanentFailure`` (no point retrying: number refused).
``NOTIFICATION_BACKENDS`` maps each channel ("sms", "email") to a backend class by dotted path.

Backends never log the recipient or any ID number unmasked; message texts are written (templates) so that
they carry no personal data beyond what the recipient already knows.
"""

from __future__ import annotations

import logging
import smtplib
from abc import ABC, abstractmethod

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from .crypto import mask_phone

log = logging.getLogger("hallservice.notifications")

__all__ = [
    "ConsoleEmailBackend",
    "ConsoleSmsBackend",
    "EmailBackend",
    "NotificationBackend",
    "PermanentFailure",
    "SmsBackend",
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
    def send(self, *, recipient: str, subject: str, body: str) -> None:
        """Deliver the message or raise TemporaryFailure / PermanentFailure."""


class EmailBackend(NotificationBackend):
    """Django's mail (EMAIL_BACKEND and EMAIL_HOST settings)."""

    channel = "email"

    def send(self, *, recipient: str, subject: str, body: str) -> None:
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient], fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentFailure("recipient refused") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(type(exc).__name__) from exc


class SmsBackend(NotificationBackend):
    """Base of an SMS gateway: a deployment subclasses it for its provider and implements ``send_sms``.

    ``send_sms`` must raise TemporaryFailure or PermanentFailure as described above and must not log the
    phone number unmasked. Subjects are dropped: an SMS is its text only.
    """

    channel = "sms"

    def send(self, *, recipient: str, subject: str, body: str) -> None:
        self.send_sms(phone=recipient, text=body)

    @abstractmethod
    def send_sms(self, *, phone: str, text: str) -> None:
        """Hand the text to the provider's API (each hall's gateway differs; set SMS_BACKEND to the subclass)."""


class ConsoleSmsBackend(SmsBackend):
    """Development: writes the message to the log with the phone number masked."""

    def send_sms(self, *, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", mask_recipient(phone), text)


class ConsoleEmailBackend(NotificationBackend):
    """Development: writes the message to the log with the address masked."""

    channel = "email"

    def send(self, *, recipient: str, subject: str, body: str) -> None:
        log.info("Email to %s: %s | %s", mask_recipient(recipient), subject, body)


def get_backend(channel: str) -> NotificationBackend:
    """The configured backend of a channel ("sms" or "email"), a new instance per call (no shared state)."""
    return import_string(settings.NOTIFICATION_BACKENDS[channel])()
