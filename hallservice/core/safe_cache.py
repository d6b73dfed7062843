"""Django's cache for what can be made again: an outage of the cache (Redis down, a timeout) is a miss, never an error.

The public pages (the display board, the guide's PDFs) keep rendered output here; while Redis is down they render
it each time, and a warning naming the exception's class (never a key or a value) is logged.
"""

from __future__ import annotations

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


def cache_get(key: str):
    """The cached value, or None when absent or when the cache cannot be reached."""
    try:
        return cache.get(key)
    except Exception as exc:  # noqa: BLE001 — any cache failure (redis ConnectionError, TimeoutError…) is a miss
        logger.warning("cache unavailable on read: %s", type(exc).__name__)
        return None


def cache_set(key: str, value, timeout: float) -> None:
    """Keep ``value``; nothing when the cache cannot be reached."""
    try:
        cache.set(key, value, timeout)
    except Exception as exc:  # noqa: BLE001 — see cache_get
        logger.warning("cache unavailable on write: %s", type(exc).__name__)
