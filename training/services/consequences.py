"""What a monthly test's scores lead to (seed 000 四.2, F-TRN-3), applied when the test closes.

Below the pass mark: one day of off-post study on the next working day the person is not away anyway, written
into the rosters' unavailability (so the rotation and the duty pages show it), and a notice to the person.
Three consecutive calendar months with a failed monthly test ("连续三个月考核不达标的，建议劳务派遣公司做出相应处理",
seed 000 四.2): a recommendation to the person's labour-dispatch company, with a letter. Months, not tests in a
row (`training.selectors.fail_streak`): a passed month ends the run; so does a month in which the centre held no
test, because the seed asks for a failed result in each of three consecutive months and such a month has none;
an excused month (leave or off-post study over the whole test window, or a test the person was not held to)
neither ends nor extends it — the months before and after it count as consecutive; two tests in one month are
one month. After a recommendation the count starts again (the sixth failed month in a row gives the next).

Applying is idempotent: a study day is found again by its attempt, the rosters' record by its source, a
recommendation by (person, test), a notice by its key. Running it twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hallservice.core.actors import SYSTEM
from hallservice.core.errors import DomainError, TransitionNotAllowed
from hallservice.core.workdays import WorkingCalendar
from rosters.models import UnavailabilityKind
from rosters.selectors import away_days
from rosters.services import unavailability_record
from staff.access import ensure_perm
from staff.models import StaffKind, StaffMember

from ..grading import pass_mark
from ..models import (
    GRADED_STATUSES,
    RECOMMENDATION_TRANSITIONS,
    Attempt,
    MonthlyTest,
    MonthlyTestStatus,
    NoticeKind,
    Recommendation,
    RecommendationStatus,
    StudyDay,
)
from ..selectors import fail_streak
from .common import ensure_transition, notify, record_event, record_test_event

DEFAULT_FAIL_STREAK = 3
# How far ahead a free working day is looked for (someone on long leave studies when they are back).
SEARCH_DAYS = 120


def fail_streak_length() -> int:
    return int(getattr(settings, "TRAINING_FAIL_STREAK", DEFAULT_FAIL_STREAK))


def study_source(test: MonthlyTest) -> str:
    """The rosters' `source` of the study days a test gives: one record per person and test, ever."""
    return f"training:test-{test.pk}"


@dataclass
class ConsequenceSummary:
    study_days: int = 0
    recommendations: int = 0


def next_study_day(member: StaffMember, after: date, calendar: WorkingCalendar) -> date:
    """The first working day after ``after`` on which the person is not on leave, travelling or studying."""
    away = away_days(centre_id=member.centre_id, start=after, end=after + timedelta(days=SEARCH_DAYS)).get(
        member.pk, frozenset()
    )
    day = after
    for _step in range(SEARCH_DAYS):
        day = calendar.add_working_days(day, 1)
        if day not in away:
            return day
    return calendar.add_working_days(after, 1)


@transaction.atomic
def monthly_test_apply_consequences(*, actor, test_id: int, now: datetime | None = None) -> ConsequenceSummary:
    """Apply a closed test's consequences (see the module). ``now`` is for the system only (the demo's history)."""
    ensure_perm(actor, "training.manage_tests", _("Only the supervision section applies test consequences."))
    test = (  # "no key": see exams._lock
        MonthlyTest.objects.select_for_update(of=("self",), no_key=True)
        .select_related("centre")
        .filter(pk=test_id)
        .first()
    )
    if test is None:
        raise DomainError(_("No such test."), field="test")
    if test.status != MonthlyTestStatus.CLOSED:
        raise TransitionNotAllowed(_("Consequences follow once the test has closed."))
    # Texts written for people and the rosters are in the hall's language, whoever (or whatever) runs this.
    now = now if actor is SYSTEM and now is not None else timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        summary = _apply(test, actor, now)
    if test.consequences_applied_at is None:
        test.consequences_applied_at = now
        test.save(update_fields=["consequences_applied_at"])
        record_test_event(
            test, actor=actor, verb="consequences_applied", note=f"{summary.study_days} / {summary.recommendations}"
        )
    return summary


def _apply(test: MonthlyTest, actor, now: datetime) -> ConsequenceSummary:
    summary = ConsequenceSummary()
    calendar = WorkingCalendar()
    # The next working day after the close, or after today when the consequences come late (never the past).
    after = max(timezone.localdate(test.closed_at or now), timezone.localdate(now))
    mark = pass_mark()
    failed = (
        Attempt.objects.filter(test=test, status__in=GRADED_STATUSES, passed=False)
        .select_related("staff", "study_day")
        .order_by("staff__name")
    )
    for attempt in failed:
        member = attempt.staff
        study = getattr(attempt, "study_day", None)
        if study is None:
            study = StudyDay.objects.create(attempt=attempt, staff=member, day=next_study_day(member, after, calendar))
            summary.study_days += 1
        record = unavailability_record(
            actor=SYSTEM,
            staff_id=member.pk,
            start=study.day,
            end=study.day,
            kind=UnavailabilityKind.STUDY,
            note=_("%(test)s: %(score)s points, below %(mark)s")
            % {"test": test.title, "score": attempt.score, "mark": mark},
            source=study_source(test),
        )
        if study.unavailability_id != record.pk:
            study.unavailability = record
            study.save(update_fields=["unavailability"])
        notify(
            staff_ids=[member.pk],
            kind=NoticeKind.STUDY_DAY,
            key=f"study:{attempt.pk}",
            text=_("%(test)s: your score is %(score)s, below %(mark)s. Off-post study on %(day)s.")
            % {"test": test.title, "score": attempt.score, "mark": mark, "day": f"{study.day:%Y-%m-%d}"},
            link=attempt.get_absolute_url(),
        )
        if member.kind == StaffKind.FULL_TIME_HELPER and _recommend(test, member):
            summary.recommendations += 1
    return summary


def _recommend(test: MonthlyTest, member: StaffMember) -> bool:
    """A recommendation when this test's month makes the run of failed months a multiple of three long (three
    consecutive calendar months, see the module); True if new."""
    streak = fail_streak(member.pk, test)
    n = fail_streak_length()
    if not streak or streak[-1].test_id != test.pk or len(streak) % n:
        return False
    months = [
        {"month": f"{a.test.month:%Y-%m}", "score": str(a.score), "test": a.test_id, "status": a.status}
        for a in streak[-n:]
    ]
    _rec, created = Recommendation.objects.get_or_create(
        staff=member, test=test, defaults={"company": member.dispatch_company, "months": months}
    )
    return created


@transaction.atomic
def recommendation_mark_sent(*, actor, recommendation_id: int, sent_on: date | None = None) -> Recommendation:
    ensure_perm(actor, "training.manage_tests", _("Only the supervision section sends recommendations."))
    Recommendation.objects.ensure_visible(
        actor, recommendation_id, refusal=_("No such recommendation."), field="recommendation"
    )
    rec = Recommendation.objects.select_for_update(of=("self",)).select_related("staff").get(pk=recommendation_id)
    ensure_transition(rec, RecommendationStatus.SENT, RECOMMENDATION_TRANSITIONS)
    rec.status, rec.sent_on, rec.sent_by = RecommendationStatus.SENT, sent_on or timezone.localdate(), actor
    rec.save(update_fields=["status", "sent_on", "sent_by"])
    record_event(centre_id=rec.staff.centre_id, actor=actor, verb="recommendation_sent", note=rec.staff.name)
    return rec
