"""Expiring, hashed API tokens: issue, authenticate, revoke.

Rules chosen here (the seeds and SPEC do not decide them):
- A token reads ``hs_<prefix>_<secret>``: 8 hex characters of prefix to find the row and 32 random bytes of
  secret. Only the SHA-256 digest of the whole token is stored, so a copy of the database holds no usable token.
- Lifetime: ``API_TOKEN_TTL_DAYS`` (default 30) unless the issuer gives ``days`` (1 to 366).
- A password change revokes every token of the user: each token keeps the user's session-auth hash (an HMAC
  of the password hash, what Django uses to end sessions on a password change) from when it was issued;
  when it no longer matches, the token is refused and deleted. This covers every way a password is set
  (password-change page, admin, ``changepassword``) without a signal.
- "Log out everywhere" (``POST /api/v1/auth/logout-all/``, by token or session) deletes all the user's tokens.
- Clients send ``Authorization: Token <token>``; a missing, wrong, expired or revoked token answers 401.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .actors import user_of
from .errors import DomainError
from .models import ApiToken

TOKEN_PREFIX = "hs_"
MAX_DAYS = 366
# Writing last_used_at on every call would make each API read a write; once a minute is enough to audit.
LAST_USED_PRECISION = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_issue(*, user, actor, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Create a token for ``user``; return the row and the plain token, which is never stored nor shown again."""
    days = settings.API_TOKEN_TTL_DAYS if days is None else days
    if not 1 <= days <= MAX_DAYS:
        raise DomainError(_("A token lasts from 1 to %(max)d days.") % {"max": MAX_DAYS})
    if not user.is_active:
        raise DomainError(_("An inactive user cannot get an API token."))
    name = name.strip()
    if not name:
        raise DomainError(_("Give the token a name, e.g. the integration that uses it."))
    while True:
        prefix = secrets.token_hex(4)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    token = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=prefix,
        digest=_digest(token),
        password_stamp=user.get_session_auth_hash(),
        created_by=user_of(actor),
        expires_at=timezone.now() + timedelta(days=days),
    )
    return row, token


@transaction.atomic
def api_tokens_revoke_all(*, user) -> int:
    """Delete every API token of ``user`` ("log out everywhere"); return how many there were."""
    deleted, _details = ApiToken.objects.filter(user=user).delete()
    return deleted


def api_token_check(token: str) -> ApiToken | None:
    """The live token row for a plain token, or None (unknown, wrong, expired or revoked by a password change)."""
    # The secret is URL-safe base64 and may itself hold "_": split once after the fixed "hs_".
    prefix, _sep, secret = token.removeprefix(TOKEN_PREFIX).partition("_")
    if not token.startswith(TOKEN_PREFIX) or len(prefix) != 8 or not secret:
        return None
    row = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if row is None or not constant_time_compare(row.digest, _digest(token)):
        return None
    now = timezone.now()
    if row.expires_at <= now or not constant_time_compare(row.password_stamp, row.user.get_session_auth_hash()):
        row.delete()
        return None
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF authentication with ``Authorization: Token <token>`` against ApiToken (see the module docstring)."""

    keyword = "Token"
    model = ApiToken

    def authenticate_credentials(self, key):
        row = api_token_check(key)
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        if not row.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (row.user, row)
