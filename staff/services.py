"""Writes and rules of the organisation: the centre tree and staff assignments."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hallservice.core.errors import DomainError, PermissionDenied
from hallservice.core.identity import IdType, validate_document_number

from .models import (
    PARENT_LEVEL,
    CentreLevel,
    ServiceCentre,
    SpecialistRole,
    StaffKind,
    StaffMember,
    Window,
)


def centre_validate_parent(*, centre: ServiceCentre, parent: ServiceCentre | None, level: str) -> None:
    """A village's parent is a town, a town's is a district, a district has none; no centre is its own ancestor."""
    if parent is not None and centre.pk is not None:
        node = parent
        while node is not None:
            if node.pk == centre.pk:
                raise ValidationError(
                    {"parent": _("A centre cannot be placed under itself or under one of its own sub-centres.")}
                )
            node = node.parent
    expected = PARENT_LEVEL.get(level)
    if expected is None and parent is not None:
        raise ValidationError({"parent": _("A district hall is the top of the tree and has no parent centre.")})
    if expected is not None and (parent is None or parent.level != expected):
        raise ValidationError(
            {
                "parent": _("A %(level)s must belong to a %(parent)s.")
                % {"level": CentreLevel(level).label, "parent": CentreLevel(expected).label}
            }
        )


def staff_validate(*, kind, centre, department, window, specialist_role) -> None:
    errors = {}
    if window is not None and centre is not None and window.centre_id != centre.pk:
        errors["window"] = _("Window %(window)s belongs to %(other)s, not to %(centre)s.") % {
            "window": window.number,
            "other": window.centre.name,
            "centre": centre.name,
        }
    if kind in (StaffKind.SPECIALIST, StaffKind.WINDOW_HELPER) and department is None:
        errors["department"] = _("Department specialists and window helpers must belong to a department.")
    if kind == StaffKind.SPECIALIST and specialist_role not in SpecialistRole.values:
        errors["specialist_role"] = _("Say whether the specialist coordinates or does the work.")
    if kind != StaffKind.SPECIALIST and specialist_role:
        errors["specialist_role"] = _("Only department specialists have a specialist role.")
    if errors:
        raise ValidationError(errors)


def department_validate_chief_representative(*, department, member) -> None:
    """The chief representative is an active member of the department's own staff (seed 003 二(一): "入驻本级政务服务
    大厅的部门的首席代表为部门帮办代办联系人，报本级政务服务管理部门登记备案")."""
    if member is None:
        return
    if department.pk is None or member.department_id != department.pk:
        raise ValidationError(
            {
                "chief_representative": _("%(name)s is not on the staff of %(department)s.")
                % {"name": member.name, "department": department.name}
            }
        )
    if not member.is_active:
        raise ValidationError(
            {
                "chief_representative": _("%(name)s is no longer active; choose an active member.")
                % {"name": member.name}
            }
        )


def staff_validate_id_number(value: str) -> str:
    """A staff member's resident ID number, checked by the same rule as an applicant's; returns it normalised."""
    try:
        return validate_document_number(IdType.RESIDENT_ID, value)
    except DomainError as exc:
        raise ValidationError({"id_number": exc.message}) from None


def _ensure_admin(actor) -> None:
    if not (actor.is_superuser or actor.has_perm("staff.change_servicecentre")):
        raise PermissionDenied(_("Only administrators may change the centre tree."))


@transaction.atomic
def centre_move(*, actor, centre_id: int, parent_id: int | None) -> ServiceCentre:
    """Put a centre under another parent, refusing a level mismatch or a cycle."""
    _ensure_admin(actor)
    centre = ServiceCentre.objects.select_for_update().get(pk=centre_id)
    parent = ServiceCentre.objects.get(pk=parent_id) if parent_id is not None else None
    centre_validate_parent(centre=centre, parent=parent, level=centre.level)
    centre.parent = parent
    centre.save(update_fields=["parent"])
    return centre


@transaction.atomic
def staff_assign_window(*, actor, staff_id: int, window_id: int | None) -> StaffMember:
    """Station a staff member at a window of their own centre (or at none)."""
    if not (actor.is_superuser or actor.has_perm("staff.change_staffmember")):
        raise PermissionDenied(_("You may not change staff assignments."))
    member = StaffMember.objects.select_for_update().get(pk=staff_id)
    window = Window.objects.select_related("centre").get(pk=window_id) if window_id is not None else None
    staff_validate(
        kind=member.kind,
        centre=member.centre,
        department=member.department,
        window=window,
        specialist_role=member.specialist_role,
    )
    member.window = window
    member.save(update_fields=["window"])
    return member
