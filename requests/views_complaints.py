"""Staff pages for complaints (F-SUP-2) and poor ratings: the list, registration, the complaint page with its
actions, the dashboard, and the rectification cases of poor evaluations.

Views stay thin: lists are scoped by centre through ``Complaint.objects.visible_to`` (another centre's
complaint is a 404), writes go through requests.services.complaints and requests.services.closing, and the
services' errors come back as form errors (400), a message with 409 for a step the status does not allow, or
403.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from hallservice.core.query_params import validated
from staff.models import Department, StaffMember

from .actions import in_charge
from .models import (
    COMPLAINT_OPEN_STATUSES,
    POOR_RATINGS,
    RECTIFICATION_STAGES,
    AppealDecision,
    Complaint,
    ComplaintCategory,
    ComplaintSource,
    ComplaintStatus,
    Evaluation,
    ServiceRequest,
)
from .models import Status as RequestStatus
from .satisfaction import counted, satisfaction_rate, satisfied
from .services import complaints as complaint_services
from .services.closing import (
    evaluation_appeal,
    evaluation_appeal_decide,
    evaluation_follow_up,
    evaluation_rectify,
)
from .services.complaints import COMPLAINT_ACTIONS, complaint_allowed_actions
from .views import _attach_error

TEXTAREA = forms.Textarea(attrs={"rows": 3})
PAGE_SIZE = 25
STAFF_SOURCES = [
    (s.value, s.label) for s in ComplaintSource if s not in (ComplaintSource.ONLINE, ComplaintSource.STATUS_PAGE)
]


# --- Forms (shape only; the services decide) --------------------------------------------------------------


class ComplaintRegisterForm(forms.Form):
    source = forms.ChoiceField(label=gettext_lazy("Came in by"), choices=STAFF_SOURCES)
    category = forms.ChoiceField(label=gettext_lazy("About"), choices=ComplaintCategory.choices)
    content = forms.CharField(label=gettext_lazy("Complaint"), max_length=2000, widget=TEXTAREA)
    anonymous = forms.BooleanField(label=gettext_lazy("Anonymous"), required=False)
    name = forms.CharField(label=gettext_lazy("Name"), required=False, max_length=50)
    contact = forms.CharField(label=gettext_lazy("Contact phone"), required=False, max_length=20)
    request_number = forms.CharField(label=gettext_lazy("Request number"), required=False, max_length=32)


class NoteForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=2000, widget=TEXTAREA)


class RequiredNoteForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), max_length=2000, widget=TEXTAREA)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason told to the complainant"), max_length=1000, widget=TEXTAREA)


class RespondForm(forms.Form):
    response = forms.CharField(label=gettext_lazy("Answer to the complainant"), max_length=2000, widget=TEXTAREA)
    findings = forms.CharField(
        label=gettext_lazy("Findings (internal)"), required=False, max_length=5000, widget=TEXTAREA
    )
    substantiated = forms.TypedChoiceField(
        label=gettext_lazy("Substantiated"),
        required=False,
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        choices=[("", "—"), ("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))],
    )


class FeedbackForm(forms.Form):
    satisfied = forms.TypedChoiceField(
        label=gettext_lazy("Is the complainant satisfied?"),
        coerce=lambda v: v == "yes",
        choices=[("yes", gettext_lazy("Satisfied")), ("no", gettext_lazy("Not satisfied"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=gettext_lazy("What they said"), required=False, max_length=1000, widget=TEXTAREA)


class LinkForm(forms.Form):
    staff_id = forms.TypedChoiceField(label=gettext_lazy("Staff member"), coerce=int, required=False, empty_value=None)
    department_id = forms.TypedChoiceField(
        label=gettext_lazy("Department"), coerce=int, required=False, empty_value=None
    )
    request_number = forms.CharField(label=gettext_lazy("Request number"), required=False, max_length=32)

    def __init__(self, *args, user=None, complaint=None, **kwargs):
        if complaint is not None and not args:
            kwargs.setdefault(
                "initial",
                {
                    "staff_id": complaint.staff_id,
                    "department_id": complaint.department_id,
                    "request_number": complaint.request.number if complaint.request_id else "",
                },
            )
        super().__init__(*args, **kwargs)
        staff = StaffMember.objects.visible_to(user).active().order_by("name") if user is not None else []
        self.fields["staff_id"].choices = [("", "—")] + [(m.pk, m.name) for m in staff]
        self.fields["department_id"].choices = [("", "—")] + [
            (d.pk, d.name) for d in Department.objects.order_by("code")
        ]


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "accept": NoteForm,
    "reject": ReasonForm,
    "investigate": NoteForm,
    "respond": RespondForm,
    "record_feedback": FeedbackForm,
    "close": RequiredNoteForm,
    "reopen": ReasonForm,
    "link": LinkForm,
    "note": RequiredNoteForm,
}

ACTION_SERVICES = {
    "accept": complaint_services.complaint_accept,
    "reject": complaint_services.complaint_reject,
    "investigate": complaint_services.complaint_investigate,
    "respond": complaint_services.complaint_respond,
    "record_feedback": complaint_services.complaint_feedback,
    "close": complaint_services.complaint_close,
    "reopen": complaint_services.complaint_reopen,
    "link": complaint_services.complaint_link,
    "note": complaint_services.complaint_add_note,
}


def _action_form(name: str, user, complaint, data=None) -> forms.Form:
    kwargs = {"auto_id": f"id_{name}_%s"}
    if name == "link":
        kwargs.update(user=user, complaint=complaint)
    return ACTION_FORMS[name](data, **kwargs) if data is not None else ACTION_FORMS[name](**kwargs)


# --- Reads -------------------------------------------------------------------------------------------------


def _complaints(user):
    return Complaint.objects.visible_to(user).select_related("centre", "department", "staff", "request")


class ComplaintFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Number or text"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All")), ("open", gettext_lazy("Open")), *ComplaintStatus.choices],
    )
    source = forms.ChoiceField(
        label=gettext_lazy("Source"), required=False, choices=[("", gettext_lazy("All")), *ComplaintSource.choices]
    )
    overdue = forms.BooleanField(label=gettext_lazy("Overdue only"), required=False)
    escalated = forms.BooleanField(label=gettext_lazy("Escalated only"), required=False)


def _filtered(user, form: ComplaintFilterForm, today):
    queryset = _complaints(user)
    if not form.is_valid():
        return queryset.none()
    data = form.cleaned_data
    if data["q"]:
        text = data["q"].strip()
        queryset = queryset.filter(Q(number__icontains=text) | Q(content__icontains=text))
    if data["status"] == "open":
        queryset = queryset.open()
    elif data["status"]:
        queryset = queryset.filter(status=data["status"])
    if data["source"]:
        queryset = queryset.filter(source=data["source"])
    if data["overdue"]:
        queryset = queryset.overdue(today)
    if data["escalated"]:
        queryset = queryset.filter(escalated=True)
    return queryset.order_by("-registered_at", "-pk")


# --- Complaint pages ---------------------------------------------------------------------------------------


@login_required
@permission_required("requests.view_complaint", raise_exception=True)
@require_GET
def complaint_list_view(request):
    today = timezone.localdate()
    form = ComplaintFilterForm(request.GET or None)
    if not request.GET:
        form = ComplaintFilterForm({"status": "open"})
    page = Paginator(_filtered(request.user, form, today), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "today": today}
    return render(request, "requests/complaints/list.html", context, status=400 if form.errors else 200)


@login_required
def complaint_create_view(request):
    if not request.user.has_perm("requests.register_complaint"):
        raise PermissionDenied
    form = ComplaintRegisterForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                complaint = complaint_services.complaint_register(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                _attach_error(form, exc)
            except PermissionDenied as exc:
                messages.error(request, str(exc))
                status = 403
            else:
                messages.success(
                    request,
                    _("Complaint %(number)s registered; its lookup code is %(code)s.")
                    % {"number": complaint.number, "code": complaint.lookup_code},
                )
                if request.user.has_perm("requests.view_complaint"):
                    return redirect(complaint)
                return redirect("home")
    return render(request, "requests/complaints/form.html", {"form": form}, status=status)


def _render_complaint(request, complaint, *, failed: tuple[str, forms.Form] | None = None, status: int = 200):
    user = request.user
    action_forms = [
        (action, failed[1] if failed and failed[0] == action.name else _action_form(action.name, user, complaint))
        for action in complaint_allowed_actions(user, complaint)
    ]
    context = {
        "complaint": complaint,
        "events": complaint.events.select_related("actor", "actor__staff_member"),
        "action_forms": action_forms,
        "open_action": failed[0] if failed else "",
        "overdue": complaint.is_overdue(timezone.localdate()),
        # Supervisors call the complainant back; everyone else sees the masked number.
        "show_contact": user.has_perm("requests.handle_complaint"),
    }
    return render(request, "requests/complaints/detail.html", context, status=status)


@login_required
@permission_required("requests.view_complaint", raise_exception=True)
@require_GET
def complaint_detail_view(request, pk: int):
    return _render_complaint(request, get_object_or_404(_complaints(request.user), pk=pk))


@login_required
@require_POST
def complaint_act_view(request, pk: int, action: str):
    if action not in COMPLAINT_ACTIONS:
        raise Http404
    complaint = get_object_or_404(_complaints(request.user), pk=pk)
    form = _action_form(action, request.user, complaint, request.POST)
    try:
        if not request.user.has_perm(COMPLAINT_ACTIONS[action].permission):
            raise PermissionDenied(_("You may not do this with complaint %(number)s.") % {"number": complaint.number})
        if complaint.status not in COMPLAINT_ACTIONS[action].allowed_in:
            raise TransitionNotAllowed(
                _("“%(action)s” is not possible while the complaint is “%(status)s”.")
                % {"action": COMPLAINT_ACTIONS[action].label, "status": complaint.get_status_display()}
            )
        if not form.is_valid():
            return _render_complaint(request, complaint, failed=(action, form), status=400)
        ACTION_SERVICES[action](actor=request.user, complaint_id=complaint.pk, **form.cleaned_data)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
        status = 409
    except DomainError as exc:
        _attach_error(form, exc)
        status = 400
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do this with this complaint."))
        status = 403
    else:
        messages.success(request, _("%(action)s: done.") % {"action": COMPLAINT_ACTIONS[action].label})
        return redirect(complaint)
    complaint = get_object_or_404(_complaints(request.user), pk=pk)
    return _render_complaint(request, complaint, failed=(action, form), status=status)


# --- Dashboard ---------------------------------------------------------------------------------------------

TREND_WEEKS = 12


def evaluation_rates(evaluations) -> dict:
    """Satisfaction and poor-rating rates of the valid evaluations (an appeal may void one): poor ratings counted
    as given and after rectification (the follow-up rating, once given, replaces the first); 满意率 by the one
    definition of requests/satisfaction.py, the same as the statistics dashboard's."""
    poor = [r.value for r in POOR_RATINGS]
    valid = counted(evaluations)
    counts = valid.aggregate(
        total=Count("pk"),
        poor_before=Count("pk", filter=Q(rating__in=poor)),
        poor_after=Count("pk", filter=Q(final__in=poor)),
        satisfied=Count("pk", filter=satisfied()),
        rated_again=Count("pk", filter=Q(follow_up_rating__isnull=False)),
    )
    total = counts["total"]

    def pct(n):
        return round(100 * n / total, 1) if total else None

    return {
        **counts,
        "invalid": evaluations.filter(is_invalid=True).count(),
        "satisfied_rate": satisfaction_rate(counts["satisfied"], total),
        "poor_before_rate": pct(counts["poor_before"]),
        "poor_after_rate": pct(counts["poor_after"]),
    }


