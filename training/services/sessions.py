"""Trainings and attendance (seed 000 四.1, 四.3): plan, edit, hold or cancel a session, record who came."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hallservice.core.actors import user_of
from hallservice.core.bidi import strip_bidi_objects
from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from hallservice.core.text_limits import check_length, check_lengths, excerpt
from hallservice.core.uploads import validate_upload
from staff.access import managed_centre, staff_of
from staff.models import Department, StaffMember

from ..models import (
    SESSION_TRANSITIONS,
    Attendance,
    AttendanceStatus,
    NoticeKind,
    SessionKind,
    SessionMaterial,
    SessionStatus,
    Topic,
    TrainingSession,
)
from ..selectors import required_attendees
from .common import ensure_transition, notify, record_session_event, require_text

MATERIAL_EXTENSIONS = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".txt", ".jpg", ".jpeg", ".png"}


def _material_max_bytes() -> int:
    return int(getattr(settings, "TRAINING_MATERIAL_MAX_MB", 20)) * 1024 * 1024


def _may_manage(actor, session_or_kind, department_id: int | None) -> None:
    """Supervisors manage every training; a department user only their own department's short trainings."""
    if actor.has_perm("training.manage_sessions"):
        return
    if actor.has_perm("training.add_department_session"):
        member = staff_of(actor)
        if (
            session_or_kind == SessionKind.DEPARTMENT
            and member.department_id
            and member.department_id == department_id
        ):
            return
        raise PermissionDenied(_("Department users add and edit their own department's short trainings only."))
    raise PermissionDenied(_("Only the supervision section plans trainings."))


def _lock(session_id: int) -> TrainingSession:
    # Locked by key alone: PostgreSQL cannot lock the nullable side of an outer join.
    return TrainingSession.objects.select_for_update(of=("self",)).select_related("centre").get(pk=session_id)


def session_manager_check(*, actor, session: TrainingSession) -> None:
    """Refuse (PermissionDenied) whoever may not manage this training, so that a view can ask before the input."""
    _may_manage(actor, session.kind, session.department_id)


def _visible_session(actor, session_id: int) -> TrainingSession:
    TrainingSession.objects.ensure_visible(actor, session_id, refusal=_("No such training."), field="session")
    return _lock(session_id)


def _managed_session(actor, session_id: int) -> TrainingSession:
    """The training re-read under its lock, once the actor may see it and may manage it."""
    session = _visible_session(actor, session_id)
    session_manager_check(actor=actor, session=session)
    return session


def _validate(*, kind: str, topic_id, title: str, trainer_name: str, duration_minutes: int, department_id) -> dict:
    if kind not in SessionKind.values:
        raise DomainError(_("Choose weekly, department or ad-hoc training."), field="kind")
    topic = Topic.objects.filter(pk=topic_id, is_active=True).first() if topic_id else None
    if topic is None:
        raise DomainError(_("Choose the topic of the training."), field="topic")
    department = None
    if kind == SessionKind.DEPARTMENT:
        department = Department.objects.filter(pk=department_id).first() if department_id else None
        if department is None:
            raise DomainError(_("A department short training names its department."), field="department")
    if not 10 <= int(duration_minutes) <= 600:
        raise DomainError(_("A training lasts between 10 minutes and 10 hours."), field="duration_minutes")
    return {
        "topic": topic,
        "department": department,
        "title": require_text(title, _("Give the training a title."), field="title", max_length=120),
        "trainer_name": require_text(trainer_name, _("Name the trainer."), field="trainer_name", max_length=50),
    }


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


