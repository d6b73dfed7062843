"""One dispatcher for request actions, used by the HTML views and the API alike, driven by the table.

`allowed_actions(user, req)` lists what this user can do with this request now (state, permission and the
action's guard, e.g. confirming receipt only when something was posted); `action_form(name, …)` builds the
action's form; `perform_action(name, …)` validates nothing itself — the form did — and calls the one service
that decides. All three read `requests.services.transitions.ACTIONS`.
"""

from __future__ import annotations

from collections.abc import Callable

from staff.roles import user_has_role

from . import forms
from . import services as svc
from .models import ServiceRequest, Status
from .services.base import ensure_action, is_in_charge
from .services.transitions import ACTIONS, Action


def action_service(name: str) -> Callable:
    """The service function the table names for action ``name``."""
    return getattr(svc, ACTIONS[name].service)


def action_form_class(name: str) -> type[forms.ActionForm]:
    """The form class the table names for action ``name``."""
    return getattr(forms, ACTIONS[name].form)


def action_form(name: str, *, req: ServiceRequest, user, data=None, **kwargs) -> forms.ActionForm:
    """The form of action ``name`` for this request and user, bound to ``data`` when given."""
    return action_form_class(name)(data, req=req, user=user, **kwargs)


def check_action(name: str, *, actor, req: ServiceRequest) -> None:
    """Refuse early — before reading any input — what the actor may not do (403) or the state forbids (409).

    The service checks again under its row lock; this only gives the answer a caller expects first.
    """
    ensure_action(actor, req, name)


def perform_action(name: str, *, actor, req: ServiceRequest, form):
    """Call the service of action ``name`` with a validated form's data."""
    data = form.service_kwargs() if hasattr(form, "service_kwargs") else dict(form.cleaned_data)
    if ACTIONS[name].on_child:
        return action_service(name)(actor=actor, **data)
    return action_service(name)(actor=actor, request_id=req.pk, **data)


def in_charge(user, req: ServiceRequest) -> bool:
    """Whether the user's centre acts on a request it can see: not when it forwarded it on (read-only trace).

    For a request never forwarded, seeing it is being in charge of it, so no query is needed.
    """
    return req.centre_id == req.origin_centre_id or is_in_charge(user, req)


def allowed_actions(user, req: ServiceRequest) -> list[Action]:
    """The actions this user may take on this request now, in the order of the table."""
    if req.status == Status.ARCHIVED or not user.is_authenticated or not in_charge(user, req):
        return []
    return [
        action
        for action in ACTIONS.values()
        if req.status in action.allowed_in and user.has_perm(action.permission) and action.guard(user, req)
    ]


def can_see_personal_data(user, req: ServiceRequest) -> bool:
    """Unmasked ID number, phone and address: the dedicated helper and supervisors (on the detail page only)."""
    if user.is_superuser:
        return True
    member = getattr(user, "staff_member", None)
    if member is not None and member.pk == req.helper_id:
        return True
    return user.has_perm("requests.view_personal_data") and user_has_role(user, "supervisor")
