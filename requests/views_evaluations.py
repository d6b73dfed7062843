"""The evaluations page (F-REQ-9): poor ratings' return visits and rectification, and appeals against a rating.

The page lists the poor or appealed evaluations of the requests the user may see; its actions go through the
closing services (requests.services.closing), on the evaluation's request. It sits beside the complaint pages
(they share a tab bar) but is the request's own follow-up.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from hallservice.core.errors import PermissionDenied
from hallservice.core.query_params import validated
from hallservice.core.web import attempt

from .actions import in_charge
from .forms import AppealDecisionForm, AppealForm, EvaluationFilterForm, PoorRatingStepForm
from .models import RECTIFICATION_STAGES, AppealDecision, Evaluation, ServiceRequest
from .models import Status as RequestStatus
from .satisfaction import evaluation_rates
from .services.closing import (
    evaluation_appeal,
    evaluation_appeal_decide,
    evaluation_follow_up,
    evaluation_rectify,
)

PAGE_SIZE = 25

EVALUATION_ACTIONS = {
    # name: (label, form, service, permission)
    "return_visit": (
        gettext_lazy("Record the return visit"),
        PoorRatingStepForm,
        evaluation_follow_up,
        "requests.follow_up_evaluation",
    ),
    "rectify": (
        gettext_lazy("Record the rectification"),
        PoorRatingStepForm,
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


def _render_evaluations(request, *, failed: tuple[int, str, forms.Form] | None = None, status: int = 200):
    user = request.user
    show = validated(EvaluationFilterForm, request.GET)["show"] or "open"
    evaluations = (
        Evaluation.objects.filter(request__in=ServiceRequest.objects.restrict(user))
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
        "rates": evaluation_rates(Evaluation.objects.filter(request__in=ServiceRequest.objects.restrict(user))),
    }
    return render(request, "requests/evaluations.html", context, status=status)


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
        Evaluation.objects.filter(request__in=ServiceRequest.objects.restrict(request.user)), pk=pk
    )
    label, form_class, service, perm = EVALUATION_ACTIONS[action]
    if not request.user.has_perm(perm):
        # Before the form: a refused role must not get the list of poor ratings back as an error page.
        raise PermissionDenied(_("You may not do this."))
    form = form_class(request.POST, auto_id=f"id_{action}_{pk}_%s")
    status = 400
    if form.is_valid():
        _done, status = attempt(
            request, lambda: service(actor=request.user, request_id=evaluation.request_id, **form.cleaned_data), form
        )
        if status == 200:
            messages.success(request, _("%(action)s: done.") % {"action": label})
            return redirect("requests:evaluations")
    return _render_evaluations(request, failed=(evaluation.pk, action, form), status=status)
