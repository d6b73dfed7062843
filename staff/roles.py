"""Roles are Django groups; this module says which permissions each one holds.

`sync_roles()` creates the groups and sets their permissions. A data migration runs it once, and a
post_migrate hook (staff.apps) runs it again after every migrate so permissions added by later features
reach the groups without another hand-written migration.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FRONT_DESK = "front_desk", _("Front desk")
    DUTY_LEADER = "duty_leader", _("Duty leader")
    BUREAU_LEADER = "bureau_leader", _("Bureau leader")
    SUPERVISOR = "supervisor", _("Supervisor")
    DEPARTMENT_USER = "department_user", _("Department user")
    ADMIN = "admin", _("Administrator")


_VIEW_REFERENCE = [
    "staff.view_servicecentre",
    "staff.view_department",
    "staff.view_window",
    "staff.view_staffmember",
    "requests.view_matter",
    "requests.view_requiredmaterial",
    "hallservice.view_calendaroverride",
]

_MANAGE_REFERENCE = [
    f"{app}.{verb}_{model}"
    for app, model in [
        ("staff", "servicecentre"),
        ("staff", "department"),
        ("staff", "window"),
        ("staff", "staffmember"),
        ("requests", "matter"),
        ("requests", "requiredmaterial"),
        ("hallservice", "calendaroverride"),
    ]
    for verb in ("add", "change", "delete", "view")
] + ["auth.view_user", "auth.add_user", "auth.change_user"]

_VIEW_REQUESTS = [
    "requests.view_servicerequest",
    "requests.view_consultation",
    "requests.view_keyproject",
    "requests.view_requestevent",
]

# Front-desk work: register, accept and carry requests to the end, archive them.
_DESK = [
    "requests.register_request",
    "requests.handle_request",
    "requests.archive_request",
]
# Urgent handling and priority groups (issue 18): the front desk marks a request urgent when it registers it or
# later, the duty leader (who handles the complex and urgent matters, seed 000 三.3 协助办理) and the supervision
# section too; department users and bureau leaders do not.
_PRIORITISE = ["requests.prioritise_request"]

# Rosters (F-ROS): everyone with a staff record checks in and files substitutions for their own duties
# (the services check the staff record); these permissions add what goes beyond that.
_ROSTERS_VIEW = ["rosters.view_rotationplan"]
_ROSTERS_DUTY = [*_ROSTERS_VIEW, "rosters.record_duty", "rosters.view_duty_dashboard"]
_ROSTERS_SUPERVISE = [
    *_ROSTERS_DUTY,
    "rosters.manage_rotation",
    "rosters.decide_substitution",
    "rosters.view_checkin",
    "rosters.add_unavailability",
    "rosters.change_unavailability",
    "rosters.delete_unavailability",
    "rosters.view_unavailability",
]
# Duty oversight: the helpers on duty write the day's duty record and the duty leader reviews it (the services check
# who is on duty); the week's bureau leader records patrols, which the supervision section reads.
_DUTY_RECORDS_VIEW = ["rosters.view_dutyrecord"]
_PATROLS_VIEW = ["rosters.view_patrolrecord"]
_ROSTERS_ADMIN = [
    *_ROSTERS_VIEW,
    *[f"rosters.{verb}_bureauleader" for verb in ("add", "change", "delete", "view")],
    "rosters.view_unavailability",
    # Not the duty records: their text may name applicants, and the administrator sees no personal data.
    *_PATROLS_VIEW,
]

# Citizens (F-PUB, F-SUP-2): desks take complaints at the window and by phone and may appeal a rating; duty
# leaders also follow the complaint list; supervisors handle complaints, follow up poor ratings, review appeals.
_COMPLAINTS_TAKE = ["complaints.register_complaint", "requests.appeal_evaluation"]
_COMPLAINTS_HANDLE = [
    "complaints.register_complaint",
    "complaints.view_complaint",
    "complaints.handle_complaint",
    "requests.review_evaluation_appeal",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.FRONT_DESK: [
        *_VIEW_REFERENCE,
        *_VIEW_REQUESTS,
        *_DESK,
        *_PRIORITISE,
        *_ROSTERS_VIEW,
        *_DUTY_RECORDS_VIEW,
        *_COMPLAINTS_TAKE,
    ],
    Role.DUTY_LEADER: [
        *_VIEW_REFERENCE,
        *_VIEW_REQUESTS,
        *_DESK,
        *_PRIORITISE,
        "requests.reassign_request",
        "requests.convene_joint_meeting",
        "requests.manage_key_project",
        *_ROSTERS_DUTY,
        *_DUTY_RECORDS_VIEW,
        *_COMPLAINTS_TAKE,
        "complaints.view_complaint",
    ],
    # Seed 000 三.4: the bureau (市行政审批服务局) designates each key project's agent from the duty leaders.
    Role.BUREAU_LEADER: [
        *_VIEW_REFERENCE,
        *_VIEW_REQUESTS,
        "requests.designate_key_project_agent",
        "requests.view_keyprojectevent",
        # Seed 000 五.1: the week's leading bureau leader answers for the duty leaders' duty.
        "rosters.record_patrol",
        *_PATROLS_VIEW,
        *_DUTY_RECORDS_VIEW,
    ],
    Role.SUPERVISOR: [
        *_VIEW_REFERENCE,
        *_VIEW_REQUESTS,
        "staff.change_staffmember",
        "requests.reassign_request",
        "requests.approve_extension",
        "requests.follow_up_evaluation",
        "requests.convene_joint_meeting",
        "requests.manage_key_project",
        "requests.view_personal_data",
        *_PRIORITISE,
        *_ROSTERS_SUPERVISE,
        *_DUTY_RECORDS_VIEW,
        *_PATROLS_VIEW,
        *_COMPLAINTS_HANDLE,
    ],
    Role.DEPARTMENT_USER: [*_VIEW_REFERENCE, *_VIEW_REQUESTS, "requests.claim_department_task", *_ROSTERS_VIEW],
    Role.ADMIN: [*_MANAGE_REFERENCE, *_VIEW_REQUESTS, *_ROSTERS_ADMIN],
}

# Training (F-TRN): supervisors plan trainings and record attendance, keep the question bank, set the monthly
# tests and read the reports; department users add their own department's short trainings; admins keep the
# topics. Taking tests and seeing one's own history need only a staff record (the services check it).
_TRAINING = {
    Role.SUPERVISOR: [
        "training.manage_sessions",
        "training.manage_bank",
        "training.manage_tests",
        "training.view_training_reports",
    ],
    Role.DEPARTMENT_USER: ["training.add_department_session"],
    Role.ADMIN: [f"training.{verb}_topic" for verb in ("add", "change", "view")],
}
# Supervision (F-SUP-3, F-SUP-4): the supervision section reads statistics and assessments and keeps the
# integrity records (its page needs record_integrity) and records inspections, circulated notices and difficult
# points (manage_inspections); admins read the statistics and, read-only in the Django
# admin, the integrity records (view_integrityrecord alone does not open the supervision page).
_SUPERVISION = {
    Role.SUPERVISOR: [
        "supervision.view_statistics",
        "supervision.view_assessment",
        "supervision.record_integrity",
        "supervision.view_integrityrecord",
        "supervision.manage_inspections",
        "supervision.view_inspections",
    ],
    Role.ADMIN: ["supervision.view_statistics", "supervision.view_integrityrecord"],
    # Seed 003 三(四): the bureau leads the inspections; its leaders read inspections, notices and difficult points.
    Role.BUREAU_LEADER: ["supervision.view_inspections"],
}
# The hall display board (/board/<code>/): supervisors and admins keep its rolling notices in the Django admin.
_NOTICES = [f"guide.{verb}_notice" for verb in ("add", "change", "delete", "view")]
_DISPLAY = {Role.SUPERVISOR: _NOTICES, Role.ADMIN: _NOTICES}
# The national 好差评 push: the supervision section and admins see what was sent, waits or failed, and send again.
_EVALUATION_PUSH = ["requests.view_evaluationpush", "requests.retry_evaluation_push"]
_SUPERVISION[Role.SUPERVISOR] += _EVALUATION_PUSH
_SUPERVISION[Role.ADMIN] += _EVALUATION_PUSH
# Citizens' SMS (issue 19): the supervision section and admins read delivery reports and opt-outs, and record an
# opt-out a citizen asks for in person or by phone.
_SMS = ["requests.view_smsdeliveryreport", "requests.view_smsoptout", "requests.add_smsoptout"]
_SUPERVISION[Role.SUPERVISOR] += _SMS
_SUPERVISION[Role.ADMIN] += _SMS
# Appointments with capacity (issue 19): the supervision section sets the places per department and half-day (its
# page and the Django admin), as admins may in the admin; the desk checks bookings in with register_request.
_PLACES = [
    f"requests.{verb}_{model}"
    for model in ("appointmentcapacity", "appointmentslot")
    for verb in ("add", "change", "view")
]
_APPOINTMENTS = {Role.SUPERVISOR: _PLACES, Role.ADMIN: _PLACES}
for _extra in (_TRAINING, _SUPERVISION, _DISPLAY, _APPOINTMENTS):
    for _role, _perms in _extra.items():
        ROLE_PERMISSIONS[_role] = [*ROLE_PERMISSIONS[_role], *_perms]


def user_roles(user) -> set[str]:
    """Role names of a user, read once per user object (the set is kept on the instance)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_hall_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True)) & set(Role.values)
        user._hall_roles = cached
    return cached


def user_has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def sync_roles(group_model=None, permission_model=None) -> None:
    """Create one group per role and give it exactly its permissions (those that exist yet)."""
    if group_model is None:
        from django.contrib.auth.models import Group as group_model  # noqa: N813
    if permission_model is None:
        from django.contrib.auth.models import Permission as permission_model  # noqa: N813

    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=str(role.value if hasattr(role, "value") else role))
        wanted = set()
        for dotted in perms:
            app_label, codename = dotted.split(".", 1)
            wanted.update(
                permission_model.objects.filter(content_type__app_label=app_label, codename=codename).values_list(
                    "pk", flat=True
                )
            )
        group.permissions.set(wanted)
