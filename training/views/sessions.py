"""Training pages: the month's sessions, one session with its attendance sheet and materials."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hallservice.core.errors import PermissionDenied
from hallservice.core.query_params import month_asked
from hallservice.core.web import attempt, submit
from staff.models import Department, StaffMember

from .. import selectors
from .. import services as svc
from ..forms import AttendeeForm, CancelForm, MaterialForm, SessionForm
from ..models import (
    AttendanceStatus,
    SessionKind,
    SessionMaterial,
    SessionStatus,
    Topic,
    TrainingSession,
)
from .common import act_on_form, can_manage_sessions, centre_of, member_of, month_context


def _session(request, pk: int) -> TrainingSession:
    return get_object_or_404(
        TrainingSession.objects.restrict(request.user).select_related("centre", "topic", "department"), pk=pk
    )


def _may_edit(user, session: TrainingSession) -> bool:
    if user.has_perm("training.manage_sessions"):
        return True
    member = getattr(user, "staff_member", None)
    return bool(
        user.has_perm("training.add_department_session")
        and member
        and session.kind == SessionKind.DEPARTMENT
        and session.department_id == member.department_id
    )


def _session_form(request, data=None, **kwargs):
    department_only = not request.user.has_perm("training.manage_sessions")
    return SessionForm(
        data,
        topics=Topic.objects.filter(is_active=True),
        departments=Department.objects.all(),
        department_only=department_only,
        **kwargs,
    )


def _session_fields(data: dict) -> dict:
    """What the plan and edit forms of a session both hand to the service."""
    return {
        "topic_id": data["topic"],
        "title": data["title"],
        "starts_at": data["starts_at"],
        "duration_minutes": data["duration_minutes"],
        "location": data["location"],
        "trainer_name": data["trainer_name"],
        "content": data["content"],
    }


def _prefill(request) -> dict:
    """The plan form's first values; a skill gap's decision (supervision.skill_gaps) names the kind, topic,
    department and title in the address."""
    initial = {"kind": SessionKind.WEEKLY}
    if request.method != "GET":
        return initial
    asked = request.GET
    if asked.get("kind") in SessionKind.values:
        initial["kind"] = asked["kind"]
    for name in ("topic", "department"):
        if asked.get(name, "").isdigit():
            initial[name] = int(asked[name])
    if asked.get("title", "").strip():
        initial["title"] = asked["title"].strip()[:120]
    return initial


@login_required
def session_list_view(request):
    if member_of(request) is None and not request.user.is_superuser:
        raise Http404
    centre = centre_of(request)
    month = month_asked(request)
    can_add = can_manage_sessions(request.user)
    if request.method == "POST" and not can_add:
        raise PermissionDenied(_("You may not do this."))
    initial = _prefill(request)
    form = _session_form(request, request.POST or None, initial=initial) if can_add else None
    done, status = submit(
        request,
        form,
        lambda data: svc.session_create(
            actor=request.user,
            centre_id=centre.pk,
            kind=data.get("kind", SessionKind.DEPARTMENT),
            department_id=data.get("department"),
            **_session_fields(data),
        ),
        success=_("Training planned; the full-time helpers are told."),
    )
    if done:
        return done
    context = {
        **month_context(request, centre, month),
        "sessions": selectors.session_list(user=request.user, centre_id=centre.pk, month=month),
        "form": form,
        "prefilled": "title" in initial,
    }
    return render(request, "training/session_list.html", context, status=status)


@login_required
def session_detail_view(request, pk: int):
    session = _session(request, pk)
    editable = _may_edit(request.user, session)
    rows = list(session.attendance.select_related("staff").order_by("-required", "staff__name"))
    status = 200
    if request.method == "POST":
        if not editable:
            raise Http404
        marks = {r.staff_id: request.POST.get(f"mark_{r.staff_id}", "") for r in rows}
        marks = {k: v for k, v in marks.items() if v and v != AttendanceStatus.PENDING}
        notes = {r.staff_id: request.POST.get(f"note_{r.staff_id}", "") for r in rows}
        done, status = attempt(
            request,
            lambda: svc.attendance_record(actor=request.user, session_id=session.pk, marks=marks, notes=notes),
        )
        if done is not None:
            messages.success(request, _("Attendance saved."))
            if request.POST.get("complete") and session.status == SessionStatus.PLANNED:
                _r, status = attempt(request, lambda: svc.session_complete(actor=request.user, session_id=session.pk))
            if status == 200:
                return redirect(session)
        rows = list(session.attendance.select_related("staff").order_by("-required", "staff__name"))
    already = {r.staff_id for r in rows}
    context = {
        "session": session,
        "rows": rows,
        "statuses": [s for s in AttendanceStatus.choices if s[0] != AttendanceStatus.PENDING],
        "editable": editable,
        "can_mark": editable and session.status != SessionStatus.CANCELLED and session.starts_at <= timezone.now(),
        "materials": session.materials.all(),
        "material_form": MaterialForm() if editable else None,
        "attendee_form": AttendeeForm(
            staff=StaffMember.objects.active().filter(centre_id=session.centre_id).exclude(pk__in=already)
        )
        if editable and session.status != SessionStatus.CANCELLED
        else None,
        "cancel_form": CancelForm() if editable and session.status == SessionStatus.PLANNED else None,
        "questions": session.questions.count(),
        "events": session.events.select_related("actor")[:20],
    }
    return render(request, "training/session_detail.html", context, status=status)


@login_required
def session_edit_view(request, pk: int):
    session = _session(request, pk)
    if not _may_edit(request.user, session):
        raise Http404
    initial = {
        "topic": session.topic_id,
        "title": session.title,
        "starts_at": timezone.localtime(session.starts_at),
        "duration_minutes": session.duration_minutes,
        "location": session.location,
        "trainer_name": session.trainer_name,
        "content": session.content,
    }
    form = _session_form(request, request.POST or None, initial=initial, editing=True)
    done, status = submit(
        request,
        form,
        lambda data: svc.session_update(actor=request.user, session_id=session.pk, **_session_fields(data)),
        success=_("Training saved."),
        to=session,
    )
    if done:
        return done
    return render(request, "training/session_form.html", {"session": session, "form": form}, status=status)


@login_required
@require_POST
def session_act_view(request, pk: int, action: str):
    session = _session(request, pk)
    if not _may_edit(request.user, session):
        # The services refuse too, but the redirect back to the training would read as if all were well.
        raise PermissionDenied(_("You may not do this."))
    if action == "complete":
        done, status = attempt(request, lambda: svc.session_complete(actor=request.user, session_id=session.pk))
        if done is not None:
            messages.success(request, _("The training is recorded as held."))
    elif action == "cancel":
        act_on_form(
            request,
            CancelForm(request.POST),
            lambda data: svc.session_cancel(actor=request.user, session_id=session.pk, reason=data["reason"]),
            invalid=_("Say why the training is cancelled."),
            success=_("The training is cancelled; the attendees are told."),
        )
    elif action == "attendee":
        act_on_form(
            request,
            AttendeeForm(request.POST, staff=StaffMember.objects.filter(centre_id=session.centre_id)),
            lambda data: svc.session_attendee_add(actor=request.user, session_id=session.pk, staff_id=data["staff"]),
            invalid=_("Choose a staff member."),
        )
    elif action == "material":
        act_on_form(
            request,
            MaterialForm(request.POST, request.FILES),
            lambda data: svc.session_material_add(
                actor=request.user, session_id=session.pk, title=data["title"], file=data["file"]
            ),
            invalid=_("Choose a file."),
            success=_("Material attached."),
        )
    else:
        raise Http404
    return redirect(session)


@login_required
@require_GET
def material_view(request, pk: int):
    material = get_object_or_404(
        SessionMaterial.objects.filter(session__in=TrainingSession.objects.restrict(request.user)), pk=pk
    )
    return FileResponse(material.file.open("rb"), as_attachment=True, filename=material.file.name.rsplit("/", 1)[-1])
