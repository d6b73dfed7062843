"""The figures of the statistics dashboard and the monthly report (F-SUP-3), aggregated in the database.

Definitions (shown on the page too, so a supervisor can check a number by hand):
- A request counts in the period it was *registered* (applied_at) for volumes by department, kind, channel
  and category, and for accepted / refused. It counts at the centre that now handles it (after forwarding,
  the upper centre), so no request is counted twice.
- Completion figures count requests *completed* in the period: overdue = completed after the promised
  deadline; one visit = no one-time deficiency notice was needed (and, looser, at most one); working days
  from acceptance to completion by the statutory calendar (each completion's working days are counted when
  its day's figures are built, and the median is taken over how many took 0, 1, 2 … days).
- Satisfaction counts evaluations given in the period, except those invalidated on appeal, by their final
  rating (the follow-up rating after rectification when given); satisfied means "basically satisfied" or
  better (好差评 five levels). The one definition of requests/satisfaction.py, shared with the complaint
  dashboard (which counts every evaluation to date).
- Consultations: those recorded in the period and how many became requests.
- Urgent (急办, seed 000 三.3): requests registered in the period that are urgent now; urgent requests completed in the
  period, and how many of them on or before their internal target. Priority groups (seed 001 五 主动靠前): requests
  registered in the period per group of their applicant; one applicant may count in several groups.

The figures are sums of pre-counted rows (supervision/figures.py): a district's year is some
330,000 requests but a few thousand monthly rows plus the daily rows of the days outside whole months,
summed in the database into at most a few thousand groups; Python only merges them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from hallservice.core.months import month_start, next_month, previous_month
from hallservice.core.rates import mean_value, percent_value
from requests.models import OPEN_STATUSES, Category, Channel, Kind, PriorityGroup, Rating, ServiceRequest
from requests.satisfaction import SATISFIED_MIN, satisfaction_rate
from staff.models import Department, StaffMember

from .choices import FigureMeasure as M
from .figures import COUNTERS, day_ranges, refresh_figures, working_days_of
from .models import DailyFigure, MonthlyFigure
from .scope import Scope


def rate(part: int, whole: int) -> float | None:
    """A percentage with one decimal, or None when there is nothing to divide (shown as "—")."""
    return percent_value(part, whole)


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
    # Issue 18: urgent requests (急办) and the applicants' priority groups (主动靠前).
    urgent_registered: int = 0
    urgent_completed: int = 0
    urgent_met_target: int = 0
    by_priority_group: list[Row] = field(default_factory=list)
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
    def on_time_rate(self) -> float | None:
        return rate(self.completed - self.completed_late, self.completed)

    @property
    def one_visit_rate(self) -> float | None:
        return rate(self.completed_without_notice, self.completed)

    @property
    def at_most_one_notice_rate(self) -> float | None:
        return rate(self.completed_with_at_most_one_notice, self.completed)

    @property
    def satisfaction_rate(self) -> float | None:
        return satisfaction_rate(self.satisfied, self.evaluations)

    @property
    def conversion_rate(self) -> float | None:
        return rate(self.consultations_converted, self.consultations)

    @property
    def urgent_met_target_rate(self) -> float | None:
        return rate(self.urgent_met_target, self.urgent_completed)


def scoped_requests(scope: Scope):
    return ServiceRequest.objects.filter(centre_id__in=scope.centre_ids)


def compute_statistics(scope: Scope, *, today: date | None = None) -> Statistics:
    """All dashboard figures for the scope (centres) and period (local dates, inclusive).

    Sums the pre-counted figures (supervision/figures.py) after rebuilding the days changed since
    the last refresh: monthly rows for the whole months of the period, daily rows for the days before and
    after them, daily rows for the trends. Only the "open now" counts read requests (open requests are few).
    """
    today = today or timezone.localdate()
    refresh_figures()
    stats = Statistics(scope=scope)
    totals = _totals(scope)
    _volumes(stats, totals)
    _completion(stats, totals)
    stats.open_overdue_now = scoped_requests(scope).overdue(today).count()
    _satisfaction(stats, totals[M.EVALUATED_BY_RATING])
    _helpers(stats, totals, scoped_requests(scope))
    consultations = totals[M.CONSULTATIONS].get("", {})
    stats.consultations = consultations.get("total", 0)
    stats.consultations_converted = consultations.get("converted", 0)
    daily: dict[str, Counter] = {M.REGISTERED: Counter(), M.COMPLETED: Counter()}
    for day, measure, n in (
        DailyFigure.objects.filter(
            centre_id__in=scope.centre_ids,
            measure__in=[M.REGISTERED, M.COMPLETED],
            day__gte=scope.date_from,
            day__lte=scope.date_to,
        )
        .order_by()
        .values_list("day", "measure")
        .annotate(n=Sum("total"))
    ):
        daily[measure][day] = n
    stats.weekly, stats.monthly = _trends(scope, daily[M.REGISTERED], daily[M.COMPLETED])
    return stats


@dataclass(frozen=True)
class BoardFigures:
    """What a hall's display board shows of its work: today's counts and the month's rates so far."""

    registered_today: int
    completed_today: int
    in_handling: int
    on_time_rate: float | None
    satisfaction_rate: float | None


