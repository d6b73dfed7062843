"""Rate limits for the public pages, counted in Django's cache so every process shares them (Redis in production).

Fixed windows: a counter per (limit, identity, window) lives in the cache until its window ends. ``check``
refuses once the counter has reached the limit and says how long until the window ends; ``hit`` adds one.
Failed status lookups are hit per client address and per request number, so neither a single address nor a
botnet aimed at one number can try many lookup codes; submissions (complaints, consultations) are hit on
every accepted submission. Identities are hashed before they become cache keys: no addresses in Redis.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

__all__ = ["Throttled", "check", "client_address", "hit", "rate", "reset"]


class Throttled(Exception):
    """Too many attempts; ``retry_after`` seconds until the window ends."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = max(int(retry_after), 1)


@dataclass(frozen=True)
class Rate:
    name: str
    limit: int
    period: int  # seconds


def rate(name: str) -> Rate:
    # Staff logins (hallservice.accounts) are counted the same way, with their own limits.
    rates = {**settings.LOGIN_THROTTLE_RATES, **settings.PUBLIC_THROTTLE_RATES}
    limit, period = rates[name].split("/")
    return Rate(name, int(limit), int(period))


def _window(r: Rate, identity: str, now: float) -> tuple[str, float]:
    start = int(now // r.period) * r.period
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{identity}".encode()).hexdigest()[:32]
    return f"throttle:{r.name}:{digest}:{start}", start + r.period


def check(name: str, identity: str) -> None:
    """Raise Throttled when ``identity`` has used up limit ``name`` in the current window."""
    r = rate(name)
    now = time.time()
    key, ends = _window(r, identity, now)
    if (cache.get(key) or 0) >= r.limit:
        raise Throttled(ends - now)


def hit(name: str, identity: str) -> int:
    """Count one attempt; returns the count in the current window."""
    r = rate(name)
    key, _ends = _window(r, identity, time.time())
    # add() is a no-op when the key exists; incr() is atomic in Redis (INCRBY) and under the locmem lock.
    cache.add(key, 0, timeout=r.period + 1)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr(): start the window's count again
        cache.add(key, 1, timeout=r.period + 1)
        return 1


def reset(name: str, identity: str) -> None:
    """Forget ``identity``'s attempts in the current window (a successful login clears its failures)."""
    key, _ends = _window(rate(name), identity, time.time())
    cache.delete(key)


def client_address(request) -> str:
    """The client's address: the socket's, or the one the trusted reverse proxies put in X-Forwarded-For.

    Only the last PUBLIC_TRUSTED_PROXY_COUNT entries were written by our proxies; anything to their left is
    whatever the client sent and cannot be trusted.
    """
    proxies = settings.PUBLIC_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"
