"""Monthly tests (seed 000 四.2): set one per centre and month, publish it, close it, excuse someone."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hallservice.core.actors import SYSTEM, user_of
from hallservice.core.errors import DomainError, TransitionNotAllowed
from hallservice.core.months import month_start
from hallservice.core.text_limits import check_length
from staff.access import ensure_perm, managed_centre
from staff.models import StaffMember

from ..grading import pass_mark
from ..models import (
    MONTHLY_TEST_TRANSITIONS,
    Attempt,
    AttemptStatus,
    MonthlyTest,
    MonthlyTestStatus,
    NoticeKind,
    Topic,
    TopicQuota,
)
from ..selectors import excused_by_rosters, participants_of
from .common import ensure_transition, notify, record_test_event
from .paper import attempt_grade, paper_check

MAX_QUESTIONS = 200
MAX_MINUTES = 300


def _ensure_tests(actor) -> None:
    ensure_perm(actor, "training.manage_tests", _("Only the supervision section sets monthly tests."))


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def _checked(
    *, question_count: int, time_limit_minutes: int, opens_at: datetime, closes_at: datetime, quotas, title: str
) -> dict[int, int]:
    if not 1 <= int(question_count) <= MAX_QUESTIONS:
        raise DomainError(
            _("A test has between 1 and %(n)d questions.") % {"n": MAX_QUESTIONS}, field="question_count"
        )
    if not 5 <= int(time_limit_minutes) <= MAX_MINUTES:
        raise DomainError(
            _("The time limit is between 5 and %(n)d minutes.") % {"n": MAX_MINUTES}, field="time_limit_minutes"
        )
    if closes_at <= opens_at:
        raise DomainError(_("The test must close after it opens."), field="closes_at")
    if len(title or "") > 120:
        raise DomainError(_("At most %(n)d characters.") % {"n": 120}, field="title")
    clean: dict[int, int] = {}
    for topic_id, count in (quotas or {}).items():
        if not count:
            continue
        if int(count) < 0:
            raise DomainError(_("A quota is a positive number of questions."), field="quotas")
        clean[int(topic_id)] = int(count)
    if len(Topic.objects.filter(pk__in=clean)) != len(clean):
        raise DomainError(_("A quota names an unknown topic."), field="quotas")
    return clean


def _lock(actor, test_id: int) -> MonthlyTest:
    MonthlyTest.objects.ensure_visible(actor, test_id, refusal=_("No such test."), field="test")
    # FOR NO KEY UPDATE, not FOR UPDATE: it still excludes every other service that locks the test, but not the
    # key-share lock that PostgreSQL takes to check the foreign key of a row inserted for the test. With FOR
    # UPDATE, closing the test deadlocked with a hand-in: the hand-in held its paper and waited to insert its
    # event (referencing the test), while the closing held the test and waited for the paper.
    return MonthlyTest.objects.select_for_update(of=("self",), no_key=True).select_related("centre").get(pk=test_id)


def _set_quotas(test: MonthlyTest, quotas: dict[int, int]) -> None:
    test.quotas.all().delete()
    TopicQuota.objects.bulk_create([TopicQuota(test=test, topic_id=t, count=n) for t, n in sorted(quotas.items())])


@transaction.atomic
def monthly_test_create(
    *,
    actor,
    centre_id: int,
    month: date,
    question_count: int,
    time_limit_minutes: int,
    opens_at: datetime,
    closes_at: datetime,
    quotas: Mapping[int, int] | None = None,
    title: str = "",
) -> MonthlyTest:
    """Set a centre's test of a month. The bank must already hold enough of the month's questions."""
    _ensure_tests(actor)
    centre = managed_centre(actor, centre_id)
    month = month_start(month)
    clean = _checked(
        question_count=question_count,
        time_limit_minutes=time_limit_minutes,
        opens_at=opens_at,
        closes_at=closes_at,
        quotas=quotas,
        title=title,
    )
    if MonthlyTest.objects.filter(centre=centre, month=month).exists():
        raise DomainError(
            _("%(centre)s has a test for %(month)s already.") % {"centre": centre.name, "month": f"{month:%Y-%m}"},
            field="month",
        )
    paper_check(centre, month, int(question_count), clean)
    test = MonthlyTest.objects.create(
        centre=centre,
        month=month,
        title=(title or "").strip() or _("Monthly test %(month)s") % {"month": f"{month:%Y-%m}"},
        question_count=question_count,
        time_limit_minutes=time_limit_minutes,
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=user_of(actor),
    )
    _set_quotas(test, clean)
    record_test_event(test, actor=actor, verb="test_set", note=test.title)
    return test


@transaction.atomic
def monthly_test_update(
    *,
    actor,
    test_id: int,
    question_count: int,
    time_limit_minutes: int,
    opens_at: datetime,
    closes_at: datetime,
    quotas: Mapping[int, int] | None = None,
    title: str = "",
) -> MonthlyTest:
    _ensure_tests(actor)
    test = _lock(actor, test_id)
    if test.status != MonthlyTestStatus.DRAFT:
        raise TransitionNotAllowed(_("The test is published: it no longer changes."))
    clean = _checked(
        question_count=question_count,
        time_limit_minutes=time_limit_minutes,
        opens_at=opens_at,
        closes_at=closes_at,
        quotas=quotas,
        title=title,
    )
    paper_check(test.centre, test.month, int(question_count), clean)
    test.question_count, test.time_limit_minutes = question_count, time_limit_minutes
    test.opens_at, test.closes_at = opens_at, closes_at
    test.title = (title or "").strip() or test.title
    test.save(update_fields=["question_count", "time_limit_minutes", "opens_at", "closes_at", "title"])
    _set_quotas(test, clean)
    record_test_event(test, actor=actor, verb="test_edited", note=test.title)
    return test


@transaction.atomic
def monthly_test_publish(*, actor, test_id: int) -> MonthlyTest:
    """People may take the test inside its window; the centre's full-time helpers are told."""
    _ensure_tests(actor)
    test = _lock(actor, test_id)
    ensure_transition(test, MonthlyTestStatus.PUBLISHED, MONTHLY_TEST_TRANSITIONS)
    now = timezone.now()
    if test.closes_at <= now:
        raise DomainError(_("The test's window is over: set a later closing time."), field="closes_at")
    paper_check(test.centre, test.month, test.question_count, dict(test.quotas.values_list("topic_id", "count")))
    test.status, test.published_at = MonthlyTestStatus.PUBLISHED, now
    test.save(update_fields=["status", "published_at"])
    notify(
        staff_ids=participants_of(test.centre_id).values_list("pk", flat=True),
        kind=NoticeKind.TEST,
        key=f"test:{test.pk}",
        text=_(
            "%(title)s: open %(opens)s – %(closes)s, %(n)d questions in %(minutes)d minutes. A score below %(mark)s means a day of off-post study."
        )
        % {
            "title": test.title,
            "opens": _when(test.opens_at),
            "closes": _when(test.closes_at),
            "n": test.question_count,
            "minutes": test.time_limit_minutes,
            "mark": pass_mark(),
        },
        link=test.get_absolute_url(),
    )
    record_test_event(test, actor=actor, verb="test_published", note=test.title)
    return test


