"""Annual assessment of staff (seed 000 五.3: 帮办代办工作的办理情况和评议结果纳入年度考核; F-TRN-4; F-SUP-4).

For a year and a scope (the centre ids from ``scope.centre_ids_for``) one row per staff member: every active
helper of the scope, and everyone else of the scope who had requests, evaluations, complaints, training, tests,
check-ins or integrity records that year. Each source is answered by ONE grouped query
(``values("<staff>").annotate(...)``) and the results are merged by staff id in Python, so the page costs the
same number of queries for one person or five hundred; requests and evaluations are summed from the year's
monthly statistics figures (supervision/figures.py), which count the same things. Both the staff member and the source row must lie in
the scope: another centre's data never shows.

What each figure counts (calendar year, the hall's time zone):

- requests: requests with the member as dedicated helper, accepted in the year;
- completed: of theirs, completed in the year; on time: of those, completed on or before the promised deadline;
- evaluations: valid ratings (not made invalid on appeal) given in the year for their requests; the average and
  the poor ratings (dissatisfied, very dissatisfied on any of the four indicators) use the ratings as the
  applicant first gave them;
- complaints: registered in the year naming the member; upheld: of those, found substantiated;
- training attendance: required places at the year's trainings (cancelled ones aside): present over present +
  absent; an excused absence (and a place not yet recorded) does not count against the person;
- tests: graded monthly tests of the year's months (a missed test is graded 0); below the pass mark (85);
- punctuality: on-time check-ins over all check-ins of the year; late and absent counted apart;
- integrity: standing (not revoked) integrity records of breaches that occurred in the year.

Composite score out of 100 (``WEIGHTS``)::

    component            weight  value between 0 and 1               counts with at least
    on-time completion     30    on time / completed                  3 completed requests
    satisfaction           25    (average rating − 1) / 4             3 valid evaluations
    training attendance    15    present / (present + absent)         2 counted training places
    monthly tests          15    average score / 100                  1 graded test
    punctuality            15    on-time check-ins / check-ins        1 check-in

    score = 100 × Σ(weight × value) / Σ(weight of the components that count)
            − 5 per upheld complaint − 10 per standing integrity record − 3 per absence (a working day marked
            absent: nobody checked in), kept between 0 and 100

Inspections and circulated notices (督查, 通报) are records beside the score, not part of it: seed 001 八 says
"将帮办代办工作纳入市民中心评先树优的重要依据内容，对流于形式，服务不到位、台账记录不实等问题予以通报批评" and seed 003 三(四)
"对于存在机制不健全、服务不到位等问题予以通报批评": the sanction they name is the circulated criticism itself, and neither
gives it points. So the person's page lists the year's inspections with findings against them and the notices naming
them (``person_records``), and the score does not change; the page says so (``INSPECTION_NOTE``).

Attendance at the desk always counts (seed 000: 10-minute early arrival; seed 004 service discipline): a single
check-in is enough for punctuality, and an absence (a missed check-in, marked absent at opening) both counts as
not on time and costs points on its own, so a helper absent on the rostered days cannot grade Excellent on the
strength of the other components. A late arrival only lowers punctuality.

A component without enough data is left out and the others are scaled up to 100. When the components that
count weigh less than 50 together, there is too little to go on: no score and no grade ("—"), never a
misleading number. Grade: 90 or more Excellent (优秀), 75 or more Pass (合格), 60 or more Basic pass (基本合格),
below 60 Fail (不合格); a standing record of asking for fees or accepting gifts is a Fail whatever the score
(一票否决, ``AssessmentRow.grade``), said beside the weights on the page and on the row it fails.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import CharField, Count, Q, Sum
from django.db.models.functions import Cast, ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Alignment

from complaints.models import Complaint
from hallservice.core.rates import ONE_DECIMAL, mean, percent
from hallservice.core.spreadsheets import new_workbook, set_cell, titled_sheet, workbook_bytes
from requests.models import ServiceRequest
from rosters.models import CheckIn, CheckInStatus
from staff.models import StaffKind, StaffMember
from training.grading import pass_mark
from training.models import GRADED_STATUSES, Attempt, Attendance, AttendanceStatus, SessionStatus

from .choices import FigureMeasure, IntegrityKind
from .figures import refresh_figures
from .models import Inspection, IntegrityRecord, MonthlyFigure, Notice

# Who is assessed even without a single figure in the year: the helpers.
ASSESSED_KINDS = (StaffKind.FULL_TIME_HELPER, StaffKind.WINDOW_HELPER)


@dataclass(frozen=True)
class Component:
    """One part of the composite score: its weight and the least data it needs to count."""

    key: str
    label: str
    weight: int
    minimum: int


WEIGHTS: tuple[Component, ...] = (
    Component("on_time", gettext_lazy("On-time completion"), 30, 3),
    Component("satisfaction", gettext_lazy("Satisfaction"), 25, 3),
    Component("attendance", gettext_lazy("Training attendance"), 15, 2),
    Component("tests", gettext_lazy("Monthly tests"), 15, 1),
    Component("punctuality", gettext_lazy("Punctuality"), 15, 1),
)
UPHELD_COMPLAINT_DEDUCTION = 5
INTEGRITY_DEDUCTION = 10
ABSENCE_DEDUCTION = 3
MINIMUM_WEIGHT = 50
# A standing record of these kinds fails the year whatever the score (一票否决; see AssessmentRow.grade). A record
# revoked on review is not standing (IntegrityRecord.objects.standing) and vetoes nothing.
VETO_KINDS = (IntegrityKind.FEES, IntegrityKind.GIFTS)


class Grade:
    EXCELLENT = "excellent"
    PASS = "pass"
    BASIC_PASS = "basic_pass"
    FAIL = "fail"


GRADE_LABELS = {
    Grade.EXCELLENT: gettext_lazy("Excellent"),
    Grade.PASS: gettext_lazy("Pass"),
    Grade.BASIC_PASS: gettext_lazy("Basic pass"),
    Grade.FAIL: gettext_lazy("Fail"),
}
GRADE_RANK = {Grade.FAIL: 0, Grade.BASIC_PASS: 1, Grade.PASS: 2, Grade.EXCELLENT: 3}
# The lowest score of each grade, best first.
GRADE_BOUNDS = ((Decimal(90), Grade.EXCELLENT), (Decimal(75), Grade.PASS), (Decimal(60), Grade.BASIC_PASS))


@dataclass
class AssessmentRow:
    """One staff member's year: the raw counts, and the rates, score and grade derived from them."""

    staff: StaffMember
    requests: int = 0
    completed: int = 0
    on_time: int = 0
    evaluations: int = 0
    rating_sum: int = 0
    poor_ratings: int = 0
    complaints: int = 0
    upheld_complaints: int = 0
    training_present: int = 0
    training_counted: int = 0
    tests: int = 0
    score_sum: Decimal = Decimal(0)
    tests_below_pass: int = 0
    check_ins: int = 0
    check_ins_on_time: int = 0
    late: int = 0
    absent: int = 0
    integrity_records: int = 0
    veto_records: int = 0

    # --- Figures shown on the page and in the export -------------------------------------------------------

    @property
    def on_time_rate(self) -> Decimal | None:
        return percent(self.on_time, self.completed)

    @property
    def average_rating(self) -> Decimal | None:
        return mean(self.rating_sum, self.evaluations)

    @property
    def attendance_rate(self) -> Decimal | None:
        return percent(self.training_present, self.training_counted)

    @property
    def average_score(self) -> Decimal | None:
        return mean(self.score_sum, self.tests)

    @property
    def punctuality(self) -> Decimal | None:
        return percent(self.check_ins_on_time, self.check_ins)

    # --- The composite score -------------------------------------------------------------------------------

    def component_values(self) -> dict[str, Decimal]:
        """Each component with enough data, as an exact value between 0 and 1."""
        samples = {
            "on_time": (self.completed, lambda: Decimal(self.on_time) / self.completed),
            "satisfaction": (self.evaluations, lambda: (Decimal(self.rating_sum) / self.evaluations - 1) / 4),
            "attendance": (self.training_counted, lambda: Decimal(self.training_present) / self.training_counted),
            "tests": (self.tests, lambda: min(Decimal(self.score_sum) / self.tests, Decimal(100)) / 100),
            "punctuality": (self.check_ins, lambda: Decimal(self.check_ins_on_time) / self.check_ins),
        }
        values = {}
        for component in WEIGHTS:
            count, value = samples[component.key]
            if count >= component.minimum:
                values[component.key] = value()
        return values

    @property
    def deductions(self) -> int:
        return (
            UPHELD_COMPLAINT_DEDUCTION * self.upheld_complaints
            + INTEGRITY_DEDUCTION * self.integrity_records
            + ABSENCE_DEDUCTION * self.absent
        )

    @property
    def score(self) -> Decimal | None:
        """The composite score with one decimal, or None when there is too little data to give one."""
        values = self.component_values()
        weight = sum(c.weight for c in WEIGHTS if c.key in values)
        if weight < MINIMUM_WEIGHT:
            return None
        earned = sum(c.weight * values[c.key] for c in WEIGHTS if c.key in values)
        raw = Decimal(100) * earned / weight - self.deductions
        return max(Decimal(0), min(Decimal(100), raw)).quantize(ONE_DECIMAL, ROUND_HALF_UP)

    @property
    def vetoed(self) -> bool:
        """A standing record of asking for fees or accepting gifts in the year: the year is failed."""
        return self.veto_records > 0

    @property
    def grade(self) -> str:
        """A key of GRADE_LABELS, or "" when there is no score (and no breach that fails the year anyway).

        Integrity veto (issue 20, item 3): seed 000 五.3 "帮办代办工作的办理情况和评议结果纳入年度考核，如出现收取费用、
        收受礼品、吃拿卡要等违反规定行为的，一经发现即按有关规定处理" (seed 004 廉洁服务: "不应接受任何形式的礼品、宴请或以
        各种名目索取办事费用"). A standing record of such a breach (``VETO_KINDS``) fails the year whatever the score,
        which stays shown beside it; a record revoked on review does not count.
        """
        if self.vetoed:
            return Grade.FAIL
        score = self.score
        if score is None:
            return ""
        for bound, grade in GRADE_BOUNDS:
            if score >= bound:
                return grade
        return Grade.FAIL

    @property
    def grade_label(self) -> str:
        return str(GRADE_LABELS[self.grade]) if self.grade else ""

    @property
    def grade_shown(self) -> str:
        """The grade as the table and the spreadsheet give it, with the veto named when it decided the grade."""
        if self.vetoed:
            return _("%(grade)s (integrity veto)") % {"grade": self.grade_label}
        return self.grade_label


