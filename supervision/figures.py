"""Daily figures: the statistics dashboard sums a few thousand pre-counted rows instead of a year of requests.

A year of a district hall is ~330,000 requests; grouping them for every dashboard view took seconds on
PostgreSQL however they were indexed. `DailyFigure` holds, per local day and centre, the counts each figure
needs (by department, kind, channel, category and helper for registrations; by day of acceptance and by
helper for completions; by rating and by helper for evaluations; consultations). The dashboard sums them
for any period (supervision/statistics.py).

Keeping them right:
- Database triggers on requests, evaluations and consultations append a `StaleDay` row for every local day a
  change touches (old and new registration, acceptance and completion days of a request; an evaluation's or a
  consultation's day; a request's evaluation days when it moves to another centre or helper). Triggers,
  not Python signals, because queryset updates, the admin, data migrations and SQL fixes bypass signals,
  and a figure that silently drifts from the ledger is worse than a slow one.
- `refresh_figures()` claims the stale days (DELETE … RETURNING, so a change committed later keeps its own
  row), deletes those days' figures and counts them again in the database (INSERT … SELECT … GROUP BY). The
  dashboard calls it before summing, so it always shows committed data; the beat task calls it every few
  minutes so that call rarely has more than today to do. Refreshes take a lock so two never rebuild a day
  at once (PostgreSQL advisory lock; SQLite writes one transaction at a time anyway).
- `install_triggers()` runs after every migrate (supervision.apps): SQLite drops a table's triggers when a
  migration rebuilds the table, so they are put back, and when any had to be created every day is marked
  stale (so nothing changed meanwhile is missed) and rebuilt there and then.

The day of a timestamp is its date in settings.TIME_ZONE. PostgreSQL converts by zone name; SQLite adds the
zone's fixed offset (Asia/Shanghai has had no daylight saving since 1991; a zone with DST is refused).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from django.db.models import CharField, Count, F, Q, Sum, Value
from django.db.models.functions import Cast, TruncDate, TruncMonth

from hallservice.core.months import month_start, next_month
from hallservice.core.workdays import WorkingCalendar
from requests.models import (
    POOR_RATINGS,
    Consultation,
    Evaluation,
    PriorityGroup,
    ServiceRequest,
    Status,
    priority_group_q,
)
from requests.satisfaction import final_rating

from . import triggers
from .choices import FigureMeasure
from .models import FIGURE_COUNTERS as COUNTERS
from .models import DailyFigure, MonthlyFigure, StaleDay

# Columns of a request whose change can move a figure; other updates (notes, pick-up details, timer
# bookkeeping) mark nothing stale.
REQUEST_COLUMNS = (
    "applied_at",
    "accepted_at",
    "completed_at",
    "status",
    "centre_id",
    "helper_id",
    "lead_department_id",
    "kind",
    "channel",
    "category",
    "deadline",
    "deficiency_notices",
    # Issue 18: urgency and the priority groups (the key project group is the link to a key project).
    "urgent",
    "urgent_target",
    "applicant_elderly",
    "applicant_disabled",
    "applicant_pregnant",
    "applicant_military",
    "key_project_id",
)
# follow_up_rating: the satisfaction rate counts the rating after rectification (requests/satisfaction.py).
# The four indicators all count towards a helper's poor ratings (好差评 counts each indicator).
EVALUATION_COLUMNS = (
    "at",
    "rating",
    "efficiency",
    "service_level",
    "attitude",
    "follow_up_rating",
    "is_invalid",
    "request_id",
)
CONSULTATION_COLUMNS = ("created_at", "centre_id", "request_id")
# Any constant shared by every process; pg_advisory_xact_lock serialises refreshes across them.
REFRESH_LOCK_KEY = 20261201


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


# --- Triggers -------------------------------------------------------------------------------------------

_STALE = "hallservice_staleday"
_REQUESTS = "requests_servicerequest"
_EVALUATIONS = "requests_evaluation"
_CONSULTATIONS = "requests_consultation"
_CALENDAR = "hallservice_calendaroverride"


def _pg_day(expr: str) -> str:
    return f"(({expr}) AT TIME ZONE '{settings.TIME_ZONE}')::date"


def _postgresql_triggers() -> dict[str, list[str]]:
    """Statement-level triggers with transition tables: one insert per statement, however many rows."""

    changed = triggers.pg_changed

    def days(rows: str, columns: Iterable[str]) -> str:
        return " UNION ALL ".join(f"SELECT {_pg_day(c)} FROM {rows}" for c in columns)

    moved = "o.centre_id IS DISTINCT FROM n.centre_id OR o.helper_id IS DISTINCT FROM n.helper_id"
    request_update = (
        f"WITH c AS (SELECT o.id, o.applied_at AS old_applied, o.accepted_at AS old_accepted, "
        f"o.completed_at AS old_completed, n.applied_at AS new_applied, n.accepted_at AS new_accepted, "
        f"n.completed_at AS new_completed, ({moved}) AS moved "
        f"FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {changed(REQUEST_COLUMNS)}) "
        + days("c", ["old_applied", "old_accepted", "old_completed", "new_applied", "new_accepted", "new_completed"])
        + f" UNION ALL SELECT {_pg_day('e.at')} FROM {_EVALUATIONS} e JOIN c ON e.request_id = c.id WHERE c.moved"
    )
    evaluation_update = (
        f"SELECT {_pg_day('o.at')} FROM old_rows o JOIN new_rows n ON n.id = o.id "
        f"WHERE {changed(EVALUATION_COLUMNS)} UNION ALL SELECT {_pg_day('n.at')} FROM old_rows o "
        f"JOIN new_rows n ON n.id = o.id WHERE {changed(EVALUATION_COLUMNS)}"
    )
    consultation_update = (
        f"SELECT {_pg_day('o.created_at')} FROM old_rows o JOIN new_rows n ON n.id = o.id "
        f"WHERE {changed(CONSULTATION_COLUMNS)} UNION ALL SELECT {_pg_day('n.created_at')} FROM old_rows o "
        f"JOIN new_rows n ON n.id = o.id WHERE {changed(CONSULTATION_COLUMNS)}"
    )
    sources = {
        _REQUESTS: (
            "hall_stale_request_days",
            days("new_rows", ["applied_at", "accepted_at", "completed_at"]),
            request_update,
            days("old_rows", ["applied_at", "accepted_at", "completed_at"]),
        ),
        _EVALUATIONS: (
            "hall_stale_evaluation_days",
            days("new_rows", ["at"]),
            evaluation_update,
            days("old_rows", ["at"]),
        ),
        _CONSULTATIONS: (
            "hall_stale_consultation_days",
            days("new_rows", ["created_at"]),
            consultation_update,
            days("old_rows", ["created_at"]),
        ),
    }

    # An override on date x changes the working days of every completion accepted before x and completed on
    # or after it: mark those completion days.
    def calendar(rows: str) -> str:
        return (
            f"SELECT {_pg_day('r.completed_at')} FROM {_REQUESTS} r, "
            f'(SELECT min("date") AS first, max("date") AS last FROM {rows}) b '
            f"WHERE r.completed_at >= (b.first::timestamp AT TIME ZONE '{settings.TIME_ZONE}') "
            f"AND r.accepted_at < ((b.last + 1)::timestamp AT TIME ZONE '{settings.TIME_ZONE}')"
        )

    sources[_CALENDAR] = (
        "hall_stale_calendar_days",
        calendar("new_rows"),
        f"{calendar('old_rows')} UNION ALL {calendar('new_rows')}",
        calendar("old_rows"),
    )
    insert = f"INSERT INTO {_STALE} (day) SELECT DISTINCT d FROM ({{}}) AS t(d) WHERE d IS NOT NULL;"
    return {
        name: triggers.pg_group(name, table, insert, on_insert, on_update, on_delete)
        for table, (name, on_insert, on_update, on_delete) in sources.items()
    }


def _sqlite_offset_minutes() -> int:
    tz = _tz()
    offsets = {datetime(2026, month, 1, tzinfo=tz).utcoffset() for month in (1, 7)}
    if len(offsets) != 1:
        raise ImproperlyConfigured(
            f"TIME_ZONE {settings.TIME_ZONE} has daylight saving; the SQLite statistics triggers need a fixed offset."
        )
    return int(offsets.pop().total_seconds() // 60)


def _sqlite_triggers() -> dict[str, list[str]]:
    """Row-level triggers (SQLite has no statement-level ones); Django stores UTC text timestamps."""
    minutes = _sqlite_offset_minutes()
    offset, back = f"'{minutes:+d} minutes'", f"'{-minutes:+d} minutes'"

    def mark(expr: str) -> str:
        return f"INSERT INTO {_STALE} (day) SELECT date({expr}, {offset}) WHERE {expr} IS NOT NULL;"

    changed = triggers.sqlite_changed
    trigger = triggers.sqlite_trigger

    def calendar(row: str) -> str:
        # Stored timestamps are UTC text ("2026-10-01 16:00:00"), compared as text with the local day's bounds.
        return (
            f"INSERT INTO {_STALE} (day) SELECT DISTINCT date(completed_at, {offset}) FROM {_REQUESTS} "
            f'WHERE completed_at >= datetime({row}."date", {back}) '
            f"AND accepted_at < datetime({row}.\"date\", '+1 day', {back});"
        )

    moved = "OLD.centre_id IS NOT NEW.centre_id OR OLD.helper_id IS NOT NEW.helper_id"
    request_update = [
        mark("OLD.applied_at"),
        mark("OLD.accepted_at"),
        mark("OLD.completed_at"),
        mark("NEW.applied_at"),
        mark("NEW.accepted_at"),
        mark("NEW.completed_at"),
        f"INSERT INTO {_STALE} (day) SELECT date(at, {offset}) FROM {_EVALUATIONS} "
        f"WHERE request_id = NEW.id AND ({moved});",
    ]
    definitions = {
        "hall_stale_request_days": [
            ("INSERT", _REQUESTS, [mark("NEW.applied_at"), mark("NEW.accepted_at"), mark("NEW.completed_at")], ""),
            ("UPDATE", _REQUESTS, request_update, changed(REQUEST_COLUMNS)),
            ("DELETE", _REQUESTS, [mark("OLD.applied_at"), mark("OLD.accepted_at"), mark("OLD.completed_at")], ""),
        ],
        "hall_stale_evaluation_days": [
            ("INSERT", _EVALUATIONS, [mark("NEW.at")], ""),
            ("UPDATE", _EVALUATIONS, [mark("OLD.at"), mark("NEW.at")], changed(EVALUATION_COLUMNS)),
            ("DELETE", _EVALUATIONS, [mark("OLD.at")], ""),
        ],
        "hall_stale_calendar_days": [
            ("INSERT", _CALENDAR, [calendar("NEW")], ""),
            ("UPDATE", _CALENDAR, [calendar("OLD"), calendar("NEW")], changed(("date", "is_working_day"))),
            ("DELETE", _CALENDAR, [calendar("OLD")], ""),
        ],
        "hall_stale_consultation_days": [
            ("INSERT", _CONSULTATIONS, [mark("NEW.created_at")], ""),
            (
                "UPDATE",
                _CONSULTATIONS,
                [mark("OLD.created_at"), mark("NEW.created_at")],
                changed(CONSULTATION_COLUMNS),
            ),
            ("DELETE", _CONSULTATIONS, [mark("OLD.created_at")], ""),
        ],
    }
    return {
        name: [trigger(f"{name}_{event.lower()}", event, table, body, when) for event, table, body, when in rows]
        for name, rows in definitions.items()
    }


def trigger_groups(vendor: str) -> dict[str, list[str]]:
    return _postgresql_triggers() if vendor == "postgresql" else _sqlite_triggers()


def trigger_names(using: str = "default") -> set[str]:
    """The names of the statistics (and ledger) triggers present in the database."""
    return triggers.trigger_names(using)


def expected_trigger_names(using: str = "default") -> set[str]:
    return triggers.created_trigger_names(trigger_groups(connections[using].vendor))


def install_triggers(using: str = "default") -> bool:
    """Create the triggers that are missing or outdated; when any was, mark every day stale. Returns that."""
    return triggers.install(
        trigger_groups,
        {_STALE, _REQUESTS, _EVALUATIONS, _CONSULTATIONS, _CALENDAR},
        lambda: mark_all_days_stale(using=using),
        using,
    )


def mark_all_days_stale(*, using: str = "default") -> int:
    """Mark every day that has a request, evaluation or consultation stale (a full rebuild on next refresh)."""
    tz = _tz()
    days: set[date] = set()
    for model, fields in (
        (ServiceRequest, ("applied_at", "accepted_at", "completed_at")),
        (Evaluation, ("at",)),
        (Consultation, ("created_at",)),
    ):
        for name in fields:
            days.update(
                model.objects.using(using)
                .filter(**{f"{name}__isnull": False})
                .annotate(d=TruncDate(name, tzinfo=tz))
                .values_list("d", flat=True)
                .distinct()
                .order_by()
            )
    StaleDay.objects.using(using).bulk_create([StaleDay(day=day) for day in sorted(days)], batch_size=1000)
    return len(days)


# --- Refresh --------------------------------------------------------------------------------------------


def refresh_figures(*, using: str = "default") -> int:
    """Rebuild the figures of every day marked stale; returns how many days were rebuilt."""
    with transaction.atomic(using=using):
        days = {_as_date(day) for day in triggers.claim(_STALE, "day", REFRESH_LOCK_KEY, using)}
        if days:
            rebuild_days(days, using=using)
    return len(days)


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def day_ranges(days: Iterable[date]) -> list[tuple[datetime, datetime]]:
    """Contiguous runs of local days as aware [start, end) datetimes."""
    tz = _tz()
    ranges: list[list[date]] = []
    for day in sorted(set(days)):
        if ranges and day == ranges[-1][1] + timedelta(days=1):
            ranges[-1][1] = day
        else:
            ranges.append([day, day])
    return [
        (datetime.combine(first, time.min, tzinfo=tz), datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz))
        for first, last in ranges
    ]


def _within(field: str, ranges) -> Q:
    q = Q()
    for start, end in ranges:
        q |= Q(**{f"{field}__gte": start, f"{field}__lt": end})
    return q


def rebuild_days(days: set[date], *, using: str = "default") -> None:
    """Delete and count again the figures of these days (grouping in the database), then their months."""
    ranges = day_ranges(days)
    DailyFigure.objects.using(using).filter(day__in=days).delete()
    for measure, queryset in _sources(ranges, using):
        _insert_from(queryset, using=using, model=DailyFigure, measure=measure)
    _insert_working_days(ranges, using)
    rebuild_months({month_start(day) for day in days}, using=using)


def rebuild_months(months: set[date], *, using: str = "default") -> None:
    """Monthly figures are the sums of the month's daily figures."""
    MonthlyFigure.objects.using(using).filter(month__in=months).delete()
    within = Q()
    for month in months:
        within |= Q(day__gte=month, day__lt=next_month(month))
    sums = {f"s_{counter}": Sum(counter) for counter in COUNTERS}
    queryset = (
        DailyFigure.objects.using(using)
        .order_by()
        .filter(within)
        .annotate(f_day=TruncMonth("day"), f_centre=F("centre_id"), f_measure=F("measure"), f_key=F("key"))
        .values("f_day", "f_centre", "f_measure", "f_key")
        .annotate(**sums)
    )
    _insert_from(queryset, using=using, model=MonthlyFigure, prefix="s_")


