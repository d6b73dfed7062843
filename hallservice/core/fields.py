"""The columns many apps' models declare alike: who did something, for which centre and staff member, and when.

Models import the module and write ``fields.user(...)`` beside ``models.CharField(...)``. Each factory returns a
fresh field with the options the apps had written out by hand, so a model that uses one keeps its column, its
verbose name and its migration state exactly. The kernel imports no app: the centre, the department and the staff
member are named by their model labels, resolved when the apps are ready.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The usual verbose names of a reference to a staff member and to a department (the models' own).
STAFF_MEMBER = _("staff member")
DEPARTMENT = _("department")


def _reference(to, verbose_name, on_delete, optional: bool, options: dict) -> models.ForeignKey:
    # An optional reference may be empty in the database and in the forms alike.
    if optional:
        options = {"null": True, "blank": True, **options}
    return models.ForeignKey(to, verbose_name=verbose_name, on_delete=on_delete, **options)


def user(verbose_name=None, *, on_delete=models.PROTECT, optional: bool = False, **options) -> models.ForeignKey:
    """The user who did something to the row (filed, recorded, decided it); no reverse accessor by default."""
    options.setdefault("related_name", "+")
    return _reference(settings.AUTH_USER_MODEL, verbose_name, on_delete, optional, options)


def staff_member(
    verbose_name=STAFF_MEMBER, *, on_delete=models.PROTECT, optional: bool = False, **options
) -> models.ForeignKey:
    """A staff member the row is about or who does its work (a helper, a duty leader, the person tested)."""
    options.setdefault("related_name", "+")
    return _reference("staff.StaffMember", verbose_name, on_delete, optional, options)


def department(
    verbose_name=DEPARTMENT, *, on_delete=models.PROTECT, optional: bool = False, **options
) -> models.ForeignKey:
    """A department stationed in the hall that the row concerns (leads, takes part, holds a training)."""
    return _reference("staff.Department", verbose_name, on_delete, optional, options)


def optional_reference(to, verbose_name=None, *, on_delete, **options) -> models.ForeignKey:
    """A reference the row may lack (a request a complaint names, the plan a month continues)."""
    return _reference(to, verbose_name, on_delete, True, options)


def centre(*, on_delete=models.PROTECT, **options) -> models.ForeignKey:
    """The service centre the row belongs to: what the pages' scope filters on."""
    return _reference("staff.ServiceCentre", _("centre"), on_delete, False, options)


def created_at(verbose_name=None, **options) -> models.DateTimeField:
    """When the row was written; set once by the database save."""
    return models.DateTimeField(verbose_name, auto_now_add=True, **options)


def moment(verbose_name=None, **options) -> models.DateTimeField:
    """When a step of the row's life happened (accepted, decided, closed…): empty until it has."""
    return models.DateTimeField(verbose_name, null=True, blank=True, **options)