# Sortable columns: the key in the query string → how a row sorts (None sorts last either way).
SORT_KEYS = {
    "name": lambda r: r.staff.name,
    "centre": lambda r: r.staff.centre.name,
    "requests": lambda r: r.requests,
    "completed": lambda r: r.completed,
    "on_time_rate": lambda r: r.on_time_rate,
    "evaluations": lambda r: r.evaluations,
    "average_rating": lambda r: r.average_rating,
    "poor_ratings": lambda r: r.poor_ratings,
    "complaints": lambda r: r.complaints,
    "upheld_complaints": lambda r: r.upheld_complaints,
    "attendance_rate": lambda r: r.attendance_rate,
    "tests": lambda r: r.tests,
    "average_score": lambda r: r.average_score,
    "tests_below_pass": lambda r: r.tests_below_pass,
    "punctuality": lambda r: r.punctuality,
    "late": lambda r: r.late,
    "absent": lambda r: r.absent,
    "integrity_records": lambda r: r.integrity_records,
    "score": lambda r: r.score,
    "grade": lambda r: GRADE_RANK.get(r.grade),
}
DEFAULT_SORT = "-score"


def sort_rows(rows: list[AssessmentRow], sort: str) -> list[AssessmentRow]:
    """Rows in the order of a column ("score", or "-score" for descending); ties by name; empty values last."""
    descending = sort.startswith("-")
    key = SORT_KEYS.get(sort.lstrip("-"), SORT_KEYS["score"])
    by_name = sorted(rows, key=lambda r: (r.staff.name, r.staff.pk))
    present = [r for r in by_name if key(r) is not None]
    missing = [r for r in by_name if key(r) is None]
    return sorted(present, key=key, reverse=descending) + missing


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The first moment of the year and of the next one, in the hall's time zone (index-friendly ranges)."""
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(date(year, 1, 1), time.min), tz),
        timezone.make_aware(datetime.combine(date(year + 1, 1, 1), time.min), tz),
    )


