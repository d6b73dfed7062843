"""Rows of the public display: the notices that roll along the foot of a hall's display board (/board/<code>/)."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hallservice.core import fields
from hallservice.core.scoping import CentreScopedQuerySet

# One line on a 1920 px board in large type; a longer text belongs on the guide's pages.
NOTICE_MAX_LENGTH = 120


class NoticeQuerySet(CentreScopedQuerySet):
    def current(self, centre_id: int, day: date) -> NoticeQuerySet:
        """The centre's notices shown on ``day`` (from the first day to the last, both included), in their order."""
        return (
            self.filter(centre_id=centre_id, starts_on__lte=day)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
            .order_by("position", "pk")
        )


class Notice(models.Model):
    """A line of text a supervisor puts on one centre's display board for a run of days (holiday hours, a new
    service, a reminder that the help is free)."""

    centre = fields.centre(related_name="notices")
    text = models.CharField(_("text"), max_length=NOTICE_MAX_LENGTH)
    starts_on = models.DateField(_("first day shown"))
    ends_on = models.DateField(_("last day shown"), null=True, blank=True, help_text=_("Empty: until removed."))
    position = models.PositiveSmallIntegerField(_("order"), default=0, help_text=_("Lower numbers come first."))

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["centre", "position", "pk"]
        verbose_name = _("display board notice")
        verbose_name_plural = _("display board notices")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="notice_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["centre", "starts_on"], name="notice_centre_starts")]

    def __str__(self) -> str:
        return self.text
