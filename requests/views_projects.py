"""Key projects (重点项目): a list, a form to record one, its requests end to end, and the bureau leader's
designation of its agent (局领导指定, seed 000 三.4)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hallservice.core.errors import DomainError, PermissionDenied
from hallservice.core.web import attach_error, attempt

from .forms import KeyProjectCreateForm, KeyProjectDesignateForm
from .models import OPEN_STATUSES, KeyProject, ServiceRequest
from .services import key_project_create, key_project_designate_agent

DESIGNATE = "requests.designate_key_project_agent"


def _projects(user):
    return KeyProject.objects.restrict(user).select_related("agent", "centre")


@login_required
def key_project_list_view(request):
    can_manage = request.user.has_perm("requests.manage_key_project")
    form = KeyProjectCreateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied(_("You may not manage key projects."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                project = key_project_create(actor=request.user, **data)
            except DomainError as exc:
                attach_error(form, exc)
            else:
                messages.success(request, _("Key project “%(name)s” created.") % {"name": project.name})
                return redirect("requests:key-project-detail", pk=project.pk)
        status = 400
    projects = (
        _projects(request.user)
        .annotate(
            request_count=Count("requests"),
            open_count=Count("requests", filter=Q(requests__status__in=OPEN_STATUSES)),
        )
        .order_by("-created_at")
    )
    return render(
        request,
        "requests/key_projects.html",
        {"projects": projects, "form": form if can_manage else None},
        status=status,
    )


def _detail(request, project, *, form=None, status=200):
    requests_of_project = (
        ServiceRequest.objects.restrict(request.user)
        .filter(key_project=project)
        .select_related("matter", "helper", "lead_department")
        .order_by("applied_at")
    )
    if form is None and request.user.has_perm(DESIGNATE):
        form = KeyProjectDesignateForm(project=project)
    history = project.events.select_related("actor", "actor__staff_member", "agent", "previous_agent")
    return render(
        request,
        "requests/key_project_detail.html",
        {"project": project, "requests": requests_of_project, "designate_form": form, "history": history},
        status=status,
    )


@login_required
def key_project_detail_view(request, pk: int):
    return _detail(request, get_object_or_404(_projects(request.user), pk=pk))


@login_required
@require_POST
def key_project_designate_view(request, pk: int):
    """局领导指定代办员: designate the project's agent, or a new one; its open requests follow the agent."""
    project = get_object_or_404(_projects(request.user), pk=pk)
    if not request.user.has_perm(DESIGNATE):
        raise PermissionDenied(_("Only a bureau leader may designate a key project's agent."))
    form = KeyProjectDesignateForm(request.POST, project=project)
    if not form.is_valid():
        return _detail(request, project, form=form, status=400)
    data = form.cleaned_data
    result, status = attempt(
        request,
        lambda: key_project_designate_agent(
            actor=request.user, project_id=project.pk, agent_id=data["agent_id"], reason=data.get("reason", "")
        ),
        form,
    )
    if result is None:
        return _detail(request, project, form=form, status=status)
    messages.success(
        request, _("%(name)s is now the agent of “%(project)s”.") % {"name": result.agent.name, "project": result.name}
    )
    return redirect("requests:key-project-detail", pk=project.pk)