# --- The grouped queries, one per source ------------------------------------------------------------------


def _only(staff_field: str, staff_id: int | None) -> Q:
    """Everyone (no staff id), or the one person, through a source's staff foreign key."""
    return Q() if staff_id is None else Q(**{f"{staff_field}_id": staff_id})


def _figure_sums(year: int, centre_ids, staff_id: int | None, measures) -> dict[int, dict[str, dict]]:
    """{helper id: {measure: {counter: sum}}} of the year's monthly figures (supervision/figures.py):
    requests of the scope's centres whose helper is of the scope too (assessment_rows refreshes them first)."""
    helpers = StaffMember.objects.filter(centre_id__in=centre_ids).filter(Q() if staff_id is None else Q(pk=staff_id))
    rows = (
        MonthlyFigure.objects.filter(
            centre_id__in=centre_ids,
            measure__in=measures,
            month__gte=date(year, 1, 1),
            month__lte=date(year, 12, 1),
            key__in=helpers.annotate(k=Cast("pk", CharField())).values("k"),
        )
        .values("key", "measure")
        .annotate(total=Sum("total"), on_time=Sum("on_time"), poor=Sum("poor"), rating_sum=Sum("rating_sum"))
        .order_by()
    )
    out: dict[int, dict[str, dict]] = {}
    for row in rows:
        out.setdefault(int(row.pop("key")), {})[row.pop("measure")] = row
    return out


