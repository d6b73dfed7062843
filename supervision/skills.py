"""The skills matrix (issue 19 item 5): each helper's qualification for each department, and for the matters they
handled, graded from what they did over the last twelve months.

Figures, per helper × department (and per helper × matter for the requests and ratings), over ``LOOKBACK_MONTHS``:

- windows covered: months of published rotation plans that put the helper at one of the department's windows;
- handled: requests with the helper as dedicated helper, of the department's matters, completed in the period;
  on time: of those, completed (the hall's date) on or before the promised deadline, or with none to keep;
- poor ratings: valid ratings (not made invalid on appeal) of their requests, given in the period, poor on any of
  the four indicators (the rule that opens a rectification case);
- test score: correct answers over answered questions in the graded monthly tests of the period (submitted or
  timed out), on the topics linked to the department — a topic is linked to a department by a training session the
  department held on it. The helper's score on every topic is shown on their page beside it.

The level is ``qualification_level`` (one function, its thresholds named below) and the page prints the same rule
from ``rule_text``. Each source is ONE grouped query over every helper in scope, merged in Python, so a
recomputation costs the same few queries for one helper or five hundred.

The result is written low, into ``staff.Qualification``, so the rosters' generator (a soft preference after the
seeds' hard rules) and the registration page (a hint of qualified helpers for the matter) read it without importing
supervision. A helper rostered at a department's windows this month or next below the qualified level gets a
``SkillGap`` with the training topics that would close it (the department's topics, weakest first): one per helper
and department, updated by each recomputation and closed when the gap is.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from hallservice.core.months import add_months, month_start, next_month
from requests.models import POOR_RATINGS, Evaluation, ServiceRequest
from rosters.models import PlanStatus, RotationAssignment
from staff.models import Department, QualificationLevel, ServiceCentre, StaffKind, StaffMember
from staff.models import Qualification as QualificationRow
from training.grading import pass_mark
from training.models import AttemptQuestion, AttemptStatus, SessionStatus, Topic, TrainingSession

from .models import SkillGap

# Who has a row in the matrix: the helpers.
HELPER_KINDS = (StaffKind.FULL_TIME_HELPER, StaffKind.WINDOW_HELPER)
LOOKBACK_MONTHS = 12

# The rule. A helper with no practice in the department (no month at its windows, no request handled) is at most
# learning; practice, punctuality, ratings and tests then decide qualified and expert.
QUALIFIED_MIN_WINDOW_MONTHS = 1  # … or QUALIFIED_MIN_HANDLED requests: enough practice
QUALIFIED_MIN_HANDLED = 3
QUALIFIED_MIN_ON_TIME = Decimal("0.80")  # share of handled requests completed on time
QUALIFIED_MAX_POOR = 2
# The test score must reach the training pass mark (85, training.grading.pass_mark), when the helper was tested.
EXPERT_MIN_WINDOW_MONTHS = 2
EXPERT_MIN_HANDLED = 10
EXPERT_MIN_ON_TIME = Decimal("0.95")
EXPERT_MAX_POOR = 0
EXPERT_MIN_TEST = Decimal(90)  # and an expert must have been tested

TWO_DECIMALS = Decimal("0.01")


@dataclass
class Figures:
    """What a helper did for a department (or a matter) in the period: what the level is graded from."""

    windows: int = 0
    handled: int = 0
    on_time: int = 0
    poor: int = 0
    test_score: Decimal | None = None

    @property
    def on_time_rate(self) -> Decimal | None:
        return Decimal(self.on_time) / self.handled if self.handled else None


def qualification_level(f: Figures) -> int:
    """The qualification level of a helper's figures (see ``rule_text`` for the same rule in words)."""
    practice = f.windows > 0 or f.handled > 0
    if not practice:
        return QualificationLevel.LEARNING if f.test_score is not None else QualificationLevel.NONE
    rate = f.on_time_rate
    qualified = (
        (f.windows >= QUALIFIED_MIN_WINDOW_MONTHS or f.handled >= QUALIFIED_MIN_HANDLED)
        and (rate is None or rate >= QUALIFIED_MIN_ON_TIME)
        and f.poor <= QUALIFIED_MAX_POOR
        and (f.test_score is None or f.test_score >= pass_mark())
    )
    if not qualified:
        return QualificationLevel.LEARNING
    expert = (
        f.windows >= EXPERT_MIN_WINDOW_MONTHS
        and f.handled >= EXPERT_MIN_HANDLED
        and rate is not None
        and rate >= EXPERT_MIN_ON_TIME
        and f.poor <= EXPERT_MAX_POOR
        and f.test_score is not None
        and f.test_score >= EXPERT_MIN_TEST
    )
    return QualificationLevel.EXPERT if expert else QualificationLevel.QUALIFIED


