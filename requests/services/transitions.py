"""The request state machine — the one place that says which state may follow which.

`TRANSITIONS` maps each status to the statuses it may move to. `ACTIONS` names every action a user can take
on a request, the states it is allowed in, the state it leads to (None: no change of state) and the
permission it needs. Services check both, templates and the API use `allowed_actions()` to offer only what
is possible now, and a parametrised test walks every (status, action) pair.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ..models import Status

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
HANDLING = frozenset({S.ACCEPTED, S.IN_PROGRESS, S.SUSPENDED})
FINISHED = frozenset({S.COMPLETED, S.DELIVERED, S.TERMINATED, S.REFUSED})

HANDLE = "requests.handle_request"


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    allowed_in: frozenset[Status]
    target: Status | None
    permission: str


def _transition(name, label, target, permission=HANDLE) -> Action:
    sources = frozenset(status for status, targets in TRANSITIONS.items() if target in targets)
    return Action(name, label, sources, target, permission)


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        # Intake
        Action("review_materials", _("Review materials"), frozenset({S.APPLIED, S.DEFICIENT}), None, HANDLE),
        Action("record_handover", _("Record material hand-over"), BEFORE_COMPLETION, None, HANDLE),
        _transition("accept", _("Accept"), S.ACCEPTED),
        Action("issue_deficiency_notice", _("Issue deficiency notice"), frozenset({S.APPLIED}), S.DEFICIENT, HANDLE),
        Action("refuse", _("Refuse"), frozenset({S.APPLIED}), S.REFUSED, HANDLE),
        Action("supply_materials", _("Record supplied materials"), BEFORE_COMPLETION, None, HANDLE),
        Action("convert_to_agency", _("Convert to agency"), BEFORE_COMPLETION - {S.SUSPENDED}, None, HANDLE),
        Action("forward", _("Forward to the parent centre"), BEFORE_COMPLETION, None, HANDLE),
        # Handling
        Action("start", _("Start handling"), frozenset({S.ACCEPTED}), S.IN_PROGRESS, HANDLE),
        Action("log_work", _("Add to work log"), NOT_ARCHIVED, None, HANDLE),
        Action("report_progress", _("Report progress to the applicant"), HANDLING, None, HANDLE),
        Action("add_department_task", _("Ask a department to take part"), HANDLING, None, HANDLE),
        Action("claim_task", _("Claim our department's part"), HANDLING, None, "requests.claim_department_task"),
        Action("finish_task", _("Report our department's part"), HANDLING, None, "requests.claim_department_task"),
        Action("record_joint_meeting", _("Record a joint meeting"), HANDLING, None, "requests.convene_joint_meeting"),
        Action("suspend", _("Suspend"), frozenset({S.IN_PROGRESS}), S.SUSPENDED, HANDLE),
        Action("resume", _("Resume"), frozenset({S.SUSPENDED}), S.IN_PROGRESS, HANDLE),
        Action("request_extension", _("Ask for an extension"), HANDLING, None, HANDLE),
        Action("decide_extension", _("Decide on the extension"), HANDLING, None, "requests.approve_extension"),
        Action("reassign", _("Reassign"), NOT_ARCHIVED - {S.REFUSED, S.TERMINATED}, None, "requests.reassign_request"),
        Action("link_key_project", _("Link to a key project"), NOT_ARCHIVED, None, "requests.manage_key_project"),
        # Closing
        Action("complete", _("Complete"), frozenset({S.IN_PROGRESS}), S.COMPLETED, HANDLE),
        Action("deliver", _("Deliver the result"), frozenset({S.ACCEPTED, S.COMPLETED}), None, HANDLE),
        Action("confirm_receipt", _("Confirm receipt"), frozenset({S.COMPLETED}), S.DELIVERED, HANDLE),
        Action(
            "terminate",
            _("Terminate"),
            frozenset({S.DEFICIENT, S.ACCEPTED, S.IN_PROGRESS, S.SUSPENDED}),
            S.TERMINATED,
            HANDLE,
        ),
        Action("evaluate", _("Record the applicant's evaluation"), FINISHED - {S.REFUSED}, None, HANDLE),
        Action("follow_up", _("Follow up the evaluation"), NOT_ARCHIVED, None, "requests.follow_up_evaluation"),
        Action("write_summary", _("Write the summary"), FINISHED, None, HANDLE),
        _transition("archive", _("Archive"), S.ARCHIVED, "requests.archive_request"),
    ]
}


def transition_allowed(current: Status | str, target: Status | str) -> bool:
    return Status(target) in TRANSITIONS[Status(current)]
