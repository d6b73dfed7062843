"""Roster pages: plans and the grid editor, coverage, duty dashboard, check-in, substitutions, absences, reports.

Views stay thin: reads through rosters.selectors, writes through rosters.services. A service's error comes back
as a form error (DomainError on the field it names), a message with 409 (state does not allow it) or 403.
Another centre's plan is a 404: every lookup goes through a scoped queryset.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Q
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from hallservice.core.errors import PermissionDenied
from hallservice.core.month_pages import month_page_context
from hallservice.core.months import add_months, month_end, month_start
from hallservice.core.query_params import common_filter, month_asked, validated
from hallservice.core.spreadsheets import xlsx_response
from hallservice.core.web import attempt, next_url, submit
from hallservice.core.workdays import WorkingCalendar
from requests.department_clock import part_rows
from requests.selectors import overdue_department_tasks
from staff.models import StaffKind, StaffMember
from staff.selectors import centre_for, visible_centres

from . import exports, selectors
from . import services as svc
from .forms import (
    AssignForm,
    CheckInForm,
    DecisionForm,
    DutySummaryForm,
    LeaderForm,
    PlanCreateForm,
    PublishForm,
    RecordCheckInForm,
    SubstitutionForm,
    TurnForm,
    UnavailabilityForm,
    WeekLeaderForm,
)
from .inputs import substitution_request_fields, unavailability_record_fields
from .models import (
    CheckInStatus,
    Duty,
    DutyDay,
    DutyRecord,
    DutySummary,
    HelpAreaTurn,
    RotationPlan,
    Substitution,
    SubstitutionStatus,
    Unavailability,
)

# --- Shared pieces -----------------------------------------------------------------------------------------


def _centre(request):
    """The centre asked for by ``?centre=`` (a bad value answers 400), else by the form, else the user's own."""
    asked = common_filter(request, "centre")
    centre = centre_for(request.user, asked or request.POST.get("centre"))
    if centre is None:
        raise Http404
    return centre


def _day(request) -> date:
    """``?day=`` as YYYY-MM-DD; absent means today, a bad value (2026-02-30) answers 400."""
    return common_filter(request, "day") or timezone.localdate()


def _member(request):
    return getattr(request.user, "staff_member", None)


# --- Plans -------------------------------------------------------------------------------------------------


@login_required
@permission_required("rosters.view_rotationplan", raise_exception=True)
def plan_list_view(request):
    centre = _centre(request)
    can_manage = request.user.has_perm("rosters.manage_rotation")
    centres = list(visible_centres(request.user))
    next_month = add_months(month_start(timezone.localdate()), 1)
    form = PlanCreateForm(request.POST or None, among=centres, initial={"centre": centre.pk, "month": next_month})
    if request.method == "POST" and not can_manage:
        raise PermissionDenied(_("Only the supervision section drafts and publishes rosters."))
    done, status = submit(
        request,
        form,
        lambda data: svc.rotation_plan_generate(actor=request.user, centre_id=data["centre"], month=data["month"]),
        success=lambda plan: _("Draft for %(month)s generated.") % {"month": f"{plan.month:%Y-%m}"},
    )
    if done:
        return done
    context = {
        "centre": centre,
        "centres": centres,
        "plans": selectors.plan_list(user=request.user, centre_id=centre.pk),
        "form": form if can_manage else None,
    }
    return render(request, "rosters/plan_list.html", context, status=status)


@dataclass
class Cell:
    window_id: int
    number: str
    state: str  # "here", "worked" (in this cycle already) or "open"


