"""What the training pages share: the member and the centre asked for, a month page's context, who may manage
sessions, and the round trip of a small form posted from a detail page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404

from hallservice.core.month_pages import month_page_context
from hallservice.core.query_params import common_filter
from hallservice.core.web import attempt
from staff.selectors import centre_for, visible_centres


def member_of(request):
    return getattr(request.user, "staff_member", None)


def centre_of(request):
    centre = centre_for(request.user, common_filter(request, "centre") or request.POST.get("centre"))
    if centre is None:
        raise Http404
    return centre


def month_context(request, centre, month) -> dict:
    """A training month page's heading and pager; the centre picker keeps the month."""
    return {
        **month_page_context(centre=centre, centres=visible_centres(request.user), month=month),
        "keep": [("month", f"{month:%Y-%m}")],
    }


def can_manage_sessions(user) -> bool:
    return user.has_perm("training.manage_sessions") or user.has_perm("training.add_department_session")


def act_on_form(request, form, call, *, invalid: str, success=None):
    """A small form posted from a detail page, which redirects back whatever happens: ``invalid`` goes in the
    messages when the form does not validate; otherwise ``call(cleaned_data)`` runs through ``attempt`` and
    ``success`` (a text or a function of the result) goes in the messages once it is done. Returns the result,
    or None when the form or the service refused."""
    if not form.is_valid():
        messages.error(request, invalid)
        return None
    done, _status = attempt(request, lambda: call(form.cleaned_data))
    if done is not None and success is not None:
        messages.success(request, success(done) if callable(success) else success)
    return done
