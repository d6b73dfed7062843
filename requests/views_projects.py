"""Key projects (重点项目): a list, a form to create one with its dedicated agent, and its requests end to end."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from hallservice.core.errors import DomainError, PermissionDenied
from hallservice.core.web import attach_error

from .forms import KeyProjectCreateForm
from .models import OPEN_STATUSES, KeyProject, ServiceRequest
from .services import key_project_create


def _projects(user):
    return KeyProject.objects.restrict(user).select_related("agent", "centre")


@login_required
def key_project_list_view(request):
    can_manage = request.user.has_perm("requests.manage_key_project")
    form = KeyProjectCreateForm(request.POST or None, user=request.user)
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


@login_required
def key_project_detail_view(request, pk: int):
    project = get_object_or_404(_projects(request.user), pk=pk)
    requests_of_project = (
        ServiceRequest.objects.restrict(request.user)
        .filter(key_project=project)
        .select_related("matter", "helper", "lead_department")
        .order_by("applied_at")
    )
    return render(request, "requests/key_project_detail.html", {"project": project, "requests": requests_of_project})