def rule_text() -> list[tuple[str, str]]:
    """The rule of ``qualification_level`` in words, level by level, with the thresholds in force."""

    def pct(value: Decimal) -> str:
        return f"{value * 100:.0f}%"

    return [
        (
            QualificationLevel.NONE.label,
            _("No month at the department's windows, no request of its matters handled and no test on its topics."),
        ),
        (
            QualificationLevel.LEARNING.label,
            _("Tested on the department's topics but without practice yet, or practice that misses a bar below."),
        ),
        (
            QualificationLevel.QUALIFIED.label,
            _(
                "At least %(windows)d month at its windows or %(handled)d requests handled; at least %(on_time)s of "
                "them completed on time; at most %(poor)d poor ratings; a test score of at least %(mark)s on its "
                "topics when tested."
            )
            % {
                "windows": QUALIFIED_MIN_WINDOW_MONTHS,
                "handled": QUALIFIED_MIN_HANDLED,
                "on_time": pct(QUALIFIED_MIN_ON_TIME),
                "poor": QUALIFIED_MAX_POOR,
                "mark": f"{pass_mark():.0f}",
            },
        ),
        (
            QualificationLevel.EXPERT.label,
            _(
                "Qualified, with at least %(windows)d months at its windows and %(handled)d requests handled, at least "
                "%(on_time)s on time, %(poor)d poor ratings and a test score of at least %(test)s."
            )
            % {
                "windows": EXPERT_MIN_WINDOW_MONTHS,
                "handled": EXPERT_MIN_HANDLED,
                "on_time": pct(EXPERT_MIN_ON_TIME),
                "poor": EXPERT_MAX_POOR,
                "test": f"{EXPERT_MIN_TEST:.0f}",
            },
        ),
    ]


def period_note() -> str:
    return _(
        "Figures of the last %(months)d months: published rotations, requests completed, valid ratings, and the "
        "graded monthly tests on the topics of the department's training sessions."
    ) % {"months": LOOKBACK_MONTHS}


# --- Computing ---------------------------------------------------------------------------------------------


@dataclass
class Computed:
    """The figures of every helper in scope: per (staff, department), per (staff, matter), and per topic."""

    departments: dict[tuple[int, int], Figures] = field(default_factory=dict)
    matters: dict[tuple[int, int], tuple[int, Figures]] = field(default_factory=dict)  # → (department, figures)
    topic_scores: dict[int, dict[int, tuple[int, int]]] = field(default_factory=dict)  # staff → topic → (ok, all)
    topic_departments: dict[int, set[int]] = field(default_factory=dict)  # department → topic ids


def _score(correct: int, total: int) -> Decimal | None:
    return (Decimal(100) * correct / total).quantize(TWO_DECIMALS, ROUND_HALF_UP) if total else None


def _since(today: date) -> tuple[date, datetime]:
    first = add_months(month_start(today), -(LOOKBACK_MONTHS - 1))
    return first, timezone.make_aware(datetime.combine(first, time.min))


def department_topics() -> dict[int, set[int]]:
    """Department → the topics of the training sessions it held (cancelled ones aside)."""
    links: dict[int, set[int]] = defaultdict(set)
    rows = (
        TrainingSession.objects.exclude(status=SessionStatus.CANCELLED)
        .filter(department__isnull=False)
        .values_list("department_id", "topic_id")
        .distinct()
    )
    for department_id, topic_id in rows:
        links[department_id].add(topic_id)
    return links