def complaint_dashboard(user, today) -> dict:
    """Everything the complaint dashboard shows, over the complaints (and ratings) the user may see."""
    complaints = Complaint.objects.visible_to(user)
    open_complaints = complaints.open()
    by_stage = dict(open_complaints.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    overdue = list(
        complaints.overdue(today).select_related("centre", "department").order_by("accept_due", "respond_due")[:50]
    )
    by_department = (
        complaints.values("department__name")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status__in=COMPLAINT_OPEN_STATUSES)),
            substantiated=Count("pk", filter=Q(substantiated=True)),
        )
        .order_by("-total", "department__name")
    )
    by_staff = (
        complaints.filter(staff__isnull=False)
        .values("staff__name")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status__in=COMPLAINT_OPEN_STATUSES)),
            substantiated=Count("pk", filter=Q(substantiated=True)),
        )
        .order_by("-total", "staff__name")[:20]
    )
    sources = dict(complaints.values_list("source").annotate(n=Count("pk")).values_list("source", "n"))
    monday = today - timedelta(days=today.weekday())
    first_week = monday - timedelta(weeks=TREND_WEEKS - 1)
    weekly = Counter()
    for registered_at in complaints.filter(registered_at__date__gte=first_week).values_list(
        "registered_at", flat=True
    ):
        day = timezone.localtime(registered_at).date()
        weekly[day - timedelta(days=day.weekday())] += 1
    trend = [(first_week + timedelta(weeks=i), weekly[first_week + timedelta(weeks=i)]) for i in range(TREND_WEEKS)]
    peak = max((n for _week, n in trend), default=0) or 1
    evaluations = Evaluation.objects.filter(request__in=ServiceRequest.objects.visible_to(user))
    return {
        "stages": [(s, by_stage.get(s.value, 0)) for s in ComplaintStatus if s.value in COMPLAINT_OPEN_STATUSES],
        "open_total": sum(by_stage.values()),
        "overdue": overdue,
        "overdue_total": complaints.overdue(today).count(),
        "escalated_open": open_complaints.filter(escalated=True).count(),
        "by_department": by_department,
        "by_staff": by_staff,
        "sources": [(s, sources.get(s.value, 0)) for s in ComplaintSource],
        "trend": [(week, n, round(100 * n / peak)) for week, n in trend],
        "rates": evaluation_rates(evaluations),
    }