def board_figures(centre_ids: tuple[int, ...], today: date) -> BoardFigures:
    """Today's counts read live from the requests, by the dashboard's definitions (registered and completed today
    at the centre now handling the request; in handling = open: accepted, in progress or suspended), in one
    index-backed query; the month's on-time and satisfaction rates so far from the pre-counted figures as last
    refreshed, in one query (two on a month's last day, when the month is whole). A public page polled by every
    board never rebuilds the figures itself: the beat task does every 5 minutes, the dashboard when opened."""
    start, end = day_ranges([today])[0]
    registered = Q(applied_at__gte=start, applied_at__lt=end)
    completed = Q(completed_at__gte=start, completed_at__lt=end)
    open_now = Q(status__in=OPEN_STATUSES)
    counts = (
        ServiceRequest.objects.filter(centre_id__in=centre_ids)
        .filter(registered | completed | open_now)
        .aggregate(
            registered=Count("pk", filter=registered),
            completed=Count("pk", filter=completed),
            in_handling=Count("pk", filter=open_now),
        )
    )
    month = Statistics(scope=Scope(centre_ids=tuple(centre_ids), date_from=month_start(today), date_to=today))
    totals = _totals(month.scope, measures=(M.COMPLETED, M.EVALUATED_BY_RATING))
    _completion(month, totals)
    _satisfaction(month, totals[M.EVALUATED_BY_RATING])
    return BoardFigures(
        registered_today=counts["registered"],
        completed_today=counts["completed"],
        in_handling=counts["in_handling"],
        on_time_rate=month.on_time_rate,
        satisfaction_rate=month.satisfaction_rate,
    )


def whole_months(date_from: date, date_to: date) -> tuple[date, date] | None:
    """The first days of the first and last month lying wholly in [date_from, date_to], or None."""
    first = date_from if date_from.day == 1 else next_month(date_from)
    last = previous_month(date_to + timedelta(days=1))
    return (first, last) if first <= last else None


def _totals(scope: Scope, measures: tuple[str, ...] = ()) -> dict[str, dict[str, dict]]:
    """{measure: {key: {counter: sum}}} over the period: whole months from MonthlyFigure, the rest by day; only
    ``measures`` when given."""
    sums = {f"s_{counter}": Sum(counter) for counter in COUNTERS}
    in_scope = {"centre_id__in": scope.centre_ids, **({"measure__in": measures} if measures else {})}
    months = whole_months(scope.date_from, scope.date_to)
    if months:
        first, last = months
        parts = [
            MonthlyFigure.objects.filter(**in_scope, month__gte=first, month__lte=last),
            DailyFigure.objects.filter(
                Q(day__gte=scope.date_from, day__lt=first) | Q(day__gte=next_month(last), day__lte=scope.date_to),
                **in_scope,
            ),
        ]
    else:
        parts = [DailyFigure.objects.filter(**in_scope, day__gte=scope.date_from, day__lte=scope.date_to)]
    totals: dict[str, dict[str, dict]] = defaultdict(dict)
    for part in parts:
        for row in part.order_by().values("measure", "key").annotate(**sums):
            into = totals[row["measure"]].setdefault(row["key"], dict.fromkeys(COUNTERS, 0))
            for counter in COUNTERS:
                into[counter] += row[f"s_{counter}"]
    return totals


def _volumes(stats: Statistics, totals: dict[str, dict[str, dict]]) -> None:
    def rows(measure) -> dict[str, Row]:
        return {
            key: Row(key=key, label="", total=row["total"], accepted=row["accepted"], refused=row["refused"])
            for key, row in totals[measure].items()
        }

    overall = totals[M.REGISTERED].get("", dict.fromkeys(COUNTERS, 0))
    stats.registered, stats.accepted, stats.refused = overall["total"], overall["accepted"], overall["refused"]
    departments = rows(M.REGISTERED_BY_DEPARTMENT)
    names = dict(Department.objects.filter(pk__in=[int(k) for k in departments]).values_list("pk", "name"))
    for key, row in departments.items():
        row.label = names.get(int(key), key)
    stats.by_department = sorted(departments.values(), key=lambda r: (-r.total, r.label))
    stats.by_kind = _labelled(rows(M.REGISTERED_BY_KIND), Kind)
    stats.by_channel = _labelled(rows(M.REGISTERED_BY_CHANNEL), Channel)
    stats.by_category = _labelled(rows(M.REGISTERED_BY_CATEGORY), Category)
    stats.by_priority_group = _labelled(rows(M.REGISTERED_BY_PRIORITY_GROUP), PriorityGroup)
    stats.urgent_registered = totals[M.REGISTERED_URGENT].get("", {}).get("total", 0)


