"""The abstract history row of a centre's own records (rosters, training), shared by their event tables.

Unlike a request's or a complaint's history, which follow one record, these histories belong to a centre: each row
names the centre (the admin filters by it), is listed newest first, and keeps its rows when a user is deleted, as
the records it describes do.
"""

from __future__ import annotations

from django.db import models

from hallservice.core.events import Event, actor_field
from hallservice.core.text_limits import excerpt


class CentreEvent(Event):
    """Abstract: one change to a centre's rosters or training, kept when the user who made it is deleted."""

    centre = models.ForeignKey("staff.ServiceCentre", on_delete=models.PROTECT, related_name="+")
    actor = actor_field(on_delete=models.SET_NULL)

    class Meta(Event.Meta):
        abstract = True
        ordering = ["-at", "-pk"]

    @classmethod
    def record(cls, *, verb: str, actor, note: str = "", **fields):
        """As ``Event.record``; a long note (a generated plan's warnings, an import's errors) is cut to the column
        with a visible "…", since these notes are written by the system as often as typed."""
        return super().record(
            verb=verb, actor=actor, note=excerpt(note, cls._meta.get_field("note").max_length), **fields
        )