def _sources(ranges, using: str):
    """(measure, grouped queryset) pairs; each queryset yields f_day, f_centre, f_key and some COUNTERS."""
    tz = _tz()
    as_text = CharField()
    requests = ServiceRequest.objects.using(using).order_by()
    registered = requests.filter(_within("applied_at", ranges)).annotate(
        f_day=TruncDate("applied_at", tzinfo=tz), f_centre=F("centre_id")
    )
    counts = {
        "total": Count("pk"),
        "accepted": Count("pk", filter=Q(accepted_at__isnull=False)),
        "refused": Count("pk", filter=Q(status=Status.REFUSED)),
    }
    yield (
        FigureMeasure.REGISTERED,
        registered.annotate(f_key=Value("")).values("f_day", "f_centre", "f_key").annotate(**counts),
    )
    for measure, column in (
        (FigureMeasure.REGISTERED_BY_DEPARTMENT, "lead_department_id"),
        (FigureMeasure.REGISTERED_BY_KIND, "kind"),
        (FigureMeasure.REGISTERED_BY_CHANNEL, "channel"),
        (FigureMeasure.REGISTERED_BY_CATEGORY, "category"),
        (FigureMeasure.REGISTERED_BY_HELPER, "helper_id"),
    ):
        yield (
            measure,
            registered.annotate(f_key=Cast(column, as_text)).values("f_day", "f_centre", "f_key").annotate(**counts),
        )
    yield (
        FigureMeasure.REGISTERED_URGENT,
        registered.filter(urgent=True)
        .annotate(f_key=Value(""))
        .values("f_day", "f_centre", "f_key")
        .annotate(**counts),
    )
    # An applicant may belong to several groups: a request counts in each of its groups (one statement for all).
    by_group = [
        registered.filter(priority_group_q(group))
        .annotate(f_key=Value(group.value))
        .values("f_day", "f_centre", "f_key")
        .annotate(**counts)
        for group in PriorityGroup
    ]
    yield FigureMeasure.REGISTERED_BY_PRIORITY_GROUP, by_group[0].union(*by_group[1:], all=True)

    completed = _completed(ranges, using)
    late = Count("pk", filter=Q(deadline__isnull=False, f_day__gt=F("deadline")))
    on_time = Count("pk", filter=Q(deadline__isnull=False, f_day__lte=F("deadline")))
    yield (
        FigureMeasure.COMPLETED,
        completed.annotate(f_key=Value(""))
        .values("f_day", "f_centre", "f_key")
        .annotate(
            total=Count("pk"),
            late=late,
            on_time=on_time,
            without_notice=Count("pk", filter=Q(deficiency_notices=0)),
            at_most_one_notice=Count("pk", filter=Q(deficiency_notices__lte=1)),
        ),
    )
    # Seed 000 三.3 急办: an urgent request meets its internal target when completed on or before it.
    yield (
        FigureMeasure.COMPLETED_URGENT,
        completed.filter(urgent=True)
        .annotate(f_key=Value(""))
        .values("f_day", "f_centre", "f_key")
        .annotate(
            total=Count("pk"),
            on_time=Count("pk", filter=Q(f_day__lte=F("urgent_target"))),
            late=Count("pk", filter=Q(f_day__gt=F("urgent_target"))),
        ),
    )
    yield (
        FigureMeasure.COMPLETED_BY_HELPER,
        completed.annotate(f_key=Cast("helper_id", as_text))
        .values("f_day", "f_centre", "f_key")
        .annotate(total=Count("pk"), late=late, on_time=on_time),
    )
    yield (
        FigureMeasure.ACCEPTED_BY_HELPER,
        requests.filter(_within("accepted_at", ranges))
        .annotate(f_day=TruncDate("accepted_at", tzinfo=tz), f_centre=F("centre_id"), f_key=Cast("helper_id", as_text))
        .values("f_day", "f_centre", "f_key")
        .annotate(total=Count("pk")),
    )

    evaluations = (
        Evaluation.objects.using(using)
        .order_by()
        .filter(_within("at", ranges), is_invalid=False)
        .annotate(f_day=TruncDate("at", tzinfo=tz), f_centre=F("request__centre_id"))
    )
    yield (
        FigureMeasure.EVALUATED_BY_RATING,
        # The final rating (after rectification where rated again): the one definition of 满意率.
        evaluations.annotate(f_key=Cast(final_rating(), as_text))
        .values("f_day", "f_centre", "f_key")
        .annotate(total=Count("pk")),
    )
    yield (
        FigureMeasure.EVALUATED_BY_HELPER,
        evaluations.annotate(f_key=Cast("request__helper_id", as_text))
        .values("f_day", "f_centre", "f_key")
        .annotate(total=Count("pk"), poor=Count("pk", filter=_poor_on_any_indicator()), rating_sum=Sum("rating")),
    )

    yield (
        FigureMeasure.CONSULTATIONS,
        Consultation.objects.using(using)
        .order_by()
        .filter(_within("created_at", ranges))
        .annotate(f_day=TruncDate("created_at", tzinfo=tz), f_centre=F("centre_id"), f_key=Value(""))
        .values("f_day", "f_centre", "f_key")
        .annotate(total=Count("pk"), converted=Count("pk", filter=Q(request__isnull=False))),
    )