def _request_figures(year: int, centre_ids, staff_id: int | None) -> dict[int, dict]:
    sums = _figure_sums(
        year, centre_ids, staff_id, [FigureMeasure.ACCEPTED_BY_HELPER, FigureMeasure.COMPLETED_BY_HELPER]
    )
    empty = {"total": 0, "on_time": 0}
    return {
        pk: {
            "requests": measures.get(FigureMeasure.ACCEPTED_BY_HELPER, empty)["total"],
            "completed": measures.get(FigureMeasure.COMPLETED_BY_HELPER, empty)["total"],
            "on_time": measures.get(FigureMeasure.COMPLETED_BY_HELPER, empty)["on_time"],
        }
        for pk, measures in sums.items()
    }


def _evaluation_figures(year: int, centre_ids, staff_id: int | None) -> dict[int, dict]:
    sums = _figure_sums(year, centre_ids, staff_id, [FigureMeasure.EVALUATED_BY_HELPER])
    return {
        pk: {
            "evaluations": row["total"],
            "rating_sum": row["rating_sum"],
            "poor_ratings": row["poor"],
        }
        for pk, measures in sums.items()
        for row in [measures[FigureMeasure.EVALUATED_BY_HELPER]]
    }


def _per_staff(rows, staff_id: int | None, **figures) -> dict[int, dict]:
    """{helper id: figures} of ``rows`` counted per person (only ``staff_id``'s when given)."""
    rows = rows.filter(_only("staff", staff_id)).values("staff").annotate(**figures).order_by()
    return {row.pop("staff"): row for row in rows}


def _complaint_figures(year: int, centre_ids, staff_id: int | None) -> dict[int, dict]:
    start, end = year_bounds(year)
    return _per_staff(
        Complaint.objects.filter(
            staff__isnull=False,
            registered_at__gte=start,
            registered_at__lt=end,
            centre_id__in=centre_ids,
            staff__centre_id__in=centre_ids,
        ),
        staff_id,
        complaints=Count("pk"),
        upheld_complaints=Count("pk", filter=Q(substantiated=True)),
    )


def _required_places(year: int, centre_ids):
    """The required places at the year's trainings of the centres, cancelled trainings aside."""
    start, end = year_bounds(year)
    return Attendance.objects.filter(
        required=True,
        session__starts_at__gte=start,
        session__starts_at__lt=end,
        session__centre_id__in=centre_ids,
    ).exclude(session__status=SessionStatus.CANCELLED)