@transaction.atomic
def monthly_test_close(*, actor, test_id: int, now: datetime | None = None) -> MonthlyTest:
    """Close the test: papers still open are graded with the answers saved so far, those expected who never
    started get a paper marked "not taken" (0 points, a fail), and the consequences are applied in the background.

    Seed 000 四.2: "抽取内容进行考核，考核成绩达不到 85分的，进行离岗学习一天". Not taking the test is a score of 0 —
    except for someone the rosters record on leave or off-post study over the whole test window
    (`training.selectors.excused_by_rosters`, issue 20, item 2): their paper is marked excused, with the absence as the
    reason, which is no fail and neither counts in nor breaks a run of failed months.

    ``now`` is for the system only (timers, the demo's history); people close at the present time."""
    _ensure_tests(actor)
    test = _lock(actor, test_id)
    ensure_transition(test, MonthlyTestStatus.CLOSED, MONTHLY_TEST_TRANSITIONS)
    now = now if actor is SYSTEM and now is not None else timezone.now()
    for attempt in (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("staff", "test")
        .filter(test=test, status=AttemptStatus.IN_PROGRESS)
    ):
        attempt_grade(attempt, status=AttemptStatus.EXPIRED, now=now, actor=actor)
    taken = set(test.attempts.values_list("staff_id", flat=True))
    absent = [member for member in participants_of(test.centre_id) if member.pk not in taken]
    # The reason is written on the paper for everyone to read: in the hall's language, whoever closes.
    with translation.override(settings.LANGUAGE_CODE):
        excused = excused_by_rosters(test, [member.pk for member in absent])
    Attempt.objects.bulk_create(
        [
            Attempt(test=test, staff=member, status=AttemptStatus.EXCUSED, note=excused[member.pk])
            if member.pk in excused
            else Attempt(
                test=test,
                staff=member,
                status=AttemptStatus.MISSED,
                correct_count=0,
                score=0,
                passed=False,
                finished_at=now,
            )
            for member in absent
        ]
    )
    for member in absent:
        if member.pk in excused:
            record_test_event(test, actor=actor, verb="attempt_excused", note=f"{member.name}: {excused[member.pk]}")
    test.status, test.closed_at = MonthlyTestStatus.CLOSED, now
    test.save(update_fields=["status", "closed_at"])
    record_test_event(test, actor=actor, verb="test_closed", note=test.title)

    from hallservice.core.outbox import send_quietly

    from ..tasks import training_apply_consequences

    # Redis down must not answer 500 for a committed close: training_tests_tick applies what was not queued.
    transaction.on_commit(lambda: send_quietly(training_apply_consequences, test.pk))
    return test


@transaction.atomic
def attempt_excuse(*, actor, test_id: int, staff_id: int, reason: str) -> Attempt:
    """Excuse someone from a test before it closes (long leave, illness): no score, no consequence."""
    _ensure_tests(actor)
    test = _lock(actor, test_id)
    if test.status == MonthlyTestStatus.CLOSED:
        raise TransitionNotAllowed(_("The test has closed: its consequences are applied already."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the person is excused."), field="reason")
    check_length(reason, Attempt._meta.get_field("note").max_length, field="reason", label=_("Reason"))
    member = StaffMember.objects.filter(pk=staff_id, centre_id=test.centre_id).first()
    if member is None:
        raise DomainError(_("Choose a staff member of the test's centre."), field="staff")
    existing = Attempt.objects.filter(test=test, staff=member).first()
    if existing is not None:
        if existing.status == AttemptStatus.EXCUSED:
            return existing
        raise TransitionNotAllowed(
            _("%(name)s has begun the test already and cannot be excused.") % {"name": member.name}
        )
    attempt = Attempt.objects.create(test=test, staff=member, status=AttemptStatus.EXCUSED, note=reason)
    record_test_event(test, actor=actor, verb="attempt_excused", note=f"{member.name}: {reason}")
    return attempt