def _poor_on_any_indicator() -> Q:
    """An evaluation poor on overall, efficiency, service level or attitude, as the applicant first gave it: the
    rule that opens a rectification case (requests.models.Evaluation.is_poor)."""
    return (
        Q(rating__in=POOR_RATINGS)
        | Q(efficiency__in=POOR_RATINGS)
        | Q(service_level__in=POOR_RATINGS)
        | Q(attitude__in=POOR_RATINGS)
    )


def _completed(ranges, using: str):
    return (
        ServiceRequest.objects.using(using)
        .order_by()
        .filter(_within("completed_at", ranges))
        .annotate(f_day=TruncDate("completed_at", tzinfo=_tz()), f_centre=F("centre_id"))
    )


def _insert_working_days(ranges, using: str) -> None:
    """Completions by working days from acceptance to completion (statutory calendar; same day = 0).

    The calendar lives in Python (chinese-calendar and the admins' overrides), so the database groups the
    completions by (completed day, centre, accepted day) and Python maps each group to its working days; a
    calendar override marks the days it can change stale (trigger on hallservice_calendaroverride).
    """
    pairs = list(
        _completed(ranges, using)
        .annotate(accepted_day=TruncDate("accepted_at", tzinfo=_tz()))
        .values_list("f_day", "f_centre", "accepted_day")
        .annotate(n=Count("pk"))
    )
    counted = working_days_of(
        [(accepted, done) for done, _centre, accepted, _n in pairs if accepted is not None and done >= accepted]
    )
    rows: dict[tuple[date, int, str], int] = {}
    for done, centre, accepted, n in pairs:
        # Completed without a recorded acceptance: counted in the totals, not in the median.
        measured = accepted is not None and done >= accepted
        key = str(counted[accepted, done]) if measured else ""
        rows[done, centre, key] = rows.get((done, centre, key), 0) + n
    DailyFigure.objects.using(using).bulk_create(
        [
            DailyFigure(day=day, centre_id=centre, measure=FigureMeasure.COMPLETED_BY_WORKING_DAYS, key=key, total=n)
            for (day, centre, key), n in rows.items()
        ],
        batch_size=2000,
    )