def _attendance_counts() -> dict:
    """Places attended, and places that count (present or absent: an excused absence does not count)."""
    counted = (AttendanceStatus.PRESENT, AttendanceStatus.ABSENT)
    return {
        "training_present": Count("pk", filter=Q(status=AttendanceStatus.PRESENT)),
        "training_counted": Count("pk", filter=Q(status__in=counted)),
    }


def _graded_attempts(year: int, centre_ids):
    """The graded papers of the centres' monthly tests of the year (a missed test is graded 0)."""
    return Attempt.objects.filter(status__in=GRADED_STATUSES, test__month__year=year, test__centre_id__in=centre_ids)


def _training_figures(year: int, centre_ids, staff_id: int | None) -> dict[int, dict]:
    places = _required_places(year, centre_ids).filter(staff__centre_id__in=centre_ids)
    return _per_staff(places, staff_id, **_attendance_counts())


def _test_figures(year: int, centre_ids, staff_id: int | None) -> dict[int, dict]:
    return _per_staff(
        _graded_attempts(year, centre_ids).filter(staff__centre_id__in=centre_ids),
        staff_id,
        tests=Count("pk"),
        score_sum=Sum("score"),
        tests_below_pass=Count("pk", filter=Q(score__lt=pass_mark())),
    )


def _check_in_figures(year: int, centre_ids, staff_id: int | None) -> dict[int, dict]:
    return _per_staff(
        CheckIn.objects.filter(day__year=year, centre_id__in=centre_ids, staff__centre_id__in=centre_ids),
        staff_id,
        check_ins=Count("pk"),
        check_ins_on_time=Count("pk", filter=Q(status=CheckInStatus.ON_TIME)),
        late=Count("pk", filter=Q(status=CheckInStatus.LATE)),
        absent=Count("pk", filter=Q(status=CheckInStatus.ABSENT)),
    )


def _integrity_figures(year: int, centre_ids, staff_id: int | None) -> dict[int, dict]:
    return _per_staff(
        IntegrityRecord.objects.standing().filter(occurred_on__year=year, staff__centre_id__in=centre_ids),
        staff_id,
        integrity_records=Count("pk"),
        veto_records=Count("pk", filter=Q(kind__in=VETO_KINDS)),
    )


SOURCES = (
    _request_figures,
    _evaluation_figures,
    _complaint_figures,
    _training_figures,
    _test_figures,
    _check_in_figures,
    _integrity_figures,
)


def assessment_rows(
    *, year: int, centre_ids: Iterable[int], staff_id: int | None = None, sort: str = DEFAULT_SORT
) -> list[AssessmentRow]:
    """The year's rows for the centres given (already limited to what the user may see), sorted by ``sort``.

    With ``staff_id`` the same figures for one person (an empty list if they are outside the centres).
    """
    centre_ids = tuple(centre_ids)
    refresh_figures()  # requests and evaluations come from the monthly figures
    figures: dict[int, dict] = {}
    for source in SOURCES:
        for pk, values in source(year, centre_ids, staff_id).items():
            figures.setdefault(pk, {}).update({k: v for k, v in values.items() if v is not None})
    members = (
        StaffMember.objects.filter(centre_id__in=centre_ids)
        .filter(Q() if staff_id is None else Q(pk=staff_id))
        .filter(Q(is_active=True, kind__in=ASSESSED_KINDS) | Q(pk__in=list(figures)))
        .select_related("centre", "department")
    )
    rows = [AssessmentRow(staff=member, **figures.get(member.pk, {})) for member in members]
    return sort_rows(rows, sort)


# --- One person's months ------------------------------------------------------------------------------------


@dataclass
class MonthFigures:
    """One month of a person's year on their assessment page."""

    month: date
    requests: int = 0
    completed: int = 0
    test_score: Decimal | None = None
    tests_below_pass: bool = False
    training_present: int = 0
    training_counted: int = 0

    @property
    def attendance_rate(self) -> Decimal | None:
        return percent(self.training_present, self.training_counted)