@transaction.atomic
def session_create(
    *,
    actor,
    centre_id: int,
    kind: str,
    topic_id: int,
    title: str,
    starts_at: datetime,
    trainer_name: str,
    duration_minutes: int = 60,
    location: str = "",
    content: str = "",
    department_id: int | None = None,
    trainer_id: int | None = None,
) -> TrainingSession:
    """Plan a training; the centre's full-time helpers become its required attendees and are told about it."""
    if not actor.has_perm("training.manage_sessions"):
        # A department user's training is a short training of their own department in their own centre.
        member = staff_of(actor)
        kind, department_id, centre_id = SessionKind.DEPARTMENT, member.department_id, member.centre_id
        _may_manage(actor, kind, department_id)
    centre = managed_centre(actor, centre_id)
    data = _validate(
        kind=kind,
        topic_id=topic_id,
        title=title,
        trainer_name=trainer_name,
        duration_minutes=duration_minutes,
        department_id=department_id,
    )
    check_lengths(TrainingSession, location=location.strip(), content=content.strip())
    trainer = StaffMember.objects.filter(pk=trainer_id).first() if trainer_id else None
    session = TrainingSession.objects.create(
        centre=centre,
        kind=kind,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=location.strip(),
        content=content.strip(),
        trainer=trainer,
        created_by=user_of(actor),
        **data,
    )
    attendees = list(required_attendees(centre.pk).values_list("pk", flat=True))
    Attendance.objects.bulk_create([Attendance(session=session, staff_id=pk, required=True) for pk in attendees])
    notify(
        staff_ids=attendees,
        kind=NoticeKind.SESSION,
        key=f"session:{session.pk}",
        text=_("Training “%(title)s” on %(when)s%(where)s: please attend.")
        % {
            "title": session.title,
            "when": _when(session.starts_at),
            "where": f" · {session.location}" if session.location else "",
        },
        link=session.get_absolute_url(),
    )
    record_session_event(
        session,
        actor=actor,
        verb="session_planned",
        note=f"{session.get_kind_display()} {session.title} {_when(session.starts_at)}",
    )
    return session


@transaction.atomic
def session_update(
    *,
    actor,
    session_id: int,
    topic_id: int,
    title: str,
    starts_at: datetime,
    trainer_name: str,
    duration_minutes: int,
    location: str = "",
    content: str = "",
) -> TrainingSession:
    """Edit a training. Its time and topic change only while it is planned; the content may be completed later."""
    session = _managed_session(actor, session_id)
    if session.status == SessionStatus.CANCELLED:
        raise TransitionNotAllowed(_("A cancelled training cannot be edited."))
    data = _validate(
        kind=session.kind,
        topic_id=topic_id,
        title=title,
        trainer_name=trainer_name,
        duration_minutes=duration_minutes,
        department_id=session.department_id,
    )
    if session.status != SessionStatus.PLANNED and (
        starts_at != session.starts_at or data["topic"].pk != session.topic_id
    ):
        raise TransitionNotAllowed(_("The training has been held: its time and topic stay as they were."))
    session.topic, session.title, session.trainer_name = data["topic"], data["title"], data["trainer_name"]
    session.starts_at, session.duration_minutes = starts_at, duration_minutes
    check_lengths(TrainingSession, location=location.strip(), content=content.strip())
    session.location, session.content = location.strip(), content.strip()
    session.save(
        update_fields=["topic", "title", "trainer_name", "starts_at", "duration_minutes", "location", "content"]
    )
    record_session_event(session, actor=actor, verb="session_edited", note=session.title)
    return session


@transaction.atomic
def session_attendee_add(*, actor, session_id: int, staff_id: int) -> Attendance:
    """Add someone beyond the required attendees (a window helper who joined); adding them again is a no-op."""
    session = _managed_session(actor, session_id)
    if session.status == SessionStatus.CANCELLED:
        raise TransitionNotAllowed(_("The training was cancelled."))
    member = StaffMember.objects.active().filter(pk=staff_id, centre_id=session.centre_id).first()
    if member is None:
        raise DomainError(_("Choose a staff member of the training's centre."), field="staff")
    attendance, created = Attendance.objects.get_or_create(session=session, staff=member, defaults={"required": False})
    if created:
        record_session_event(session, actor=actor, verb="attendee_added", note=member.name)
    return attendance


