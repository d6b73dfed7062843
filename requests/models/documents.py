"""Documents issued for requests (F-DOC): every version kept with its hash, and ledger exports."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hallservice.core import fields, job_rows

from .service_request import ServiceRequest


class DocumentKind(models.TextChoices):
    COMMISSION_LETTER = "commission_letter", _("Commission letter")
    NOTICE_OF_DUTIES = "notice_of_duties", _("Notice of duties")
    DEFICIENCY_NOTICE = "deficiency_notice", _("One-time deficiency notice")
    ACCEPTANCE_FORM = "acceptance_form", _("Acceptance form")
    COMPLETION_FORM = "completion_form", _("Completion form")
    SUSPENSION_NOTICE = "suspension_notice", _("Suspension notice")
    TERMINATION_NOTICE = "termination_notice", _("Termination notice")


def document_path(instance: IssuedDocument, filename: str) -> str:
    return f"documents/{instance.request.number}/{instance.kind}-v{instance.version}.pdf"


class RequestFileVersion(models.Model):
    """Abstract: one stored version of a file of a request (a printed form, a signed form), numbered within its
    kind and hashed when stored; a new version is added beside the others, none is overwritten. Each file declares
    its own ``request`` and ``kind``."""

    version = models.PositiveSmallIntegerField(_("version"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))

    class Meta:
        abstract = True
        ordering = ["request", "kind", "version"]


class IssuedDocument(RequestFileVersion):
    """One printed version of one form for one request; issuing again adds a version, nothing is overwritten."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    code = models.CharField(
        _("code"), max_length=40, help_text=_("Printed on the form, e.g. the deficiency notice's code")
    )
    signing_copy = models.BooleanField(
        _("signing copy"), default=False, help_text=_("Printed with unmasked ID numbers for signature")
    )
    file = models.FileField(_("file"), upload_to=document_path)
    issued_by = fields.user()
    issued_at = fields.created_at(_("issued at"))

    class Meta(RequestFileVersion.Meta):
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        constraints = [
            models.UniqueConstraint(fields=["request", "kind", "version"], name="document_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


ExportStatus = job_rows.job_statuses("ExportStatus", module=__name__, running=_("Rendering"))


class LedgerExport(job_rows.RequestedJob):
    """A registration-ledger PDF for one centre and period, rendered in the background."""

    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"))
    status = job_rows.status_field(ExportStatus)
    file = models.FileField(_("file"), upload_to="ledgers/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, help_text=_("Runs started by a worker"))
    enqueued_at = fields.moment(_("sent to the queue at"), help_text=_("Empty while the task queue was unreachable"))
    heartbeat_at = fields.moment(_("last sign of life"))

    class Meta(job_rows.RequestedJob.Meta):
        verbose_name = _("ledger export")
        verbose_name_plural = _("ledger exports")
        constraints = [
            models.CheckConstraint(condition=models.Q(date_from__lte=models.F("date_to")), name="ledger_period")
        ]

    def __str__(self) -> str:
        return f"{self.centre} {self.date_from}–{self.date_to}"
