"""What the training pages share: running a service with its errors shown, the centre and month asked for."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from django.contrib import messages
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from hallservice.core.query_params import common_filter

from .. import selectors
from ..exports import XLSX


def attach_error(form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    if not hasattr(form, "cleaned_data"):
        form.cleaned_data = {}
    form.add_error(field, str(exc))


def attempt(request, call, form=None):
    """Run a service. Returns (result, HTTP status); its errors land on the form or in the messages."""
    try:
        return call(), 200
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
        return None, 409
    except DomainError as exc:
        if form is not None:
            attach_error(form, exc)
        else:
            messages.error(request, str(exc))
        return None, 400
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do this."))
        return None, 403


def member_of(request):
    return getattr(request.user, "staff_member", None)


def centre_of(request):
    centre = selectors.centre_for(request.user, common_filter(request, "centre") or request.POST.get("centre"))
    if centre is None:
        raise Http404
    return centre


def month_of(request, default: date | None = None) -> date:
    """``?month=`` as YYYY-MM (or a date in it); absent means ``default`` or this month, a bad value answers 400."""
    return common_filter(request, "month") or default or selectors.month_start(timezone.localdate())


def xlsx_response(content: bytes, name: str) -> FileResponse:
    return FileResponse(BytesIO(content), as_attachment=True, filename=name, content_type=XLSX)


def next_url(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return default


def can_manage_sessions(user) -> bool:
    return user.has_perm("training.manage_sessions") or user.has_perm("training.add_department_session")
