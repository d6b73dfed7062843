"""Delivery of the result, the applicant's evaluation and the helper's summary (F-REQ-8 … F-REQ-10)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hallservice.crypto import EncryptedCharField

from .service_request import ServiceRequest


class DeliveryMethod(models.TextChoices):
    ON_THE_SPOT = "on_the_spot", _("On the spot")
    IN_PERSON = "in_person", _("Handed over in person")
    POST = "post", _("Free postal delivery")


class Delivery(models.Model):
    """How the result reached the applicant; a posted result counts as delivered once receipt is confirmed."""

    request = models.OneToOneField(ServiceRequest, on_delete=models.CASCADE, related_name="delivery")
    method = models.CharField(_("method"), max_length=12, choices=DeliveryMethod.choices)
    signer = models.CharField(_("signed by"), max_length=50, blank=True)
    recipient = models.CharField(_("recipient"), max_length=50, blank=True)
    address = EncryptedCharField(_("postal address"))
    carrier = models.CharField(_("carrier"), max_length=50, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=50, blank=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    receipt_confirmed_at = models.DateTimeField(_("receipt confirmed at"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.CheckConstraint(
                condition=~Q(method=DeliveryMethod.POST) | (~Q(carrier="") & ~Q(tracking_number="")),
                name="posted_delivery_has_tracking",
            ),
            models.CheckConstraint(
                condition=~Q(method=DeliveryMethod.IN_PERSON) | ~Q(signer=""), name="personal_delivery_has_signer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} {self.get_method_display()}"


class Rating(models.IntegerChoices):
    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    BASICALLY_SATISFIED = 3, _("Basically satisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


POOR_RATINGS = (Rating.DISSATISFIED, Rating.VERY_DISSATISFIED)


class Evaluation(models.Model):
    """The applicant's rating of the service (好差评); a poor rating needs a follow-up."""

    request = models.OneToOneField(ServiceRequest, on_delete=models.CASCADE, related_name="evaluation")
    rating = models.PositiveSmallIntegerField(_("rating"), choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty when the applicant rated online"),
    )
    needs_follow_up = models.BooleanField(_("needs follow-up"), default=False)
    follow_up_note = models.TextField(_("follow-up"), blank=True)
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.request} {self.get_rating_display()}"


class Summary(models.Model):
    """The helper's summary of a finished request, due within 2 working days of completion (seed 000)."""

    request = models.OneToOneField(ServiceRequest, on_delete=models.CASCADE, related_name="summary")
    text = models.TextField(_("summary"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("summary")
        verbose_name_plural = _("summaries")

    def __str__(self) -> str:
        return f"{self.request}"
