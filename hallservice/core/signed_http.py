"""Signed JSON messages to another system over HTTP (urllib; never PyPI ``requests``, which our app shadows).

The sender signs each message with HMAC-SHA256 under a key both sides share; the receiver checks it before reading
the body. What is signed, as bytes::

    <app id> "\\n" <unix timestamp> "\\n" <message id> "\\n" <body>

and it travels in four headers (``HEADERS``): the app id, the timestamp, the message id and the signature in
lower-case hex. The message id is what the receiver de-duplicates on, so a message sent again after a lost answer
is counted once. The timestamp lets the receiver refuse old replays (``verify``'s ``max_age``).

``post_signed`` never follows a redirect (urllib would repeat a POST as a GET without its body) and never goes
through a proxy from the environment: a hall's messages go straight to the address it was given. Its answer
sorts every outcome into one of three: accepted (2xx), refused for good (a 4xx other than 408/429: the message
itself is wrong, sending it again changes nothing) or failed for now (timeout, connection refused or reset, 408,
429, 5xx: try again later).
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

HEADERS = {
    "app_id": "X-App-Id",
    "timestamp": "X-Timestamp",
    "message_id": "X-Message-Id",
    "signature": "X-Signature",
}
# Statuses that say "not now" rather than "not this message".
TRANSIENT_STATUSES = frozenset({408, 425, 429})
ACCEPTED, REFUSED, FAILED_FOR_NOW = "accepted", "refused", "failed_for_now"


def signature(*, key: str, app_id: str, timestamp: str, message_id: str, body: bytes) -> str:
    """The hex HMAC-SHA256 of the signed bytes (see the module doc)."""
    signed = f"{app_id}\n{timestamp}\n{message_id}\n".encode() + body
    return hmac.new(key.encode(), signed, hashlib.sha256).hexdigest()


def verify(*, key: str, headers, body: bytes, max_age: int = 300, now: float | None = None) -> str:
    """Check a received message's signature and age; returns "" when it holds, else why not (for a 401)."""
    values = {name: (headers.get(header) or "") for name, header in HEADERS.items()}
    if not all(values.values()):
        return "missing signature headers"
    try:
        age = (time.time() if now is None else now) - int(values["timestamp"])
    except ValueError:
        return "bad timestamp"
    if abs(age) > max_age:
        return "timestamp outside the allowed window"
    expected = signature(
        key=key, app_id=values["app_id"], timestamp=values["timestamp"], message_id=values["message_id"], body=body
    )
    if not hmac.compare_digest(expected, values["signature"]):
        return "bad signature"
    return ""


@dataclass(frozen=True)
class Answer:
    """What became of one POST: ``outcome`` (ACCEPTED, REFUSED, FAILED_FOR_NOW), the HTTP status (None without
    one: timeout, connection error) and the receiver's reason or the error, cut to 300 characters."""

    outcome: str
    status: int | None
    reason: str = ""
    # The JSON object an accepting receiver answered with (a gateway's message id, say); empty otherwise.
    data: dict = field(default_factory=dict)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # the 3xx is raised as an HTTPError and treated as a refusal


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def _json_object(raw: bytes) -> dict:
    try:
        data = json.loads(raw.decode("utf-8", errors="replace") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def reason_of(status: int, raw: bytes) -> str:
    """The receiver's reason: ``message`` or ``reason`` of a JSON answer, else the start of its text."""
    text = raw.decode("utf-8", errors="replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        text = str(data.get("message") or data.get("reason") or data.get("msg") or text)
    return f"HTTP {status}: {text}"[:300]


def post_signed(
    url: str, *, key: str, app_id: str, message_id: str, payload: dict, timeout: float, now: float | None = None
) -> Answer:
    """POST ``payload`` as JSON to ``url``, signed; returns the sorted answer (never raises for a network error)."""
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    timestamp = str(int(time.time() if now is None else now))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        HEADERS["app_id"]: app_id,
        HEADERS["timestamp"]: timestamp,
        HEADERS["message_id"]: message_id,
        HEADERS["signature"]: signature(key=key, app_id=app_id, timestamp=timestamp, message_id=message_id, body=body),
    }
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return Answer(ACCEPTED, response.status, data=_json_object(response.read()))
    except urllib.error.HTTPError as exc:
        status = exc.code
        raw = exc.read() if exc.fp is not None else b""
        transient = status >= 500 or status in TRANSIENT_STATUSES
        return Answer(FAILED_FOR_NOW if transient else REFUSED, status, reason_of(status, raw))
    except (OSError, http.client.HTTPException) as exc:  # timeout, refused, reset, DNS (URLError), a broken answer
        cause = getattr(exc, "reason", None) or exc
        kind = "timeout" if isinstance(cause, TimeoutError) else type(cause).__name__
        return Answer(FAILED_FOR_NOW, None, f"{kind}: {cause}"[:300])