@login_required
@permission_required("requests.view_complaint", raise_exception=True)
@require_GET
def complaint_dashboard_view(request):
    today = timezone.localdate()
    return render(
        request, "requests/complaints/dashboard.html", {"today": today, **complaint_dashboard(request.user, today)}
    )


# --- Poor ratings: return visit, rectification, appeals -------------------------------------------------------


class AppealForm(forms.Form):
    reasons = forms.CharField(label=gettext_lazy("Reasons for the appeal"), max_length=2000, widget=TEXTAREA)


class AppealDecisionForm(forms.Form):
    invalid = forms.TypedChoiceField(
        label=gettext_lazy("Decision"),
        coerce=lambda v: v == "invalid",
        choices=[("upheld", gettext_lazy("The rating stands")), ("invalid", gettext_lazy("The rating is invalid"))],
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(label=gettext_lazy("Reasons for the decision"), max_length=2000, widget=TEXTAREA)


EVALUATION_ACTIONS = {
    # name: (label, form, service, permission)
    "return_visit": (
        gettext_lazy("Record the return visit"),
        RequiredNoteForm,
        evaluation_follow_up,
        "requests.follow_up_evaluation",
    ),
    "rectify": (
        gettext_lazy("Record the rectification"),
        RequiredNoteForm,
        evaluation_rectify,
        "requests.follow_up_evaluation",
    ),
    "appeal": (gettext_lazy("Appeal against the rating"), AppealForm, evaluation_appeal, "requests.appeal_evaluation"),
    "decide_appeal": (
        gettext_lazy("Review the appeal"),
        AppealDecisionForm,
        evaluation_appeal_decide,
        "requests.review_evaluation_appeal",
    ),
}


def _evaluation_actions(user, evaluation: Evaluation) -> list[str]:
    # An archived request is read-only, and a centre that forwarded the request only keeps a trace of it.
    req = evaluation.request
    if req.status == RequestStatus.ARCHIVED or not in_charge(user, req):
        return []
    stage = evaluation.rectification_stage
    appeal = getattr(evaluation, "appeal", None)
    wanted = {
        "return_visit": stage == "return_visit",
        "rectify": stage == "rectifying",
        "appeal": appeal is None and not evaluation.is_invalid,
        "decide_appeal": appeal is not None
        and appeal.decision == AppealDecision.PENDING
        and appeal.filed_by_id != user.pk,
    }
    return [name for name, ok in wanted.items() if ok and user.has_perm(EVALUATION_ACTIONS[name][3])]


class EvaluationFilterForm(forms.Form):
    show = forms.ChoiceField(
        label=gettext_lazy("Show"),
        required=False,
        choices=[("open", gettext_lazy("Needing action")), ("all", gettext_lazy("All poor or appealed"))],
    )


def _render_evaluations(request, *, failed: tuple[int, str, forms.Form] | None = None, status: int = 200):
    user = request.user
    show = validated(EvaluationFilterForm, request.GET)["show"] or "open"
    evaluations = (
        Evaluation.objects.filter(request__in=ServiceRequest.objects.visible_to(user))
        .filter(Q(needs_follow_up=True) | Q(appeal__isnull=False))
        .select_related("request", "request__matter", "request__helper", "request__centre", "appeal")
        .order_by("-at", "-pk")
    )
    if show == "open":
        evaluations = evaluations.filter(
            Q(is_invalid=False, needs_follow_up=True, rectified_at__isnull=True)
            | Q(appeal__decision=AppealDecision.PENDING)
        )
    page = Paginator(evaluations, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = []
    for evaluation in page:
        forms_here = []
        for name in _evaluation_actions(user, evaluation):
            label, form_class, _service, _perm = EVALUATION_ACTIONS[name]
            if failed and failed[0] == evaluation.pk and failed[1] == name:
                form = failed[2]
            else:
                form = form_class(auto_id=f"id_{name}_{evaluation.pk}_%s")
            forms_here.append((name, label, form))
        rows.append((evaluation, forms_here))
    context = {
        "page": page,
        "rows": rows,
        "show": show,
        "today": today,
        "stages": RECTIFICATION_STAGES,
        "open_action": (failed[0], failed[1]) if failed else None,
        "rates": evaluation_rates(Evaluation.objects.filter(request__in=ServiceRequest.objects.visible_to(user))),
    }
    return render(request, "requests/complaints/evaluations.html", context, status=status)


@login_required
@require_GET
def evaluation_list_view(request):
    if not any(request.user.has_perm(p) for _l, _f, _s, p in EVALUATION_ACTIONS.values()):
        raise PermissionDenied
    return _render_evaluations(request)


@login_required
@require_POST
def evaluation_act_view(request, pk: int, action: str):
    """``pk`` is the evaluation's; the services work on its request."""
    if action not in EVALUATION_ACTIONS:
        raise Http404
    evaluation = get_object_or_404(
        Evaluation.objects.filter(request__in=ServiceRequest.objects.visible_to(request.user)), pk=pk
    )
    label, form_class, service, perm = EVALUATION_ACTIONS[action]
    if not request.user.has_perm(perm):
        # Before the form: a refused role must not get the list of poor ratings back as an error page.
        raise PermissionDenied(_("You may not do this."))
    form = form_class(request.POST, auto_id=f"id_{action}_{pk}_%s")
    status = 400
    if form.is_valid():
        try:
            service(actor=request.user, request_id=evaluation.request_id, **form.cleaned_data)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
            status = 409
        except DomainError as exc:
            _attach_error(form, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You may not do this."))
            status = 403
        else:
            messages.success(request, _("%(action)s: done.") % {"action": label})
            return redirect("evaluations")
    return _render_evaluations(request, failed=(evaluation.pk, action, form), status=status)


__all__ = [
    "complaint_act_view",
    "complaint_create_view",
    "complaint_dashboard",
    "complaint_dashboard_view",
    "complaint_detail_view",
    "complaint_list_view",
    "evaluation_act_view",
    "evaluation_list_view",
    "evaluation_rates",
]
