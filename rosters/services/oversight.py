"""Duty oversight: the weekly bureau leader's patrol, and the duty record the helpers on duty write and the duty
leader signs off.

Seed 000 五.1: "带班人员值班情况由每周带班局领导负责" — the week's leading bureau leader answers for how the duty leaders
keep their duty; a patrol record says when and which centre they looked at, what they checked, what they found and
what is to follow. Seed 000 二.4: "帮办代办员要提前十分钟到岗，佩戴专门标识，负责整理汇总值班期间受理帮办代办事项的记录
工作" — the helpers on duty keep the record of the matters received during the duty; the day's duty leader, who
"指导、协调、督促帮办代办工作" (二.3), reviews it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hallservice.core.actors import user_of
from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from hallservice.core.text_limits import check_lengths
from staff.access import ensure_perm, managed_centre, staff_of

from ..models import (
    DutyDay,
    DutyRecord,
    DutyRecordRevision,
    DutyRecordStatus,
    PatrolRecord,
    PlanStatus,
)
from ..selectors import day_roster
from .common import record_event, require

# A patrol is recorded after it happened; a clock a few minutes fast on the leader's phone is not "the future".
PATROL_CLOCK_TOLERANCE = timedelta(minutes=5)
# No patrol of this system predates this year.
PATROL_EARLIEST_YEAR = 2000


@transaction.atomic
def patrol_record_create(
    *, actor, centre_id: int, patrolled_at: datetime, checked: str, findings: str = "", follow_up: str = ""
) -> PatrolRecord:
    """A bureau leader records a patrol of a centre they may see.

    Seed 000 五.1: "带班人员值班情况由每周带班局领导负责". The patrol counts for the hall-local week (Monday–Sunday) of
    ``patrolled_at``; a week of duty with no patrol is shown as missing once it has ended
    (``rosters.selectors.patrol_gaps``).
    """
    ensure_perm(actor, "rosters.record_patrol", _("Only a bureau leader records the weekly patrol."))
    member = staff_of(actor)
    centre = managed_centre(actor, centre_id)
    require(patrolled_at, _("Say when the patrol took place."), field="patrolled_at")
    require(checked, _("Say what was checked."), field="checked")
    if timezone.is_naive(patrolled_at):
        patrolled_at = timezone.make_aware(patrolled_at)
    if patrolled_at > timezone.now() + PATROL_CLOCK_TOLERANCE:
        raise DomainError(_("A patrol is recorded after it took place, not before."), field="patrolled_at")
    if timezone.localtime(patrolled_at).year < PATROL_EARLIEST_YEAR:
        # Year 1 in the hall's zone is stored before year 1 in UTC, which PostgreSQL cannot read back (a 500 on
        # every later read of the centre's patrols).
        raise DomainError(_("Choose a date from %(year)d on.") % {"year": PATROL_EARLIEST_YEAR}, field="patrolled_at")
    values = {"checked": checked.strip(), "findings": findings.strip(), "follow_up": follow_up.strip()}
    check_lengths(PatrolRecord, **values)
    patrol = PatrolRecord(centre=centre, leader=member, recorded_by=user_of(actor), **values)
    patrol.set_patrolled_at(patrolled_at)
    patrol.save()
    record_event(
        centre_id=centre.pk,
        actor=actor,
        verb="patrol_recorded",
        note=f"{timezone.localtime(patrolled_at):%Y-%m-%d %H:%M} {member.name}",
    )
    return patrol


def _lock_duty_day(duty_day_id: int) -> DutyDay:
    """Re-read the duty day under a row lock: two helpers writing the day's first record must not make two."""
    duty_day = DutyDay.objects.select_for_update(of=("self",)).select_related("plan", "centre").get(pk=duty_day_id)
    if duty_day.plan.status != PlanStatus.PUBLISHED:
        raise TransitionNotAllowed(_("The roster of this day is not published."))
    if duty_day.day > timezone.localdate():
        raise DomainError(_("The duty record is kept on the day of the duty or after it, not before."))
    return duty_day


def _lock_record(record_id: int) -> tuple[DutyRecord, DutyDay]:
    """The record and its duty day, both under a row lock, the day first as ``duty_record_write`` takes it."""
    duty_day_id = DutyRecord.objects.values_list("duty_day_id", flat=True).get(pk=record_id)
    duty_day = _lock_duty_day(duty_day_id)
    return DutyRecord.objects.select_for_update(of=("self",)).get(pk=record_id), duty_day


