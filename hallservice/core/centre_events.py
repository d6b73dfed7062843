"""The abstract history row of a centre's own records (rosters, training), shared by their event tables.

Unlike a request's or a complaint's history, which follow one record, these histories belong to a centre: each row
names the centre (the admin filters by it), is listed newest first, and keeps its rows when a user is deleted, as
the records it describes do.
"""

from __future__ import annotations

from django.db import models

from hallservice.core.events import Event, actor_field


class CentreEvent(Event):
    """Abstract: one change to a centre's rosters or training, kept when the user who made it is deleted."""

    centre = models.ForeignKey("staff.ServiceCentre", on_delete=models.PROTECT, related_name="+")
    actor = actor_field(on_delete=models.SET_NULL)

    class Meta(Event.Meta):
        abstract = True
        ordering = ["-at", "-pk"]
