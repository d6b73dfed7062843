"""Writes and rules of the organisation: the centre tree and staff assignments."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from hallservice.core.identity import IdType, validate_document_number
from hallservice.core.text_limits import check_lengths

from .models import (
    PARENT_LEVEL,
    CentreLevel,
    IntegrityKind,
    IntegrityRecord,
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


# --- Integrity records (seed 000 五.3, seed 004 廉洁服务, seed 001 八) --------------------------------------------
# A record is its own audit trail: who recorded it and when, and who revoked it, when and why; nothing is deleted.

REVOKE_REASON_MAX = IntegrityRecord._meta.get_field("revoke_reason").max_length


def _ensure_integrity_keeper(actor) -> None:
    if not actor.has_perm("staff.record_integrity"):
        raise PermissionDenied(_("Only the supervision section may keep integrity records."))


@transaction.atomic
def integrity_record_create(
    *,
    actor,
    staff_id: int,
    kind: str,
    occurred_on: date,
    description: str,
    request_id: int | None = None,
    action_taken: str = "",
) -> IntegrityRecord:
    """Record a breach of the integrity rules by a staff member of the actor's centres, optionally about a request."""
    from requests.models import ServiceRequest

    _ensure_integrity_keeper(actor)
    member = StaffMember.objects.visible_to(actor).select_related("centre").filter(pk=staff_id).first()
    if member is None:
        raise DomainError(_("Choose a staff member of your centres."), field="staff")
    if kind not in IntegrityKind.values:
        raise DomainError(_("Choose what kind of breach this was."), field="kind")
    if occurred_on > timezone.localdate():
        raise DomainError(_("The date of the breach cannot be in the future."), field="occurred_on")
    description = (description or "").strip()
    if not description:
        raise DomainError(_("Say what happened."), field="description")
    check_lengths(IntegrityRecord, description=description, action_taken=(action_taken or "").strip())
    req = None
    if request_id is not None:
        req = ServiceRequest.objects.visible_to(actor).filter(pk=request_id).select_related("centre").first()
        if req is None:
            raise DomainError(_("No request with this number in your centres."), field="request")
        # The request must be work of the member's centre (or a centre below it), where it was handled or registered.
        own = set(ServiceCentre.objects.subtree_of(member.centre).values_list("pk", flat=True))
        if req.centre_id not in own and req.origin_centre_id not in own:
            raise DomainError(
                _("Request %(number)s belongs to %(centre)s, not to %(name)s's centre.")
                % {"number": req.number, "centre": req.centre.name, "name": member.name},
                field="request",
            )
    return IntegrityRecord.objects.create(
        staff=member,
        request=req,
        kind=kind,
        occurred_on=occurred_on,
        description=description,
        action_taken=(action_taken or "").strip(),
        recorded_by=actor,
    )


@transaction.atomic
def integrity_record_revoke(*, actor, record_id: int, reason: str) -> IntegrityRecord:
    """Revoke a record found wrong on review; it stays on file, marked revoked, and no longer counts."""
    _ensure_integrity_keeper(actor)
    if not IntegrityRecord.objects.visible_to(actor).filter(pk=record_id).exists():
        raise DomainError(_("No such integrity record in your centres."))
    # Re-read under a row lock: two supervisors must not revoke one record at once.
    record = IntegrityRecord.objects.select_for_update().get(pk=record_id)
    if record.revoked_at is not None:
        raise TransitionNotAllowed(
            _("This record was already revoked on %(date)s.")
            % {"date": f"{timezone.localtime(record.revoked_at):%Y-%m-%d}"}
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for revoking the record."), field="reason")
    if len(reason) > REVOKE_REASON_MAX:
        raise DomainError(
            _("Keep the reason to %(n)d characters or fewer.") % {"n": REVOKE_REASON_MAX}, field="reason"
        )
    record.revoked_at = timezone.now()
    record.revoked_by = actor
    record.revoke_reason = reason
    record.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    return record