def ensure_on_duty_writer(actor, duty_day: DutyDay) -> None:
    """Refuse anyone but the helpers on the day's roster (windows, day covers, help area, substitutes in effect).

    Seed 000 二.4 gives the record to the helpers on duty ("帮办代办员…负责整理汇总值班期间受理帮办代办事项的记录工作");
    the day's duty leader reviews it and so does not write it.
    """
    member = staff_of(actor)
    if member.pk == duty_day.leader_id:
        raise PermissionDenied(_("The duty leader reviews the duty record; the helpers on duty write it."))
    if member.pk not in day_roster(duty_day.centre, duty_day.day).expected:
        raise PermissionDenied(_("Only the helpers on duty that day write its duty record."))


def ensure_reviewer(actor, duty_day: DutyDay) -> None:
    """Refuse anyone but the day's duty leader (the one on duty after substitutions)."""
    if staff_of(actor).pk != duty_day.leader_id:
        raise PermissionDenied(_("Only the day's duty leader reviews its duty record."))


def _ensure_open(record: DutyRecord) -> None:
    if DutyRecordStatus.REVIEWED not in record.allowed_statuses():
        raise TransitionNotAllowed(_("The duty record has been reviewed: it can no longer be changed."))


def _clean_content(content: str) -> str:
    content = (content or "").strip()
    require(content, _("Write the record of the duty."), field="content")
    check_lengths(DutyRecord, content=content)
    return content


def _save_revision(record: DutyRecord, actor) -> None:
    DutyRecordRevision.objects.create(record=record, content=record.content, saved_by=user_of(actor))


def _recorded(record: DutyRecord, duty_day: DutyDay, *, actor, verb: str) -> DutyRecord:
    """The record's event: the day only, never the text (which may name applicants)."""
    record_event(centre_id=duty_day.centre_id, actor=actor, verb=verb, note=f"{duty_day.day}", duty_record=record)
    return record


@transaction.atomic
def duty_record_write(*, actor, duty_day_id: int, content: str) -> DutyRecord:
    """A helper on duty writes the day's record: one per centre and duty day (the duty day is unique per centre)."""
    duty_day = _lock_duty_day(duty_day_id)
    ensure_on_duty_writer(actor, duty_day)
    content = _clean_content(content)
    if DutyRecord.objects.filter(duty_day=duty_day).exists():
        raise TransitionNotAllowed(_("The duty record of this day has been written already: edit it instead."))
    record = DutyRecord.objects.create(duty_day=duty_day, content=content, written_by=user_of(actor))
    _save_revision(record, actor)
    return _recorded(record, duty_day, actor=actor, verb="duty_record_written")


@transaction.atomic
def duty_record_edit(*, actor, record_id: int, content: str) -> DutyRecord:
    """A helper on duty changes the record before the duty leader's review; every version is kept."""
    record, duty_day = _lock_record(record_id)
    ensure_on_duty_writer(actor, duty_day)
    _ensure_open(record)
    content = _clean_content(content)
    if content == record.content:
        return record
    record.content = content
    record.edited_by = user_of(actor)
    record.edited_at = timezone.now()
    record.save(update_fields=["content", "edited_by", "edited_at"])
    _save_revision(record, actor)
    return _recorded(record, duty_day, actor=actor, verb="duty_record_edited")


@transaction.atomic
def duty_record_review(*, actor, record_id: int, comment: str = "", seen_revision: int | None = None) -> DutyRecord:
    """The day's duty leader signs the record off, with an optional comment; from then on it is read-only.

    Seed 000 二.3: the duty leader "指导、协调、督促帮办代办工作". ``seen_revision`` is the version the leader read
    (the page sends it): a helper's edit since then is refused (409), so nobody signs off text they never saw.
    """
    record, duty_day = _lock_record(record_id)
    ensure_reviewer(actor, duty_day)
    _ensure_open(record)
    latest = record.revisions.order_by("-pk").values_list("pk", flat=True).first()
    if seen_revision is not None and seen_revision != latest:
        raise TransitionNotAllowed(_("The record was changed after you opened it: read it again, then sign it off."))
    comment = (comment or "").strip()
    check_lengths(DutyRecord, review_comment=comment)
    record.status = DutyRecordStatus.REVIEWED
    record.reviewed_by = user_of(actor)
    record.reviewed_at = timezone.now()
    record.review_comment = comment
    record.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    return _recorded(record, duty_day, actor=actor, verb="duty_record_reviewed")
