"""The service catalogue (F-CAT): matters the hall handles and the materials each one requires."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hallservice.core import fields, text_limits


class HandlingType(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediate (result on the spot)")
    PENDING = "pending", _("Pending (result later)")


class MatterQuerySet(models.QuerySet):
    def active(self) -> MatterQuerySet:
        return self.filter(is_active=True)

    def search(self, text: str) -> MatterQuerySet:
        """Match part of the name, the code, or pinyin initials / full pinyin ("bdc" finds 不动产)."""
        text = (text or "").strip()
        if not text:
            return self
        # The keys are stored without spaces or apostrophes, as a citizen may type "gong shang" or "xi'an".
        compact = "".join(text.lower().replace("'", " ").split())
        return self.filter(
            Q(main_item__icontains=text)
            | Q(sub_item__icontains=text)
            | Q(code__icontains=text)
            | Q(pinyin_initials__contains=compact)
            | Q(pinyin_full__contains=compact)
        )


class Matter(models.Model):
    """One catalogued administrative service (main item, optionally a sub-item) that helpers can assist with."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    main_item = models.CharField(_("main item"), max_length=200)
    sub_item = models.CharField(_("sub-item"), max_length=200, blank=True)
    department = fields.department(related_name="matters")
    accepting_window = models.CharField(_("accepting window"), max_length=100, blank=True)
    # The hall's counter for the matter, so the public guide can say which floor to go to (seed 004 服务场所:
    # 帮办代办服务事项和流程); the text above stays for matters taken at another centre's counter.
    window = fields.optional_reference(
        "staff.Window",
        _("hall window"),
        on_delete=models.SET_NULL,
        related_name="matters",
        help_text=_("The counter in the hall where the matter is accepted; the public guide shows its floor"),
    )
    legal_basis = models.TextField(_("legal basis"), max_length=text_limits.LONG_TEXT, blank=True)
    process = models.TextField(_("process"), max_length=text_limits.LONG_TEXT, blank=True)
    time_limit_days = models.PositiveSmallIntegerField(
        _("promised time limit (working days)"), default=0, help_text=_("0 for matters settled on the spot")
    )
    handling_type = models.CharField(
        _("handling type"), max_length=10, choices=HandlingType.choices, default=HandlingType.PENDING
    )
    fees = models.CharField(_("fees"), max_length=200, blank=True, default="")
    contact_helper = fields.staff_member(
        _("responsible helper"), on_delete=models.SET_NULL, optional=True, related_name="matters"
    )
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Filled by requests.catalogue.matter_save so a clerk can type "bdc" for 不动产.
    pinyin_initials = models.CharField(max_length=200, blank=True, editable=False, db_index=True)
    pinyin_full = models.CharField(max_length=800, blank=True, editable=False)

    objects = MatterQuerySet.as_manager()

    class Meta:
        ordering = ["department__code", "code"]
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        constraints = [
            models.CheckConstraint(
                condition=~Q(handling_type=HandlingType.PENDING) | Q(time_limit_days__gt=0),
                name="pending_matter_has_time_limit",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.main_item}（{self.sub_item}）" if self.sub_item else self.main_item

    @property
    def is_immediate(self) -> bool:
        return self.handling_type == HandlingType.IMMEDIATE


class SubmissionForm(models.TextChoices):
    """How a material is given and how far the hall can trust it."""

    ORIGINAL = "original", _("Original, checked at the window")
    COPY = "copy", _("Copy")
    ORIGINAL_AND_COPY = "original_and_copy", _("Original and copy")
    UPLOADED = "uploaded", _("Electronic / uploaded")
    PLEDGE = "pledge", _("Applicant's signed pledge")


class RequiredMaterial(models.Model):
    """A material a matter requires, with how to obtain it and whether tolerant acceptance may waive it."""

    matter = models.ForeignKey(Matter, verbose_name=_("matter"), on_delete=models.CASCADE, related_name="materials")
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    name = models.CharField(_("name"), max_length=200)
    how_to_obtain = models.CharField(_("how to obtain"), max_length=300, blank=True)
    submission_form = models.CharField(
        _("form"), max_length=20, choices=SubmissionForm.choices, default=SubmissionForm.ORIGINAL_AND_COPY
    )
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    tolerant_waivable = models.BooleanField(
        _("tolerant acceptance may waive"),
        default=False,
        help_text=_("The request may be accepted while this material is still missing, with a promised supply date"),
    )

    class Meta:
        ordering = ["matter", "position", "pk"]
        verbose_name = _("required material")
        verbose_name_plural = _("required materials")
        constraints = [models.UniqueConstraint(fields=["matter", "name"], name="material_name_unique_in_matter")]

    def __str__(self) -> str:
        return self.name
