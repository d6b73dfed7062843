"""How the admin lists an app's history of a centre (an event row of ``hallservice.core.events`` with a centre):
the same columns and filters for the rosters', the training's and any later app's events."""

from .admin import ReadOnlyAdmin


class CentreEventAdmin(ReadOnlyAdmin):
    """A centre's history, read-only like every event: when, where, who and what."""

    list_display = ["at", "centre", "actor", "verb", "note"]
    list_filter = ["verb", "centre"]
    list_select_related = ["centre", "actor"]
