"""Days a staff member is off duty. Other apps (training: off-post study days) write here, never the table."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from hallservice.core.actors import user_of
from hallservice.core.errors import DomainError
from hallservice.core.text_limits import check_lengths
from staff.access import ensure_perm
from staff.models import StaffMember

from ..models import Unavailability, UnavailabilityKind
from .common import record_event

# Longest span one record may cover: a typo in a year must not take someone off every roster.
MAX_DAYS = 366


@transaction.atomic
def unavailability_record(
    *, actor, staff_id: int, start: date, end: date, kind: str, note: str = "", source: str = ""
) -> Unavailability:
    """Record leave, travel, a meeting or off-post study; the same (staff, dates, kind, source) again is a no-op.

    ``source`` names the writer when it is not a person at the roster pages (e.g. ``"training:2026-11"``), so
    a task that runs twice leaves one record. ``actor=SYSTEM`` (hallservice.core.actors) is the system. The
    generator and the plan checks take these days into account; a published plan is not changed — the duty
    dashboard shows the absence and a substitution covers it.
    """
    ensure_perm(actor, "rosters.add_unavailability", _("Only the supervision section records staff absences."))
    staff_qs = StaffMember.objects.restrict(actor)
    staff = staff_qs.filter(pk=staff_id).first()
    if staff is None:
        raise DomainError(_("Choose a staff member of your centre."), field="staff")
    if kind not in UnavailabilityKind.values:
        raise DomainError(_("Choose leave, business travel, meeting or off-post study."), field="kind")
    if end < start:
        raise DomainError(_("The last day cannot be before the first day."), field="end")
    if (end - start).days >= MAX_DAYS:
        raise DomainError(_("One record covers at most a year; enter longer absences in parts."), field="end")
    check_lengths(Unavailability, source=source.strip(), note=note.strip())
    record, created = Unavailability.objects.get_or_create(
        staff=staff,
        start=start,
        end=end,
        kind=kind,
        source=source.strip(),
        defaults={"note": note.strip(), "created_by": user_of(actor)},
    )
    if created:
        record_event(
            centre_id=staff.centre_id,
            actor=actor,
            verb="unavailability_recorded",
            note=f"{staff.name} {UnavailabilityKind(kind).label} {start}–{end}",
        )
    elif note.strip() and note.strip() != record.note:
        record.note = note.strip()
        record.save(update_fields=["note"])
    return record


@transaction.atomic
def unavailability_cancel(*, actor, unavailability_id: int) -> None:
    """Remove a record entered by mistake (or revoked by its source); idempotent."""
    ensure_perm(actor, "rosters.delete_unavailability", _("Only the supervision section removes staff absences."))
    qs = Unavailability.objects.restrict(actor)
    if not qs.filter(pk=unavailability_id).exists():
        return
    # Locked by key alone: PostgreSQL cannot lock across the visibility filter's outer joins.
    record = (
        Unavailability.objects.select_for_update(of=("self",)).select_related("staff").filter(pk=unavailability_id)
    )
    record = record.first()
    if record is None:
        return
    record_event(
        centre_id=record.staff.centre_id,
        actor=actor,
        verb="unavailability_cancelled",
        note=f"{record.staff.name} {record.get_kind_display()} {record.start}–{record.end}",
    )
    record.delete()
