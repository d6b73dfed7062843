"""What the training pages share: the member, centre and month asked for, the way back."""

from __future__ import annotations

from datetime import date

from django.http import Http404
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from hallservice.core.months import month_start
from hallservice.core.query_params import common_filter
from staff.selectors import centre_for


def member_of(request):
    return getattr(request.user, "staff_member", None)


def centre_of(request):
    centre = centre_for(request.user, common_filter(request, "centre") or request.POST.get("centre"))
    if centre is None:
        raise Http404
    return centre


def month_of(request, default: date | None = None) -> date:
    """``?month=`` as YYYY-MM (or a date in it); absent means ``default`` or this month, a bad value answers 400."""
    return common_filter(request, "month") or default or month_start(timezone.localdate())


def next_url(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return default


def can_manage_sessions(user) -> bool:
    return user.has_perm("training.manage_sessions") or user.has_perm("training.add_department_session")
