"""The hall display board (/board/<centre code>/, issue 19): the hall's TV, 1920 × 1080, full screen, no login.

Why a site module: the board puts the public helper board (guide.selectors) beside the supervision section's
figures (supervision.statistics). guide and supervision share one layer and neither may import the other
(pyproject.toml's layers, ARCHITECTURE.md), and each keeps its own reads; only the site, above both, may put
them on one screen; nothing is counted here.

Public data only: helpers as guide.selectors.BoardEntry (name, staff number, work phone, desk — never an ID
number or a personal phone), today's counts, the month's rates, the centre's notices. A centre keeps its board
off the open internet with a token (settings.DISPLAY_BOARD_TOKENS, ``?token=``); without one it is public.

The page is drawn once; its live part (/board/<code>/live/) is polled by htmx every DISPLAY_BOARD_REFRESH_SECONDS.
The live part costs a fixed number of queries and is built at most once per DISPLAY_BOARD_CACHE_SECONDS per
centre and language, whatever the number of screens. static/js/board.js keeps the last content when a poll fails
and says since when.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from guide.selectors import board_centre, board_notices, helper_board
from hallservice.core.safe_cache import cache_get, cache_set
from staff.models import ServiceCentre
from supervision.statistics import board_figures


def board_token(centre: ServiceCentre) -> str:
    """The token the centre's board asks for: its own, else the one for every centre ("*"), else none."""
    tokens = settings.DISPLAY_BOARD_TOKENS
    return tokens.get(centre.code) or tokens.get("*", "")


def _centre_or_refuse(request, code: str) -> ServiceCentre:
    centre = board_centre(code)
    if centre is None:
        raise Http404
    token = board_token(centre)
    if token and not constant_time_compare(request.GET.get("token", ""), token):
        raise PermissionDenied
    return centre


def _live_html(centre: ServiceCentre) -> str:
    """The board's live part, rendered, from the cache when another screen asked a moment ago."""
    key = f"display-board:{centre.pk}:{translation.get_language()}"
    html = cache_get(key)
    if html is None:
        now = timezone.localtime()
        today = now.date()
        board = helper_board(centre, today)
        leader = board.leader
        context = {
            "board": board,
            "leader": leader,
            "helpers": [entry for entry in board.on_duty if entry is not leader],
            "figures": board_figures((centre.pk,), today),
            "notices": board_notices(centre, today),
            "updated": now,
        }
        html = render_to_string("board/live.html", context)
        cache_set(key, html, settings.DISPLAY_BOARD_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 — our own template's output, escaped when it was rendered


@require_GET
@never_cache
def display_board(request, code: str):
    """The full-screen page: the centre's name and a clock around the live part, which htmx polls."""
    centre = _centre_or_refuse(request, code)
    token = board_token(centre)
    live_url = reverse("board-live", args=[centre.code]) + (f"?{urlencode({'token': token})}" if token else "")
    now = timezone.localtime()
    context = {
        "centre": centre,
        "live": _live_html(centre),
        "live_url": live_url,
        "refresh_seconds": settings.DISPLAY_BOARD_REFRESH_SECONDS,
        "now": now,
        # The clock shows the hall's time, whatever the TV's own clock and time zone say (static/js/board.js).
        "now_ms": int(now.timestamp() * 1000),
        "utc_offset_minutes": int(now.utcoffset().total_seconds() // 60),
    }
    return render(request, "board/page.html", context)


@require_GET
@never_cache
def display_board_live(request, code: str):
    """The live part alone, for htmx to swap in."""
    centre = _centre_or_refuse(request, code)
    return HttpResponse(_live_html(centre))
