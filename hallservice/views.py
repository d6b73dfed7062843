"""Site pages: the home page of each role and the health check."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from requests.department_clock import part_rows
from requests.selectors import my_work_counts, open_department_tasks, overdue_department_tasks, pending_extensions
from rosters.selectors import patrol_gaps
from staff.roles import Role, user_roles
from staff.selectors import departments_short_of_specialists, staffing_shortfalls, visible_centres

from .core.health import broker_status, database_status


@require_GET
@never_cache
def healthz(request):
    checks = {"database": database_status(), "broker": broker_status()}
    healthy = all(value in ("ok", "eager") for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "down", **checks}, status=200 if healthy else 503)


@login_required
def home(request):
    roles = user_roles(request.user)
    member = getattr(request.user, "staff_member", None)
    context = {
        "member": member,
        "today": timezone.localdate(),
        "roles": [Role(r).label for r in Role.values if r in roles],
    }
    user = request.user
    if user.is_superuser or roles & {Role.SUPERVISOR, Role.ADMIN}:
        context["short_departments"] = list(departments_short_of_specialists().order_by("code"))
        # The public display (guide/): supervisors print the desk's signs for their own centre.
        context["sign_centre"] = member.centre.code if member else ""
        context["public_display"] = True
        context["staffing_shortfalls"] = staffing_shortfalls(visible_centres(user))
    if user.has_perm("rosters.view_patrolrecord"):
        # Seed 000 五.1: a week of duty without the bureau leader's patrol is for the supervision section to see.
        context["patrol_gaps"] = patrol_gaps(visible_centres(user), context["today"])
    if user.has_perm("requests.handle_request"):
        context["my_work"] = my_work_counts(user=user, today=context["today"])
    if user.has_perm("requests.approve_extension"):
        context["pending_extensions"] = list(pending_extensions(user=user)[:20])
    if user.is_superuser or roles & {Role.SUPERVISOR, Role.BUREAU_LEADER, Role.ADMIN}:
        # Parts past their deadline in the centres the supervisor sees (督促相关部门按承诺时限办结, seed 003).
        overdue = overdue_department_tasks(user=user, today=context["today"])[:20]
        context["overdue_parts"] = part_rows(overdue, today=context["today"])
        context["show_overdue_parts"] = True
    if user.has_perm("requests.claim_department_task"):
        context["department_tasks"] = list(open_department_tasks(user=user)[:20])
    return render(request, "home.html", context)
