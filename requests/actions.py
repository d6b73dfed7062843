"""One dispatcher for request actions, used by the HTML views and the API alike.

`allowed_actions(user, req)` lists what this user can do with this request now (state, permission and the
few extra conditions that make an action pointless, e.g. confirming receipt when nothing was posted);
`perform_action(name, …)` validates nothing itself — the form did — and calls the one service that decides.
"""

from __future__ import annotations

from collections.abc import Callable

from staff.roles import user_has_role

from . import services as svc
from .forms import ACTION_FORMS
from .models import DeliveryMethod, ExtensionStatus, Kind, ServiceRequest, Status, TaskStatus
from .services.base import ensure_action, is_in_charge
from .services.transitions import ACTIONS, Action

SERVICES: dict[str, Callable] = {
    "review_materials": svc.request_review_materials,
    "record_handover": svc.request_record_handover,
    "accept": svc.request_accept,
    "issue_deficiency_notice": svc.request_issue_deficiency_notice,
    "refuse": svc.request_refuse,
    "supply_materials": svc.request_supply_materials,
    "convert_to_agency": svc.request_convert_to_agency,
    "forward": svc.request_forward,
    "start": svc.request_start,
    "log_work": svc.request_log_work,
    "report_progress": svc.request_report_progress,
    "add_department_task": svc.request_add_department_task,
    "record_joint_meeting": svc.request_record_joint_meeting,
    "suspend": svc.request_suspend,
    "resume": svc.request_resume,
    "request_extension": svc.request_request_extension,
    "reassign": svc.request_reassign,
    "link_key_project": svc.request_link_key_project,
    "complete": svc.request_complete,
    "deliver": svc.request_deliver,
    "confirm_receipt": svc.request_confirm_receipt,
    "terminate": svc.request_terminate,
    "evaluate": svc.request_evaluate,
    "follow_up": svc.evaluation_follow_up,
    "write_summary": svc.request_write_summary,
    "archive": svc.request_archive,
}

# Actions on a child row of the request: the form names the row; the service does not take request_id.
CHILD_SERVICES: dict[str, Callable] = {
    "claim_task": svc.department_task_claim,
    "finish_task": svc.department_task_finish,
    "decide_extension": svc.extension_decide,
}


def check_action(name: str, *, actor, req: ServiceRequest) -> None:
    """Refuse early — before reading any input — what the actor may not do (403) or the state forbids (409).

    The service checks again under its row lock; this only gives the answer a caller expects first.
    """
    ensure_action(actor, req, name)


def perform_action(name: str, *, actor, req: ServiceRequest, form):
    """Call the service of action ``name`` with a validated form's data."""
    data = form.service_kwargs() if hasattr(form, "service_kwargs") else dict(form.cleaned_data)
    if name in CHILD_SERVICES:
        return CHILD_SERVICES[name](actor=actor, **data)
    return SERVICES[name](actor=actor, request_id=req.pk, **data)


def _worth_offering(name: str, user, req: ServiceRequest) -> bool:
    """Extra conditions that make an allowed action pointless right now (services enforce them too)."""
    if name == "convert_to_agency":
        return req.kind == Kind.ASSIST
    if name == "forward":
        return req.centre.parent_id is not None
    if name == "deliver":
        if req.status == Status.ACCEPTED:
            return req.kind == Kind.ASSIST and req.matter.is_immediate
        return not hasattr(req, "delivery")
    if name == "confirm_receipt":
        delivery = getattr(req, "delivery", None)
        return delivery is not None and delivery.method == DeliveryMethod.POST
    if name in ("claim_task", "finish_task"):
        member = getattr(user, "staff_member", None)
        wanted = (TaskStatus.OPEN,) if name == "claim_task" else (TaskStatus.CLAIMED, TaskStatus.BLOCKED)
        return member is not None and any(
            t.department_id == member.department_id and t.status in wanted for t in req.department_tasks.all()
        )
    if name == "decide_extension":
        return any(e.status == ExtensionStatus.PENDING for e in req.extensions.all())
    if name == "request_extension":
        return not any(e.status == ExtensionStatus.PENDING for e in req.extensions.all())
    if name == "evaluate":
        return not hasattr(req, "evaluation")
    if name == "follow_up":
        evaluation = getattr(req, "evaluation", None)
        return evaluation is not None and evaluation.needs_follow_up and evaluation.followed_up_at is None
    if name == "issue_deficiency_notice":
        # The notice lists everything at once: every material reviewed, and something missing.
        statuses = {c.status for c in req.material_checks.all()}
        return "unchecked" not in statuses and bool(statuses & {"missing", "needs_correction"})
    if name == "supply_materials":
        return any(c.status != "provided" for c in req.material_checks.all())
    if name == "link_key_project":
        return req.key_project_id is None
    if name == "archive":
        # Archiving needs the summary and a finished return visit / rectification (the service refuses before).
        evaluation = getattr(req, "evaluation", None)
        stage = evaluation.rectification_stage if evaluation is not None else ""
        return hasattr(req, "summary") and stage not in ("return_visit", "rectifying")
    return True


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
        for name, action in ACTIONS.items()
        if req.status in action.allowed_in and user.has_perm(action.permission) and _worth_offering(name, user, req)
    ]


def can_see_personal_data(user, req: ServiceRequest) -> bool:
    """Unmasked ID number, phone and address: the dedicated helper and supervisors (on the detail page only)."""
    if user.is_superuser:
        return True
    member = getattr(user, "staff_member", None)
    if member is not None and member.pk == req.helper_id:
        return True
    return user.has_perm("requests.view_personal_data") and user_has_role(user, "supervisor")


__all__ = ["ACTION_FORMS", "allowed_actions", "can_see_personal_data", "check_action", "perform_action"]