def _labelled(rows: dict, choices) -> list[Row]:
    """Every choice in its declared order, zeros included, so charts and reports keep a stable shape."""
    out = []
    for value, label in choices.choices:
        row = rows.get(value, Row(key=value, label=""))
        row.label = str(label)
        out.append(row)
    return out


def _completion(stats: Statistics, totals: dict[str, dict[str, dict]]) -> None:
    overall = totals[M.COMPLETED].get("", dict.fromkeys(COUNTERS, 0))
    stats.completed = overall["total"]
    stats.completed_late = overall["late"]
    stats.completed_without_notice = overall["without_notice"]
    stats.completed_with_at_most_one_notice = overall["at_most_one_notice"]
    urgent = totals[M.COMPLETED_URGENT].get("", dict.fromkeys(COUNTERS, 0))
    stats.urgent_completed, stats.urgent_met_target = urgent["total"], urgent["on_time"]
    stats.median_working_days = weighted_median(
        [(int(key), row["total"]) for key, row in totals[M.COMPLETED_BY_WORKING_DAYS].items() if key]
    )


def weighted_median(values: list[tuple[int, int]]) -> float | None:
    """The median of a list given as (value, how many times) pairs, without expanding it."""
    values = sorted((value, n) for value, n in values if n)
    total = sum(n for _value, n in values)
    if not total:
        return None
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


def weighted_median_working_days(pairs: list[tuple[date, date, int]]) -> float | None:
    """Median working days over (accepted day, completed day, count) groups; completed on the acceptance day = 0."""
    counted = working_days_of((a, d) for a, d, _n in pairs if d >= a)
    return weighted_median([(counted[a, d], n) for a, d, n in pairs if d >= a])


def _satisfaction(stats: Statistics, by_rating: dict[str, dict]) -> None:
    counts = {int(key): row["total"] for key, row in by_rating.items()}
    stats.ratings = [(value, str(label), counts.get(value, 0)) for value, label in Rating.choices]
    stats.evaluations = sum(counts.values())
    stats.satisfied = sum(n for value, n in counts.items() if value >= SATISFIED_MIN)


def _helpers(stats: Statistics, totals: dict[str, dict[str, dict]], in_scope) -> None:
    rows: dict[int, HelperRow] = {}

    def row(pk: int | str) -> HelperRow:
        return rows.setdefault(int(pk), HelperRow(staff_id=int(pk), name=""))

    for pk, figures in totals[M.REGISTERED_BY_HELPER].items():
        row(pk).registered = figures["total"]
    for pk, n in (
        in_scope.filter(status__in=OPEN_STATUSES)
        .values_list("helper_id")
        .annotate(n=Count("pk"))
        .values_list("helper_id", "n")
        .order_by()
    ):
        row(pk).open_now = n
    for pk, figures in totals[M.COMPLETED_BY_HELPER].items():
        row(pk).completed, row(pk).late = figures["total"], figures["late"]
    for pk, figures in totals[M.EVALUATED_BY_HELPER].items():
        helper = row(pk)
        helper.evaluations = figures["total"]
        helper.poor = figures["poor"]
        helper.average_rating = mean_value(figures["rating_sum"], helper.evaluations)
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
        week, month = day - timedelta(days=day.weekday()), month_start(day)
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
        "priority": breakdown(_("Priority group"), stats.by_priority_group),
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
        (_("Urgent requests registered"), stats.urgent_registered),
        (_("Urgent requests completed"), stats.urgent_completed),
        (_("Urgent requests completed by the internal target"), stats.urgent_met_target),
        (_("Internal target met (%)"), _blank(stats.urgent_met_target_rate)),
        (_("Evaluations"), stats.evaluations),
        (_("Satisfaction rate (%)"), _blank(stats.satisfaction_rate)),
        (_("Consultations"), stats.consultations),
        (_("Consultations that became requests"), stats.consultations_converted),
        (_("Conversion rate (%)"), _blank(stats.conversion_rate)),
    ]


def _blank(value):
    return "—" if value is None else value
