"""Organisation: service centres (a tree), departments, windows and the staff who work in them."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hallservice.core import fields
from hallservice.core.crypto import EncryptedCharField
from hallservice.core.scoping import CentreScopedQuerySet


class CentreLevel(models.TextChoices):
    DISTRICT = "district", _("District hall")
    TOWN = "town", _("Town / street centre")
    VILLAGE = "village", _("Village / community station")


# The parent a centre of each level must have (seed 003: district + towns/streets + villages/communities).
PARENT_LEVEL = {
    CentreLevel.DISTRICT: None,
    CentreLevel.TOWN: CentreLevel.DISTRICT,
    CentreLevel.VILLAGE: CentreLevel.TOWN,
}


class ServiceCentreQuerySet(CentreScopedQuerySet):
    centre_path = "pk"

    def subtree_of(self, centre: ServiceCentre) -> ServiceCentreQuerySet:
        """The centre and everything below it. The tree is at most three levels deep."""
        return self.filter(Q(pk=centre.pk) | Q(parent_id=centre.pk) | Q(parent__parent_id=centre.pk))


class ServiceCentre(models.Model):
    """A service hall, town/street centre or village/community station."""

    code = models.CharField(
        _("code"), max_length=12, unique=True, help_text=_("Short code used in request numbers, e.g. XH")
    )
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=CentreLevel.choices)
    parent = fields.optional_reference("self", _("parent centre"), on_delete=models.PROTECT, related_name="children")
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("service phone"), max_length=30, blank=True)
    complaint_phone = models.CharField(_("complaint phone"), max_length=30, blank=True)
    opening_time = models.TimeField(_("opening time"), default=time(9, 0))
    closing_time = models.TimeField(_("closing time"), default=time(17, 0))

    objects = ServiceCentreQuerySet.as_manager()

    class Meta:
        ordering = ["level", "code"]
        verbose_name = _("service centre")
        verbose_name_plural = _("service centres")
        constraints = [
            models.CheckConstraint(
                condition=Q(level=CentreLevel.DISTRICT, parent__isnull=True)
                | (~Q(level=CentreLevel.DISTRICT) & Q(parent__isnull=False)),
                name="centre_parent_matches_level",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from .services import centre_validate_parent

        centre_validate_parent(centre=self, parent=self.parent, level=self.level)

    def ancestors(self) -> list[ServiceCentre]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class Department(models.Model):
    """A department (bureau) stationed in the hall."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    # Seed 003 二(一): "入驻本级政务服务大厅的部门的首席代表为部门帮办代办联系人，报本级政务服务管理部门登记备案" —
    # registered, so a person of the department's staff rather than a name typed in. Deleting that person leaves the
    # department without one (the admin then says so) rather than blocking the deletion.
    chief_representative = fields.optional_reference(
        "StaffMember",
        _("chief representative"),
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "The department's registered contact for help and agency in the hall: an active member of its staff"
        ),
    )
    # Before the contact was registered it was typed in; a name that matched no single member of the department's
    # staff was kept here by the migration rather than lost.
    chief_representative_note = models.CharField(
        _("chief representative (unregistered)"),
        max_length=50,
        blank=True,
        help_text=_("The name typed in before chief representatives were registered, kept until one is chosen"),
    )
    is_high_volume = models.BooleanField(
        _("high volume"),
        default=False,
        help_text=_(
            "Real estate, housing fund, business registration, public security: stations helpers in the help area"
        ),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from .services import department_validate_chief_representative

        department_validate_chief_representative(department=self, member=self.chief_representative)


class Window(models.Model):
    """A counter in a centre; help desks are the windows where helpers receive citizens."""

    centre = fields.centre(related_name="windows")
    number = models.CharField(_("number"), max_length=10)
    name = models.CharField(_("name"), max_length=100)
    floor = models.PositiveSmallIntegerField(_("floor"), default=1)
    department = fields.department(optional=True, related_name="windows")
    is_help_desk = models.BooleanField(_("help desk"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    # Staffing bounds for the monthly rotation of full-time helpers (rosters); 0 lets a window go without one,
    # empty (the default) is automatic: rosters.planning.automatic_minimums fits it to the centre's helpers.
    min_staff = models.PositiveSmallIntegerField(
        _("minimum helpers"),
        null=True,
        blank=True,
        default=None,
        help_text=_(
            "Full-time helpers the monthly rotation must put here. Empty = automatic: one when the centre has "
            "enough full-time helpers for all its windows that month, otherwise none."
        ),
    )
    max_staff = models.PositiveSmallIntegerField(
        _("maximum helpers"), default=2, help_text=_("Full-time helpers the monthly rotation may put here")
    )

    objects = CentreScopedQuerySet.as_manager()

    class Meta:
        ordering = ["centre", "floor", "number"]
        verbose_name = _("window")
        verbose_name_plural = _("windows")
        constraints = [
            models.UniqueConstraint(fields=["centre", "number"], name="window_number_unique_in_centre"),
            models.CheckConstraint(
                condition=Q(min_staff__isnull=True) | Q(min_staff__lte=models.F("max_staff")),
                name="window_min_staff_lte_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class StaffKind(models.TextChoices):
    FULL_TIME_HELPER = "full_time_helper", _("Full-time helper")
    WINDOW_HELPER = "window_helper", _("Window helper")
    DUTY_LEADER = "duty_leader", _("Duty leader")
    SPECIALIST = "specialist", _("Department specialist")


class SpecialistRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    WORKER = "worker", _("Worker")


class StaffMemberQuerySet(CentreScopedQuerySet):
    centre_path = "centre"

    def active(self) -> StaffMemberQuerySet:
        return self.filter(is_active=True)


class StaffMember(models.Model):
    """A person who works at the help desk or for a department, tied one-to-one to a login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="staff_member"
    )
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=20, choices=StaffKind.choices)
    centre = fields.centre(related_name="staff")
    department = fields.department(optional=True, related_name="staff")
    window = fields.optional_reference(Window, _("window"), on_delete=models.SET_NULL, related_name="staff")
    specialist_role = models.CharField(_("specialist role"), max_length=12, choices=SpecialistRole.choices, blank=True)
    # 工号: shown on the public helper board beside the name (seed 000 二.4 佩戴专门标识, seed 004 服务场所 帮办代办服务人员信息).
    staff_number = models.CharField(_("staff number"), max_length=20, blank=True)
    business_scope = models.CharField(_("business scope"), max_length=200, blank=True)
    phone = models.CharField(_("work phone"), max_length=30, blank=True)
    photo = models.FileField(
        _("photo"),
        upload_to="staff/photos/",
        blank=True,
        help_text=_("Shown on the public helper board; JPEG or PNG, at most 2 MB. Without one, the name is shown."),
    )
    # Printed as the agent's (代办人) ID number on the signing copy of the commission letter; personal data,
    # so encrypted at rest like the applicant's and printed masked on every other copy.
    id_number = EncryptedCharField(
        _("ID number"), help_text=_("Printed on the signing copy of the commission letter; stored encrypted")
    )
    is_party_member = models.BooleanField(_("party member"), default=False)
    dispatch_company = models.CharField(
        _("labour-dispatch company"), max_length=100, blank=True, help_text=_("For purchased-service staff")
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = StaffMemberQuerySet.as_manager()

    class Meta:
        ordering = ["centre", "kind", "name"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=StaffKind.SPECIALIST, department__isnull=False) | ~Q(kind=StaffKind.SPECIALIST),
                name="specialist_has_department",
            ),
            models.UniqueConstraint(
                fields=["staff_number"], condition=~Q(staff_number=""), name="staff_number_unique_when_given"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from .services import staff_validate, staff_validate_id_number

        staff_validate(
            kind=self.kind,
            centre=self.centre if self.centre_id else None,
            department=self.department,
            window=self.window,
            specialist_role=self.specialist_role,
        )
        if self.id_number:
            self.id_number = staff_validate_id_number(self.id_number)


# --- Skills matrix (issue 19 item 5) -----------------------------------------------------------------------


class QualificationLevel(models.IntegerChoices):
    """How far a helper is qualified for a department's (or one matter's) business; the rule that grades it is
    ``supervision.skills.qualification_level``."""

    NONE = 0, _("None")
    LEARNING = 1, _("Learning")
    QUALIFIED = 2, _("Qualified")
    EXPERT = 3, _("Expert")


class QualificationQuerySet(CentreScopedQuerySet):
    centre_path = "staff__centre"


class Qualification(models.Model):
    """A helper's computed qualification for a department (``matter`` empty) or for one matter of it.

    Written only by the supervision section's recomputation (supervision.skills), nightly and on demand; the
    rosters' generator and the registration page read it here, below them, and never compute it themselves.
    The figures it was graded from are kept beside the level so the page can show why.
    """

    staff = fields.staff_member(on_delete=models.CASCADE, related_name="qualifications")
    department = fields.department(on_delete=models.CASCADE, related_name="+")
    matter = fields.optional_reference("requests.Matter", _("matter"), on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"), choices=QualificationLevel.choices, default=0)
    windows_covered = models.PositiveIntegerField(_("months at the department's windows"), default=0)
    handled = models.PositiveIntegerField(_("requests handled"), default=0)
    on_time = models.PositiveIntegerField(_("handled on time"), default=0)
    poor_ratings = models.PositiveIntegerField(_("poor ratings"), default=0)
    test_score = models.DecimalField(_("test score"), max_digits=5, decimal_places=2, null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    objects = QualificationQuerySet.as_manager()

    class Meta:
        # By the keys, with no join: ordering by the nullable matter joined it by an outer join, which a locking
        # read (SELECT … FOR UPDATE, as manage.py strip_bidi_controls does) cannot take on PostgreSQL.
        ordering = ["staff_id", "department_id", "matter_id"]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "department"],
                condition=Q(matter__isnull=True),
                name="qualification_one_per_department",
            ),
            models.UniqueConstraint(
                fields=["staff", "matter"], condition=Q(matter__isnull=False), name="qualification_one_per_matter"
            ),
        ]
        indexes = [models.Index(fields=["department", "level"], name="qualification_department_level")]

    def __str__(self) -> str:
        return f"{self.staff} · {self.matter or self.department}: {self.get_level_display()}"
