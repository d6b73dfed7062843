"""The figures of the statistics dashboard and the monthly report (F-SUP-3), aggregated in the database.

Definitions (shown on the page too, so a supervisor can check a number by hand):
- A request counts in the period it was *registered* (applied_at) for volumes by department, kind, channel
  and category, and for accepted / refused. It counts at the centre that now handles it (after forwarding,
  the upper centre), so no request is counted twice.
- Completion figures count requests *completed* in the period: overdue = completed after the promised
  deadline; one visit = no one-time deficiency notice was needed (and, looser, at most one); working days
  from acceptance to completion by the statutory calendar (the median is weighted over (accepted, completed)
  date pairs, so the calendar runs over at most one row per pair of days, never per request).
- Satisfaction counts evaluations given in the period, except those invalidated on appeal; satisfied means
  "basically satisfied" or better (好差评 five levels).
- Consultations: those recorded in the period and how many became requests.

Each query groups in the database and returns at most a few thousand aggregated rows; Python only merges
them. On PostgreSQL the two covering indexes of ServiceRequest answer the request queries from the index.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from hallservice.workdays import WorkingCalendar
from requests.models import (
    OPEN_STATUSES,
    POOR_RATINGS,
    Category,
    Channel,
    Consultation,
    Evaluation,
    Kind,
    Rating,
    ServiceRequest,
    Status,
)
from staff.models import Department, StaffMember

from .scope import Scope

SATISFIED_MIN = Rating.BASICALLY_SATISFIED


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def period_bounds(scope: Scope) -> tuple[datetime, datetime]:
    """Aware datetimes [start, end) covering the scope's local dates."""
    tz = _tz()
    start = datetime.combine(scope.date_from, time.min, tzinfo=tz)
    end = datetime.combine(scope.date_to + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


def rate(part: int, whole: int) -> float | None:
    """A percentage with one decimal, or None when there is nothing to divide (shown as "—")."""
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Row:
    """One line of a breakdown table: a label and its counts."""

    key: str
    label: str
    total: int = 0
    accepted: int = 0
    refused: int = 0

    @property
    def accepted_rate(self) -> float | None:
        return rate(self.accepted, self.total)


@dataclass
class HelperRow:
    """One helper's workload in the period."""

    staff_id: int
    name: str
    registered: int = 0
    open_now: int = 0
    completed: int = 0
    late: int = 0
    evaluations: int = 0
    poor: int = 0
    average_rating: float | None = None

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.completed - self.late, self.completed)


@dataclass
class Statistics:
    """Everything the dashboard shows for one scope and period."""

    scope: Scope
    registered: int = 0
    accepted: int = 0
    refused: int = 0
    by_department: list[Row] = field(default_factory=list)
    by_kind: list[Row] = field(default_factory=list)
    by_channel: list[Row] = field(default_factory=list)
    by_category: list[Row] = field(default_factory=list)
    completed: int = 0
    completed_late: int = 0
    completed_without_notice: int = 0
    completed_with_at_most_one_notice: int = 0
    median_working_days: float | None = None
    open_overdue_now: int = 0
    ratings: list[tuple[int, str, int]] = field(default_factory=list)
    evaluations: int = 0
    satisfied: int = 0
    helpers: list[HelperRow] = field(default_factory=list)
    consultations: int = 0
    consultations_converted: int = 0
    weekly: list[tuple[date, int, int]] = field(default_factory=list)
    monthly: list[tuple[date, int, int]] = field(default_factory=list)

    @property
    def accepted_rate(self) -> float | None:
        return rate(self.accepted, self.registered)

    @property
    def refused_rate(self) -> float | None:
        return rate(self.refused, self.registered)

    @property
    def overdue_rate(self) -> float | None:
        return rate(self.completed_late, self.completed)

    @property
    def one_visit_rate(self) -> float | None:
        return rate(self.completed_without_notice, self.completed)

    @property
    def at_most_one_notice_rate(self) -> float | None:
        return rate(self.completed_with_at_most_one_notice, self.completed)

    @property
    def satisfaction_rate(self) -> float | None:
        return rate(self.satisfied, self.evaluations)

    @property
    def conversion_rate(self) -> float | None:
        return rate(self.consultations_converted, self.consultations)


