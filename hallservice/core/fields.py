"""The columns many apps' models declare alike: who did something, for which centre and staff member, and when.

Each factory returns a fresh field with the options the apps had written out by hand, so a model that uses one
keeps its column, its verbose name and its migration state exactly. The kernel imports no app: the centre and
the staff member are named by their model labels, resolved when the apps are ready.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The usual verbose names of a reference to a staff member and to a department (the models' own).
STAFF_MEMBER = _("staff member")
DEPARTMENT = _("department")


def _optional(options: dict, optional: bool) -> dict:
    # An optional reference may be empty in the database and in the forms alike.
    return {"null": True, "blank": True, **options} if optional else options


def user_field(verbose_name=None, *, on_delete=models.PROTECT, optional: bool = False, **options) -> models.ForeignKey:
    """The user who did something to the row (filed, recorded, decided it); no reverse accessor by default."""
    options.setdefault("related_name", "+")
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=verbose_name, on_delete=on_delete, **_optional(options, optional)
    )


def staff_member_field(
    verbose_name=STAFF_MEMBER, *, on_delete=models.PROTECT, optional: bool = False, **options
) -> models.ForeignKey:
    """A staff member the row is about or who does its work (a helper, a duty leader, the person tested)."""
    options.setdefault("related_name", "+")
    return models.ForeignKey(
        "staff.StaffMember", verbose_name=verbose_name, on_delete=on_delete, **_optional(options, optional)
    )


def department_field(
    verbose_name=DEPARTMENT, *, on_delete=models.PROTECT, optional: bool = False, **options
) -> models.ForeignKey:
    """A department stationed in the hall that the row concerns (leads, takes part, holds a training)."""
    return models.ForeignKey(
        "staff.Department", verbose_name=verbose_name, on_delete=on_delete, **_optional(options, optional)
    )


def optional_reference(to, verbose_name=None, *, on_delete, **options) -> models.ForeignKey:
    """A reference the row may lack (a request a complaint names, the plan a month continues)."""
    return models.ForeignKey(to, verbose_name=verbose_name, on_delete=on_delete, **_optional(options, True))


def centre_field(*, on_delete=models.PROTECT, **options) -> models.ForeignKey:
    """The service centre the row belongs to: what the pages' scope filters on."""
    return models.ForeignKey("staff.ServiceCentre", verbose_name=_("centre"), on_delete=on_delete, **options)


def created_at_field(verbose_name=None, **options) -> models.DateTimeField:
    """When the row was written; set once by the database save."""
    return models.DateTimeField(verbose_name, auto_now_add=True, **options)


def moment_field(verbose_name=None, **options) -> models.DateTimeField:
    """When a step of the row's life happened (accepted, decided, closed…): empty until it has."""
    return models.DateTimeField(verbose_name, null=True, blank=True, **options)
