"""Personal data at rest: Fernet-encrypted model fields and keyed hashes for searching them.

Fernet (AES-128-CBC + HMAC-SHA256, from the `cryptography` package) with a MultiFernet over
FIELD_ENCRYPTION_KEYS: the first key encrypts, every key decrypts, so keys can be rotated by putting a new one
first and re-saving rows. Equality search goes through a separate keyed hash (HMAC-SHA256 with
FIELD_HASH_KEY), stored beside the ciphertext: the hash reveals nothing without the key and stays stable when
encryption keys rotate.

In production (DEBUG off) both must be set on their own: the system check ``hallservice.E020`` refuses to start
when FIELD_ENCRYPTION_KEYS is unset or contains SECRET_KEY, ``hallservice.E021`` when FIELD_HASH_KEY is unset
or equal to SECRET_KEY or an encryption key (the settings' development fallbacks). Encryption keys rotate with
``manage.py rotate_encryption_keys`` (README "Keys and rotation"); the hash key does not rotate: every stored
hash depends on it, so changing it makes encrypted ID numbers and phones unfindable until each row is
re-hashed, and searches would miss rows in the meantime.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from contextlib import contextmanager

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import models

__all__ = ["EncryptedCharField", "blind_index", "mask_address", "mask_id_number", "mask_phone", "normalise"]


def _fernet_key(secret: str) -> bytes:
    # Any configured string becomes a valid 32-byte Fernet key; a real Fernet key is used as it is.
    try:
        if len(base64.urlsafe_b64decode(secret.encode())) == 32:
            return secret.encode()
    except (ValueError, TypeError):
        pass
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest())


def _multifernet() -> MultiFernet:
    keys = settings.FIELD_ENCRYPTION_KEYS
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    return MultiFernet([Fernet(_fernet_key(k)) for k in keys])


def newest_fernet() -> Fernet:
    """The key that encrypts (the first of FIELD_ENCRYPTION_KEYS)."""
    return Fernet(_fernet_key(settings.FIELD_ENCRYPTION_KEYS[0]))


@contextmanager
def _known_keys():
    """A stored token that no configured key decrypts is a configuration error, not bad input: say which."""
    try:
        yield
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "Stored personal data cannot be decrypted with FIELD_ENCRYPTION_KEYS; was a key removed?"
        ) from exc


def rotate_token(token: str) -> str | None:
    """``token`` re-encrypted under the newest key, or None when it already is (decrypts with that key alone)."""
    try:
        newest_fernet().decrypt(token.encode())
        return None
    except InvalidToken:
        pass
    with _known_keys():
        return _multifernet().rotate(token.encode()).decode()


def encrypt(value: str) -> str:
    return _multifernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    with _known_keys():
        return _multifernet().decrypt(token.encode()).decode()


def normalise(value: str) -> str:
    """Canonical form for hashing: no spaces or dashes, upper case (the X of an ID number)."""
    return re.sub(r"[\s\-]", "", value or "").upper()


def blind_index(value: str, *, purpose: str) -> str:
    """Keyed hash of a normalised value; ``purpose`` keeps hashes of different fields unrelated."""
    if not value:
        return ""
    key = hashlib.sha256(f"{settings.FIELD_HASH_KEY}:{purpose}".encode()).digest()
    return hmac.new(key, normalise(value).encode(), hashlib.sha256).hexdigest()


class EncryptedCharField(models.TextField):
    """A string stored encrypted; reads give the plain text. Not searchable: pair it with a blind index."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt(value)

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(value)


def mask_id_number(value: str) -> str:
    """3201**********1234: first four and last four characters kept."""
    value = normalise(value)
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678 for a mobile; other numbers keep their last four digits only."""
    value = normalise(value)
    if len(value) == 11 and value.isdigit():
        return value[:3] + "****" + value[-4:]
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


def mask_address(value: str) -> str:
    """河南省安阳市文峰区中华路100号 → 河南省安阳市文峰区****: the region is kept, the street and number hidden.

    The kept part runs to the last 省/市/区/县/旗 within the first 13 characters (province, city, district);
    without one, the first third (at most six characters) is kept. The stars are a fixed four, so the copy does
    not give away the length of what is hidden.
    """
    value = (value or "").strip()
    if not value:
        return ""
    kept = ""
    for match in re.finditer(r"[省市区县旗]", value[:13]):
        if match.end() < len(value):
            kept = value[: match.end()]
    if not kept:
        kept = value[: min(6, len(value) // 3)]
    return kept + "****"


@checks.register(checks.Tags.security)
def check_field_keys(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """hallservice.E020/E021: with DEBUG off the personal-data keys are set and are not SECRET_KEY."""
    if settings.DEBUG:
        return []
    errors = []
    keys = list(settings.FIELD_ENCRYPTION_KEYS)
    if not keys or settings.SECRET_KEY in keys:
        errors.append(
            checks.Error(
                "FIELD_ENCRYPTION_KEYS is not set: personal data would be encrypted with SECRET_KEY.",
                hint="Set FIELD_ENCRYPTION_KEYS to a key of its own (newest first, comma-separated), never SECRET_KEY.",
                id="hallservice.E020",
            )
        )
    hash_key = settings.FIELD_HASH_KEY
    if not hash_key or hash_key == settings.SECRET_KEY or hash_key in keys:
        errors.append(
            checks.Error(
                "FIELD_HASH_KEY is not set: the search hashes of ID numbers and phones would use another key.",
                hint="Set FIELD_HASH_KEY to a key of its own, and never change it afterwards.",
                id="hallservice.E021",
            )
        )
    return errors
