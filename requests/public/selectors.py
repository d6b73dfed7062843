"""Reads of the citizens' pages: which hall they belong to and which centres a citizen may write to."""

from __future__ import annotations

from django.conf import settings

from staff.models import CentreLevel, ServiceCentre


def centre_choices():
    """The centres a citizen may write to from this hall's pages: the hall and the centres below it (another
    district sharing the database is not this hall's to offer); every centre when the hall is not known."""
    hall = hall_centre()
    centres = ServiceCentre.objects.subtree_of(hall) if hall else ServiceCentre.objects.all()
    return [(c.pk, c.name) for c in centres.order_by("level", "code")]


def hall_centre() -> ServiceCentre | None:
    """The hall these public pages belong to, named in their header and footer and preselected on the public
    forms (consultation, complaint): the centre whose code is settings.HALL_CENTRE_CODE. Unset, the one district
    when the database holds only one; with several districts and no setting, none — the forms then ask the
    citizen to choose, rather than filing their complaint with whichever district sorts first."""
    code = getattr(settings, "HALL_CENTRE_CODE", "")
    if code:
        return ServiceCentre.objects.filter(code=code).first()
    districts = list(ServiceCentre.objects.filter(level=CentreLevel.DISTRICT).order_by("code")[:2])
    return districts[0] if len(districts) == 1 else None