def _by_month(months: dict[int, MonthFigures], rows, moment: str, **figures) -> None:
    """Count ``rows`` by the month of ``moment`` (the hall's time zone) into that month's ``figures``."""
    for row in rows.annotate(m=ExtractMonth(moment)).values("m").annotate(**figures).order_by():
        month = months[row.pop("m")]
        for name, value in row.items():
            setattr(month, name, value)


def monthly_breakdown(*, member: StaffMember, year: int, centre_ids: Iterable[int]) -> list[MonthFigures]:
    """Requests accepted and completed, the test score and the training attendance of each month of the year.

    Three grouped queries (requests, tests, attendance); months are in the hall's time zone.
    """
    centre_ids = tuple(centre_ids)
    start, end = year_bounds(year)
    months = {m: MonthFigures(month=date(year, m, 1)) for m in range(1, 13)}
    requests = ServiceRequest.objects.filter(helper=member, centre_id__in=centre_ids)
    _by_month(
        months, requests.filter(accepted_at__gte=start, accepted_at__lt=end), "accepted_at", requests=Count("pk")
    )
    _by_month(
        months, requests.filter(completed_at__gte=start, completed_at__lt=end), "completed_at", completed=Count("pk")
    )
    for month, score in _graded_attempts(year, centre_ids).filter(staff=member).values_list("test__month", "score"):
        months[month.month].test_score = score
        months[month.month].tests_below_pass = score < pass_mark()
    places = _required_places(year, centre_ids).filter(staff=member)
    _by_month(months, places, "session__starts_at", **_attendance_counts())
    return list(months.values())


INSPECTION_NOTE = gettext_lazy(
    "Inspection findings and circulated notices are listed beside the score and do not change it: the seeds "
    "(001 八, 003 三(四)) sanction them by circulated criticism and give them no weight in the assessment."
)


def person_records(*, member: StaffMember, year: int, centre_ids: Iterable[int]) -> dict:
    """The integrity records (revoked ones marked), the upheld complaints, the inspections with findings against the
    person and the circulated notices naming them, of a person's year.

    Inspections are those of the given centres; a notice names the person, so it shows wherever they do.
    """
    start, end = year_bounds(year)
    return {
        "inspections": Inspection.objects.filter(
            staff=member, inspected_on__year=year, centre_id__in=tuple(centre_ids)
        )
        .exclude(findings="")
        .select_related("centre", "department")
        .order_by("-inspected_on", "-pk"),
        "notices": Notice.objects.filter(named_staff=member, issued_on__year=year).order_by("-issued_on", "-pk"),
        "inspection_note": INSPECTION_NOTE,
        "integrity": IntegrityRecord.objects.filter(staff=member, occurred_on__year=year)
        .select_related("request", "recorded_by__staff_member", "revoked_by__staff_member")
        .order_by("-occurred_on", "-pk"),
        "complaints": Complaint.objects.filter(
            staff=member,
            substantiated=True,
            registered_at__gte=start,
            registered_at__lt=end,
            centre_id__in=tuple(centre_ids),
        )
        .select_related("request")
        .order_by("-registered_at"),
    }


def weight_table() -> list[tuple[str, str, str]]:
    """The weights and deductions as (what, points, when it counts), for the table on the page."""
    rows = [(str(c.label), str(c.weight), _("with at least %(n)d data") % {"n": c.minimum}) for c in WEIGHTS]
    each = _("each")
    rows += [
        (_("Upheld complaint"), f"−{UPHELD_COMPLAINT_DEDUCTION}", each),
        (_("Standing integrity record"), f"−{INTEGRITY_DEDUCTION}", each),
        (_("Absence (a working day without check-in)"), f"−{ABSENCE_DEDUCTION}", each),
        (
            _("Standing record of asking for fees or accepting gifts"),
            str(GRADE_LABELS[Grade.FAIL]),
            _("whatever the score"),
        ),
    ]
    return rows


def veto_note() -> str:
    """The integrity veto in one sentence, beside the weights (see ``AssessmentRow.grade``)."""
    return _(
        "Integrity veto (seed 000 五.3): a standing record in the year of asking for fees or accepting gifts or meals "
        "makes the annual assessment a Fail whatever the score; a record revoked on review does not count."
    )


