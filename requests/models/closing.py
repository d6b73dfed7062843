"""Delivery of the result, the applicant's evaluation and the helper's summary (F-REQ-8 … F-REQ-10)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hallservice.core import fields, text_limits
from hallservice.core.crypto import EncryptedCharField, mask_address

from ..causes import FailureCause
from .service_request import ServiceRequest


class DeliveryMethod(models.TextChoices):
    ON_THE_SPOT = "on_the_spot", _("On the spot")
    IN_PERSON = "in_person", _("Handed over in person")
    POST = "post", _("Free postal delivery")
    # Seed 003 四.4: "必要时可协商通过快递送达或登门送达的方式完成".
    AT_HOME = "at_home", _("Delivered at the applicant's home")


# Handed to the applicant, who signs the completion form there and then.
SIGNED_HANDOVERS = (DeliveryMethod.IN_PERSON, DeliveryMethod.AT_HOME)


class Delivery(models.Model):
    """How the result reached the applicant; a posted result counts as delivered once receipt is confirmed."""

    request = models.OneToOneField(ServiceRequest, on_delete=models.CASCADE, related_name="delivery")
    method = models.CharField(_("method"), max_length=12, choices=DeliveryMethod.choices)
    signer = models.CharField(_("signed by"), max_length=50, blank=True)
    recipient = models.CharField(_("recipient"), max_length=50, blank=True)
    address = EncryptedCharField(_("postal address"))
    carrier = models.CharField(_("carrier"), max_length=50, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=50, blank=True)
    sent_at = fields.created_at(_("sent at"))
    receipt_confirmed_at = fields.moment(_("receipt confirmed at"))
    by = fields.user()
    # Delivery at home (登门送达): the staff member who went and when the applicant signed there.
    deliverer = fields.staff_member(_("delivered by"), optional=True)
    handed_over_at = fields.moment(_("handed over at"))

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
            models.CheckConstraint(
                condition=~Q(method=DeliveryMethod.AT_HOME)
                | (~Q(signer="") & Q(deliverer__isnull=False) & Q(handed_over_at__isnull=False)),
                name="home_delivery_has_signer_deliverer_and_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} {self.get_method_display()}"

    @property
    def address_masked(self) -> str:
        """The delivery address as lists and exports show it: the region kept, the street and number hidden."""
        return mask_address(self.address)


class Rating(models.IntegerChoices):
    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    BASICALLY_SATISFIED = 3, _("Basically satisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


POOR_RATINGS = (Rating.DISSATISFIED, Rating.VERY_DISSATISFIED)


class Evaluation(models.Model):
    """The applicant's rating of the service (好差评) with the offline indicators; a poor rating opens a
    rectification case: a return visit within 1 working day, rectification within a set limit, then the applicant
    may rate again. Only an appeal review (EvaluationAppeal) can make a rating invalid.
    """

    request = models.OneToOneField(ServiceRequest, on_delete=models.CASCADE, related_name="evaluation")
    rating = models.PositiveSmallIntegerField(_("overall satisfaction"), choices=Rating.choices)
    efficiency = models.PositiveSmallIntegerField(_("efficiency"), choices=Rating.choices, null=True, blank=True)
    service_level = models.PositiveSmallIntegerField(_("service level"), choices=Rating.choices, null=True, blank=True)
    attitude = models.PositiveSmallIntegerField(_("attitude"), choices=Rating.choices, null=True, blank=True)
    comment = models.TextField(_("comment"), max_length=text_limits.SUMMARY, blank=True)
    # Indexed: the statistics' daily figures recount a day's evaluations by time.
    at = fields.created_at(_("time"), db_index=True)
    recorded_by = fields.user(optional=True, help_text=_("Empty when the applicant rated online"))
    needs_follow_up = models.BooleanField(_("needs follow-up"), default=False)
    # The rectification case of a poor rating: return visit, rectification, the applicant's follow-up rating.
    return_visit_due = models.DateField(_("return visit by"), null=True, blank=True)
    follow_up_note = models.TextField(_("follow-up"), max_length=text_limits.TEXT, blank=True)
    followed_up_at = fields.moment(_("followed up at"))
    followed_up_by = fields.user(optional=True)
    rectify_due = models.DateField(_("rectify by"), null=True, blank=True)
    rectification_note = models.TextField(_("rectification"), max_length=text_limits.TEXT, blank=True)
    rectified_at = fields.moment(_("rectified at"))
    rectified_by = fields.user(optional=True)
    follow_up_rating = models.PositiveSmallIntegerField(
        _("rating after rectification"), choices=Rating.choices, null=True, blank=True
    )
    follow_up_comment = models.TextField(_("comment after rectification"), max_length=text_limits.SUMMARY, blank=True)
    follow_up_rated_at = fields.moment(_("rated again at"))
    is_invalid = models.BooleanField(_("invalid (after appeal)"), default=False)
    # Why the service fell short, named at the return visit or the rectification: it proposes training.
    cause = models.CharField(_("cause"), max_length=20, choices=FailureCause.choices, blank=True)
    # Timer bookkeeping, so each overdue warning is raised once.
    return_visit_flagged_on = models.DateField(null=True, blank=True, editable=False)
    rectify_flagged_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up_rating__isnull=True) | Q(needs_follow_up=True, rectified_at__isnull=False),
                name="follow_up_rating_after_rectification",
            ),
            models.CheckConstraint(
                condition=Q(rectified_at__isnull=True) | Q(followed_up_at__isnull=False),
                name="rectification_after_return_visit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} {self.get_rating_display()}"

    @property
    def is_poor(self) -> bool:
        """Poor on any indicator (overall, efficiency, service level, attitude): each counts (好差评)."""
        return any(
            value in POOR_RATINGS for value in (self.rating, self.efficiency, self.service_level, self.attitude)
        )

    @property
    def final_rating(self) -> int:
        """The rating that counts after rectification: the follow-up rating once given."""
        return self.follow_up_rating or self.rating

    @property
    def rectification_stage(self) -> str:
        """Empty without a case, else return_visit, rectifying, awaiting_rating, closed or invalid."""
        if not self.needs_follow_up:
            return ""
        if self.is_invalid:
            return "invalid"
        if self.followed_up_at is None:
            return "return_visit"
        if self.rectified_at is None:
            return "rectifying"
        if self.follow_up_rating is None:
            return "awaiting_rating"
        return "closed"


RECTIFICATION_STAGES = {
    "return_visit": _("Return visit due"),
    "rectifying": _("Being rectified"),
    "awaiting_rating": _("Rectified; the applicant may rate again"),
    "closed": _("Rated again after rectification"),
    "invalid": _("Rating invalid after appeal"),
}


class AppealDecision(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    INVALID = "invalid", _("Rating invalid")
    UPHELD = "upheld", _("Rating stands")


class EvaluationAppeal(models.Model):
    """A staff member's appeal against a rating (e.g. malicious or about another matter), decided by a supervisor."""

    evaluation = models.OneToOneField(Evaluation, on_delete=models.CASCADE, related_name="appeal")
    reasons = models.TextField(_("reasons for the appeal"), max_length=text_limits.TEXT)
    filed_by = fields.user()
    filed_at = fields.created_at(_("filed at"))
    decision = models.CharField(
        _("decision"), max_length=8, choices=AppealDecision.choices, default=AppealDecision.PENDING
    )
    decision_reasons = models.TextField(_("reasons for the decision"), max_length=text_limits.TEXT, blank=True)
    decided_by = fields.user(optional=True)
    decided_at = fields.moment(_("decided at"))

    class Meta:
        verbose_name = _("evaluation appeal")
        verbose_name_plural = _("evaluation appeals")
        constraints = [
            models.CheckConstraint(
                condition=Q(decision=AppealDecision.PENDING) | (~Q(decision_reasons="") & Q(decided_by__isnull=False)),
                name="decided_appeal_has_reasons",
            ),
        ]
        permissions = [
            ("appeal_evaluation", _("Can appeal against an evaluation")),
            ("review_evaluation_appeal", _("Can review evaluation appeals")),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} {self.get_decision_display()}"