def working_days_of(pairs: Iterable[tuple[date, date]]) -> dict[tuple[date, date], int]:
    """Working days d with a < d <= b for each (a, b) pair with a <= b, walking the calendar once."""
    pairs = set(pairs)
    if not pairs:
        return {}
    first = min(a for a, _b in pairs)
    last = max(b for _a, b in pairs)
    calendar = WorkingCalendar()
    index, running, day = {}, 0, first
    while day <= last:
        if day > first and calendar.is_working_day(day):
            running += 1
        index[day] = running
        day += timedelta(days=1)
    return {(a, b): index[b] - index[a] for a, b in pairs}


def _insert_from(queryset, *, using: str, model, measure: str | None = None, prefix: str = "") -> None:
    """INSERT the grouped queryset's rows into the figures table.

    The queryset yields f_day (the day or month), f_centre, f_key, f_measure unless `measure` is given, and
    some of COUNTERS named with `prefix`; the counters it lacks are 0.
    """
    present = set(queryset.query.annotations)
    columns = {
        "day" if model is DailyFigure else "month": "sub.f_day",
        "centre_id": "sub.f_centre",
        "measure": "%s" if measure else "sub.f_measure",
        "key": "sub.f_key",
        **{c: f"sub.{prefix}{c}" if f"{prefix}{c}" in present else "0" for c in COUNTERS},
    }
    triggers.insert_select(
        table=model._meta.db_table,
        columns=columns,
        queryset=queryset,
        using=using,
        leading=[str(measure)] if measure else None,
    )
