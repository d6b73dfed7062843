"""The request state machine and its actions: the one place that declares what can be done with a request.

`TRANSITIONS` maps each status to the statuses it may move to. `ACTIONS` holds one `Action` per thing a user
can do with a request: its label, the states it is allowed in, the state it leads to (by default none: no
change of state), the permission it needs, the service that does it, the form that validates its input, and
the guard that says when offering it is pointless. Services check state and permission against it (`ensure_action`),
`requests.actions` offers and runs actions from it for the request page and the API, and a parametrised test
walks every (status, action) pair. A new action is one entry here, its service, its form and its API method.

Service and form are named, not imported: both modules import this one (the services check against it, the
forms use the services' choices), so `requests.actions` resolves the names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass

from django.utils.translation import gettext_lazy as _

from ..models import DeliveryMethod, ExtensionStatus, FollowUpStatus, Kind, ServiceRequest, Status, TaskStatus

S = Status

TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.APPLIED: frozenset({S.ACCEPTED, S.DEFICIENT, S.REFUSED}),
    S.DEFICIENT: frozenset({S.ACCEPTED, S.TERMINATED}),
    # accepted → delivered only for an assist with an immediate matter (result on the spot).
    S.ACCEPTED: frozenset({S.IN_PROGRESS, S.DELIVERED, S.TERMINATED}),
    S.IN_PROGRESS: frozenset({S.SUSPENDED, S.COMPLETED, S.TERMINATED}),
    S.SUSPENDED: frozenset({S.IN_PROGRESS, S.TERMINATED}),
    S.COMPLETED: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset({S.ARCHIVED}),
    S.TERMINATED: frozenset({S.ARCHIVED}),
    S.REFUSED: frozenset({S.ARCHIVED}),
    S.ARCHIVED: frozenset(),
}

NOT_ARCHIVED = frozenset(Status) - {S.ARCHIVED}
BEFORE_COMPLETION = frozenset({S.APPLIED, S.DEFICIENT, S.ACCEPTED, S.IN_PROGRESS, S.SUSPENDED})
# Accepted and not yet finished: the request is being handled against its promised deadline.
HANDLING = frozenset({S.ACCEPTED, S.IN_PROGRESS, S.SUSPENDED})
FINISHED = frozenset({S.COMPLETED, S.DELIVERED, S.TERMINATED, S.REFUSED})

HANDLE = "requests.handle_request"
PRIORITISE = "requests.prioritise_request"


def sources_of(target: Status) -> frozenset[Status]:
    """Every status the table lets move to ``target``."""
    return frozenset(status for status, targets in TRANSITIONS.items() if target in targets)


# --- Guards: conditions that make an allowed action pointless right now (the services enforce them too) ------


def always(user, req: ServiceRequest) -> bool:
    return True


def is_assist(user, req: ServiceRequest) -> bool:
    return req.kind == Kind.ASSIST


def has_parent_centre(user, req: ServiceRequest) -> bool:
    return req.centre.parent_id is not None


def deliverable(user, req: ServiceRequest) -> bool:
    if req.status == Status.ACCEPTED:
        # Delivered right after acceptance only when the result is given on the spot.
        return req.kind == Kind.ASSIST and req.matter.is_immediate
    return not hasattr(req, "delivery")


def posted(user, req: ServiceRequest) -> bool:
    delivery = getattr(req, "delivery", None)
    return delivery is not None and delivery.method == DeliveryMethod.POST


def _own_department_task_in(user, req: ServiceRequest, wanted: tuple[TaskStatus, ...]) -> bool:
    member = getattr(user, "staff_member", None)
    return member is not None and any(
        t.department_id == member.department_id and t.status in wanted for t in req.department_tasks.all()
    )


def own_task_open(user, req: ServiceRequest) -> bool:
    return _own_department_task_in(user, req, (TaskStatus.OPEN,))


def own_task_claimed(user, req: ServiceRequest) -> bool:
    return _own_department_task_in(user, req, (TaskStatus.CLAIMED, TaskStatus.BLOCKED))


def extension_pending(user, req: ServiceRequest) -> bool:
    return any(e.status == ExtensionStatus.PENDING for e in req.extensions.all())


def no_extension_pending(user, req: ServiceRequest) -> bool:
    return not extension_pending(user, req)


def not_evaluated(user, req: ServiceRequest) -> bool:
    return not hasattr(req, "evaluation")


def evaluation_needs_follow_up(user, req: ServiceRequest) -> bool:
    evaluation = getattr(req, "evaluation", None)
    return evaluation is not None and evaluation.needs_follow_up and evaluation.followed_up_at is None


def delivery_follow_up_open(user, req: ServiceRequest) -> bool:
    # Offered to the helper and duty leaders only; the service says why anyone else is refused.
    from .delivery_follow_up import may_record_follow_up

    task = getattr(req, "follow_up_task", None)
    return task is not None and task.status == FollowUpStatus.OPEN and may_record_follow_up(user, task)


def materials_reviewed_and_missing(user, req: ServiceRequest) -> bool:
    # The notice lists everything at once: every material reviewed, and something missing.
    statuses = {c.status for c in req.material_checks.all()}
    return "unchecked" not in statuses and bool(statuses & {"missing", "needs_correction"})


def material_provided(user, req: ServiceRequest) -> bool:
    # Only an accepted material can be sent back for correction; the others are already owed.
    return any(c.status == "provided" for c in req.material_checks.all())


def materials_outstanding(user, req: ServiceRequest) -> bool:
    return any(c.status != "provided" for c in req.material_checks.all())


def no_key_project(user, req: ServiceRequest) -> bool:
    return req.key_project_id is None


def may_become_urgent(user, req: ServiceRequest) -> bool:
    # A matter done on the spot has no deadline to come before (the service says so when asked anyway).
    return not req.urgent and not req.matter.is_immediate


def is_urgent(user, req: ServiceRequest) -> bool:
    return req.urgent


def summarised_and_visited(user, req: ServiceRequest) -> bool:
    # Archiving needs the summary and a finished return visit / rectification (the service refuses before).
    evaluation = getattr(req, "evaluation", None)
    stage = evaluation.rectification_stage if evaluation is not None else ""
    return hasattr(req, "summary") and stage not in ("return_visit", "rectifying")


# --- The table ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """One thing a user can do with a request, declared once for the services, the request page and the API."""

    name: str
    label: str
    allowed_in: frozenset[Status]  # any collection of statuses; kept as a frozenset
    form: str  # an ActionForm of requests.forms; its cleaned data are the service's keyword arguments
    _: KW_ONLY
    target: Status | None = None  # the status the action leads to; None: it leaves the status as it is
    permission: str = HANDLE
    guard: Callable[..., bool] = always  # (user, req): whether offering the action makes sense now
    # A function of requests.services, called with actor, request_id and the form's data; "request_<name>" if not given.
    service: str = ""
    on_child: bool = False  # the form names a task or extension and the service takes its id, not request_id
    by_applicant: bool = False  # the applicant (CITIZEN) may take it on the public pages too

    def __post_init__(self) -> None:
        object.__setattr__(self, "allowed_in", frozenset(self.allowed_in))
        if not self.service:
            object.__setattr__(self, "service", f"request_{self.name}")


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        # Intake
        Action("review_materials", _("Review materials"), {S.APPLIED, S.DEFICIENT}, "ReviewMaterialsForm"),
        Action("record_handover", _("Record material hand-over"), BEFORE_COMPLETION, "HandoverForm"),
        Action("accept", _("Accept"), sources_of(S.ACCEPTED), "AcceptForm", target=S.ACCEPTED),
        Action(
            "issue_deficiency_notice",
            _("Issue deficiency notice"),
            {S.APPLIED},
            "DeficiencyNoticeForm",
            target=S.DEFICIENT,
            guard=materials_reviewed_and_missing,
        ),
        Action("refuse", _("Refuse"), {S.APPLIED}, "RefuseForm", target=S.REFUSED),
        Action(
            "supply_materials",
            _("Record supplied materials"),
            BEFORE_COMPLETION,
            "SupplyMaterialsForm",
            guard=materials_outstanding,
        ),
        Action(
            "convert_to_agency",
            _("Convert to agency"),
            BEFORE_COMPLETION - {S.SUSPENDED},
            "ConvertToAgencyForm",
            guard=is_assist,
        ),
        Action("forward", _("Forward to the parent centre"), BEFORE_COMPLETION, "NoteForm", guard=has_parent_centre),
        # Handling
        Action("start", _("Start handling"), {S.ACCEPTED}, "NoteForm", target=S.IN_PROGRESS),
        Action("log_work", _("Add to work log"), NOT_ARCHIVED, "WorkLogForm"),
        Action("report_progress", _("Report progress to the applicant"), HANDLING, "ProgressForm"),
        Action(
            "ask_correction",
            _("Ask the applicant to correct a material"),
            {S.ACCEPTED, S.IN_PROGRESS},
            "AskCorrectionForm",
            guard=material_provided,
        ),
        Action("add_department_task", _("Ask a department to take part"), HANDLING, "DepartmentTaskForm"),
        Action(
            "claim_task",
            _("Claim our department's part"),
            HANDLING,
            "ClaimTaskForm",
            service="department_task_claim",
            permission="requests.claim_department_task",
            guard=own_task_open,
            on_child=True,
        ),
        Action(
            "finish_task",
            _("Report our department's part"),
            HANDLING,
            "FinishTaskForm",
            service="department_task_finish",
            permission="requests.claim_department_task",
            guard=own_task_claimed,
            on_child=True,
        ),
        Action(
            "record_joint_meeting",
            _("Record a joint meeting"),
            HANDLING,
            "JointMeetingForm",
            permission="requests.convene_joint_meeting",
        ),
        Action("suspend", _("Suspend"), {S.IN_PROGRESS}, "SuspendForm", target=S.SUSPENDED),
        Action("resume", _("Resume"), {S.SUSPENDED}, "NoteForm", target=S.IN_PROGRESS),
        Action(
            "request_extension",
            _("Ask for an extension"),
            HANDLING,
            "ExtensionRequestForm",
            guard=no_extension_pending,
        ),
        Action(
            "decide_extension",
            _("Decide on the extension"),
            HANDLING,
            "ExtensionDecisionForm",
            service="extension_decide",
            permission="requests.approve_extension",
            guard=extension_pending,
            on_child=True,
        ),
        Action(
            "reassign",
            _("Reassign"),
            NOT_ARCHIVED - {S.REFUSED, S.TERMINATED},
            "ReassignForm",
            permission="requests.reassign_request",
        ),
        Action(
            "link_key_project",
            _("Link to a key project"),
            NOT_ARCHIVED,
            "KeyProjectForm",
            permission="requests.manage_key_project",
            guard=no_key_project,
        ),
        # Urgent handling and priority groups (issue 18, requests/services/priority.py)
        Action(
            "mark_urgent",
            _("Mark urgent"),
            BEFORE_COMPLETION,
            "MarkUrgentForm",
            permission=PRIORITISE,
            guard=may_become_urgent,
        ),
        Action(
            "unmark_urgent",
            _("No longer urgent"),
            BEFORE_COMPLETION,
            "UnmarkUrgentForm",
            permission=PRIORITISE,
            guard=is_urgent,
        ),
        Action(
            "set_priority_groups",
            _("Change priority groups"),
            NOT_ARCHIVED,
            "PriorityGroupsForm",
            permission=PRIORITISE,
        ),
        # Closing
        Action("complete", _("Complete"), {S.IN_PROGRESS}, "CompleteForm", target=S.COMPLETED),
        Action("deliver", _("Deliver the result"), {S.ACCEPTED, S.COMPLETED}, "DeliverForm", guard=deliverable),
        Action("confirm_receipt", _("Confirm receipt"), {S.COMPLETED}, "NoteForm", target=S.DELIVERED, guard=posted),
        Action(
            "terminate",
            _("Terminate"),
            {S.DEFICIENT, S.ACCEPTED, S.IN_PROGRESS, S.SUSPENDED},
            "TerminateForm",
            target=S.TERMINATED,
        ),
        Action(
            "evaluate",
            _("Record the applicant's evaluation"),
            FINISHED - {S.REFUSED},
            "EvaluateForm",
            guard=not_evaluated,
            by_applicant=True,
        ),
        Action(
            "follow_up",
            _("Follow up the evaluation"),
            NOT_ARCHIVED,
            "FollowUpForm",
            service="evaluation_follow_up",
            permission="requests.follow_up_evaluation",
            guard=evaluation_needs_follow_up,
        ),
        Action(
            "record_follow_up",
            _("Record the follow-up after delivery"),
            {S.DELIVERED},
            "DeliveryFollowUpForm",
            guard=delivery_follow_up_open,
        ),
        Action("write_summary", _("Write the summary"), FINISHED, "SummaryForm"),
        Action(
            "archive",
            _("Archive"),
            sources_of(S.ARCHIVED),
            "EmptyForm",
            target=S.ARCHIVED,
            permission="requests.archive_request",
            guard=summarised_and_visited,
        ),
    ]
}


def transition_allowed(current: Status | str, target: Status | str) -> bool:
    return Status(target) in TRANSITIONS[Status(current)]
