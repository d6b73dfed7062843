"""Navigation and banners shared by every staff page."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staff.roles import Role, user_roles

from .core.public_url import first_mismatch
from .core.workdays import missing_calendar_years

# (label, url name, roles that see it; None = every signed-in user). Features add their entries here.
NAV_ITEMS = [
    (_("Home"), "home", None),
    (_("Queue"), "requests:queue", None),
    (_("Register"), "requests:register", {Role.FRONT_DESK, Role.DUTY_LEADER}),
    (_("Consultations"), "requests:consultations", None),
    (_("Appointments today"), "requests:appointments", {Role.FRONT_DESK, Role.DUTY_LEADER}),
    (_("Appointment places"), "requests:appointment-capacity", {Role.SUPERVISOR}),
    (_("Ledger"), "requests:ledger", None),
    (_("Key projects"), "requests:key-projects", {Role.DUTY_LEADER, Role.SUPERVISOR}),
    (_("Duty dashboard"), "rosters:dashboard", {Role.DUTY_LEADER, Role.SUPERVISOR}),
    (_("Rosters"), "rosters:plans", None),
    (_("My check-in"), "rosters:check-in", None),
    (_("Duty records"), "rosters:duty-records", {Role.FRONT_DESK, Role.DUTY_LEADER, Role.SUPERVISOR}),
    (_("Patrols"), "rosters:patrols", {Role.BUREAU_LEADER, Role.SUPERVISOR}),
    (_("Service catalogue"), "requests:matter-list", None),
    (_("Training"), "training:home", None),
    (_("Complaints"), "complaints:list", {Role.SUPERVISOR, Role.DUTY_LEADER}),
    # The front desk takes complaints at the desk or on the phone but may not see the complaint list.
    (_("Register a complaint"), "complaints:create", {Role.FRONT_DESK}),
    (_("Statistics"), "supervision:statistics", {Role.SUPERVISOR, Role.ADMIN}),
    (_("Assessment"), "supervision:assessment", {Role.SUPERVISOR}),
    (_("Inspections"), "supervision:inspections", {Role.SUPERVISOR, Role.BUREAU_LEADER}),
    (_("Poor ratings"), "requests:evaluations", {Role.SUPERVISOR, Role.DUTY_LEADER, Role.FRONT_DESK}),
    (_("API"), "api-docs", {Role.ADMIN, Role.SUPERVISOR}),
    (_("Administration"), "admin:index", {Role.ADMIN}),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = user_roles(user)
    items = []
    for label, url_name, allowed in NAV_ITEMS:
        if allowed is None or roles & allowed or user.is_superuser:
            url = reverse(url_name)
            items.append({"label": label, "url": url, "active": request.path == url})
    context = {"nav_items": items}
    if user.is_superuser or roles & {Role.SUPERVISOR, Role.ADMIN}:
        context["missing_calendar_years"] = missing_calendar_years(timezone.localdate())
    if user.is_superuser or Role.ADMIN in roles:
        context["public_url_mismatch"] = first_mismatch()
    return context
