"""Bad query parameters answer 400 with a message, never 500.

Two layers: every list page validates its filters through a form (``validated_filters``) and renders the 400 page
with the form's errors; and a backstop middleware refuses any GET parameter (name or value) containing a NUL byte or
another C0 control character other than tab/newline, which PostgreSQL cannot store in a text literal (psycopg raises
``ValueError``) whatever the page does with it.
"""

from __future__ import annotations

from django import forms
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

FORBIDDEN = {chr(c) for c in range(32)} - {"\t", "\n", "\r"}


def bad_query_response(request, errors: list[str]):
    """The 400 page listing what is wrong with the address's parameters."""
    base = "base.html" if request.user.is_authenticated else "requests/public/base_public.html"
    return render(request, "400.html", {"errors": errors, "base_template": base}, status=400)


def form_errors(form: forms.Form) -> list[str]:
    messages = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields and form.fields[name].label else name
        messages.extend(f"{label}: {error}" for error in errors)
    return messages


class BadQueryParametersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, values in request.GET.lists():
            if any(ch in FORBIDDEN for text in (key, *values) for ch in text):
                name = "".join(ch for ch in key if ch not in FORBIDDEN)
                message = _("Parameter “%(name)s” contains a control character.") % {"name": name}
                if request.path.startswith("/api/"):
                    # The API's answer to a bad filter: JSON with the field's error, as its own filters give.
                    return JsonResponse({name or "detail": [message]}, status=400)
                return bad_query_response(request, [message])
        return self.get_response(request)