def topic_scores(staff_ids, since: date) -> dict[int, dict[int, tuple[int, int]]]:
    """Staff → topic → (correct, answered) in the graded monthly tests from ``since``'s month on."""
    scores: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
    rows = (
        AttemptQuestion.objects.filter(
            attempt__staff_id__in=staff_ids,
            attempt__status__in=(AttemptStatus.SUBMITTED, AttemptStatus.EXPIRED),
            attempt__test__month__gte=since,
            is_correct__isnull=False,
        )
        .order_by()
        .values("attempt__staff_id", "question__topic_id")
        .annotate(total=Count("pk"), correct=Count("pk", filter=Q(is_correct=True)))
    )
    for row in rows:
        scores[row["attempt__staff_id"]][row["question__topic_id"]] = (row["correct"], row["total"])
    return scores


def compute(*, centre_ids, today: date | None = None) -> Computed:
    """The figures of the active helpers of ``centre_ids`` (five grouped queries whatever their number)."""
    today = today or timezone.localdate()
    since_day, since = _since(today)
    helpers = StaffMember.objects.filter(centre_id__in=centre_ids, is_active=True, kind__in=HELPER_KINDS).values("pk")
    result = Computed()
    departments = result.departments

    def cell(staff_id: int, department_id: int) -> Figures:
        return departments.setdefault((staff_id, department_id), Figures())

    windows = (
        RotationAssignment.objects.filter(
            helper_id__in=helpers,
            plan__status=PlanStatus.PUBLISHED,
            plan__month__gte=since_day,
            plan__month__lte=today,
            window__department__isnull=False,
        )
        .order_by()
        .values("helper_id", "window__department_id")
        .annotate(months=Count("plan__month", distinct=True))
    )
    for row in windows:
        cell(row["helper_id"], row["window__department_id"]).windows = row["months"]

    tz = timezone.get_current_timezone()
    handled = (
        ServiceRequest.objects.filter(helper_id__in=helpers, completed_at__gte=since)
        .annotate(done_on=TruncDate("completed_at", tzinfo=tz))
        .order_by()
        .values("helper_id", "matter_id", "matter__department_id")
        .annotate(
            handled=Count("pk"),
            on_time=Count("pk", filter=Q(deadline__isnull=True) | Q(done_on__lte=F("deadline"))),
        )
    )
    for row in handled:
        staff_id, department_id = row["helper_id"], row["matter__department_id"]
        dep = cell(staff_id, department_id)
        dep.handled += row["handled"]
        dep.on_time += row["on_time"]
        _dep, mat = result.matters.setdefault((staff_id, row["matter_id"]), (department_id, Figures()))
        mat.handled += row["handled"]
        mat.on_time += row["on_time"]

    poor = (
        Evaluation.objects.filter(request__helper_id__in=helpers, at__gte=since, is_invalid=False)
        .filter(poor_on_any_indicator())
        .order_by()
        .values("request__helper_id", "request__matter_id", "request__matter__department_id")
        .annotate(n=Count("pk"))
    )
    for row in poor:
        staff_id, department_id = row["request__helper_id"], row["request__matter__department_id"]
        cell(staff_id, department_id).poor += row["n"]
        _dep, mat = result.matters.setdefault((staff_id, row["request__matter_id"]), (department_id, Figures()))
        mat.poor += row["n"]

    result.topic_departments = department_topics()
    result.topic_scores = topic_scores(helpers, since_day)
    for staff_id, by_topic in result.topic_scores.items():
        for department_id, topics in result.topic_departments.items():
            answered = [by_topic[t] for t in topics if t in by_topic]
            if answered:
                score = _score(sum(c for c, _t in answered), sum(t for _c, t in answered))
                cell(staff_id, department_id).test_score = score

    # A matter's row shares its department's practice at the windows and its test score.
    for (staff_id, _matter_id), (department_id, mat) in result.matters.items():
        dep = departments.get((staff_id, department_id), Figures())
        mat.windows, mat.test_score = dep.windows, dep.test_score
    return result


def poor_on_any_indicator() -> Q:
    """Poor on overall, efficiency, service level or attitude, as first given (supervision.figures counts the same)."""
    return (
        Q(rating__in=POOR_RATINGS)
        | Q(efficiency__in=POOR_RATINGS)
        | Q(service_level__in=POOR_RATINGS)
        | Q(attitude__in=POOR_RATINGS)
    )


