"""Read queries of the training app, shared by the services, HTML views, API, exports and reports.

Scoping by centre is the models' `.restrict(user)`; everything here takes ids or already-scoped objects.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hallservice.core.months import add_months, month_end, month_start, months_between, next_month
from hallservice.core.rates import mean, percent
from hallservice.core.text_limits import excerpt
from hallservice.core.workdays import WorkingCalendar
from rosters.models import UnavailabilityKind
from rosters.selectors import away_throughout
from staff.models import ServiceCentre, StaffKind, StaffMember

from .draw import PoolQuestion, distinct_per_topic
from .grading import grace
from .models import (
    GRADED_STATUSES,
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    Attendance,
    AttendanceStatus,
    MonthlyTest,
    MonthlyTestStatus,
    Option,
    Question,
    QuestionKind,
    Recommendation,
    SessionStatus,
    StudyDay,
    TrainingNotice,
    TrainingProposal,
    TrainingSession,
)

# --- Who takes part ---------------------------------------------------------------------------------------


def required_attendees(centre_id: int) -> QuerySet[StaffMember]:
    """Every training is for all the centre's full-time helpers (seed 000 四.1)."""
    return StaffMember.objects.active().filter(centre_id=centre_id, kind=StaffKind.FULL_TIME_HELPER).order_by("name")


def participants_of(centre_id: int) -> QuerySet[StaffMember]:
    """Who must take a centre's monthly test: its full-time helpers (others may take it too)."""
    return required_attendees(centre_id)


# --- Sessions -------------------------------------------------------------------------------------------


def session_list(*, user, centre_id: int | None = None, month: date | None = None) -> QuerySet[TrainingSession]:
    qs = TrainingSession.objects.restrict(user).select_related("centre", "topic", "department")
    if centre_id is not None:
        qs = qs.filter(centre_id=centre_id)
    if month is not None:
        qs = qs.in_month(month)
    return qs.annotate(
        n_required=Count("attendance", filter=Q(attendance__required=True)),
        n_present=Count("attendance", filter=Q(attendance__status=AttendanceStatus.PRESENT)),
    ).order_by("starts_at")


def upcoming_sessions_for(member: StaffMember, *, limit: int = 5) -> QuerySet[TrainingSession]:
    return (
        TrainingSession.objects.filter(
            attendance__staff=member, status=SessionStatus.PLANNED, starts_at__gte=timezone.now()
        )
        .select_related("topic", "department")
        .order_by("starts_at")[:limit]
    )


def month_topic_ids(centre_id: int, month: date) -> set[int]:
    """The topics of the centre's trainings of a month (cancelled ones aside): what its test draws on."""
    return set(
        TrainingSession.objects.not_cancelled()
        .in_month(month)
        .filter(centre_id=centre_id)
        .values_list("topic_id", flat=True)
    )


# --- Question bank and the draw -----------------------------------------------------------------------------


