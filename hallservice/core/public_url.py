"""PUBLIC_BASE_URL against the host that actually serves the pages.

Every printed form carries a QR code to the citizen's status page built from settings.PUBLIC_BASE_URL
(default http://127.0.0.1:8000). When the hall serves its pages under another name or port (a LAN address,
`make run PORT=8080`, a proxy's domain) the codes lead nowhere and nobody notices until a citizen scans one.

The rule: the public address matches when its host name equals the request's (case-insensitive) and, if the
request's Host header names a port, the public address has that port too (the scheme's default port when it
names none). Behind a proxy the Host header usually carries no port and the scheme may differ, so only the
name is compared then. The first mismatch in a process is logged once at WARNING and kept, so the staff pages
can show administrators a banner; later requests are only compared (a string comparison), never logged again.
A malformed PUBLIC_BASE_URL is reported at start-up by a system check (`manage.py check`, runserver, migrate).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.core.exceptions import DisallowedHost

logger = logging.getLogger("hallservice.core.public_url")

DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Mismatch:
    """The public address the QR codes use and the address a page was served from."""

    public: str
    served: str


_first_mismatch: Mismatch | None = None


def _public_host_port(public_base_url: str) -> tuple[str, int | None]:
    parts = urlsplit(public_base_url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return (parts.hostname or "").lower(), port or DEFAULT_PORTS.get(parts.scheme)


def _split_host(host: str) -> tuple[str, int | None]:
    # get_host() gives "name", "name:port", "[v6]" or "[v6]:port".
    name, sep, port = host.rpartition(":")
    if not sep or name.endswith(":") or (host.startswith("[") and not name.endswith("]")):
        name, port = host, ""
    return name.strip("[]").lower(), int(port) if port.isdigit() else None


def matches(public_base_url: str, served_host: str) -> bool:
    """True when QR codes built on ``public_base_url`` reach the host that served a page (rule above)."""
    public_name, public_port = _public_host_port(public_base_url)
    served_name, served_port = _split_host(served_host)
    if public_name != served_name:
        return False
    return served_port is None or served_port == public_port


def check_request(request) -> Mismatch | None:
    """Compare one request with PUBLIC_BASE_URL; log the first mismatch of this process."""
    global _first_mismatch
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    public = settings.PUBLIC_BASE_URL
    if matches(public, host):
        return None
    mismatch = Mismatch(public=public, served=f"{request.scheme}://{host}")
    if _first_mismatch is None:
        _first_mismatch = mismatch
        logger.warning(
            "PUBLIC_BASE_URL is %s but pages are served from %s: the QR codes on printed forms will not reach "
            "this server. Set PUBLIC_BASE_URL to the address citizens use (see README, 'Public address').",
            mismatch.public,
            mismatch.served,
        )
    return mismatch


def first_mismatch() -> Mismatch | None:
    """The mismatch logged by this process, if any (for the administrators' banner)."""
    return _first_mismatch


def forget_mismatch() -> None:
    """Start over (tests, or after the setting changed)."""
    global _first_mismatch
    _first_mismatch = None


class PublicBaseUrlCheckMiddleware:
    """Compares each request's host with PUBLIC_BASE_URL; warns once per process on the first mismatch."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        check_request(request)
        return self.get_response(request)


@checks.register(checks.Tags.urls)
def check_public_base_url(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """At start-up: PUBLIC_BASE_URL must be an absolute http(s) address without query or fragment."""
    value = settings.PUBLIC_BASE_URL
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
        bad_port = False
    except ValueError:
        bad_port = True
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or bad_port or parts.query or parts.fragment:
        return [
            checks.Warning(
                f"PUBLIC_BASE_URL={value!r} is not an address like http://hall.example.gov.cn or "
                "http://192.168.1.20:8000; the QR codes on printed forms will not work.",
                hint="Set PUBLIC_BASE_URL to the address citizens use to reach the public pages.",
                id="hallservice.W001",
            )
        ]
    return []
