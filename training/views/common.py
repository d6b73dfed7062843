"""What the training pages share: the member and the centre asked for, who may manage sessions."""

from __future__ import annotations

from django.http import Http404

from hallservice.core.query_params import common_filter
from staff.selectors import centre_for


def member_of(request):
    return getattr(request.user, "staff_member", None)


def centre_of(request):
    centre = centre_for(request.user, common_filter(request, "centre") or request.POST.get("centre"))
    if centre is None:
        raise Http404
    return centre


def can_manage_sessions(user) -> bool:
    return user.has_perm("training.manage_sessions") or user.has_perm("training.add_department_session")
