"""Bad query parameters answer 400 with a message, never 500.

Two layers: every list page validates its filters through a form (``validated_filters``) and renders the 400 page
with the form's errors (or, for the filters some pages read in helpers — ``centre``, ``month``, ``day`` — raises
``BadQueryParameters``, which the middleware turns into the same 400 page); and a backstop middleware refuses any GET parameter (name or value) containing a NUL byte or
another C0 control character other than tab/newline, which PostgreSQL cannot store in a text literal (psycopg raises
``ValueError``) whatever the page does with it.
"""

from __future__ import annotations

from datetime import date, datetime

from django import forms
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.settings import api_settings

from .months import month_start

MAX_ID = 2**31 - 1


class BadQueryParameters(Exception):
    """Raised by a page's filter helpers for a value it cannot use; answered by ``BadQueryParametersMiddleware``."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


class MonthInput(forms.TextInput):
    """An ``<input type=month>``; a browser without a month picker shows a text box with the format as its hint."""

    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__({"placeholder": "YYYY-MM", **(attrs or {})})


class MonthField(forms.Field):
    """A month as ``YYYY-MM`` (a whole date ``YYYY-MM-DD`` is accepted and means its month); cleaned to day 1."""

    widget = MonthInput

    default_error_messages = {"invalid": gettext_lazy("Enter a month as YYYY-MM.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        for fmt in ("%Y-%m", "%Y-%m-%d"):
            try:
                return month_start(datetime.strptime(str(value).strip(), fmt).date())
            except ValueError:
                continue
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class CommonFilterForm(forms.Form):
    """The filters several pages read in helpers rather than in their own form: an empty value means the default
    (the user's own centre, this month, today); a value given but unusable answers 400."""

    centre = forms.IntegerField(label=gettext_lazy("Centre"), required=False, min_value=1, max_value=MAX_ID)
    month = MonthField(label=gettext_lazy("Month"), required=False)
    day = forms.DateField(label=gettext_lazy("Day"), required=False, input_formats=["%Y-%m-%d"])

    def clean_month(self):
        return _within_years(self.cleaned_data["month"])

    def clean_day(self):
        return _within_years(self.cleaned_data["day"])


# The days and months a page is asked about: year 1 or 9999 overflow the arithmetic around them (the month before, four
# weeks back) and mean nothing to a hall.
FIRST_YEAR, LAST_YEAR = 2000, 2099


def _within_years(value: date | None) -> date | None:
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise forms.ValidationError(
            _("Choose a date from %(first)d to %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR}, code="range"
        )
    return value


def validated(form_class, data, **kwargs) -> dict:
    """The cleaned data of ``form_class`` bound to ``data``, or ``BadQueryParameters`` with its errors."""
    form = form_class(data, **kwargs)
    if not form.is_valid():
        raise BadQueryParameters(form_errors(form))
    return form.cleaned_data


def common_filter(request, name: str):
    """One of ``centre``/``month``/``day`` from the address, validated (None when absent)."""
    return validated(CommonFilterForm, {name: request.GET.get(name, "")})[name]


def month_asked(request, default: date | None = None) -> date:
    """``?month=`` as YYYY-MM (or a date in it); absent means ``default`` or this month, a bad value answers 400."""
    return common_filter(request, "month") or default or month_start(timezone.localdate())


FORBIDDEN = {chr(c) for c in range(32)} - {"\t", "\n", "\r"}


def bad_query_response(request, errors: list[str]):
    """The 400 page listing what is wrong with the address's parameters. An htmx partial request (a polling
    fragment, a live search) gets the message with 200, because htmx swaps nothing for an error status."""
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        return render(request, "partials/bad_query.html", {"errors": errors}, status=200)
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
                    # The API's answer to a bad filter: JSON with the field's error, as its own filters give; a name
                    # made only of control characters names no field, so it is an error of the input as a whole.
                    return JsonResponse({name or api_settings.NON_FIELD_ERRORS_KEY: [message]}, status=400)
                return bad_query_response(request, [message])
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, BadQueryParameters):
            return bad_query_response(request, exception.errors)
        return None
