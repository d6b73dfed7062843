"""Moving a row along its state machine: the check against the table and the save, written once for every app.

Each app keeps its own table (``TRANSITIONS``: status → the statuses it may become) and its own refusal message
(the noun differs: a request, a complaint…); this module applies them the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum

from hallservice.core.errors import TransitionNotAllowed


def ensure_transition(obj, target: Enum, *, transitions: Mapping, refusal: str) -> Enum:
    """Refuse (409) unless ``transitions`` lets ``obj.status`` become ``target``; returns the current status.

    ``refusal`` is the message of the 409, with ``%(current)s`` and ``%(target)s`` for the two statuses' labels.
    """
    choices = type(target)
    current = choices(obj.status)
    if target not in transitions[current]:
        raise TransitionNotAllowed(refusal % {"current": current.label, "target": target.label})
    return current


def status_move(obj, target: Enum, *, transitions: Mapping, refusal: str, fields: tuple[str, ...] = ()) -> Enum:
    """Set ``obj.status`` to ``target`` after checking ``transitions``; returns the previous status (for the event).

    ``refusal`` is as for :func:`ensure_transition`. ``fields``: other columns the caller changed with the status.
    """
    previous = ensure_transition(obj, target, transitions=transitions, refusal=refusal)
    obj.status = target
    obj.save(update_fields=["status", "updated_at", *fields])
    return previous
