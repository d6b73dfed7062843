"""One way for an HTML view to call a service and show its error.

The mapping is the API's (``hallservice.core.api.exception_handler``), told as a page: a ``DomainError`` is a
400 with its message on the form (on the field it names) or in the messages, a ``TransitionNotAllowed`` a 409
with its message, ``PermissionDenied`` a 403 with its message, and a row the service could not find a 404.
The view decides what page to draw with the status it gets back; htmx handling stays in the view.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .errors import DomainError, PermissionDenied, TransitionNotAllowed

__all__ = ["attach_error", "attempt", "next_url", "retry_button", "staff_page", "submit"]

T = TypeVar("T")


def staff_page(permission: str, *, methods: Sequence[str] | None = ("GET",)):
    """A staff page that needs ``permission``: someone not logged in goes to the login page, a logged-in user
    without the permission gets a 403 (another login page would not help them), and a method outside ``methods``
    a 405 (``None``: any method, for a page that answers its own form)."""

    def decorate(view):
        if methods is not None:
            view = require_http_methods(list(methods))(view)
        return login_required(permission_required(permission, raise_exception=True)(view))

    return decorate


def attach_error(form, exc: Exception) -> None:
    """A service's error goes on the field it names (or its ``<field>_id`` input), else on the whole form.

    ``exc`` may be any exception with a message (a ``PermissionDenied`` has no field: it lands on the form).
    """
    field = getattr(exc, "field", None)
    if field and f"{field}_id" in form.fields:
        field = f"{field}_id"
    if field not in form.fields:
        field = None
    if not hasattr(form, "cleaned_data"):
        # An unbound or not yet validated form has no cleaned_data, which add_error needs.
        form.cleaned_data = {}
    form.add_error(field, str(exc))


def _names_an_input(form, exc: Exception) -> bool:
    field = getattr(exc, "field", None)
    return bool(field) and (field in form.fields or f"{field}_id" in form.fields)


def attempt(
    request,
    call: Callable[[], T],
    form=None,
    *,
    refused: str | None = None,
    conflict_on_form: bool = False,
) -> tuple[T | None, int]:
    """Run a service. Returns (result, HTTP status): 200, or 400 / 403 / 409 with the error shown to the user.

    A ``DomainError`` lands on ``form`` when there is one, else in the messages; ``conflict_on_form`` puts a
    ``TransitionNotAllowed`` on the form as well (a form whose whole input the state refuses, e.g. registering
    a consultation that has already become a request), and so does a conflict that names one of the form's
    inputs (e.g. a hand-over in person before the form to sign is printed: the answer belongs beside the
    delivery method, where the clerk looks). ``refused`` is the message of a ``PermissionDenied``
    raised without one. A row the service looks up and does not find answers 404, as a lookup in the view does.
    """
    try:
        return call(), 200
    except TransitionNotAllowed as exc:
        if form is not None and (conflict_on_form or _names_an_input(form, exc)):
            attach_error(form, exc)
        else:
            messages.error(request, str(exc))
        return None, 409
    except DomainError as exc:
        if form is not None:
            attach_error(form, exc)
        else:
            messages.error(request, str(exc))
        return None, 400
    except PermissionDenied as exc:
        messages.error(request, str(exc) or refused or _("You may not do this."))
        return None, 403
    except ObjectDoesNotExist as exc:
        raise Http404(str(exc)) from exc


def submit(
    request,
    form,
    call: Callable[[dict], T],
    *,
    success: str | Callable[[T], str],
    to: str | Callable[[T], object] | None = None,
) -> tuple[HttpResponse | None, int]:
    """A POST form's round trip: validate ``form``, run ``call(cleaned_data)`` through ``attempt``, and on
    success show ``success`` and redirect to ``to`` (the result itself when None; either may be a function of the
    result). Returns (the redirect, 200), or (None, status) for the view to draw its page again with that status:
    200 on a GET or with no form, 400 on an invalid form, the service's error status otherwise.
    """
    if request.method != "POST" or form is None:
        return None, 200
    if not form.is_valid():
        return None, 400
    result, status = attempt(request, lambda: call(form.cleaned_data), form)
    if result is None:
        return None, status
    messages.success(request, success(result) if callable(success) else success)
    target = result if to is None else to(result) if callable(to) else to
    return redirect(target), status


def retry_button(
    request, retry: Callable[[int], T], *, choose: str, back: str, to: Callable[[T], object]
) -> HttpResponse:
    """The retry button of a failed background job: a POST whose field ``retry`` is the job's id.

    ``retry(id)`` is the service that queues the job again. An id that is not a number is a 400 saying ``choose``;
    the service's refusal (not failed, not the user's) goes to the messages and back to ``back``; the job queued
    again goes to ``to(job)``.
    """
    try:
        job = retry(int(request.POST["retry"]))
    except ValueError:
        return HttpResponseBadRequest(choose)
    except (DomainError, PermissionDenied) as exc:
        messages.error(request, str(exc))
        return redirect(back)
    return redirect(to(job))


def next_url(request, default: str) -> str:
    """Where a POST form asks to go back to (field ``next``), if it is a page of this site (no open redirect)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return default