def _plan_context(request, plan: RotationPlan) -> dict:
    grid = selectors.plan_grid(plan)
    windows = grid.inputs.windows
    rows = []
    for row in grid.rows:
        cells = [
            Cell(w.pk, w.number, "here" if row.window_id == w.pk else "worked" if w.pk in row.worked else "open")
            for w in windows
        ]
        rows.append((row, cells))
    # Help area as a matrix: one row a day, one column a high-volume department, its turns in the cell.
    departments = [(d, helpers) for d, helpers in selectors.help_area_departments(plan.centre_id)]
    help_area_rows = []
    for day, turns in sorted(grid.help_area.items()):
        cells = [[(t, helpers) for t in turns if t.department_id == d.pk] for d, helpers in departments]
        help_area_rows.append((day, cells))
    # The month's minimums (automatic ones worked out) beside each window.
    heads = list(zip(windows, grid.inputs.window_specs, strict=True))
    return {
        "plan": plan,
        "grid": grid,
        "windows": windows,
        "window_counts": [(w, grid.counts.get(w.pk, 0), spec) for w, spec in heads],
        "window_heads": heads,
        "rows": rows,
        "problem_windows": grid.problem_windows(),
        "editable": plan.is_draft and request.user.has_perm("rosters.manage_rotation"),
        "leaders": sorted(grid.inputs.leaders.values(), key=lambda p: p.name),
        "bureau": sorted(grid.inputs.bureau.values(), key=lambda p: p.name),
        "help_area_departments": [d for d, _helpers in departments],
        "help_area_rows": help_area_rows,
        "covers_by_day": _covers_by_day(grid),
        "repeats": [p for p in grid.warnings if p.code == "repeat"],
    }


def _covers_by_day(grid) -> list[tuple[date, list]]:
    names = {row.helper.pk: row.helper.name for row in grid.rows}
    numbers = {w.pk: w.number for w in grid.inputs.windows}
    days: dict[date, list] = {}
    for c in grid.covers:
        days.setdefault(c.day, []).append((names.get(c.helper_id, ""), numbers.get(c.window_id, ""), c.reason))
    return sorted(days.items())


def _plan(request, pk: int) -> RotationPlan:
    return get_object_or_404(
        RotationPlan.objects.restrict(request.user).select_related("centre", "continued_from"), pk=pk
    )


@login_required
@require_GET
def plan_detail_view(request, pk: int):
    plan = _plan(request, pk)
    return render(request, "rosters/plan_detail.html", _plan_context(request, plan))


def _after_edit(request, plan: RotationPlan, status: int):
    """htmx: the refreshed grid, duty and problems; otherwise back to the page (errors are in the messages)."""
    if request.htmx:
        plan.refresh_from_db()
        return render(request, "rosters/partials/plan_body.html", _plan_context(request, plan), status=status)
    return redirect(plan)


