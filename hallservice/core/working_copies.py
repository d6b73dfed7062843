"""A centre-scoped queryset whose drafts only the people who edit them may see.

A rotation plan (with its duty days) and a monthly test are the supervision section's working copy until they are
published: ``restrict(user)`` keeps them from everyone without the permission to edit them. Each queryset declares
that permission and the rows everyone may see; the rule itself is written once, here.
"""

from __future__ import annotations

from typing import Self

from django.db.models import Q

from hallservice.core.scoping import CentreScopedQuerySet


class WorkingCopyQuerySet(CentreScopedQuerySet):
    """Scoped by centre, and narrowed to ``shown_to_all`` for a user without ``edit_permission``."""

    # The permission of those who edit the drafts, e.g. "rosters.manage_rotation".
    edit_permission: str
    # The rows everyone else in the centre may see, e.g. ``Q(status=PlanStatus.PUBLISHED)``.
    shown_to_all: Q

    def restrict(self, user, *, via: str | None = None) -> Self:
        qs = super().restrict(user, via=via)
        if not user.has_perm(self.edit_permission):
            qs = qs.filter(self.shown_to_all)
        return qs
