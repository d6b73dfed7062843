"""Duty oversight pages: the bureau leader's weekly patrols, and the duty record of each duty day.

Thin like the other roster pages: reads through rosters.selectors, writes through rosters.services; a refused
write comes back with the service's message (403 / 409 / 400). Another centre's duty day is a 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hallservice.core.errors import PermissionDenied
from hallservice.core.month_pages import month_page_context
from hallservice.core.months import month_end
from hallservice.core.query_params import month_asked
from hallservice.core.web import staff_page, submit
from staff.selectors import visible_centres

from . import selectors
from . import services as svc
from .forms import DutyRecordForm, DutyRecordReviewForm, PatrolForm
from .models import DutyDay, DutyRecord, DutyRecordStatus
from .services.oversight import ensure_on_duty_writer, ensure_reviewer
from .views import _centre

# --- The bureau leader's patrols --------------------------------------------------------------------------


@staff_page("rosters.view_patrolrecord", methods=None)
def patrol_list_view(request):
    """Patrols of the user's centres, the ended weeks without one, and (bureau leaders) the form to record one."""
    can_record = request.user.has_perm("rosters.record_patrol")
    if request.method == "POST" and not can_record:
        raise PermissionDenied(_("Only a bureau leader records the weekly patrol."))
    centres = list(visible_centres(request.user))
    member = getattr(request.user, "staff_member", None)
    initial = {"centre": member.centre_id if member else None, "patrolled_at": timezone.localtime()}
    form = PatrolForm(request.POST or None, among=centres, initial=initial)
    done, status = submit(
        request,
        form,
        lambda data: svc.patrol_record_create(
            actor=request.user,
            centre_id=data["centre"],
            patrolled_at=data["patrolled_at"],
            checked=data["checked"],
            findings=data["findings"],
            follow_up=data["follow_up"],
        ),
        success=_("Patrol recorded."),
        to="rosters:patrols",
    )
    if done:
        return done
    context = {
        "form": form if can_record else None,
        "gaps": selectors.patrol_gaps(centres, timezone.localdate()),
        "patrols": selectors.patrol_list(user=request.user)[:100],
    }
    return render(request, "rosters/patrols.html", context, status=status)


# --- Duty records -----------------------------------------------------------------------------------------


@staff_page("rosters.view_dutyrecord")
def duty_record_list_view(request):
    """A centre's duty days of a month with the state of each day's record."""
    centre = _centre(request)
    month = month_asked(request)
    days = (
        DutyDay.objects.restrict(request.user)
        .published()
        .filter(centre=centre, day__gte=month, day__lte=month_end(month))
        .select_related("leader", "record", "record__written_by", "record__reviewed_by")
        .order_by("day")
    )
    context = {
        **month_page_context(centre=centre, centres=visible_centres(request.user), month=month),
        "days": days,
        "today": timezone.localdate(),
    }
    return render(request, "rosters/duty_record_list.html", context)


def _duty_day(request, pk: int) -> DutyDay:
    return get_object_or_404(
        DutyDay.objects.restrict(request.user).published().select_related("leader", "centre", "plan"), pk=pk
    )


def _may_write(request, duty_day: DutyDay) -> bool:
    try:
        ensure_on_duty_writer(request.user, duty_day)
    except PermissionDenied:
        return False
    return True


def _render_record(request, duty_day: DutyDay, *, form=None, review_form=None, status: int = 200):
    record = DutyRecord.objects.filter(duty_day=duty_day).select_related("written_by", "reviewed_by").first()
    may_write = _may_write(request, duty_day)
    member = getattr(request.user, "staff_member", None)
    if not (may_write or request.user.has_perm("rosters.view_dutyrecord")):
        raise PermissionDenied(_("Only the staff on duty that day, duty leaders and supervisors read duty records."))
    is_open = record is None or record.status == DutyRecordStatus.WRITTEN
    started = duty_day.day <= timezone.localdate()
    can_write = may_write and is_open and started
    can_review = bool(record and is_open and member and member.pk == duty_day.leader_id)
    if form is None and can_write:
        form = DutyRecordForm(initial={"content": record.content} if record else None)
    if review_form is None and can_review:
        latest = record.revisions.order_by("-pk").values_list("pk", flat=True).first() if record else None
        review_form = DutyRecordReviewForm(initial={"seen_revision": latest})
    context = {
        "duty_day": duty_day,
        "record": record,
        "revisions": list(record.revisions.select_related("saved_by")) if record else [],
        "form": form if can_write else None,
        "review_form": review_form if can_review else None,
        "started": started,
    }
    return render(request, "rosters/duty_record.html", context, status=status)


@login_required
def duty_record_view(request, pk: int):
    """The day's duty record: the helpers on duty write and edit it until the duty leader has reviewed it."""
    duty_day = _duty_day(request, pk)
    if request.method != "POST":
        return _render_record(request, duty_day)
    # Refused before the form is read: an empty form would otherwise answer 400 as if the writer only forgot text.
    ensure_on_duty_writer(request.user, duty_day)
    form = DutyRecordForm(request.POST)
    existing = DutyRecord.objects.filter(duty_day=duty_day).values_list("pk", flat=True).first()

    def save(data):
        if existing is None:
            return svc.duty_record_write(actor=request.user, duty_day_id=duty_day.pk, content=data["content"])
        return svc.duty_record_edit(actor=request.user, record_id=existing, content=data["content"])

    done, status = submit(
        request, form, save, success=_("Duty record saved."), to=reverse("rosters:duty-record", args=[duty_day.pk])
    )
    return done or _render_record(request, duty_day, form=form, status=status)


@login_required
@require_POST
def duty_record_review_view(request, pk: int):
    """The day's duty leader signs the record off, with an optional comment."""
    duty_day = _duty_day(request, pk)
    record = get_object_or_404(DutyRecord, duty_day=duty_day)
    # Refused before the form is read, as the service would refuse it after.
    ensure_reviewer(request.user, duty_day)
    form = DutyRecordReviewForm(request.POST)
    done, status = submit(
        request,
        form,
        lambda data: svc.duty_record_review(
            actor=request.user, record_id=record.pk, comment=data["comment"], seen_revision=data["seen_revision"]
        ),
        success=_("Duty record reviewed."),
        to=reverse("rosters:duty-record", args=[duty_day.pk]),
    )
    return done or _render_record(request, duty_day, review_form=form, status=status)