@login_required
@require_POST
def plan_assign_view(request, pk: int):
    plan = _plan(request, pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose a helper and a window."))
    _result, status = attempt(
        request,
        lambda: svc.rotation_assignment_set(
            actor=request.user,
            plan_id=plan.pk,
            helper_id=form.cleaned_data["helper_id"],
            window_id=form.cleaned_data["window_id"],
        ),
    )
    return _after_edit(request, plan, status)


@login_required
@require_POST
def duty_leader_set_view(request, pk: int, duty_day_pk: int):
    plan = _plan(request, pk)
    duty_day = get_object_or_404(DutyDay, pk=duty_day_pk, plan=plan)
    form = LeaderForm(request.POST, among=selectors.staff_choices(plan.centre_id, [StaffKind.DUTY_LEADER]))
    return _edit_with(
        request,
        plan,
        form,
        lambda data: svc.duty_day_set_leader(actor=request.user, duty_day_id=duty_day.pk, leader_id=data["leader"]),
        invalid=_("Choose a duty leader."),
    )


def _edit_with(request, plan, form, call, *, invalid: str):
    """One change to a draft from a small form: ``invalid`` is the message when the form names nobody."""
    if not form.is_valid():
        messages.error(request, invalid)
        return _after_edit(request, plan, 400)
    _r, status = attempt(request, lambda: call(form.cleaned_data))
    return _after_edit(request, plan, status)


@login_required
@require_POST
def week_leader_set_view(request, pk: int):
    plan = _plan(request, pk)
    form = WeekLeaderForm(request.POST, among=selectors.bureau_leader_pool(plan.centre_id))
    return _edit_with(
        request,
        plan,
        form,
        lambda data: svc.duty_week_leader_set(
            actor=request.user, plan_id=plan.pk, week=data["week"], leader_id=data["leader"]
        ),
        invalid=_("Choose a bureau leader."),
    )


@login_required
@require_POST
def turn_set_view(request, pk: int, turn_pk: int):
    plan = _plan(request, pk)
    turn = get_object_or_404(HelpAreaTurn, pk=turn_pk, plan=plan)
    form = TurnForm(
        request.POST,
        among=StaffMember.objects.filter(centre_id=plan.centre_id, department_id=turn.department_id),
    )
    return _edit_with(
        request,
        plan,
        form,
        lambda data: svc.help_area_turn_set(actor=request.user, turn_id=turn.pk, helper_id=data["helper"]),
        invalid=_("Choose a window helper."),
    )


@login_required
@require_POST
def plan_publish_view(request, pk: int):
    plan = _plan(request, pk)
    form = PublishForm(request.POST)
    confirm = form.is_valid() and form.cleaned_data["confirm_repeats"]
    result, status = attempt(
        request, lambda: svc.rotation_plan_publish(actor=request.user, plan_id=plan.pk, confirm_repeats=confirm)
    )
    if result is not None:
        messages.success(request, _("The plan for %(month)s is published.") % {"month": f"{plan.month:%Y-%m}"})
        return redirect(plan)
    return render(request, "rosters/plan_detail.html", _plan_context(request, plan), status=status)


@login_required
@require_POST
def plan_regenerate_view(request, pk: int):
    plan = _plan(request, pk)
    result, status = attempt(request, lambda: svc.rotation_plan_regenerate(actor=request.user, plan_id=plan.pk))
    if result is not None:
        messages.success(request, _("The draft was generated again."))
    return redirect(plan)


@login_required
@require_GET
def plan_export_view(request, pk: int):
    plan = _plan(request, pk)
    grid = selectors.plan_grid(plan)
    return xlsx_response(exports.plan_workbook(grid), exports.filename("rotation", plan.centre.code, plan.month))


@login_required
@permission_required("rosters.view_rotationplan", raise_exception=True)
@require_GET
def duty_schedule_export_view(request):
    centre = _centre(request)
    month = month_asked(request)
    duty_days = list(
        DutyDay.objects.restrict(request.user)
        .published()
        .filter(centre=centre, day__gte=month, day__lte=month_end(month))
        .select_related("leader", "planned_leader", "week_leader")
        .order_by("day")
    )
    substitutions = list(
        Substitution.objects.effective()
        .filter(centre=centre, day__gte=month, day__lte=month_end(month))
        .select_related("absent", "substitute")
        .order_by("day", "pk")
    )
    content = exports.duty_schedule_workbook(
        centre_name=centre.name, month=month, duty_days=duty_days, substitutions=substitutions
    )
    return xlsx_response(content, exports.filename("duty", centre.code, month))


@login_required
@permission_required("rosters.view_rotationplan", raise_exception=True)
@require_GET
def coverage_view(request):
    centre = _centre(request)
    windows, rows = selectors.coverage(centre.pk)
    table = [
        (
            row,
            [(w, row.months.get(w.pk, []), w.pk in row.remaining) for w in windows],
            len(windows) - len(row.remaining),
        )
        for row in rows
    ]
    context = {
        "centre": centre,
        "centres": visible_centres(request.user),
        "windows": windows,
        "table": table,
    }
    return render(request, "rosters/coverage.html", context)


# --- Duty dashboard ---------------------------------------------------------------------------------------


def _dashboard_context(request) -> dict:
    centre = _centre(request)
    day = _day(request)
    calendar = WorkingCalendar()
    roster = selectors.day_roster(centre, day, calendar)
    today = timezone.localdate()
    member = _member(request)
    attendance = []
    for staff_id, (staff, duty) in sorted(roster.expected.items(), key=lambda item: item[1][0].name):
        attendance.append((staff, Duty(duty).label, roster.check_ins.get(staff_id)))
    # Also those who checked in without a duty on the roster (e.g. a substitute for a colleague).
    for staff_id, check_in in roster.check_ins.items():
        if staff_id not in roster.expected:
            attendance.append((check_in.staff, "", check_in))
    tally = {s: 0 for s in CheckInStatus.values}
    for _staff, _duty, check_in in attendance:
        if check_in:
            tally[check_in.status] += 1
    summary = record = None
    if roster.duty_day is not None:
        summary = DutySummary.objects.filter(duty_day=roster.duty_day).first()
        record = DutyRecord.objects.filter(duty_day=roster.duty_day).first()
    return {
        "centre": centre,
        "centres": visible_centres(request.user),
        "day": day,
        "today": today,
        "roster": roster,
        "attendance": attendance,
        "tally": tally,
        "pending": sum(1 for _s, _d, c in attendance if c is None),
        "deadline": svc.checkin_deadline(centre, day),
        "can_record": day == today and request.user.has_perm("rosters.record_duty"),
        "is_leader_today": bool(member and roster.duty_day and roster.duty_day.leader_id == member.pk),
        "summary": summary,
        "duty_record": record,
        "party_badge_missing": selectors.party_badge_missing(roster),
        "gaps": selectors.patrol_gaps([centre], day),
        "weeks": selectors.month_calendar(centre.pk, day, calendar),
        "month": month_start(day),
        "refresh_seconds": 30,
        "open_substitutions": sum(1 for s in roster.substitutions if s.status == SubstitutionStatus.REQUESTED),
        "filed_substitutions": sum(1 for s in roster.substitutions if s.status == SubstitutionStatus.FILED),
    }


@login_required
@permission_required("rosters.view_duty_dashboard", raise_exception=True)
@require_GET
def dashboard_view(request):
    context = _dashboard_context(request)
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "rosters/partials/dashboard_live.html", context)
    # The duty leader urges departments whose parts are overdue (seed 000: 督促帮办代办工作); drawn with the page,
    # not on every live refresh: the sweep changes it once a day.
    overdue = overdue_department_tasks(user=request.user, today=context["today"], centre=context["centre"])[:30]
    context["overdue_parts"] = part_rows(overdue, today=context["today"])
    return render(request, "rosters/dashboard.html", context)


