"""Hall-wide reference data: working-calendar overrides and number sequences."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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


class NumberSequence(models.Model):
    """A named counter (e.g. request numbers of one centre on one day), advanced under a row lock."""

    key = models.CharField(_("key"), max_length=80, unique=True)
    value = models.PositiveBigIntegerField(_("last value"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
