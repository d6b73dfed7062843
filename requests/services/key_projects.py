"""Key projects (重点项目代办, seed 000 三.4): created by the hall, their agent designated by a bureau leader.

"对纳入市委、市政府重点工程项目，由市行政审批服务局根据业务类别，从带班人员中为每个项目指定一名代办员，负责该项目全程
代办。" A duty leader or supervisor records the project; only a bureau leader (the bureau's ``designate`` permission)
names its agent, and names a new one the same way. The agent is the dedicated helper of the project's requests
(全程代办): a request linked to the project, and every request of it not yet handed over when the agent changes,
moves to the agent with an assignment and a public event, so the applicant is told as on any change of helper.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from hallservice.core.errors import DomainError, PermissionDenied
from hallservice.core.text_limits import check_lengths
from staff.access import ensure_perm, staff_of
from staff.models import StaffKind, StaffMember

from ..models import (
    INTAKE_STATUSES,
    OPEN_STATUSES,
    Assignment,
    KeyProject,
    KeyProjectEvent,
    KeyProjectVerb,
    ServiceRequest,
    Status,
)
from ..selectors import key_projects_linkable
from .base import lock_for, lock_request, record_event, require
from .handling import helper_change

# A project's requests that follow its agent: every one not yet handed over to the applicant.
FOLLOWING_STATUSES = (*INTAKE_STATUSES, *OPEN_STATUSES, Status.COMPLETED)


@transaction.atomic
def key_project_create(
    *, actor, name: str, enterprise: str = "", level: str = "", description: str = ""
) -> KeyProject:
    """Record a key project; its agent is designated afterwards by a bureau leader (seed 000 三.4 "指定一名代办员")."""
    ensure_perm(actor, "requests.manage_key_project", _("You may not manage key projects."))
    member = staff_of(actor)
    require(name, _("Enter the project's name."), field="name")
    values = {
        "name": name.strip(),
        "enterprise": enterprise.strip(),
        "level": level.strip(),
        "description": description.strip(),
    }
    check_lengths(KeyProject, **values)
    project = KeyProject.objects.create(centre=member.centre, **values)
    KeyProjectEvent.record(project=project, verb=KeyProjectVerb.CREATED, actor=actor, note=project.name)
    return project


def designatable_agents(*, project: KeyProject):
    """Who may be designated: the active duty leaders (带班人员) of the project's centre."""
    return StaffMember.objects.active().filter(centre_id=project.centre_id, kind=StaffKind.DUTY_LEADER)


@transaction.atomic
def key_project_designate_agent(*, actor, project_id: int, agent_id: int, reason: str = "") -> KeyProject:
    """A bureau leader designates the project's agent, or a new one (局领导指定, seed 000 三.4).

    The same action serves the first designation and every later one. The requests of the project not yet
    handed over move to the new agent (全程代办), each with an assignment and a public event that tells the
    applicant who their dedicated helper is now; one ``KeyProjectEvent`` says who designated whom, instead of whom.
    """
    ensure_perm(
        actor, "requests.designate_key_project_agent", _("Only a bureau leader may designate a key project's agent.")
    )
    # Visibility first, then the lock by key alone: for some roles restrict() joins the centre's parent with an
    # outer join, and PostgreSQL refuses FOR UPDATE on the nullable side of one.
    if not KeyProject.objects.restrict(actor).filter(pk=project_id).exists():
        raise PermissionDenied(_("This key project is not yours to see."))
    project = KeyProject.objects.select_for_update(of=("self",)).get(pk=project_id)
    agent = designatable_agents(project=project).filter(pk=agent_id).first() if agent_id else None
    if agent is None:
        raise DomainError(
            _("The agent of a key project must be an active duty leader of the project's centre."), field="agent"
        )
    previous = project.agent
    if previous is not None and previous.pk == agent.pk:
        raise DomainError(_("%(name)s is already the agent of this project.") % {"name": agent.name}, field="agent")
    reason = reason.strip()
    if previous is not None:
        require(reason, _("Give the reason for the change; the applicants will be told."), field="reason")
    check_lengths(Assignment, reason=reason)
    project.agent = agent
    project.save(update_fields=["agent"])
    moved = _requests_follow_agent(
        project, actor=actor, reason=reason or _("Agent of key project “%(name)s”") % {"name": project.name}
    )
    KeyProjectEvent.record(
        project=project,
        verb=KeyProjectVerb.AGENT_REDESIGNATED if previous else KeyProjectVerb.AGENT_DESIGNATED,
        actor=actor,
        agent=agent,
        previous_agent=previous,
        requests_moved=moved,
        note=reason,
    )
    return project


def _requests_follow_agent(project: KeyProject, *, actor, reason: str) -> int:
    """Make the agent the dedicated helper of the project's requests not yet handed over; returns how many moved.

    A request of a centre the agent does not work for (a town's request linked to the district's project) keeps
    its helper: a helper acts only on requests of their centre.
    """
    ids = (
        ServiceRequest.objects.filter(key_project=project, status__in=FOLLOWING_STATUSES)
        .exclude(helper_id=project.agent_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    moved = 0
    for request_id in ids:
        # Locked one by one in key order, as every service locks a request.
        req = lock_request(request_id)
        if req.status not in FOLLOWING_STATUSES or project.agent.centre_id not in (
            req.centre_id,
            req.origin_centre_id,
        ):
            continue
        helper_change(req, project.agent, actor=actor, reason=reason)
        moved += 1
    return moved


@transaction.atomic
def request_link_key_project(*, actor, request_id: int, key_project_id: int) -> ServiceRequest:
    """Link a request to a key project; the project's agent becomes its dedicated helper (全程代办, seed 000 三.4)."""
    req = lock_for(actor, request_id, "link_key_project")
    project = key_projects_linkable(actor=actor, centre=req.centre).filter(pk=key_project_id).first()
    if project is None:
        # Unknown, or of another district / a centre not above the request's: refused alike (nothing changes).
        raise DomainError(
            _("Choose a key project of this request's centre or of a centre above it in its district."),
            field="key_project_id",
        )
    req.key_project = project
    req.save(update_fields=["key_project", "updated_at"])
    record_event(req, actor=actor, verb="key_project_linked", note=project.name)
    agent = project.agent
    # Only a request not yet handed over follows the agent, as when the agent changes: a delivered, refused or
    # terminated request keeps the helper who carried it, and its applicant is not told of a new one.
    if (
        agent is not None
        and req.status in FOLLOWING_STATUSES
        and agent.pk != req.helper_id
        and agent.centre_id in (req.centre_id, req.origin_centre_id)
    ):
        helper_change(req, agent, actor=actor, reason=_("Agent of key project “%(name)s”") % {"name": project.name})
    return req