@login_required
@require_POST
def record_check_in_view(request):
    """The duty leader records a colleague's arrival from the dashboard."""
    if not request.user.has_perm("rosters.record_duty"):
        # Refused before the form is read: an invalid form would otherwise redirect as if all were well.
        raise PermissionDenied(_("Only a duty leader may record someone else's arrival."))
    form = RecordCheckInForm(request.POST)
    if form.is_valid():
        check_in, _status = attempt(
            request,
            lambda: svc.checkin_record(
                actor=request.user,
                staff_id=form.cleaned_data["staff"],
                badge_worn=form.cleaned_data["badge_worn"],
                party_badge_worn=form.cleaned_data["party_badge_worn"],
            ),
        )
        if check_in is not None:
            messages.success(
                request,
                _("%(name)s: %(status)s.") % {"name": check_in.staff.name, "status": check_in.get_status_display()},
            )
    return redirect(f"{reverse('rosters:dashboard')}?centre={request.POST.get('centre', '')}")


# --- My check-in -------------------------------------------------------------------------------------------


@login_required
def check_in_view(request):
    member = _member(request)
    if member is None:
        raise Http404
    today = timezone.localdate()
    form = CheckInForm(request.POST or None)
    status = 200
    if request.method == "POST":
        check_in, status = attempt(
            request,
            lambda: svc.checkin_record(
                actor=request.user,
                badge_worn=bool(request.POST.get("badge_worn")),
                party_badge_worn=bool(request.POST.get("party_badge_worn")),
            ),
            form,
        )
        if check_in is not None:
            if check_in.status == CheckInStatus.ON_TIME:
                messages.success(request, _("Checked in on time. Thank you!"))
            else:
                messages.warning(request, _("Checked in — late."))
            return redirect("rosters:check-in")
    check_in = member.check_ins.filter(day=today).first()
    context = {
        "member": member,
        "today": today,
        "is_working_day": WorkingCalendar().is_working_day(today),
        "duties": selectors.staff_post(member.centre, today, member.pk),
        # The helpers on duty keep the day's duty record (seed 000 二.4): a way there from their check-in.
        "duty_day": DutyDay.objects.published().filter(centre=member.centre, day=today).first(),
        "check_in": check_in,
        "deadline": svc.checkin_deadline(member.centre, today),
        "form": form,
        "away": selectors.unavailable_staff_ids(member.centre_id, today) & {member.pk},
        "upcoming": member.substitutions.effective()
        .filter(day__gte=today)
        .select_related("absent")
        .order_by("day")[:5],
    }
    return render(request, "rosters/check_in.html", context, status=status)


