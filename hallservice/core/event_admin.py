"""How the admin lists an app's history of a centre (an event row of ``hallservice.core.events`` with a centre):
the same columns and filters for the rosters', the training's and any later app's events."""

from .admin import ReadOnlyAdmin
from .scoping import centre_q


class CentreEventAdmin(ReadOnlyAdmin):
    """A centre's history, read-only like every event: when, where, who and what."""

    list_display = ["at", "centre", "actor", "verb", "note"]
    list_filter = ["verb", "centre"]
    list_select_related = ["centre", "actor"]

    def get_queryset(self, request):
        """Only the histories of the user's centres, as on the pages."""
        return super().get_queryset(request).filter(centre_q(request.user, "centre"))
