"""Staff accounts: login with failed attempts throttled (the site's login page and the admin's alike), and a
page to change one's own password (checked by AUTH_PASSWORD_VALIDATORS, like every other way to set one).

Failures count per username and per client address in Django's cache (Redis across processes, see
hallservice.core.throttle and LOGIN_THROTTLE_RATES). Once a limit is reached the password is not even checked until the
window ends, and the page says so (HTTP 429, on the site's login page and the admin's). Wrong old passwords on the
password-change page are limited per user the same way (``password_change``). A successful login clears the username's
count. Nothing here logs the password, the username or the address: the warning names the limit only.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext, ngettext

from hallservice.core import throttle

logger = logging.getLogger(__name__)


def _identities(request, username: str) -> dict[str, str]:
    return {"login_username": username.strip().casefold(), "login_address": throttle.client_address(request)}


def _minutes(exc: throttle.Throttled) -> int:
    return max(1, -(-exc.retry_after // 60))


class ThrottledLoginMixin:
    """Refuses to check a password once the username or the address has failed too often (see the module).

    Each attempt is counted before the password is checked (hallservice.core.throttle.attempt), so parallel wrong
    passwords cannot check more than the limit; a right password gives the attempt back.
    """

    throttled = False

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        identities = _identities(self.request, username)
        counted = []
        try:
            for name, identity in identities.items():
                throttle.attempt(name, identity)
                counted.append(name)
        except throttle.Throttled as exc:
            for other in counted:
                throttle.release(other, identities[other])
            self.throttled = True
            logger.warning("Login refused without checking the password: limit %s reached", name)
            minutes = _minutes(exc)
            raise ValidationError(
                ngettext(
                    "Too many failed logins. Try again in %(minutes)d minute.",
                    "Too many failed logins. Try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
                code="throttled",
            ) from None
        try:
            cleaned = super().clean()
        except ValidationError as exc:
            # Wrong password, unknown user, inactive account: one failure of each identity. The right password of
            # an account refused here for another reason (not staff, at the admin) is no guess and is not counted.
            if not (self.cleaned_data.get("password") and self.get_user() is None):
                for name, identity in identities.items():
                    throttle.release(name, identity)
            raise exc
        throttle.reset("login_username", identities["login_username"])
        throttle.release("login_address", identities["login_address"])
        return cleaned


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    """The site's login form (accounts/login/)."""


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin's login form (admin/login/): the same limits, so the admin is no way around them."""


class LoginView(auth_views.LoginView):
    """Django's login view with the throttled form; a refused attempt answers 429 Too Many Requests."""

    authentication_form = ThrottledAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Set by IdleSessionTimeoutMiddleware when it logged this browser out; shown once.
        context["idle_timed_out"] = self.request.session.pop("_idle_timed_out", False)
        return context

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
        return response


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """The old password is checked at most ``password_change`` times per user per window (LOGIN_THROTTLE_RATES).

    Otherwise a session left open at the counter would let anyone guess the password without the login's limits.
    Each check is counted before it is made; a right old password gives its attempt back.
    """

    throttled = False

    def clean_old_password(self):
        identity = f"user:{self.user.pk}"
        try:
            throttle.attempt("password_change", identity)
        except throttle.Throttled as exc:
            self.throttled = True
            logger.warning("Password change refused without checking the old password: limit reached")
            minutes = _minutes(exc)
            raise ValidationError(
                ngettext(
                    "Too many wrong passwords. Try again in %(minutes)d minute.",
                    "Too many wrong passwords. Try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
                code="throttled",
            ) from None
        old_password = super().clean_old_password()
        throttle.release("password_change", identity)
        return old_password


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password: the old one, then the new one twice, checked by the password validators."""

    form_class = ThrottledPasswordChangeForm
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, gettext("Your password has been changed."))
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 429 if form.throttled else 400
        return response


def admin_login(request, extra_context=None):
    """The admin's login view (admin.site.login): a throttled attempt answers 429 like the site's login page."""
    from django.contrib import admin
    from django.contrib.admin.sites import AdminSite

    response = AdminSite.login(admin.site, request, extra_context)
    form = (getattr(response, "context_data", None) or {}).get("form")
    if getattr(form, "throttled", False):
        response.status_code = 429
    return response


__all__ = [
    "LoginView",
    "PasswordChangeView",
    "ThrottledAdminAuthenticationForm",
    "ThrottledAuthenticationForm",
    "ThrottledPasswordChangeForm",
    "admin_login",
]