@transaction.atomic
def recompute(*, centre_ids, today: date | None = None) -> dict:
    """Grade the helpers of ``centre_ids`` again: their ``Qualification`` rows are replaced and their skill gaps
    opened, updated or closed. Idempotent; returns what was written."""
    today = today or timezone.localdate()
    now = timezone.now()
    # Two recomputations of one centre (the nightly task and the button) take turns: each replaces the rows the
    # other would write. Locked in one order, so two overlapping sets of centres cannot deadlock.
    list(ServiceCentre.objects.select_for_update(no_key=True).filter(pk__in=centre_ids).order_by("pk").values("pk"))
    computed = compute(centre_ids=centre_ids, today=today)
    QualificationRow.objects.filter(staff__centre_id__in=centre_ids).delete()

    def row(staff_id: int, department_id: int, f, matter_id: int | None = None) -> QualificationRow:
        return QualificationRow(
            staff_id=staff_id,
            department_id=department_id,
            matter_id=matter_id,
            level=qualification_level(f),
            windows_covered=f.windows,
            handled=f.handled,
            on_time=f.on_time,
            poor_ratings=f.poor,
            test_score=f.test_score,
            computed_at=now,
        )

    rows = [row(staff_id, department_id, f) for (staff_id, department_id), f in computed.departments.items()]
    rows += [
        row(staff_id, department_id, f, matter_id)
        for (staff_id, matter_id), (department_id, f) in computed.matters.items()
    ]
    QualificationRow.objects.bulk_create(rows, batch_size=500)
    levels = {(r.staff_id, r.department_id): r.level for r in rows if r.matter_id is None}
    gaps = _refresh_gaps(centre_ids=centre_ids, today=today, levels=levels, computed=computed, now=now)
    return {"qualifications": len(rows), **gaps}


# --- Gaps → training ---------------------------------------------------------------------------------------


def rostered_departments(*, centre_ids, today: date) -> set[tuple[int, int]]:
    """(helper, department) of the helpers stationed at a department's windows: in this month's or next month's
    rotation (drafts too: the gap shows before the month starts), or at their own window (window helpers)."""
    pairs = set(
        RotationAssignment.objects.filter(
            plan__centre_id__in=centre_ids,
            plan__month__in=(month_start(today), next_month(month_start(today))),
            helper__is_active=True,
            window__department__isnull=False,
        ).values_list("helper_id", "window__department_id")
    )
    pairs |= set(
        StaffMember.objects.filter(
            centre_id__in=centre_ids, is_active=True, kind=StaffKind.WINDOW_HELPER, window__department__isnull=False
        ).values_list("pk", "window__department_id")
    )
    return pairs


def proposed_topics(
    *, department: Department, scores: dict[int, tuple[int, int]], topics: set[int], names: dict[int, str]
) -> list[dict]:
    """The department's topics, untested first, then the weakest; its name when it has held no training yet."""
    if not topics:
        return [{"id": None, "name": department.name, "score": None}]
    items = []
    for topic_id in topics:
        correct, total = scores.get(topic_id, (0, 0))
        score = _score(correct, total)
        items.append(
            {"id": topic_id, "name": names.get(topic_id, "?"), "score": None if score is None else str(score)}
        )
    return sorted(items, key=lambda t: (t["score"] is not None, Decimal(t["score"] or 0), t["name"]))