def scoped_requests(scope: Scope):
    return ServiceRequest.objects.filter(centre_id__in=scope.centre_ids)


def compute_statistics(scope: Scope, *, today: date | None = None) -> Statistics:
    """All dashboard figures for the scope (centres) and period (local dates, inclusive)."""
    today = today or timezone.localdate()
    stats = Statistics(scope=scope)
    start, end = period_bounds(scope)
    registered = scoped_requests(scope).filter(applied_at__gte=start, applied_at__lt=end)
    _volumes(stats, registered)
    completed = scoped_requests(scope).filter(completed_at__gte=start, completed_at__lt=end)
    daily_completed = _completion(stats, completed)
    stats.open_overdue_now = scoped_requests(scope).overdue(today).count()
    evaluations = Evaluation.objects.filter(
        request__centre_id__in=scope.centre_ids, at__gte=start, at__lt=end, is_invalid=False
    )
    ratings_per_helper = _satisfaction(stats, evaluations)
    _helpers(stats, registered, completed, ratings_per_helper, scoped_requests(scope))
    consultations = Consultation.objects.filter(
        centre_id__in=scope.centre_ids, created_at__gte=start, created_at__lt=end
    )
    counts = consultations.aggregate(total=Count("pk"), converted=Count("pk", filter=Q(request__isnull=False)))
    stats.consultations, stats.consultations_converted = counts["total"], counts["converted"]
    daily_registered = Counter(
        dict(
            registered.annotate(day=TruncDate("applied_at", tzinfo=_tz()))
            .values("day")
            .annotate(n=Count("pk"))
            .values_list("day", "n")
        )
    )
    stats.weekly, stats.monthly = _trends(scope, daily_registered, daily_completed)
    return stats


def _volumes(stats: Statistics, registered) -> None:
    # One grouped query gives every breakdown: a few thousand (department, kind, channel, category) groups.
    groups = registered.values("lead_department_id", "kind", "channel", "category").annotate(
        total=Count("pk"),
        accepted=Count("pk", filter=Q(accepted_at__isnull=False)),
        refused=Count("pk", filter=Q(status=Status.REFUSED)),
    )
    dims = {"lead_department_id": {}, "kind": {}, "channel": {}, "category": {}}
    for group in groups:
        stats.registered += group["total"]
        stats.accepted += group["accepted"]
        stats.refused += group["refused"]
        for dim, rows in dims.items():
            row = rows.setdefault(group[dim], Row(key=str(group[dim]), label=""))
            row.total += group["total"]
            row.accepted += group["accepted"]
            row.refused += group["refused"]
    names = dict(Department.objects.filter(pk__in=dims["lead_department_id"]).values_list("pk", "name"))
    for pk, row in dims["lead_department_id"].items():
        row.label = names.get(pk, str(pk))
    stats.by_department = sorted(dims["lead_department_id"].values(), key=lambda r: (-r.total, r.label))
    stats.by_kind = _labelled(dims["kind"], Kind)
    stats.by_channel = _labelled(dims["channel"], Channel)
    stats.by_category = _labelled(dims["category"], Category)


def _labelled(rows: dict, choices) -> list[Row]:
    """Every choice in its declared order, zeros included, so charts and reports keep a stable shape."""
    out = []
    for value, label in choices.choices:
        row = rows.get(value, Row(key=value, label=""))
        row.label = str(label)
        out.append(row)
    return out


