"""Signed paper forms kept as files (issue 18): a scan or photo of the signed paper, or a copy signed on the
tablet at the desk, and the materials handed back to the applicant at delivery, item by item."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hallservice.core import fields

from .closing import Delivery
from .documents import IssuedDocument, RequestFileVersion
from .service_request import ServiceRequest


class SignedFormKind(models.TextChoices):
    """The signed papers a request keeps: the printed forms the applicant signs and the courier's receipt."""

    COMMISSION_LETTER = "commission_letter", _("Signed commission letter")
    ACCEPTANCE_FORM = "acceptance_form", _("Signed acceptance form")
    COMPLETION_FORM = "completion_form", _("Signed completion form (receipt)")
    POST_RECEIPT = "post_receipt", _("Post receipt")


class SignatureSource(models.TextChoices):
    SCAN = "scan", _("Scan or photo of the signed paper")
    TABLET = "tablet", _("Signed on the tablet")


def signed_file_path(instance: KeptSignature, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"signatures/{instance.request.number}/{instance.kind}-v{instance.version}.{extension}"


def signature_image_path(instance: KeptSignature, filename: str) -> str:
    return f"signatures/{instance.request.number}/{instance.kind}-v{instance.version}-pad.png"


class KeptSignature(RequestFileVersion):
    """One kept version of a signed form of a request; a new upload or signature adds a version, none is replaced."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.PROTECT, related_name="signatures")
    kind = models.CharField(_("signed form"), max_length=20, choices=SignedFormKind.choices)
    source = models.CharField(_("source"), max_length=10, choices=SignatureSource.choices)
    file = models.FileField(_("file"), upload_to=signed_file_path)
    # Signed on the tablet: the printed version that was signed, and the pad's own drawing beside the signed PDF.
    document = fields.optional_reference(
        IssuedDocument, _("signed version of the printed form"), on_delete=models.PROTECT, related_name="+"
    )
    image = models.FileField(_("signature drawn on the tablet"), upload_to=signature_image_path, blank=True)
    kept_by = fields.user(_("kept by"))
    kept_at = fields.created_at(_("kept at"))

    class Meta(RequestFileVersion.Meta):
        verbose_name = _("kept signed form")
        verbose_name_plural = _("kept signed forms")
        constraints = [
            models.UniqueConstraint(fields=["request", "kind", "version"], name="signature_version_unique"),
            models.CheckConstraint(
                condition=~models.Q(source=SignatureSource.TABLET) | models.Q(document__isnull=False),
                name="tablet_signature_names_its_form",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} {self.get_kind_display()} v{self.version}"

    @property
    def file_name(self) -> str:
        """The name the file has in the archive zip and in downloads."""
        return self.file.name.rsplit("/", 1)[-1]


class ReturnedItem(models.Model):
    """One material handed back to the applicant at delivery (移交相关材料), in the order the clerk listed them."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="returned_items")
    position = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("material handed back"), max_length=200)

    class Meta:
        ordering = ["delivery", "position"]
        verbose_name = _("material handed back")
        verbose_name_plural = _("materials handed back")
        constraints = [models.UniqueConstraint(fields=["delivery", "position"], name="returned_item_position_unique")]

    def __str__(self) -> str:
        return self.name
