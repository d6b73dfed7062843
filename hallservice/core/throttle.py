"""Rate limits for the public pages, counted in Django's cache so every process shares them (Redis in production).

Fixed windows: a counter per (limit, identity, window) lives in the cache until its window ends.

Attempts count before they are decided (issue 15, item 11): ``attempt`` adds one atomically (cache ``add`` then
``incr``: INCRBY in Redis, under a lock in locmem) and refuses when the new count is over the limit, so 40 parallel
wrong codes against a limit of 5 evaluate at most 5. An attempt that turns out not to count (a right code, an
invalid form) is given back with ``release``. ``check`` (look without counting) and ``hit`` (count) remain for
callers that only look or only count.

Failed status lookups are counted per client address and per request number, so neither a single address nor a
botnet aimed at one number can try many lookup codes; submissions (complaints, consultations) count accepted
submissions. Identities are hashed before they become keys: no addresses in Redis or in the database.

Without Redis (issue 15, item 3): when the cache raises (connection refused, timeout), the same counters are kept
in the database (hallservice.ThrottleCount, one row per key, incremented with an UPDATE … SET count = count + 1
inside a transaction, so it is atomic there too), and a warning naming the limit (no identity) is logged. Logins,
lookups and the public forms keep working and keep their limits while Redis is down.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F

__all__ = ["Throttled", "attempt", "check", "client_address", "hit", "rate", "release", "reset"]

logger = logging.getLogger(__name__)


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


def _cache_down(r: Rate, exc: Exception) -> None:
    # The exception's class only: its text may name the cache's address, never an identity, but keep logs short.
    logger.warning("Cache unreachable (%s): throttle %s counted in the database", type(exc).__name__, r.name)


# --- The database's counters (used only while the cache raises) ----------------------------------------------


def _db_get(key: str) -> int:
    from hallservice.core.models import ThrottleCount

    return ThrottleCount.objects.filter(key=key).values_list("count", flat=True).first() or 0


def _db_add(key: str, delta: int, ends: float) -> int:
    """Add ``delta`` to the row of ``key`` atomically and return the new count (the row lock lasts to commit)."""
    from hallservice.core.models import ThrottleCount

    expires = datetime.fromtimestamp(ends, tz=UTC)
    for tries in range(1, 101):
        try:
            with transaction.atomic():
                if ThrottleCount.objects.filter(key=key).update(count=F("count") + delta):
                    return ThrottleCount.objects.get(key=key).count
                ThrottleCount.objects.filter(expires_at__lt=datetime.now(tz=UTC) - timedelta(minutes=5)).delete()
                ThrottleCount.objects.create(key=key, count=max(delta, 0), expires_at=expires)
                return max(delta, 0)
        except IntegrityError:  # another process created the row first: update it on the next try
            continue
        except OperationalError:  # SQLite's lock held by another writer past its timeout: wait and try again
            if tries == 100 or not transaction.get_autocommit():
                raise
            time.sleep(0.02)
    return _db_get(key)


def _db_delete(key: str) -> None:
    from hallservice.core.models import ThrottleCount

    ThrottleCount.objects.filter(key=key).delete()


# --- The counters ---------------------------------------------------------------------------------------------


def _get(r: Rate, key: str) -> int:
    try:
        return cache.get(key) or 0
    except Exception as exc:  # noqa: BLE001 — any cache failure (redis ConnectionError, TimeoutError…) degrades
        _cache_down(r, exc)
        return _db_get(key)


def _incr(r: Rate, key: str, ends: float, delta: int = 1) -> int:
    try:
        # add() is a no-op when the key exists; incr() is atomic in Redis (INCRBY) and under the locmem lock.
        cache.add(key, 0, timeout=r.period + 1)
        try:
            return cache.incr(key, delta)
        except ValueError:  # expired between add() and incr(): start the window's count again
            cache.add(key, max(delta, 0), timeout=r.period + 1)
            return max(delta, 0)
    except ValueError:
        raise
    except Exception as exc:  # noqa: BLE001 — see _get
        _cache_down(r, exc)
        return _db_add(key, delta, ends)


def check(name: str, identity: str) -> None:
    """Raise Throttled when ``identity`` has used up limit ``name`` in the current window (counts nothing)."""
    r = rate(name)
    now = time.time()
    key, ends = _window(r, identity, now)
    if _get(r, key) >= r.limit:
        raise Throttled(ends - now)


def hit(name: str, identity: str) -> int:
    """Count one attempt; returns the count in the current window."""
    r = rate(name)
    key, ends = _window(r, identity, time.time())
    return _incr(r, key, ends)


def attempt(name: str, identity: str) -> int:
    """Count one attempt first, then decide: raise Throttled when the count is over the limit, else return it.

    The count stays when the attempt is refused (the window is used up anyway); ``release`` gives back an attempt
    that turned out not to count.
    """
    r = rate(name)
    now = time.time()
    key, ends = _window(r, identity, now)
    count = _incr(r, key, ends)
    if count > r.limit:
        raise Throttled(ends - now)
    return count


def release(name: str, identity: str) -> None:
    """Give back one attempt counted by ``attempt`` (a right code, a form that was not accepted)."""
    r = rate(name)
    key, ends = _window(r, identity, time.time())
    _incr(r, key, ends, -1)


def reset(name: str, identity: str) -> None:
    """Forget ``identity``'s attempts in the current window (a successful login clears its failures)."""
    r = rate(name)
    key, _ends = _window(r, identity, time.time())
    try:
        cache.delete(key)
    except Exception as exc:  # noqa: BLE001 — see _get
        _cache_down(r, exc)
        _db_delete(key)


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
