"""The personal-data access log (PIPL): who looked at an applicant's unmasked personal data, which request, when."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hallservice.core import fields

from .service_request import ServiceRequest


class AccessKind(models.TextChoices):
    VIEW = "view", _("Viewed the request page unmasked")
    SIGNING_COPY = "signing_copy", _("Downloaded a signing copy")
    ARCHIVE = "archive", _("Downloaded the archive with signing copies")
    SEARCH = "search", _("Searched by full ID number or phone")


class PersonalDataAccess(models.Model):
    """One access to unmasked personal data. Written once, never changed; the searched value itself is not kept.

    ``centre`` is the request's centre (or, for a search, the searcher's own centre): the supervisors of that
    centre and the centres above it see the row.
    """

    actor = fields.user(_("staff"), related_name="personal_data_accesses")
    request = fields.optional_reference(
        ServiceRequest, _("request"), on_delete=models.PROTECT, related_name="personal_data_accesses"
    )
    centre = models.ForeignKey(
        "staff.ServiceCentre",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("centre"),
    )
    kind = models.CharField(_("access"), max_length=20, choices=AccessKind.choices)
    matches = models.PositiveIntegerField(_("matches"), null=True, blank=True, help_text=_("Requests a search found"))
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["centre", "-at"], name="pda_centre_at"),
            models.Index(fields=["actor", "request", "kind", "-at"], name="pda_repeat"),
        ]

    def __str__(self) -> str:
        return f"{self.actor} · {self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M}"
