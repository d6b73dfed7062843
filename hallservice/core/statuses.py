"""Moving a row along its state machine: the check against the table and the save, written once for every app.

Each app keeps its own table (``TRANSITIONS``: status → the statuses it may become) and its own refusal message
(the noun differs: a request, a complaint…); this module applies them the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum

from hallservice.core.errors import TransitionNotAllowed


def status_move(obj, target: Enum, *, transitions: Mapping, refusal: str, fields: tuple[str, ...] = ()) -> Enum:
    """Set ``obj.status`` to ``target`` after checking ``transitions``; returns the previous status (for the event).

    ``refusal`` is the message of the 409 when the table forbids the move, with ``%(current)s`` and
    ``%(target)s`` for the two statuses' labels. ``fields``: other columns the caller changed with the status.
    """
    choices = type(target)
    previous = choices(obj.status)
    if target not in transitions[previous]:
        raise TransitionNotAllowed(refusal % {"current": previous.label, "target": target.label})
    obj.status = target
    obj.save(update_fields=["status", "updated_at", *fields])
    return previous