# --- Substitutions -----------------------------------------------------------------------------------------


def _substitution_form(request, data=None):
    member = _member(request)
    centre_id = member.centre_id
    for_others = request.user.has_perm("rosters.record_duty") or request.user.has_perm("rosters.manage_rotation")
    absent_choices = selectors.staff_choices(centre_id) if for_others else [member]
    substitute_choices = selectors.staff_choices(
        centre_id, [StaffKind.DUTY_LEADER, StaffKind.FULL_TIME_HELPER, StaffKind.WINDOW_HELPER]
    )
    initial = {
        "absent": member.pk,
        "day": request.GET.get("day") or timezone.localdate(),
        "duty": request.GET.get("duty"),
    }
    return SubstitutionForm(
        data, absent_choices=absent_choices, substitute_choices=substitute_choices, initial=initial
    )


class SubstitutionFilterForm(forms.Form):
    status = forms.ChoiceField(label=_lazy("Status"), required=False, choices=[("", "—"), *SubstitutionStatus.choices])


def _render_substitutions(request, status: int = 200):
    status_filter = validated(SubstitutionFilterForm, request.GET)["status"]
    qs = selectors.substitution_list(user=request.user, filters={"status": status_filter})
    member = _member(request)
    if not (request.user.has_perm("rosters.decide_substitution") or request.user.has_perm("rosters.record_duty")):
        # Clerks see the substitutions that concern them.
        qs = qs.filter(Q(absent=member) | Q(substitute=member) | Q(requested_by=request.user))
    context = {
        "substitutions": qs[:200],
        "status_filter": status_filter,
        "statuses": SubstitutionStatus.choices,
        "can_decide": request.user.has_perm("rosters.decide_substitution"),
        "needs_approval": svc.substitution_needs_approval(),
        "today": timezone.localdate(),
        "member": member,
    }
    return render(request, "rosters/substitution_list.html", context, status=status)


@login_required
@require_GET
def substitution_list_view(request):
    return _render_substitutions(request)


@login_required
def substitution_create_view(request):
    if _member(request) is None:
        raise Http404
    form = _substitution_form(request, request.POST or None)
    done, status = submit(
        request,
        form,
        lambda data: svc.substitution_request(actor=request.user, **substitution_request_fields(data)),
        success=lambda sub: (
            _("Substitution filed with the supervision section; it is in effect and the roster shows it.")
            if sub.status == SubstitutionStatus.FILED
            else _("Substitution filed with the supervision section.")
        ),
        to="rosters:substitutions",
    )
    if done:
        return done
    context = {"form": form, "needs_approval": svc.substitution_needs_approval()}
    return render(request, "rosters/substitution_form.html", context, status=status)


SUBSTITUTION_ACTIONS = {
    "approve": lambda actor, pk, note: svc.substitution_approve(actor=actor, substitution_id=pk, note=note),
    "reject": lambda actor, pk, note: svc.substitution_reject(actor=actor, substitution_id=pk, note=note),
    "withdraw": lambda actor, pk, note: svc.substitution_withdraw(actor=actor, substitution_id=pk),
    "reverse": lambda actor, pk, note: svc.substitution_reverse(actor=actor, substitution_id=pk, note=note),
}


@login_required
@require_POST
def substitution_act_view(request, pk: int, action: str):
    if action not in SUBSTITUTION_ACTIONS:
        raise Http404
    sub = get_object_or_404(Substitution.objects.restrict(request.user), pk=pk)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    result, status = attempt(request, lambda: SUBSTITUTION_ACTIONS[action](request.user, sub.pk, note))
    if result is None:
        return _render_substitutions(request, status)
    messages.success(request, _("Substitution: %(status)s.") % {"status": result.get_status_display()})
    return redirect(next_url(request, reverse("rosters:substitutions")))