def question_list(*, user, filters: dict | None = None) -> QuerySet[Question]:
    filters = filters or {}
    qs = Question.objects.restrict(user).select_related("topic", "session", "centre").prefetch_related("options")
    if filters.get("centre"):
        qs = qs.filter(centre_id=filters["centre"])
    if filters.get("topic"):
        qs = qs.filter(topic_id=filters["topic"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("active") in ("1", "0"):
        qs = qs.filter(is_active=filters["active"] == "1")
    if filters.get("q"):
        qs = qs.filter(text__icontains=filters["q"])
    return qs.order_by("topic__name", "pk")


def used_question_ids(question_ids) -> set[int]:
    """Questions that are in somebody's paper: they are deactivated rather than deleted or rewritten."""
    return set(
        AttemptQuestion.objects.filter(question_id__in=list(question_ids)).values_list("question_id", flat=True)
    )


def pool_for(centre: ServiceCentre, month: date) -> list[PoolQuestion]:
    """Active questions of the centre's bank on the topics trained that month, in two queries."""
    topics = month_topic_ids(centre.pk, month)
    questions = list(
        Question.objects.active()
        .for_centre(centre)
        .filter(topic_id__in=topics)
        .values_list("pk", "topic_id", "kind", "variant_group")
    )
    options: dict[int, list[int]] = defaultdict(list)
    for question_id, option_id in (
        Option.objects.filter(question_id__in=[q[0] for q in questions])
        .order_by("question_id", "position")
        .values_list("question_id", "pk")
    ):
        options[question_id].append(option_id)
    return [
        PoolQuestion(pk, topic_id, tuple(options[pk]), keep_option_order=kind == QuestionKind.TRUE_FALSE, group=group)
        for pk, topic_id, kind, group in questions
    ]


def pool_counts(centre: ServiceCentre, month: date) -> dict[int, int]:
    """Distinct active questions per topic in the month's pool (variants of one question count once), for the
    test form."""
    return distinct_per_topic(pool_for(centre, month))


# --- Tests and attempts ------------------------------------------------------------------------------------


def monthly_test_list(*, user, centre_id: int | None = None) -> QuerySet[MonthlyTest]:
    qs = MonthlyTest.objects.restrict(user).select_related("centre")
    if centre_id is not None:
        qs = qs.filter(centre_id=centre_id)
    return qs.annotate(
        n_attempts=Count("attempts", filter=Q(attempts__status__in=GRADED_STATUSES)),
        n_passed=Count("attempts", filter=Q(attempts__passed=True)),
    ).order_by("-month", "centre__code")


def open_tests_for(member: StaffMember, now=None) -> list[tuple[MonthlyTest, Attempt | None]]:
    """Published tests of the person's centre whose window is open, with the person's attempt if any."""
    now = now or timezone.now()
    tests = MonthlyTest.objects.filter(
        centre_id=member.centre_id, status=MonthlyTestStatus.PUBLISHED, opens_at__lte=now, closes_at__gt=now
    ).order_by("closes_at")
    attempts = {a.test_id: a for a in Attempt.objects.filter(staff=member, test__in=tests)}
    return [(t, attempts.get(t.pk)) for t in tests]


def review_opens_at(test: MonthlyTest) -> datetime:
    """When the correct answers and explanations of a test's papers may be shown: once the test has closed for
    everyone (issue 20, item 1). A colleague may still be taking the same test until its window ends, so a review
    shown right after one person's hand-in would pass the answers on. Papers are accepted until the window's end
    plus the hand-in grace (a deadline never lies past the window's end), so that is when the review opens; a
    test the supervision section closed early is over for everyone at once (closing grades the open papers).

    Seed 000 四.2: "每月考核制度。每月整理汇总业务培训内容，抽取内容进行考核" — one test for all the centre's helpers, so
    its answers stay closed until the last of them can no longer hand in."""
    if test.status == MonthlyTestStatus.CLOSED and test.closed_at is not None:
        return min(test.closed_at, test.closes_at + grace())
    return test.closes_at + grace()


def review_is_open(test: MonthlyTest, now: datetime | None = None) -> bool:
    return test.status == MonthlyTestStatus.CLOSED or (now or timezone.now()) >= review_opens_at(test)


# Rosters' absences that excuse a monthly test when they cover its whole window (issue 20, item 2): leave and
# off-post study. Business travel and meetings are work: the test can be taken around them.
EXCUSING_ABSENCES = (UnavailabilityKind.LEAVE, UnavailabilityKind.STUDY)


def window_days(test: MonthlyTest, calendar: WorkingCalendar | None = None) -> list[date]:
    """The working days of a test's window in the hall's time zone (all its days if none is a working day).

    Working days, because leave is taken and recorded in working days: leave from Friday to Monday covers a
    window from Friday to Monday. The window's end is outside it (`MonthlyTest.is_open_at`), so a test closing at
    midnight does not reach into the next day."""
    calendar = calendar or WorkingCalendar()
    first = timezone.localdate(test.opens_at)
    last = timezone.localdate(test.closes_at - timedelta(microseconds=1))
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [d for d in days if calendar.is_working_day(d)] or days


def excused_by_rosters(test: MonthlyTest, staff_ids) -> dict[int, str]:
    """Who among ``staff_ids`` was on leave or off-post study over the test's whole window by the rosters, each
    with the reason written on their paper (in the current language).

    Seed 000 四.2: "每月整理汇总业务培训内容，抽取内容进行考核，考核成绩达不到 85分的，进行离岗学习一天" — a helper who
    never starts the test scores 0 and fails (decided in issue 20, item 2), except one the rosters record as away
    the whole time the test was open: that person could not take it, and is excused (`AttemptStatus.EXCUSED`):
    not a fail, no study day, and the month neither counts in nor breaks a run of failed months (`fail_streak`).
    """
    covered = away_throughout(staff_ids=staff_ids, days=window_days(test), kinds=EXCUSING_ABSENCES)
    reasons = {}
    for staff_id, records in covered.items():
        spans = "、".join(f"{r.get_kind_display()} {r.start:%Y-%m-%d}–{r.end:%Y-%m-%d}" for r in records)
        reasons[staff_id] = excerpt(
            _("By the rosters: %(absences)s, over the whole test window.") % {"absences": spans},
            Attempt._meta.get_field("note").max_length,
        )
    return reasons


def attempt_paper(attempt: Attempt, *, now: datetime | None = None) -> list[dict]:
    """The questions of an attempt as the person sees them: text and options in their order, what they chose.

    Which options are correct, whether each answer was right and the explanations are added only once the
    attempt is graded AND the test has closed for everyone (`review_is_open`): before that the test page must
    not leak them (tests/training/test_browser_no_leak.py), nor may a handed-in paper pass them on to colleagues
    still taking the test (tests/training/test_review_after_close.py).
    """
    rows = list(attempt.questions.select_related("question", "question__topic").order_by("position"))
    options = {
        o.pk: o for o in Option.objects.filter(question_id__in=[r.question_id for r in rows]).order_by("position")
    }
    graded = attempt.is_graded and review_is_open(attempt.test, now)
    paper = []
    for row in rows:
        q = row.question
        shown = []
        for letter, option_id in zip("ABCDEFGH", row.option_order, strict=False):
            option = options.get(option_id)
            if option is None:
                continue
            item = {"id": option.pk, "letter": letter, "text": option.text, "chosen": option.pk in row.chosen}
            if graded:
                item["correct"] = option.is_correct
            shown.append(item)
        entry = {
            "id": q.pk,
            "position": row.position,
            "kind": q.kind,
            "kind_label": QuestionKind(q.kind).label,
            "text": q.text,
            "topic": q.topic.name,
            "options": shown,
            "answered": bool(row.chosen),
        }
        if graded:
            entry["is_correct"] = bool(row.is_correct)
            entry["explanation"] = q.explanation
        paper.append(entry)
    return paper


def failed_month_run(months: dict[date, str], upto: date) -> list[date]:
    """The calendar months of the run of failed months that ends in ``upto``'s month (oldest first); empty when
    that month is not a failed one. ``months`` says, for each month that had any test, what it was for the person:

    - ``"failed"``: graded below the pass mark (or not taken) and no pass that month — counts;
    - ``"passed"``: a pass (two tests in one month are one month: a pass in either makes it a passed month) —
      ends the run;
    - ``"excused"``: excused, or the centre's test was not theirs to take (joined later, another kind of staff) —
      neither ends nor extends the run, the months on either side are still consecutive;
    - a month missing from ``months`` (the centre held no test) ends the run: "连续三个月考核不达标" needs a
      failed test in each of the consecutive calendar months, and a month without a test has no result.
    """
    month = month_start(upto)
    if months.get(month) != "failed":
        return []
    run: list[date] = []
    earliest = min(months)
    while month >= earliest:
        result = months.get(month)
        if result == "failed":
            run.append(month)
        elif result != "excused":  # passed, or no test that month
            break
        month = add_months(month, -1)
    return list(reversed(run))


def fail_streak(staff_id: int, upto: MonthlyTest) -> list[Attempt]:
    """The person's failed months in a row up to ``upto``'s month (oldest first): one failed attempt a month.

    Seed 000 四.2: "考核成绩达不到 85分的，进行离岗学习一天；连续三个月考核不达标的，建议劳务派遣公司做出相应处理".
    Counted in **calendar months** (see `failed_month_run`), closed tests only: a pass ends the run; a month in
    which the centre held no test ends it too (no result that month, so the failed months are not consecutive);
    an excused month — excused by the supervision section, or by the rosters' leave or off-post study over the
    whole test window (`excused_by_rosters`, issue 20, item 2), or a test the person was not held to — neither
    counts as a fail nor breaks the run: the failed months on either side of it are consecutive; two tests in one month (a person moved between centres) count as one month,
    failed only when no test of that month was passed. "Not taken" is a failure.
    """
    attempts = list(
        Attempt.objects.filter(
            staff_id=staff_id,
            status__in=(*GRADED_STATUSES, AttemptStatus.EXCUSED),
            test__status=MonthlyTestStatus.CLOSED,
            test__month__lte=upto.month,
        )
        .select_related("test")
        .order_by("test__month", "test_id")
    )
    if not attempts:
        return []
    # Months in which the centre held a test the person has no row for: not theirs to take, like an excused one.
    months: dict[date, str] = dict.fromkeys(
        MonthlyTest.objects.filter(
            centre_id=upto.centre_id,
            status=MonthlyTestStatus.CLOSED,
            month__gte=attempts[0].test.month,
            month__lte=upto.month,
        ).values_list("month", flat=True),
        "excused",
    )
    failing: dict[date, Attempt] = {}
    for attempt in attempts:
        month = attempt.test.month
        if attempt.status == AttemptStatus.EXCUSED:
            months.setdefault(month, "excused")
        elif attempt.passed:
            months[month] = "passed"
        elif months.get(month) != "passed":
            months[month] = "failed"
            failing[month] = attempt
    return [failing[month] for month in failed_month_run(months, upto.month)]


# --- Reports ----------------------------------------------------------------------------------------------


@dataclass
class ScoreRow:
    staff: StaffMember
    attempt: Attempt | None
    required: bool
    study_day: StudyDay | None = None
    streak: int = 0


@dataclass
class ScoreReport:
    test: MonthlyTest | None
    rows: list[ScoreRow]

    @property
    def graded(self) -> list[ScoreRow]:
        return [r for r in self.rows if r.attempt is not None and r.attempt.is_graded]

    @property
    def excused(self) -> list[ScoreRow]:
        """Excused papers: no score, no fail, not in the pass rate or the average."""
        return [r for r in self.rows if r.attempt is not None and r.attempt.status == AttemptStatus.EXCUSED]

    @property
    def passed(self) -> int:
        return sum(1 for r in self.graded if r.attempt.passed)

    @property
    def pass_rate(self) -> Decimal | None:
        return percent(self.passed, len(self.graded))

    @property
    def average(self) -> Decimal | None:
        graded = self.graded
        return mean(sum((r.attempt.score for r in graded), Decimal(0)), len(graded))


def score_report(centre: ServiceCentre, month: date) -> ScoreReport:
    """Everyone expected at the month's test and everyone who took it, with score, study day and failure run."""
    test = MonthlyTest.objects.filter(centre=centre, month=month_start(month)).first()
    if test is None:
        return ScoreReport(None, [])
    attempts = {a.staff_id: a for a in test.attempts.select_related("staff")}
    study = {s.attempt_id: s for s in StudyDay.objects.filter(attempt__test=test)}
    required = {m.pk: m for m in participants_of(centre.pk)}
    people = {**required, **{staff_id: a.staff for staff_id, a in attempts.items()}}
    rows = []
    for staff_id, member in people.items():
        attempt = attempts.get(staff_id)
        row = ScoreRow(member, attempt, staff_id in required)
        if attempt is not None:
            row.study_day = study.get(attempt.pk)
            if attempt.is_graded and not attempt.passed and test.status == MonthlyTestStatus.CLOSED:
                row.streak = len(fail_streak(staff_id, test))
        rows.append(row)
    # Graded papers first, best score first; then those still to take it.
    rows.sort(key=lambda r: (-(r.attempt.score if r.attempt and r.attempt.is_graded else -1), r.staff.name))
    return ScoreReport(test, rows)


@dataclass
class AttendanceRow:
    staff: StaffMember
    present: int = 0
    absent: int = 0
    excused: int = 0
    pending: int = 0
    sessions: dict[int, str] = field(default_factory=dict)

    @property
    def rate(self) -> Decimal | None:
        """Present of the sessions that count: excused absences do not count against the person."""
        return percent(self.present, self.present + self.absent)


def attendance_report(centre: ServiceCentre, month: date) -> tuple[list[TrainingSession], list[AttendanceRow]]:
    """Each person's attendance at the month's trainings (cancelled ones aside), one row a person."""
    sessions = list(
        TrainingSession.objects.not_cancelled()
        .in_month(month)
        .filter(centre=centre)
        .select_related("topic")
        .order_by("starts_at")
    )
    rows: dict[int, AttendanceRow] = {}
    marks = Attendance.objects.filter(session__in=sessions).select_related("staff").order_by("staff__name")
    for mark in marks:
        row = rows.setdefault(mark.staff_id, AttendanceRow(mark.staff))
        row.sessions[mark.session_id] = mark.status
        if mark.status == AttendanceStatus.PRESENT:
            row.present += 1
        elif mark.status == AttendanceStatus.ABSENT:
            row.absent += 1
        elif mark.status == AttendanceStatus.EXCUSED:
            row.excused += 1
        else:
            row.pending += 1
    return sessions, sorted(rows.values(), key=lambda r: (r.rate is None, r.rate or 0, r.staff.name))


@dataclass
class HistoryMonth:
    month: date
    attempt: Attempt | None = None
    attendance: AttendanceRow | None = None
    study_day: StudyDay | None = None


def person_history(member: StaffMember, *, months: int = 12, today: date | None = None) -> list[HistoryMonth]:
    """One person's last months: test result, attendance at trainings, study day — newest first."""
    today = today or timezone.localdate()
    last = month_start(today)
    first = add_months(last, -(months - 1))
    history = {month: HistoryMonth(month) for month in months_between(first, last)}
    for attempt in Attempt.objects.filter(staff=member, test__month__gte=first, test__month__lte=last).select_related(
        "test", "study_day"
    ):
        entry = history.get(attempt.test.month)
        if entry is not None:
            entry.attempt = attempt
            entry.study_day = getattr(attempt, "study_day", None)
    marks = Attendance.objects.filter(
        staff=member,
        session__starts_at__date__gte=first,
        session__starts_at__date__lte=month_end(last),
    ).exclude(session__status=SessionStatus.CANCELLED)
    for mark in marks.select_related("session"):
        key = month_start(timezone.localtime(mark.session.starts_at).date())
        entry = history.get(key)
        if entry is None:
            continue
        entry.attendance = entry.attendance or AttendanceRow(member)
        row = entry.attendance
        row.sessions[mark.session_id] = mark.status
        setattr(row, mark.status, getattr(row, mark.status) + 1)
    return sorted(history.values(), key=lambda h: h.month, reverse=True)


def notices_for(member: StaffMember, *, limit: int = 20) -> QuerySet[TrainingNotice]:
    return TrainingNotice.objects.filter(staff=member).order_by("-created_at", "-pk")[:limit]


def recommendation_list(*, user) -> QuerySet[Recommendation]:
    return (
        Recommendation.objects.restrict(user).select_related("staff", "staff__centre", "test").order_by("-created_at")
    )


def proposal_list(*, user, filters: dict) -> QuerySet[TrainingProposal]:
    """The training proposals the user sees, newest first; ``filters``: status, cause, month (a date of day 1)."""
    qs = TrainingProposal.objects.restrict(user).select_related(
        "centre", "topic", "complaint", "evaluation__request", "decided_by__staff_member"
    )
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("cause"):
        qs = qs.filter(cause=filters["cause"])
    month = filters.get("month")
    if month:
        qs = qs.filter(created_at__date__gte=month, created_at__date__lt=next_month(month))
    return qs.order_by("-created_at", "-pk")
