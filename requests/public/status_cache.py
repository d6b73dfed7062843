"""The citizen status page's cache (issue 17, item 3): the rendered status, kept per request and version.

A citizen refreshes their status page often, and the QR codes of every form open it; building it reads the request,
its materials, events, evaluation and today's roster (a dozen queries) and scrubs every note. What it shows
changes only when the request changes, when the roster of the helper's centre changes, or when the day turns
(working days left, today's desk). So the page body is rendered once per version and kept in Django's cache
(locmem, or Redis with REDIS_URL); a view costs one indexed query for the version (requests.services.public.
request_public_version) and one cache read.

The key holds ids, times and counts only (never personal data), with today's date, the language and elder mode.
What is cached is the body exactly as the page shows it: masked and scrubbed already, and drawn without the
visitor's request (no CSRF token, session, messages or link token in it), so any holder of a link to the request
may be served it. The page frame around it (the elder switch's form, messages) is drawn for each visitor.

Names outside the request (the matter's, the centre's phone, a window's label) and working-calendar edits carry
no version: an entry lives ``TIMEOUT`` seconds at most, so such an edit shows within minutes. A cache that fails
is logged and skipped: the page is then built as it was before the cache.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

# Bump when what is cached changes shape (a deploy must not read entries of the previous code).
KEY_PREFIX = "track:status:2"
TIMEOUT = 5 * 60


@dataclass(frozen=True)
class PublicHall:
    """The page header's and footer's facts about the centre a request belongs to (all public)."""

    name: str
    address: str
    phone: str
    complaint_phone: str


@dataclass(frozen=True)
class CachedStatus:
    """One rendered status page body, with what its frame needs."""

    number: str
    hall: PublicHall
    body: str


def status_key(request_id: int, version: tuple, *, elder: bool) -> str:
    """The cache key of a request's page: its id and version, today, the language and elder mode."""
    parts = [KEY_PREFIX, request_id, *version, timezone.localdate().isoformat(), translation.get_language()]
    parts.append("elder" if elder else "plain")
    return ":".join(str(p) for p in parts)


def cached_status(key: str) -> CachedStatus | None:
    try:
        found = cache.get(key)
    except Exception as exc:  # an outage of the cache must not take the page down
        logger.warning("status page cache unavailable on read: %s", type(exc).__name__)
        return None
    return found if isinstance(found, CachedStatus) else None


def remember_status(key: str, page: CachedStatus) -> None:
    try:
        cache.set(key, page, TIMEOUT)
    except Exception as exc:
        logger.warning("status page cache unavailable on write: %s", type(exc).__name__)