# --- Unavailability -------------------------------------------------------------------------------------


@login_required
@permission_required("rosters.view_unavailability", raise_exception=True)
def unavailability_view(request):
    centre = _centre(request)
    month = month_asked(request)
    form = UnavailabilityForm(request.POST or None, staff=selectors.staff_choices(centre.pk))
    if request.method == "POST" and not request.user.has_perm("rosters.add_unavailability"):
        raise PermissionDenied(_("Only the supervision section records staff absences."))
    done, status = submit(
        request,
        form,
        lambda data: svc.unavailability_record(actor=request.user, **unavailability_record_fields(data)),
        success=lambda record: _("Recorded: %(record)s") % {"record": record},
        to=f"{reverse('rosters:unavailability')}?centre={centre.pk}&month={month:%Y-%m}",
    )
    if done:
        return done
    records = selectors.unavailability_list(user=request.user, month=month).filter(staff__centre=centre)
    context = {
        **month_page_context(centre=centre, centres=visible_centres(request.user), month=month),
        "records": records,
        "form": form,
        "can_edit": request.user.has_perm("rosters.add_unavailability"),
    }
    return render(request, "rosters/unavailability.html", context, status=status)


@login_required
@require_POST
def unavailability_delete_view(request, pk: int):
    # Another centre's record is a 404 and a role that may not remove absences a 403, not a redirect as if done
    # (the service refuses both too, but quietly: it is idempotent for the tasks that call it).
    get_object_or_404(Unavailability.objects.restrict(request.user), pk=pk)
    if not request.user.has_perm("rosters.delete_unavailability"):
        raise PermissionDenied(_("Only the supervision section removes staff absences."))
    _r, _status = attempt(request, lambda: svc.unavailability_cancel(actor=request.user, unavailability_id=pk))
    return redirect(next_url(request, reverse("rosters:unavailability")))


# --- Reports and the duty summary -----------------------------------------------------------------------


@login_required
@permission_required("rosters.view_duty_dashboard", raise_exception=True)
@require_GET
def attendance_view(request):
    centre = _centre(request)
    month = month_asked(request)
    rows = selectors.attendance_report(centre.pk, month)
    if request.GET.get("format") == "xlsx":
        content = exports.attendance_workbook(centre_name=centre.name, month=month, rows=rows)
        return xlsx_response(content, exports.filename("attendance", centre.code, month))
    summaries = (
        DutySummary.objects.filter(
            duty_day__centre=centre, duty_day__day__gte=month, duty_day__day__lte=month_end(month)
        )
        .select_related("duty_day", "duty_day__leader")
        .order_by("duty_day__day")
    )
    context = {
        **month_page_context(centre=centre, centres=visible_centres(request.user), month=month),
        "rows": rows,
        "summaries": summaries,
    }
    return render(request, "rosters/attendance.html", context)


@login_required
def duty_summary_view(request, pk: int):
    duty_day = get_object_or_404(
        DutyDay.objects.restrict(request.user).published().select_related("leader", "centre", "week_leader"), pk=pk
    )
    existing = DutySummary.objects.filter(duty_day=duty_day).select_related("filed_by").first()
    form = DutySummaryForm(request.POST or None)
    if request.method == "POST" and duty_day.leader_id != getattr(_member(request), "pk", None):
        raise PermissionDenied(_("Only the day's duty leader files its summary."))
    done, status = submit(
        request,
        form,
        lambda data: svc.duty_summary_file(actor=request.user, duty_day_id=duty_day.pk, notes=data["notes"]),
        success=_("Duty summary filed."),
        to=f"{reverse('rosters:dashboard')}?centre={duty_day.centre_id}&day={duty_day.day}",
    )
    if done:
        return done
    context = {"duty_day": duty_day, "summary": existing, "form": form}
    return render(request, "rosters/duty_summary.html", context, status=status)
