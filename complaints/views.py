"""Staff pages for complaints (F-SUP-2): the list, registration, the complaint page with its actions, and the
dashboard.

Views stay thin: lists are scoped by centre through ``Complaint.objects.restrict`` (another centre's
complaint is a 404), writes go through complaints.services, and the services' errors come back as form errors
(400), a message with 409 for a step the status does not allow, or 403.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from hallservice.core.web import attach_error, attempt, staff_page

from . import services
from .forms import ComplaintFilterForm, ComplaintRegisterForm, action_form
from .selectors import complaint_dashboard, complaints_filtered, complaints_visible_to
from .services import COMPLAINT_ACTIONS, complaint_allowed_actions

PAGE_SIZE = 25

ACTION_SERVICES = {
    "accept": services.complaint_accept,
    "reject": services.complaint_reject,
    "investigate": services.complaint_investigate,
    "respond": services.complaint_respond,
    "record_feedback": services.complaint_feedback,
    "close": services.complaint_close,
    "reopen": services.complaint_reopen,
    "link": services.complaint_link,
    "note": services.complaint_add_note,
}


# --- Complaint pages ---------------------------------------------------------------------------------------


@staff_page("complaints.view_complaint")
def complaint_list_view(request):
    today = timezone.localdate()
    form = ComplaintFilterForm(request.GET or None)
    if not request.GET:
        form = ComplaintFilterForm({"status": "open"})
    page = Paginator(complaints_filtered(request.user, form, today), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "today": today}
    return render(request, "complaints/list.html", context, status=400 if form.errors else 200)


@login_required
def complaint_create_view(request):
    if not request.user.has_perm("complaints.register_complaint"):
        raise PermissionDenied
    form = ComplaintRegisterForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                complaint = services.complaint_register(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                attach_error(form, exc)
            except PermissionDenied as exc:
                messages.error(request, str(exc))
                status = 403
            else:
                messages.success(
                    request,
                    _("Complaint %(number)s registered; its lookup code is %(code)s.")
                    % {"number": complaint.number, "code": complaint.lookup_code},
                )
                if request.user.has_perm("complaints.view_complaint"):
                    return redirect(complaint)
                return redirect("home")
    return render(request, "complaints/form.html", {"form": form}, status=status)


def _render_complaint(request, complaint, *, failed: tuple[str, forms.Form] | None = None, status: int = 200):
    user = request.user
    action_forms = [
        (action, failed[1] if failed and failed[0] == action.name else action_form(action.name, user, complaint))
        for action in complaint_allowed_actions(user, complaint)
    ]
    context = {
        "complaint": complaint,
        "events": complaint.events.select_related("actor", "actor__staff_member"),
        "action_forms": action_forms,
        "open_action": failed[0] if failed else "",
        "overdue": complaint.is_overdue(timezone.localdate()),
        # Supervisors call the complainant back; everyone else sees the masked number.
        "show_contact": user.has_perm("complaints.handle_complaint"),
    }
    return render(request, "complaints/detail.html", context, status=status)


@staff_page("complaints.view_complaint")
def complaint_detail_view(request, pk: int):
    return _render_complaint(request, get_object_or_404(complaints_visible_to(request.user), pk=pk))


@login_required
@require_POST
def complaint_act_view(request, pk: int, action: str):
    if action not in COMPLAINT_ACTIONS:
        raise Http404
    complaint = get_object_or_404(complaints_visible_to(request.user), pk=pk)
    form = action_form(action, request.user, complaint, request.POST)
    spec = COMPLAINT_ACTIONS[action]
    refused = _("You may not do this with this complaint.")

    def check():
        # Who may act and whether the state allows it are answered before the input is looked at.
        if not request.user.has_perm(spec.permission):
            raise PermissionDenied(_("You may not do this with complaint %(number)s.") % {"number": complaint.number})
        if complaint.status not in spec.allowed_in:
            raise TransitionNotAllowed(
                _("“%(action)s” is not possible while the complaint is “%(status)s”.")
                % {"action": spec.label, "status": complaint.get_status_display()}
            )

    _checked, status = attempt(request, check, form, refused=refused)
    if status == 200:
        if not form.is_valid():
            return _render_complaint(request, complaint, failed=(action, form), status=400)
        _done, status = attempt(
            request,
            lambda: ACTION_SERVICES[action](actor=request.user, complaint_id=complaint.pk, **form.cleaned_data),
            form,
            refused=refused,
        )
    if status == 200:
        messages.success(request, _("%(action)s: done.") % {"action": spec.label})
        return redirect(complaint)
    complaint = get_object_or_404(complaints_visible_to(request.user), pk=pk)
    return _render_complaint(request, complaint, failed=(action, form), status=status)


@staff_page("complaints.view_complaint")
def complaint_dashboard_view(request):
    today = timezone.localdate()
    return render(request, "complaints/dashboard.html", {"today": today, **complaint_dashboard(request.user, today)})
