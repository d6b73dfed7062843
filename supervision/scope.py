"""Which centres a supervision page covers: the user's visible centres, narrowed to one chosen centre's subtree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from hallservice.core.errors import DomainError
from staff.models import ServiceCentre
from staff.selectors import visible_centres


@dataclass(frozen=True)
class Scope:
    """The centres and the period a statistics page reports on."""

    centre_ids: tuple[int, ...]
    date_from: date
    date_to: date
    centre: ServiceCentre | None = None

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1


def centre_ids_for(user, centre_id: int | None = None) -> tuple[ServiceCentre | None, tuple[int, ...]]:
    """The chosen centre (None = all visible) and the ids of it and its lower centres that the user may see.

    A centre outside the user's view is refused rather than silently widened or emptied.
    """
    visible = visible_centres(user)
    if centre_id is None:
        return None, tuple(visible.values_list("pk", flat=True))
    centre = visible.filter(pk=centre_id).first()
    if centre is None:
        raise DomainError(_("You cannot see this centre."), field="centre")
    ids = ServiceCentre.objects.subtree_of(centre).filter(pk__in=visible.values("pk")).values_list("pk", flat=True)
    return centre, tuple(ids)


def build_scope(user, *, centre_id: int | None, date_from: date, date_to: date) -> Scope:
    if date_to < date_from:
        raise DomainError(_("The period ends before it starts."), field="date_to")
    if (date_to - date_from).days > 366 * 3:
        raise DomainError(_("Choose a period of at most three years."), field="date_from")
    centre, ids = centre_ids_for(user, centre_id)
    return Scope(centre_ids=ids, date_from=date_from, date_to=date_to, centre=centre)
