"""The kernel's data: the working calendar, number sequences, claimed submissions, API tokens, throttle counters.

The rows belong to the app label ``hallservice`` (this package sits inside it), so no table moved with the module.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from hallservice.core import fields


class CalendarOverride(models.Model):
    """One date whose working status an admin has set, winning over the statutory calendar library."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    note = models.CharField(
        _("note"), max_length=100, blank=True, help_text=_("e.g. Spring Festival, adjusted workday")
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.note}".strip()


class CalendarYear(models.Model):
    """A year whose State Council holiday notice an admin has entered in full (the calendar then knows the year).

    Written by the bulk entry (hallservice.core.calendar.calendar_notice_enter). Single overrides, e.g. a local
    closure, do not make a year known: the banner asking for next year's holidays stays until this row exists.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    entered_at = fields.created_at(_("notice entered at"))
    entered_by = fields.user(_("entered by"), optional=True)
    source = models.CharField(_("notice"), max_length=100, blank=True, help_text=_("e.g. 国办发明电〔2026〕7号"))

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year entered")
        verbose_name_plural = _("calendar years entered")

    def __str__(self) -> str:
        return f"{self.year}"


class NumberSequence(models.Model):
    """A named counter (e.g. request numbers of one centre on one day), advanced under a row lock."""

    key = models.CharField(_("key"), max_length=80, unique=True)
    value = models.PositiveBigIntegerField(_("last value"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class Submission(models.Model):
    """One claimed submission: a form's one-time token or an API client's Idempotency-Key, and its outcome.

    The unique `key` makes the first of two identical POSTs win the INSERT; the other one waits for the
    outcome stored here and answers it again (hallservice/core/idempotency.py) instead of doing the work twice.
    `status_code` stays empty while the winner is still working.
    """

    key = models.CharField(_("key"), max_length=200, unique=True)
    owner = models.CharField(_("owner"), max_length=80, blank=True, help_text=_("user:<id> or session:<key>"))
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    path = models.TextField(_("path"))
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    location = models.TextField(_("redirected to"), blank=True)
    content_type = models.TextField(_("content type"), blank=True)
    body = models.BinaryField(_("body"), blank=True, default=b"")
    session_key = models.CharField(_("session key"), max_length=64, blank=True)
    created_at = fields.created_at(_("created at"), db_index=True)
    completed_at = fields.moment(_("completed at"))

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")

    def __str__(self) -> str:
        return f"{self.key} → {self.status_code or '…'}"


class ApiToken(models.Model):
    """A bearer token for an integration, stored only as a SHA-256 digest (hallservice/core/api_tokens.py).

    The plain token ``hs_<prefix>_<secret>`` is shown once when issued; ``prefix`` finds the row, ``digest``
    proves it. A token ends at ``expires_at``, when its user's password changes (``password_stamp`` no longer
    matches) or when it is revoked (the row is deleted: "log out everywhere").
    """

    user = fields.user(_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True)
    digest = models.CharField(_("digest"), max_length=64)
    password_stamp = models.CharField(max_length=128, editable=False)
    created_at = fields.created_at(_("created at"))
    created_by = fields.user(_("created by"), on_delete=models.SET_NULL, optional=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = fields.moment(_("last used at"))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ThrottleCount(models.Model):
    """A rate limit's counter kept in the database while the cache (Redis) is unreachable (hallservice.core.throttle).

    ``key`` names the limit, a hash of the identity and the window's start: no address or username is stored.
    """

    key = models.CharField(max_length=120, unique=True)
    count = models.IntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