@transaction.atomic
def attendance_record(
    *, actor, session_id: int, marks: Mapping[int, str], notes: Mapping[int, str] | None = None
) -> list[Attendance]:
    """Mark attendees present, absent or excused once the training has begun (also after it was held)."""
    session = _managed_session(actor, session_id)
    if session.status == SessionStatus.CANCELLED:
        raise TransitionNotAllowed(_("The training was cancelled: there is no attendance to record."))
    now = timezone.now()
    if session.starts_at > now:
        raise TransitionNotAllowed(_("Attendance is recorded once the training has begun."))
    notes = notes or {}
    rows = {a.staff_id: a for a in session.attendance.select_for_update()}
    allowed = {AttendanceStatus.PRESENT, AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED}
    changed = []
    for staff_id, status in marks.items():
        row = rows.get(int(staff_id))
        if row is None:
            raise DomainError(_("Someone marked is not on this training's list."), field="marks")
        if status not in allowed:
            raise DomainError(_("Mark each attendee present, absent or excused."), field="marks")
        note = (notes.get(staff_id) or notes.get(int(staff_id)) or row.note or "").strip()
        check_length(
            note,
            Attendance._meta.get_field("note").max_length,
            field="marks",
            label=_("Note on %(name)s") % {"name": row.staff.name},
        )
        if status == AttendanceStatus.EXCUSED and not note:
            raise DomainError(_("Give the reason %(name)s is excused.") % {"name": row.staff.name}, field="marks")
        if row.status != status or row.note != note:
            row.status, row.note, row.recorded_by, row.recorded_at = status, note, actor, now
            changed.append(row)
    Attendance.objects.bulk_update(strip_bidi_objects(changed), ["status", "note", "recorded_by", "recorded_at"])
    if changed:
        record_session_event(
            session, actor=actor, verb="attendance_recorded", note=_("%(n)d marks") % {"n": len(changed)}
        )
    return changed


@transaction.atomic
def session_complete(*, actor, session_id: int) -> TrainingSession:
    """The training was held: whoever is still unmarked counts as absent."""
    session = _managed_session(actor, session_id)
    ensure_transition(session, SessionStatus.HELD, SESSION_TRANSITIONS)
    if session.starts_at > timezone.now():
        raise TransitionNotAllowed(_("A training is held once it has begun."))
    session.attendance.filter(status=AttendanceStatus.PENDING).update(
        status=AttendanceStatus.ABSENT, recorded_by=user_of(actor), recorded_at=timezone.now()
    )
    session.status = SessionStatus.HELD
    session.save(update_fields=["status"])
    record_session_event(session, actor=actor, verb="session_held", note=session.title)
    return session


@transaction.atomic
def session_cancel(*, actor, session_id: int, reason: str) -> TrainingSession:
    session = _managed_session(actor, session_id)
    ensure_transition(session, SessionStatus.CANCELLED, SESSION_TRANSITIONS)
    session.cancel_reason = require_text(
        reason, _("Say why the training is cancelled."), field="reason", max_length=200
    )
    session.status = SessionStatus.CANCELLED
    session.save(update_fields=["status", "cancel_reason"])
    notify(
        staff_ids=session.attendance.values_list("staff_id", flat=True),
        kind=NoticeKind.SESSION,
        key=f"session-cancelled:{session.pk}",
        text=_("Training “%(title)s” on %(when)s is cancelled: %(reason)s")
        % {"title": session.title, "when": _when(session.starts_at), "reason": session.cancel_reason},
        link=session.get_absolute_url(),
    )
    record_session_event(session, actor=actor, verb="session_cancelled", note=session.cancel_reason)
    return session


@transaction.atomic
def session_material_add(*, actor, session_id: int, title: str, file) -> SessionMaterial:
    """Attach a handout; office documents, PDFs and pictures only, up to TRAINING_MATERIAL_MAX_MB."""
    session = _managed_session(actor, session_id)
    # Extension, size and the first bytes (a renamed page or program is refused).
    validate_upload(file, extensions=MATERIAL_EXTENSIONS, max_bytes=_material_max_bytes())
    # A typed title longer than the field is refused; a long file name gives a visibly shortened title.
    title = (title or "").strip()
    check_lengths(SessionMaterial, title=title)
    title = title or excerpt(Path(file.name).stem, SessionMaterial._meta.get_field("title").max_length)
    material = SessionMaterial.objects.create(session=session, title=title, file=file, uploaded_by=user_of(actor))
    record_session_event(session, actor=actor, verb="material_added", note=material.title)
    return material
