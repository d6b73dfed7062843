"""Which rows a user may see, by centre: one queryset base for every scoped model (NetBox's RestrictedQuerySet).

A model's queryset derives from ``CentreScopedQuerySet`` and declares the path from its rows to their centre
(``centre_path = "request__centre"``), or several paths when a row is visible through any of them.
``Model.objects.restrict(user)`` then keeps the rows the user may see, for HTML views, the API, exports and
dashboards alike.

Which centres a user may see (the centre tree, roles) is the organisation's business, not the kernel's: the
staff app registers that rule here when it starts (``register_centre_filter``), so the kernel imports no app.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Self

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q

from .errors import DomainError

# The rule: (user, path to a ServiceCentre, or "pk" on centres themselves) → a Q object; an empty Q means "every
# row" (admins), so it must never be OR-ed with a narrower one (that would silently narrow it).
CentreFilter = Callable[[object, str], Q]

_centre_filter: CentreFilter | None = None


def register_centre_filter(rule: CentreFilter) -> None:
    """Install the rule that says which centres a user may see (staff does, in its AppConfig.ready)."""
    global _centre_filter  # noqa: PLW0603 — set once at start-up, read by every scoped queryset
    _centre_filter = rule


def centre_q(user, paths: str | Sequence[str]) -> Q:
    """Rows whose centre, reached through any of ``paths``, the user may see; an empty Q means every row."""
    if _centre_filter is None:
        raise ImproperlyConfigured("No centre filter is registered: is the staff app installed?")
    if isinstance(paths, str):
        paths = (paths,)
    parts = [_centre_filter(user, path) for path in paths]
    if any(not part for part in parts):
        return Q()
    combined = parts[0]
    for part in parts[1:]:
        combined |= part
    return combined


class CentreScopedQuerySet(models.QuerySet):
    """A queryset that narrows itself to the rows a user may see; subclasses name the path to the centre."""

    # The path from a row to its ServiceCentre ("pk" for centres themselves), or a tuple of paths when a row is
    # visible to the centres at the end of any of them (a request: its centre and the centre that forwarded it).
    centre_path: str | tuple[str, ...] = "centre"

    def restrict(self, user, *, via: str | None = None) -> Self:
        """The rows ``user`` may see; ``via`` narrows to one of the declared paths (who acts, not who looks)."""
        return self.filter(self.centre_q(user, via=via))

    def ensure_visible(self, user, pk: int, *, refusal: str, field: str | None = None) -> None:
        """Refuse (a DomainError saying ``refusal``) unless ``user`` may see row ``pk``.

        A service checks this, then locks the row by key alone: PostgreSQL refuses FOR UPDATE on the nullable side
        of the outer joins that ``restrict`` needs for some roles."""
        if not self.restrict(user).filter(pk=pk).exists():
            raise DomainError(refusal, field=field)

    def centre_q(self, user, *, via: str | None = None) -> Q:
        """The Q object behind ``restrict``, for a subclass that ORs it with another rule."""
        if via is not None and via not in _as_tuple(self.centre_path):
            raise ValueError(f"{via!r} is not a centre path of {self.model.__name__}")
        return centre_q(user, via or self.centre_path)


def _as_tuple(paths: str | tuple[str, ...]) -> tuple[str, ...]:
    return (paths,) if isinstance(paths, str) else tuple(paths)
