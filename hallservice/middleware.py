"""Language selection: Simplified Chinese unless the user chose another language with the switch.

Django's LocaleMiddleware would follow the browser's Accept-Language, so a hall PC with an English
Windows or a visitor's phone set to English would show English pages. Here only the explicit choice (the
language cookie set by the switch in the header) counts.
"""

from django.conf import settings
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