def _refresh_gaps(*, centre_ids, today: date, levels: dict, computed: Computed, now) -> dict:
    wanted = {
        pair
        for pair in rostered_departments(centre_ids=centre_ids, today=today)
        if levels.get(pair, QualificationLevel.NONE) < QualificationLevel.QUALIFIED
    }
    existing = {(g.staff_id, g.department_id): g for g in SkillGap.objects.filter(staff__centre_id__in=centre_ids)}
    departments = Department.objects.in_bulk({d for _s, d in wanted})
    topic_ids = {t for d in departments for t in computed.topic_departments.get(d, ())}
    names = dict(Topic.objects.filter(pk__in=topic_ids).values_list("pk", "name")) if topic_ids else {}
    opened = updated = closed = 0
    new = []
    for staff_id, department_id in sorted(wanted):
        topics = proposed_topics(
            department=departments[department_id],
            scores=computed.topic_scores.get(staff_id, {}),
            topics=computed.topic_departments.get(department_id, set()),
            names=names,
        )
        level = levels.get((staff_id, department_id), QualificationLevel.NONE)
        gap = existing.get((staff_id, department_id))
        if gap is None:
            new.append(SkillGap(staff_id=staff_id, department_id=department_id, level=level, topics=topics))
            opened += 1
        elif gap.closed_at is not None or gap.topics != topics or gap.level != level:
            if gap.closed_at is not None:
                opened += 1
            else:
                updated += 1
            SkillGap.objects.filter(pk=gap.pk).update(level=level, topics=topics, updated_at=now, closed_at=None)
    SkillGap.objects.bulk_create(new)
    gone = [g.pk for pair, g in existing.items() if pair not in wanted and g.closed_at is None]
    if gone:
        closed = SkillGap.objects.filter(pk__in=gone).update(closed_at=now, updated_at=now)
    return {"gaps_opened": opened, "gaps_updated": updated, "gaps_closed": closed}


# --- Reading -----------------------------------------------------------------------------------------------


@dataclass
class Cell:
    level: int = QualificationLevel.NONE
    row: QualificationRow | None = None

    @property
    def label(self) -> str:
        return QualificationLevel(self.level).label


@dataclass
class MatrixRow:
    staff: StaffMember
    cells: list[Cell]
    gaps: int = 0


def matrix(
    *, centre_ids, department_id: int | None = None
) -> tuple[list[Department], list[MatrixRow], datetime | None]:
    """The heat map: the helpers of ``centre_ids`` × the departments with windows there or a row (four queries)."""
    helpers = list(
        StaffMember.objects.filter(centre_id__in=centre_ids, is_active=True, kind__in=HELPER_KINDS)
        .select_related("centre")
        .order_by("centre__code", "name")
    )
    rows = list(QualificationRow.objects.filter(staff__in=[h.pk for h in helpers], matter__isnull=True))
    department_ids = {r.department_id for r in rows} | set(
        Department.objects.filter(windows__centre_id__in=centre_ids, windows__is_active=True).values_list(
            "pk", flat=True
        )
    )
    if department_id is not None:
        department_ids &= {department_id}
    departments = list(Department.objects.filter(pk__in=department_ids).order_by("code"))
    by_cell = {(r.staff_id, r.department_id): r for r in rows}
    gap_counts = dict(
        SkillGap.objects.open()
        .filter(staff__in=[h.pk for h in helpers])
        .order_by()
        .values("staff_id")
        .annotate(n=Count("pk"))
        .values_list("staff_id", "n")
    )
    table = [
        MatrixRow(
            staff=h,
            cells=[
                Cell(by_cell[(h.pk, d.pk)].level, by_cell[(h.pk, d.pk)]) if (h.pk, d.pk) in by_cell else Cell()
                for d in departments
            ],
            gaps=gap_counts.get(h.pk, 0),
        )
        for h in helpers
    ]
    computed_at = max((r.computed_at for r in rows), default=None)
    return departments, table, computed_at


def helper_detail(member: StaffMember, *, today: date | None = None) -> dict:
    """A helper's rows (departments and matters), open gaps and score on every topic tested."""
    today = today or timezone.localdate()
    since_day, _since_dt = _since(today)
    rows = list(
        QualificationRow.objects.filter(staff=member)
        .select_related("department", "matter")
        .order_by("department__code", "matter__code")
    )
    by_topic = topic_scores([member.pk], since_day).get(member.pk, {})
    names = dict(Topic.objects.filter(pk__in=by_topic).values_list("pk", "name"))
    topics = sorted(
        ({"name": names.get(t, "?"), "score": _score(c, n), "answered": n} for t, (c, n) in by_topic.items()),
        key=lambda t: t["name"],
    )
    gaps = list(SkillGap.objects.filter(staff=member).select_related("department").order_by("closed_at", "pk"))
    return {
        "departments": [r for r in rows if r.matter_id is None],
        "matters": [r for r in rows if r.matter_id is not None],
        "topics": topics,
        "gaps": gaps,
    }
