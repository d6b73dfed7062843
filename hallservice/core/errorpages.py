"""Chinese error pages (403, 404, 500, 429 and the CSRF refusal) for staff and citizens alike.

Django's own pages are English one-liners; a citizen who follows a truncated link from a text message, or a
clerk refused an action, gets a page in the site's language and layout instead: the citizens' layout (with the
hall's phones and the elder-friendly mode of the device, 长辈模式) under /track/, the staff layout elsewhere, and
JSON under /api/. The 500 page renders without the database or the context processors (the error may be the
database), from a template that needs nothing but the request's cookies.
"""

from __future__ import annotations

import logging

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

PUBLIC_PREFIX = "/track/"
API_PREFIX = "/api/"
ELDER_COOKIE = "hall_elder"  # the citizens' switch (requests.public.views.track_mode) sets it


def _is_public(request) -> bool:
    return request.path.startswith(PUBLIC_PREFIX)


def _elder(request) -> bool:
    return request.COOKIES.get(ELDER_COOKIE) == "1"


# The citizens' layout names the hall; the kernel cannot ask the requests app, so the app hands over its lookup
# when it starts (requests/apps.py), as the calendar hooks do.
_hall_lookup = None


def register_hall_lookup(lookup) -> None:
    """Tell the error pages how to find the hall named in the citizens' layout (a callable without arguments)."""
    global _hall_lookup
    _hall_lookup = lookup


def _hall(request):
    """The hall named in the citizens' layout; None when even that cannot be read."""
    if _hall_lookup is None:
        return None
    try:
        return _hall_lookup()
    except Exception:  # noqa: BLE001 — an error page must not fail on the database
        logger.warning("error page without the hall's name", exc_info=True)
        return None


def error_page(request, template: str, *, status: int, context: dict | None = None):
    """Render an error page in the layout of the part of the site asked for."""
    public = _is_public(request)
    base = {
        "base_template": "requests/public/base_public.html" if public else "base.html",
        "public": public,
        "elder_mode": _elder(request),
        "here": request.get_full_path() if public else "/track/",
    }
    if public:
        base["hall"] = _hall(request)
    return render(request, template, {**base, **(context or {})}, status=status)


def _api(request, message: str, status: int):
    return JsonResponse({"detail": message}, status=status, json_dumps_params={"ensure_ascii": False})


@requires_csrf_token
def page_not_found(request, exception=None):
    if request.path.startswith(API_PREFIX):
        return _api(request, _("Not found."), 404)
    return error_page(request, "404.html", status=404)


@requires_csrf_token
def permission_denied(request, exception=None):
    if request.path.startswith(API_PREFIX):
        return _api(request, _("You do not have permission to do this."), 403)
    # A PermissionDenied raised by a service carries a message fit to show (hallservice.core.errors).
    reason = str(exception) if exception is not None and str(exception) else ""
    return error_page(request, "403.html", status=403, context={"reason": reason})


def csrf_failure(request, reason: str = ""):
    """CSRF_FAILURE_VIEW: the form was open too long or cookies are off — say so in Chinese, not Django's page."""
    context = {
        "reason": _("The page was open too long or cookies are blocked. Go back, reload the page and try again.")
    }
    if request.path.startswith(API_PREFIX):
        return _api(request, context["reason"], 403)
    return error_page(request, "403.html", status=403, context={**context, "csrf": True})


def server_error(request):
    """The 500 page, from a standalone template: no database, no context processors, no URL that could fail."""
    if request.path.startswith(API_PREFIX):
        return _api(request, _("Something went wrong on our side. Please try again later."), 500)
    template = loader.get_template("500.html")
    body = template.render({"elder_mode": _elder(request), "public": _is_public(request)})
    return HttpResponseServerError(body)


def too_many_requests(request, *, retry_after: int, template: str = "429.html"):
    """The 429 page of the rate limits (hallservice.core.throttle): how long to wait, with a Retry-After header."""
    minutes = max(1, -(-int(retry_after) // 60))
    response = error_page(request, template, status=429, context={"minutes": minutes})
    response["Retry-After"] = str(int(retry_after))
    return response