def _completion(stats: Statistics, completed) -> Counter:
    tz = _tz()
    pairs = (
        completed.annotate(
            accepted_day=TruncDate("accepted_at", tzinfo=tz), completed_day=TruncDate("completed_at", tzinfo=tz)
        )
        .values("accepted_day", "completed_day")
        .annotate(
            n=Count("pk"),
            late=Count("pk", filter=Q(deadline__isnull=False, completed_day__gt=F("deadline"))),
            no_notice=Count("pk", filter=Q(deficiency_notices=0)),
            one_notice=Count("pk", filter=Q(deficiency_notices__lte=1)),
        )
    )
    daily = Counter()
    durations = []
    for pair in pairs:
        stats.completed += pair["n"]
        stats.completed_late += pair["late"]
        stats.completed_without_notice += pair["no_notice"]
        stats.completed_with_at_most_one_notice += pair["one_notice"]
        daily[pair["completed_day"]] += pair["n"]
        if pair["accepted_day"] is not None:
            durations.append((pair["accepted_day"], pair["completed_day"], pair["n"]))
    stats.median_working_days = weighted_median_working_days(durations)
    return daily


def weighted_median_working_days(pairs: list[tuple[date, date, int]]) -> float | None:
    """Median working days over (accepted day, completed day, count) groups; completed on the acceptance day = 0."""
    if not pairs:
        return None
    first = min(a for a, _d, _n in pairs)
    last = max(d for _a, d, _n in pairs)
    calendar = WorkingCalendar()
    # Working days up to and including each date: days between = index[b] - index[a], as working_days_between.
    index, running, day = {}, 0, first
    while day <= last:
        if day > first and calendar.is_working_day(day):
            running += 1
        index[day] = running
        day += timedelta(days=1)
    values = sorted((max(index[d] - index[a], 0), n) for a, d, n in pairs if d >= a)
    total = sum(n for _v, n in values)
    if not total:
        return None
    # The median of the expanded list, without expanding it.
    lower_pos, upper_pos = (total - 1) // 2, total // 2
    lower = upper = None
    seen = 0
    for value, n in values:
        if lower is None and seen + n > lower_pos:
            lower = value
        if seen + n > upper_pos:
            upper = value
            break
        seen += n
    return (lower + upper) / 2


def _satisfaction(stats: Statistics, evaluations) -> dict[int, dict[int, int]]:
    """The rating distribution; returns the same counts per helper, so evaluations are scanned once."""
    per_helper: dict[int, dict[int, int]] = defaultdict(dict)
    counts: Counter = Counter()
    for helper_id, rating, n in (
        evaluations.values("request__helper_id", "rating")
        .annotate(n=Count("pk"))
        .values_list("request__helper_id", "rating", "n")
    ):
        per_helper[helper_id][rating] = n
        counts[rating] += n
    stats.ratings = [(value, str(label), counts.get(value, 0)) for value, label in Rating.choices]
    stats.evaluations = sum(counts.values())
    stats.satisfied = sum(n for value, n in counts.items() if value >= SATISFIED_MIN)
    return per_helper


