"""What every request service does first: lock the row, check the actor and the state, and log an event."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hallservice.core.actors import CITIZEN, SYSTEM
from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from hallservice.core.statuses import status_move

from ..models import RequestEvent, ServiceRequest, Status
from .transitions import ACTIONS, TRANSITIONS


def lock_request(request_id: int) -> ServiceRequest:
    """Re-read the request under a row lock: two clerks must not act on one request at once.

    The lock is taken by key alone, then the row is read with its relations. Locking with the joins in the same
    query goes wrong on PostgreSQL: after waiting for a clerk who changed the helper (or the lead department),
    the re-check joins the new row to the old helper's row, finds no match and returns nothing, so the
    second action failed with DoesNotExist instead of running on the changed request. FOR NO KEY UPDATE, because
    the request's key never changes: it excludes every other service here but lets rows that refer to the request
    (events, tasks, notifications) be inserted meanwhile, so no one deadlocks on the foreign-key check.
    """
    ServiceRequest.objects.select_for_update(no_key=True).filter(pk=request_id).values_list("pk", flat=True).get()
    return ServiceRequest.objects.select_related("matter", "centre", "helper", "lead_department").get(pk=request_id)


def lock_for(actor, request_id: int, action_name: str) -> ServiceRequest:
    """The first step of an action's service: lock the request, then check the action against the locked row.

    Checked under the lock, so what the check reads (status, helper, centre) is what the service will change.
    """
    req = lock_request(request_id)
    ensure_action(actor, req, action_name)
    return req


def is_visible_to(actor, req: ServiceRequest) -> bool:
    return ServiceRequest.objects.restrict(actor).filter(pk=req.pk).exists()


def is_in_charge(actor, req: ServiceRequest) -> bool:
    """Whether the actor's centre handles the request now (not only sees it as the centre that forwarded it).

    After forwarding (转办) the receiving centre is the request's centre and the only one that acts; the
    centre that registered and forwarded it keeps a read-only trace through ``origin_centre`` (see
    ``ServiceRequestQuerySet.centre_path``), so every service refuses its staff. Admins act everywhere.
    """
    return ServiceRequest.objects.restrict(actor, via="centre").filter(pk=req.pk).exists()


def ensure_in_charge(actor, req: ServiceRequest) -> None:
    """Refuse (403) an actor whose centre forwarded the request and so only keeps a read-only trace of it."""
    if actor is not SYSTEM and not is_in_charge(actor, req):
        raise PermissionDenied(
            _("Request %(number)s was forwarded to %(centre)s; only %(centre)s can act on it now.")
            % {"number": req.number, "centre": req.centre.name}
        )


def ensure_not_archived(req: ServiceRequest) -> None:
    """An archived request and everything under it (evaluation, appeal, follow-up) are read-only (409)."""
    if req.status == Status.ARCHIVED:
        raise TransitionNotAllowed(
            _("Request %(number)s is archived and can no longer change.") % {"number": req.number}
        )


def ensure_action(actor, req: ServiceRequest, action_name: str) -> None:
    """Refuse an action the actor may not take (403) or that the request's state does not allow (409)."""
    action = ACTIONS[action_name]
    if actor is CITIZEN:
        # The applicant has no permissions, only the few steps that are theirs (rating the handed-over result).
        if not action.by_applicant:
            raise PermissionDenied(_("You may not do this with request %(number)s.") % {"number": req.number})
    elif actor is not SYSTEM:
        ensure_may_act(actor, req, permission=action.permission)
    ensure_not_archived(req)
    if req.status not in action.allowed_in:
        raise TransitionNotAllowed(
            _("“%(action)s” is not possible while the request is “%(status)s”.")
            % {"action": action.label, "status": Status(req.status).label}
        )


def ensure_may_act(actor, req: ServiceRequest, *, permission: str) -> None:
    """403 unless the actor has the permission and their centre is in charge of the request.

    One query on the usual path: a centre in charge also sees the request. Only when it is not in charge is
    visibility asked, to tell the forwarding centre why it may no longer act.
    """
    if not actor.has_perm(permission):
        raise PermissionDenied(_("You may not do this with request %(number)s.") % {"number": req.number})
    if is_in_charge(actor, req):
        return
    if is_visible_to(actor, req):
        ensure_in_charge(actor, req)
    raise PermissionDenied(_("You may not do this with request %(number)s.") % {"number": req.number})


# The 409 of a move the table forbids; a module constant, translated when it is shown.
CANNOT_BECOME = gettext_lazy("A request that is “%(current)s” cannot become “%(target)s”.")


def move(
    req: ServiceRequest, target: Status, *, actor, verb: str, note: str = "", fields: tuple[str, ...] = ()
) -> Status:
    """Change the status after checking the table and write the change's public event; returns the previous status.

    Every change of a request's status is told to the applicant: the event is public and says from and to.
    """
    previous = status_move(req, target, transitions=TRANSITIONS, refusal=CANNOT_BECOME, fields=fields)
    record_event(req, actor=actor, verb=verb, public=True, from_status=previous, to_status=target, note=note)
    return previous


def record_event(req: ServiceRequest, *, actor, verb: str, **fields) -> RequestEvent:
    """One row of the request's history; ``fields``: note, public, from_status, to_status."""
    return RequestEvent.record(request=req, actor=actor, verb=verb, **fields)


def with_note(text: str, note: str) -> str:
    """An event's text followed by the clerk's own note, when they wrote one."""
    return f"{text} {note.strip()}".strip()


def require(value, message: str, *, field: str) -> None:
    """A required input of a service is empty: refuse with a field error."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise DomainError(message, field=field)
