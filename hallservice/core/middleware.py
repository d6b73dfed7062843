"""Language selection: Simplified Chinese unless the user chose another language with the switch.

Django's LocaleMiddleware would follow the browser's Accept-Language, so a hall PC with an English
Windows or a visitor's phone set to English would show English pages. Here only the explicit choice (the
language cookie set by the switch in the header) counts.
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        translation.deactivate()
        return response


class SecurityHeadersMiddleware:
    """Content-Security-Policy, Permissions-Policy and Cross-Origin-Resource-Policy on every response.

    Django 5.2 has no CSP of its own (6.0 does) and django-csp's nonces are not needed: no page carries an inline
    script, style element or event handler (behaviour lives in static/js/), so one fixed policy from
    settings.CONTENT_SECURITY_POLICY fits every page, the admin and the Swagger UI alike. The other headers
    (nosniff, Referrer-Policy, COOP, X-Frame-Options) come from Django's SecurityMiddleware and settings.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        content_type = response.headers.get("Content-Type", "")
        # PDFs open in the browser's own viewer, which a policy on the PDF response can only break; they run
        # no page script. In DEBUG, 404 and 500 are Django's technical pages, made of inline styles and scripts.
        exempt = content_type.startswith("application/pdf") or (settings.DEBUG and response.status_code in (404, 500))
        if not exempt:
            response.headers.setdefault("Content-Security-Policy", content_security_policy())
        response.headers.setdefault("Permissions-Policy", ", ".join(f"{f}=()" for f in settings.PERMISSIONS_POLICY))
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


def content_security_policy() -> str:
    return "; ".join(
        f"{directive} {' '.join(sources)}" for directive, sources in settings.CONTENT_SECURITY_POLICY.items()
    )


class IdleSessionTimeoutMiddleware:
    """Logs a signed-in user out after SESSION_IDLE_TIMEOUT seconds without a request (default 30 minutes).

    A counter PC left signed in is the risk: the session's last request time is kept in the session, written at
    most once a minute (so a busy clerk's session is not saved on every request). The absolute limit stays: a
    session is ended SESSION_COOKIE_AGE (10 hours) after it was first seen signed in, however active, since the
    minute-by-minute saves would otherwise push Django's own expiry forward for ever. After a logout the request
    goes on as anonymous: staff pages send the browser to the login page, which says why (an htmx request gets
    HX-Redirect to it); the citizens' pages, which need no login, are served as they are.
    """

    LAST_SEEN = "_idle_last_seen"
    STARTED = "_idle_started"
    TIMED_OUT = "_idle_timed_out"  # read (and removed) by the login page

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            last_seen = session.get(self.LAST_SEEN, now)
            started = session.get(self.STARTED, now)
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT or now - started > settings.SESSION_COOKIE_AGE:
                logout(request)
                request.session[self.TIMED_OUT] = True
                if request.headers.get("HX-Request") == "true":
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
                    return response
            elif self.LAST_SEEN not in session or now - last_seen >= 60:
                session[self.LAST_SEEN] = now
                session.setdefault(self.STARTED, now)
        return self.get_response(request)