class Summary(models.Model):
    """The helper's summary of a finished request, due within 2 working days of completion (seed 000)."""

    request = models.OneToOneField(ServiceRequest, on_delete=models.CASCADE, related_name="summary")
    text = models.TextField(_("summary"), max_length=text_limits.SUMMARY)
    author = fields.user()
    written_at = fields.created_at(_("written at"))

    class Meta:
        verbose_name = _("summary")
        verbose_name_plural = _("summaries")

    def __str__(self) -> str:
        return f"{self.request}"


class FollowUpOutcome(models.TextChoices):
    SATISFIED = "satisfied", _("Reached: the applicant is satisfied with the result")
    PROBLEM = "problem", _("Reached: a problem was found")
    UNREACHABLE = "unreachable", _("The applicant could not be reached")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("To do")
    DONE = "done", _("Done")


class FollowUpTask(models.Model):
    """The helper's follow-up with the applicant after the result was delivered (跟踪服务), one per request.

    Seed 004 服务要求: "办理完结后，服务人员应对服务对象进行服务跟踪、掌握动态，提供跟踪服务。" Every delivered request
    gets one, due DELIVERY_FOLLOW_UP_WORKING_DAYS working days after delivery. It is not the return visit of a
    poor rating (``Evaluation.needs_follow_up`` and its columns): that case is opened by the applicant's rating,
    may never happen, and is checked by the supervisors; this one is the helper's routine call after every
    delivery, whatever the rating, so it is a row of its own rather than more columns on the evaluation, which
    may not exist when the call is due.
    """

    request = models.OneToOneField(ServiceRequest, on_delete=models.CASCADE, related_name="follow_up_task")
    # The request's helper; moves with the request when the helper changes before the follow-up is done.
    helper = fields.staff_member(_("helper"), related_name="follow_up_tasks")
    due = models.DateField(_("follow up by"))
    status = models.CharField(_("status"), max_length=8, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    outcome = models.CharField(_("outcome"), max_length=12, choices=FollowUpOutcome.choices, blank=True)
    note = models.TextField(_("note"), max_length=text_limits.TEXT, blank=True)
    created_at = fields.created_at(_("created at"))
    done_at = fields.moment(_("done at"))
    done_by = fields.user(optional=True)

    class Meta:
        verbose_name = _("follow-up after delivery")
        verbose_name_plural = _("follow-ups after delivery")
        constraints = [
            models.CheckConstraint(
                condition=Q(status=FollowUpStatus.OPEN, outcome="", done_at__isnull=True)
                | (Q(status=FollowUpStatus.DONE, done_at__isnull=False) & ~Q(outcome="")),
                name="follow_up_task_done_has_outcome",
            ),
        ]
        indexes = [models.Index(fields=["helper", "status"], name="follow_up_task_helper_status")]

    def __str__(self) -> str:
        return f"{self.request} {self.get_status_display()}"

    @property
    def reached(self) -> bool | None:
        """Whether the applicant was reached; None while the follow-up is open."""
        if self.status == FollowUpStatus.OPEN:
            return None
        return self.outcome != FollowUpOutcome.UNREACHABLE