def formula_note() -> str:
    """The scoring rule in a sentence or two, for the page and the export."""
    parts = "; ".join(
        _("%(label)s %(weight)d (needs at least %(minimum)d)")
        % {"label": c.label, "weight": c.weight, "minimum": c.minimum}
        for c in WEIGHTS
    )
    return _(
        "Score out of 100: %(parts)s. Components without enough data are left out and the rest scaled to 100; "
        "below %(min_weight)d points of components there is no score (—). Minus %(complaint)d per upheld complaint, "
        "%(integrity)d per standing integrity record and %(absence)d per absence (a working day without check-in). "
        "Excellent from 90, Pass from 75, Basic pass from 60, Fail below; asking for fees or accepting gifts fails "
        "the year whatever the score."
    ) % {
        "parts": parts,
        "min_weight": MINIMUM_WEIGHT,
        "complaint": UPHELD_COMPLAINT_DEDUCTION,
        "integrity": INTEGRITY_DEDUCTION,
        "absence": ABSENCE_DEDUCTION,
    }


# --- The table: the same columns on the page and in the spreadsheet ------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of the assessment table; ``key`` is also its sort key."""

    key: str
    label: str
    value: object  # a function of the row
    width: int = 10


COLUMNS: tuple[Column, ...] = (
    Column("name", gettext_lazy("Name"), lambda r: r.staff.name, 12),
    Column("centre", gettext_lazy("Centre"), lambda r: r.staff.centre.name, 22),
    Column("score", gettext_lazy("Score"), lambda r: r.score, 8),
    Column("grade", gettext_lazy("Grade"), lambda r: r.grade_shown or None, 14),
    Column("requests", gettext_lazy("Requests"), lambda r: r.requests),
    Column("completed", gettext_lazy("Completed"), lambda r: r.completed),
    Column("on_time_rate", gettext_lazy("On time (%)"), lambda r: r.on_time_rate),
    Column("evaluations", gettext_lazy("Evaluations"), lambda r: r.evaluations),
    Column("average_rating", gettext_lazy("Avg. rating"), lambda r: r.average_rating),
    Column("poor_ratings", gettext_lazy("Poor ratings given"), lambda r: r.poor_ratings),
    Column("complaints", gettext_lazy("Complaints"), lambda r: r.complaints),
    Column("upheld_complaints", gettext_lazy("Upheld"), lambda r: r.upheld_complaints),
    Column("attendance_rate", gettext_lazy("Training (%)"), lambda r: r.attendance_rate),
    Column("tests", gettext_lazy("Tests"), lambda r: r.tests),
    Column("average_score", gettext_lazy("Avg. score"), lambda r: r.average_score),
    Column("tests_below_pass", gettext_lazy("Below 85"), lambda r: r.tests_below_pass),
    Column("punctuality", gettext_lazy("Punctuality (%)"), lambda r: r.punctuality),
    Column("late", gettext_lazy("Late"), lambda r: r.late),
    Column("absent", gettext_lazy("Absent"), lambda r: r.absent),
    Column("integrity_records", gettext_lazy("Integrity"), lambda r: r.integrity_records),
)


def table_cells(row: AssessmentRow) -> list:
    """The row's values in the order of COLUMNS, None where there is nothing to show."""
    return [column.value(row) for column in COLUMNS]


def assessment_workbook(*, rows: list[AssessmentRow], year: int, scope_name: str) -> bytes:
    """The assessment table as .xlsx: the same rows, columns and rounded figures as the page, then the formula."""
    workbook, sheet = new_workbook(_("Assessment"))
    titled_sheet(
        sheet,
        _("Annual assessment %(year)d · %(scope)s") % {"year": year, "scope": scope_name},
        [(str(c.label), c.width) for c in COLUMNS],
        ([float(v) if isinstance(v, Decimal) else v for v in table_cells(row)] for row in rows),
        freeze="C3",
    )
    note = workbook.create_sheet(_("How the score is computed"))
    note.column_dimensions["A"].width = 120
    set_cell(note["A1"], formula_note())
    note["A1"].alignment = Alignment(wrap_text=True, vertical="top")
    note["A2"] = _("Exported at %(time)s") % {"time": f"{timezone.localtime():%Y-%m-%d %H:%M}"}
    return workbook_bytes(workbook)
