"""What every training service does: check the actor, lock the row, check the state, write one event."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum

from django.utils.translation import gettext as _

from hallservice.core import statuses
from hallservice.core.errors import DomainError
from hallservice.core.text_limits import excerpt

from ..models import MonthlyTest, TrainingEvent, TrainingNotice, TrainingSession


def ensure_transition(obj, target: Enum, transitions: Mapping) -> None:
    refusal = _("It is “%(current)s” and cannot become “%(target)s”.")
    statuses.ensure_transition(obj, target, transitions=transitions, refusal=refusal)


def require_text(value: str, message: str, *, field: str, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, field=field)
    if max_length is not None and len(value) > max_length:
        raise DomainError(_("At most %(n)d characters.") % {"n": max_length}, field=field)
    return value


def record_event(*, centre_id: int, actor, verb: str, **fields) -> TrainingEvent:
    """One row of the centre's training history; ``fields``: note, session, test."""
    return TrainingEvent.record(centre_id=centre_id, actor=actor, verb=verb, **fields)


def record_session_event(session: TrainingSession, *, actor, verb: str, note: str) -> TrainingEvent:
    """An event of a training, in its centre's history."""
    return record_event(centre_id=session.centre_id, actor=actor, verb=verb, note=note, session=session)


def record_test_event(test: MonthlyTest, *, actor, verb: str, note: str) -> TrainingEvent:
    """An event of a monthly test, in its centre's history."""
    return record_event(centre_id=test.centre_id, actor=actor, verb=verb, note=note, test=test)


def notify(*, staff_ids, kind: str, key: str, text: str, link: str = "") -> int:
    """One notice per person and key: a task or a service that runs twice does not tell anyone twice."""
    staff_ids = list(dict.fromkeys(staff_ids))
    existing = set(TrainingNotice.objects.filter(staff_id__in=staff_ids, key=key).values_list("staff_id", flat=True))
    new = [
        TrainingNotice(staff_id=staff_id, kind=kind, key=key, text=excerpt(text, 300), link=link)
        for staff_id in staff_ids
        if staff_id not in existing
    ]
    TrainingNotice.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)