def _helpers(stats: Statistics, registered, completed, ratings_per_helper, in_scope) -> None:
    rows: dict[int, HelperRow] = {}

    def row(pk: int) -> HelperRow:
        return rows.setdefault(pk, HelperRow(staff_id=pk, name=""))

    for pk, n in registered.values_list("helper_id").annotate(n=Count("pk")).values_list("helper_id", "n"):
        row(pk).registered = n
    for pk, n in (
        in_scope.filter(status__in=OPEN_STATUSES)
        .values_list("helper_id")
        .annotate(n=Count("pk"))
        .values_list("helper_id", "n")
    ):
        row(pk).open_now = n
    tz = _tz()
    for pk, n, late in (
        completed.annotate(completed_day=TruncDate("completed_at", tzinfo=tz))
        .values("helper_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(deadline__isnull=False, completed_day__gt=F("deadline"))))
        .values_list("helper_id", "n", "late")
    ):
        row(pk).completed, row(pk).late = n, late
    for pk, ratings in ratings_per_helper.items():
        helper = row(pk)
        helper.evaluations = sum(ratings.values())
        helper.poor = sum(n for value, n in ratings.items() if value in POOR_RATINGS)
        helper.average_rating = round(sum(value * n for value, n in ratings.items()) / helper.evaluations, 2)
    names = dict(StaffMember.objects.filter(pk__in=rows).values_list("pk", "name"))
    for pk, helper in rows.items():
        helper.name = names.get(pk, str(pk))
    stats.helpers = sorted(rows.values(), key=lambda r: (-(r.registered + r.open_now), r.name))


def _trends(scope: Scope, registered: Counter, completed: Counter):
    """Weekly (Monday-based) and monthly series of registered and completed requests over the period."""
    weekly: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    monthly: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    day = scope.date_from
    while day <= scope.date_to:
        week, month = day - timedelta(days=day.weekday()), day.replace(day=1)
        weekly[week][0] += registered.get(day, 0)
        weekly[week][1] += completed.get(day, 0)
        monthly[month][0] += registered.get(day, 0)
        monthly[month][1] += completed.get(day, 0)
        day += timedelta(days=1)
    return (
        [(key, *weekly[key]) for key in sorted(weekly)],
        [(key, *monthly[key]) for key in sorted(monthly)],
    )


# --- Tables for CSV, xlsx and the accessible table view of each chart -----------------------------------


def chart_tables(stats: Statistics) -> dict[str, dict]:
    """Each chart's data as a titled table: the chart, its table view, its CSV and the report use the same rows."""
    breakdown_head = [_("Requests"), _("Accepted"), _("Refused")]

    def breakdown(title, rows):
        return {
            "title": title,
            "header": [title, *breakdown_head],
            "rows": [[r.label, r.total, r.accepted, r.refused] for r in rows],
        }

    return {
        "department": breakdown(_("Lead department"), stats.by_department),
        "kind": breakdown(_("Kind"), stats.by_kind),
        "channel": breakdown(_("Channel"), stats.by_channel),
        "category": breakdown(_("Applicant category"), stats.by_category),
        "satisfaction": {
            "title": _("Satisfaction"),
            "header": [_("Rating"), _("Evaluations")],
            "rows": [[label, n] for _value, label, n in reversed(stats.ratings)],
        },
        "weekly": {
            "title": _("Weekly trend"),
            "header": [_("Week of"), _("Registered"), _("Completed")],
            "rows": [[f"{week:%Y-%m-%d}", reg, done] for week, reg, done in stats.weekly],
        },
        "monthly": {
            "title": _("Monthly trend"),
            "header": [_("Month"), _("Registered"), _("Completed")],
            "rows": [[f"{month:%Y-%m}", reg, done] for month, reg, done in stats.monthly],
        },
        "helpers": {
            "title": _("Workload per helper"),
            "header": [
                _("Helper"),
                _("Registered"),
                _("Open now"),
                _("Completed"),
                _("Completed late"),
                _("On-time rate (%)"),
                _("Evaluations"),
                _("Average rating"),
                _("Poor ratings given"),
            ],
            "rows": [
                [
                    h.name,
                    h.registered,
                    h.open_now,
                    h.completed,
                    h.late,
                    _blank(h.on_time_rate),
                    h.evaluations,
                    _blank(h.average_rating),
                    h.poor,
                ]
                for h in stats.helpers
            ],
        },
    }


def headline(stats: Statistics) -> list[tuple[str, object]]:
    """The key figures, in the order the dashboard cards and the report's first sheet show them."""
    return [
        (_("Requests registered"), stats.registered),
        (_("Accepted"), stats.accepted),
        (_("Refused"), stats.refused),
        (_("Acceptance rate (%)"), _blank(stats.accepted_rate)),
        (_("Completed"), stats.completed),
        (_("Completed late"), stats.completed_late),
        (_("Overdue rate (%)"), _blank(stats.overdue_rate)),
        (_("One-visit rate, no deficiency notice (%)"), _blank(stats.one_visit_rate)),
        (_("At most one deficiency notice (%)"), _blank(stats.at_most_one_notice_rate)),
        (_("Median working days to completion"), _blank(stats.median_working_days)),
        (_("Open and overdue now"), stats.open_overdue_now),
        (_("Evaluations"), stats.evaluations),
        (_("Satisfaction rate (%)"), _blank(stats.satisfaction_rate)),
        (_("Consultations"), stats.consultations),
        (_("Consultations that became requests"), stats.consultations_converted),
        (_("Conversion rate (%)"), _blank(stats.conversion_rate)),
    ]


def _blank(value):
    return "—" if value is None else value
