"""Read queries of the rosters app, shared by the services, HTML views, API, exports and the dashboard.

Everything a page shows is fetched in a constant number of queries: plan inputs load each table once and
the planning module (`rosters.planning`) does the rest in memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet

from hallservice.core.months import add_months, month_days, month_end, month_start
from hallservice.core.workdays import WorkingCalendar
from staff.models import Department, Qualification, ServiceCentre, StaffKind, StaffMember, Window

from . import planning
from .models import (
    EFFECTIVE_SUBSTITUTION,
    CheckIn,
    CheckInStatus,
    Duty,
    DutyDay,
    DutyRecord,
    HelpAreaTurn,
    PatrolRecord,
    PlanStatus,
    RotationAssignment,
    RotationCover,
    RotationPlan,
    Substitution,
    Unavailability,
)

# How many window helpers of a high-volume department stand in the help area each working day (1–2).
HELP_AREA_PER_DAY_DEFAULT = 1
# History that counts for spreading duties and turns fairly over time.
FAIRNESS_MONTHS = 12


def help_area_per_day() -> int:
    return min(max(int(getattr(settings, "ROSTERS_HELP_AREA_PER_DAY", HELP_AREA_PER_DAY_DEFAULT)), 1), 2)


# --- Calendar -------------------------------------------------------------------------------------------


def month_working_days(month: date, calendar: WorkingCalendar | None = None) -> list[date]:
    calendar = calendar or WorkingCalendar()
    return [d for d in month_days(month) if calendar.is_working_day(d)]


# --- Unavailability -------------------------------------------------------------------------------------


def unavailable_staff_ids(centre: ServiceCentre | int, day: date) -> set[int]:
    """Staff of the centre who are on leave, travelling, in a meeting or at off-post study on ``day``."""
    centre_id = centre if isinstance(centre, int) else centre.pk
    return set(
        Unavailability.objects.covering(day).filter(staff__centre_id=centre_id).values_list("staff_id", flat=True)
    )


def away_days(*, centre_id: int, start: date, end: date) -> dict[int, frozenset[date]]:
    """Each staff member's days away between start and end (inclusive), from one query."""
    days: dict[int, set[date]] = defaultdict(set)
    rows = (
        Unavailability.objects.overlapping(start, end)
        .filter(staff__centre_id=centre_id)
        .values_list("staff_id", "start", "end")
    )
    for staff_id, first, last in rows:
        day = max(first, start)
        while day <= min(last, end):
            days[staff_id].add(day)
            day += timedelta(days=1)
    return {staff_id: frozenset(d) for staff_id, d in days.items()}


def away_throughout(
    *, staff_ids: Iterable[int], days: Iterable[date], kinds: Iterable[str]
) -> dict[int, list[Unavailability]]:
    """The staff among ``staff_ids`` whose records of ``kinds`` (leave, off-post study, …) together cover every one
    of ``days``, each with those records, earliest first. One query; no days covers nobody.

    For the other apps' rules that hang on someone being away for a whole span (training excuses a monthly test
    that lies wholly inside a person's leave); a record is counted whole, however the days are split across
    records (a week of leave entered as two records covers the week)."""
    days = sorted(set(days))
    if not days:
        return {}
    records: dict[int, list[Unavailability]] = defaultdict(list)
    for record in (
        Unavailability.objects.overlapping(days[0], days[-1])
        .filter(staff_id__in=list(staff_ids), kind__in=list(kinds))
        .order_by("start", "pk")
    ):
        records[record.staff_id].append(record)
    return {
        staff_id: own
        for staff_id, own in records.items()
        if all(any(r.start <= day <= r.end for r in own) for day in days)
    }


def unavailability_list(*, user, month: date | None = None) -> QuerySet[Unavailability]:
    qs = Unavailability.objects.restrict(user).select_related("staff", "staff__centre")
    if month is not None:
        qs = qs.overlapping(month, month_end(month))
    return qs.order_by("start", "staff__name")


# --- Who takes part -------------------------------------------------------------------------------------


def rotation_windows(centre_id: int) -> list[Window]:
    return list(Window.objects.filter(centre_id=centre_id, is_active=True).order_by("floor", "number"))


def rotation_helpers(centre_id: int) -> QuerySet[StaffMember]:
    return StaffMember.objects.active().filter(centre_id=centre_id, kind=StaffKind.FULL_TIME_HELPER).order_by("name")


def duty_leader_pool(centre_id: int) -> QuerySet[StaffMember]:
    """The centre's duty leaders who take daily duties: bureau leaders lead weekly instead."""
    return (
        StaffMember.objects.active()
        .filter(centre_id=centre_id, kind=StaffKind.DUTY_LEADER, bureau_leader__isnull=True)
        .order_by("name")
    )


def bureau_leader_pool(centre_id: int) -> QuerySet[StaffMember]:
    return StaffMember.objects.active().filter(centre_id=centre_id, bureau_leader__isnull=False).order_by("name")


def help_area_departments(centre_id: int) -> list[tuple[Department, list[StaffMember]]]:
    """High-volume departments with window helpers in the centre, each with those helpers."""
    helpers = (
        StaffMember.objects.active()
        .filter(centre_id=centre_id, kind=StaffKind.WINDOW_HELPER, department__is_high_volume=True)
        .select_related("department")
        .order_by("department__code", "name")
    )
    grouped: dict[int, tuple[Department, list[StaffMember]]] = {}
    for helper in helpers:
        grouped.setdefault(helper.department_id, (helper.department, []))[1].append(helper)
    return list(grouped.values())


# --- Plan inputs ----------------------------------------------------------------------------------------


@dataclass
class PlanInputs:
    """Everything the generator and the checks need about one centre and month, loaded once."""

    centre_id: int
    month: date
    working_days: list[date]
    windows: list[Window]
    window_specs: list[planning.WindowSpec]
    helpers: dict[int, StaffMember]
    helper_specs: list[planning.HelperSpec]
    leaders: dict[int, StaffMember]
    leader_specs: list[planning.PersonSpec]
    bureau: dict[int, StaffMember]
    bureau_specs: list[planning.PersonSpec]
    departments: list[tuple[Department, list[planning.PersonSpec]]]
    window_helpers: dict[int, StaffMember]
    carried_week_leaders: dict[date, int]
    away: dict[int, frozenset[date]] = field(default_factory=dict)

    @property
    def turn(self) -> int:
        return planning.month_turn(self.month)

    def person_specs(self) -> dict[int, planning.PersonSpec]:
        return {p.id: p for _d, specs in self.departments for p in specs}


def qualification_levels(inputs: PlanInputs) -> dict[int, dict[int, int]]:
    """Helper id → window id → the helper's level for the window's department in the skills matrix (one query).

    The supervision section computes the levels (supervision.skills) into staff.Qualification; the generator only
    prefers the more qualified among choices its rules leave equal."""
    by_department: dict[int, list[int]] = defaultdict(list)
    for window in inputs.windows:
        if window.department_id is not None:
            by_department[window.department_id].append(window.pk)
    if not by_department or not inputs.helpers:
        return {}
    levels: dict[int, dict[int, int]] = defaultdict(dict)
    rows = Qualification.objects.filter(
        staff_id__in=list(inputs.helpers), department_id__in=list(by_department), matter__isnull=True, level__gt=0
    ).values_list("staff_id", "department_id", "level")
    for staff_id, department_id, level in rows:
        for window_id in by_department[department_id]:
            levels[staff_id][window_id] = level
    return dict(levels)


def plans_in_sequence(centre_id: int, before: date) -> QuerySet[RotationPlan]:
    """The centre's plans a month ``before`` continues from, oldest first.

    Every published plan before the month, and the drafts after the last published one (months drafted but not
    yet published, e.g. January still a draft while February is generated): February must go on from January's
    draft, not repeat it. A draft older than a published month was abandoned and does not count.
    """
    plans = RotationPlan.objects.filter(centre_id=centre_id, month__lt=before)
    last_published = plans.filter(status=PlanStatus.PUBLISHED).aggregate(m=Max("month"))["m"]
    in_sequence = Q(status=PlanStatus.PUBLISHED) | Q(status=PlanStatus.DRAFT)
    if last_published is not None:
        in_sequence = Q(status=PlanStatus.PUBLISHED) | Q(status=PlanStatus.DRAFT, month__gt=last_published)
    return plans.filter(in_sequence).order_by("month")


def rotation_history(centre_id: int, before: date, helper_id: int | None = None) -> dict[int, list[int]]:
    """Each helper's windows in the centre's plans in sequence before ``before`` (see plans_in_sequence)."""
    history: dict[int, list[int]] = defaultdict(list)
    rows = RotationAssignment.objects.filter(plan__in=plans_in_sequence(centre_id, before))
    if helper_id is not None:
        rows = rows.filter(helper_id=helper_id)
    rows = rows.order_by("plan__month").values_list("helper_id", "window_id")
    for helper_id, window_id in rows:
        history[helper_id].append(window_id)
    return history


def _past_turns(qs: QuerySet, person_field: str) -> dict[int, tuple[int, date]]:
    return {
        row[person_field]: (row["n"], row["last"])
        for row in qs.values(person_field).annotate(n=Count("pk"), last=Max("day"))
    }


def plan_inputs(centre_id: int, month: date, calendar: WorkingCalendar | None = None) -> PlanInputs:
    month = month_start(month)
    working_days = month_working_days(month, calendar)
    away = away_days(centre_id=centre_id, start=month, end=month_end(month))
    windows = rotation_windows(centre_id)
    helpers = {h.pk: h for h in rotation_helpers(centre_id)}
    history = rotation_history(centre_id, month)
    since = add_months(month, -FAIRNESS_MONTHS)
    published_before = Q(plan__status=PlanStatus.PUBLISHED, day__lt=month, day__gte=since)

    leaders = {p.pk: p for p in duty_leader_pool(centre_id)}
    duties = _past_turns(DutyDay.objects.filter(published_before, centre_id=centre_id), "leader")
    bureau = {p.pk: p for p in bureau_leader_pool(centre_id)}
    # Weeks led: count distinct Mondays via the days led (a week leader leads all days of the week).
    led_days = (
        DutyDay.objects.filter(published_before, centre_id=centre_id, week_leader__isnull=False)
        .values_list("week_leader_id", "day")
        .order_by("day")
    )
    weeks: dict[int, set[date]] = defaultdict(set)
    for leader_id, day in led_days:
        weeks[leader_id].add(planning.week_start(day))
    # A week that began last month keeps its leader.
    carried = dict(
        DutyDay.objects.filter(
            centre_id=centre_id,
            plan__status=PlanStatus.PUBLISHED,
            day__gte=planning.week_start(month),
            day__lt=month,
            week_leader__isnull=False,
        ).values_list("day", "week_leader_id")
    )
    carried_weeks = {planning.week_start(day): leader for day, leader in carried.items()}

    departments = help_area_departments(centre_id)
    turns = _past_turns(HelpAreaTurn.objects.filter(published_before, plan__centre_id=centre_id), "helper")

    def person(member: StaffMember, past: dict[int, tuple[int, date]]) -> planning.PersonSpec:
        n, last = past.get(member.pk, (0, None))
        return planning.PersonSpec(member.pk, member.name, away.get(member.pk, frozenset()), n, last)

    days = set(working_days)
    available = sum(1 for h in helpers if not (days and days <= away.get(h, frozenset())))
    minimums = planning.automatic_minimums([w.min_staff for w in windows], available)
    return PlanInputs(
        centre_id=centre_id,
        month=month,
        working_days=working_days,
        windows=windows,
        window_specs=[
            planning.WindowSpec(w.pk, w.number, low, w.max_staff, automatic=w.min_staff is None)
            for w, low in zip(windows, minimums, strict=True)
        ],
        helpers=helpers,
        helper_specs=[
            planning.HelperSpec(h.pk, h.name, tuple(history.get(h.pk, ())), away.get(h.pk, frozenset()))
            for h in helpers.values()
        ],
        leaders=leaders,
        leader_specs=[person(p, duties) for p in leaders.values()],
        bureau=bureau,
        bureau_specs=[
            planning.PersonSpec(
                p.pk,
                p.name,
                away.get(p.pk, frozenset()),
                len(weeks.get(p.pk, ())),
                max(weeks[p.pk]) if weeks.get(p.pk) else None,
            )
            for p in bureau.values()
        ],
        departments=[(d, [person(h, turns) for h in hs]) for d, hs in departments],
        window_helpers={h.pk: h for _d, hs in departments for h in hs},
        carried_week_leaders=carried_weeks,
        away=away,
    )


def plan_check(plan: RotationPlan, inputs: PlanInputs | None = None):
    """(problems, covers, inputs) of a plan as it stands: what the grid shows and what publishing enforces."""
    inputs = inputs or plan_inputs(plan.centre_id, plan.month)
    assignments = dict(plan.assignments.values_list("helper_id", "window_id"))
    duty = dict(plan.duty_days.values_list("day", "leader_id"))
    turns = list(plan.help_area_turns.values_list("day", "department_id", "helper_id"))
    problems, covers = planning.check_plan(
        windows=inputs.window_specs,
        helpers=inputs.helper_specs,
        assignments=assignments,
        working_days=inputs.working_days,
        leaders=inputs.leader_specs,
        duty=duty,
        turns=turns,
        departments={d.pk: d.name for d, _specs in inputs.departments},
        window_helpers=inputs.person_specs(),
        turn=inputs.turn,
    )
    return problems, covers, inputs


# --- Plans ----------------------------------------------------------------------------------------------


def plan_list(*, user, centre_id: int | None = None) -> QuerySet[RotationPlan]:
    qs = (
        RotationPlan.objects.restrict(user)
        .select_related("centre", "published_by")
        .annotate(helper_count=Count("assignments", distinct=True))
        .order_by("-month", "centre__code")
    )
    return qs.filter(centre_id=centre_id) if centre_id else qs


def plan_for(centre_id: int, day: date, *, published: bool = True) -> RotationPlan | None:
    qs = RotationPlan.objects.filter(centre_id=centre_id, month=month_start(day))
    if published:
        qs = qs.filter(status=PlanStatus.PUBLISHED)
    return qs.first()


@dataclass
class GridRow:
    helper: StaffMember
    window_id: int | None
    reason: str
    is_repeat: bool
    worked: set[int]
    remaining: frozenset[int]
    away_days: int
    away_all_month: bool


@dataclass
class PlanGrid:
    plan: RotationPlan
    inputs: PlanInputs
    rows: list[GridRow]
    counts: dict[int, int]
    problems: list[planning.Problem]
    covers: list[planning.Cover]
    duty_days: list[DutyDay]
    help_area: dict[date, list[HelpAreaTurn]]
    weeks: list[tuple[date, StaffMember | None]]

    @property
    def errors(self) -> list[planning.Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[planning.Problem]:
        return [p for p in self.problems if not p.is_error]

    def problem_windows(self) -> set[int]:
        return {p.window_id for p in self.errors if p.window_id}


def plan_grid(plan: RotationPlan) -> PlanGrid:
    """The grid editor's data: helpers × windows, counts against min/max, problems, covers, duty and turns."""
    inputs = plan_inputs(plan.centre_id, plan.month)
    problems, covers, _inputs = plan_check(plan, inputs)
    assignments = {a.helper_id: a for a in plan.assignments.all()}
    history = {spec.id: spec.history for spec in inputs.helper_specs}
    window_ids = [w.pk for w in inputs.windows]
    days = set(inputs.working_days)
    # Helpers assigned in the draft but no longer active rotation helpers still show, so they can be removed.
    helpers = dict(inputs.helpers)
    missing = [a.helper_id for a in assignments.values() if a.helper_id not in helpers]
    if missing:
        helpers.update({m.pk: m for m in StaffMember.objects.filter(pk__in=missing)})
    rows = []
    for helper in sorted(helpers.values(), key=lambda h: h.name):
        assignment = assignments.get(helper.pk)
        remaining, _last, _done = planning.cycle_state(history.get(helper.pk, ()), window_ids)
        away = inputs.away.get(helper.pk, frozenset()) & days
        rows.append(
            GridRow(
                helper=helper,
                window_id=assignment.window_id if assignment else None,
                reason=assignment.reason if assignment else "",
                is_repeat=assignment.is_repeat if assignment else False,
                worked=set(window_ids) - remaining,
                remaining=remaining,
                away_days=len(away),
                away_all_month=bool(days) and len(away) == len(days),
            )
        )
    counts = dict.fromkeys(window_ids, 0)
    for a in assignments.values():
        if a.window_id in counts:
            counts[a.window_id] += 1
    duty_days = list(plan.duty_days.select_related("leader", "planned_leader", "week_leader").order_by("day"))
    help_area: dict[date, list[HelpAreaTurn]] = defaultdict(list)
    for t in plan.help_area_turns.select_related("helper", "department").order_by("day", "department__code"):
        help_area[t.day].append(t)
    weeks: dict[date, StaffMember | None] = {}
    for d in duty_days:
        weeks.setdefault(planning.week_start(d.day), d.week_leader)
    return PlanGrid(
        plan=plan,
        inputs=inputs,
        rows=rows,
        counts=counts,
        problems=problems,
        covers=covers,
        duty_days=duty_days,
        help_area=dict(help_area),
        weeks=sorted(weeks.items()),
    )


@dataclass
class CoverageRow:
    helper: StaffMember
    months: dict[int, list[date]]
    remaining: frozenset[int]
    cycles: int


def coverage(centre_id: int) -> tuple[list[Window], list[CoverageRow]]:
    """For each full-time helper: the months they worked each window, and what is left in their cycle."""
    windows = rotation_windows(centre_id)
    window_ids = [w.pk for w in windows]
    worked: dict[int, dict[int, list[date]]] = defaultdict(lambda: defaultdict(list))
    history: dict[int, list[int]] = defaultdict(list)
    rows = (
        RotationAssignment.objects.filter(plan__centre_id=centre_id, plan__status=PlanStatus.PUBLISHED)
        .order_by("plan__month")
        .values_list("helper_id", "window_id", "plan__month")
    )
    for helper_id, window_id, month in rows:
        worked[helper_id][window_id].append(month)
        history[helper_id].append(window_id)
    result = []
    for helper in rotation_helpers(centre_id):
        remaining, _last, cycles = planning.cycle_state(history.get(helper.pk, ()), window_ids)
        result.append(CoverageRow(helper, dict(worked.get(helper.pk, {})), remaining, cycles))
    return windows, result


# --- One day ------------------------------------------------------------------------------------------


@dataclass
class Post:
    """Who stands at a window on a day, and how they come to be there."""

    window: Window
    staff: list[tuple[StaffMember, str]] = field(default_factory=list)
    away: list[StaffMember] = field(default_factory=list)

    @property
    def minimum(self) -> int:
        """The window's minimum; an automatic one counts as 1 where the plan put a helper, else 0."""
        if self.window.min_staff is not None:
            return self.window.min_staff
        return 1 if self.staff or self.away else 0

    @property
    def short(self) -> bool:
        return len(self.staff) < self.minimum


@dataclass
class DayRoster:
    """A centre's duty on one day as the published plan and the substitutions in effect make it."""

    centre: ServiceCentre
    day: date
    is_working_day: bool
    plan: RotationPlan | None
    duty_day: DutyDay | None
    posts: list[Post]
    help_area: list[HelpAreaTurn]
    substitutions: list[Substitution]
    away: dict[int, Unavailability]
    check_ins: dict[int, CheckIn]
    expected: dict[int, tuple[StaffMember, str]]

    def status_of(self, staff_id: int) -> str:
        check_in = self.check_ins.get(staff_id)
        return check_in.status if check_in else ""


def day_roster(centre: ServiceCentre, day: date, calendar: WorkingCalendar | None = None) -> DayRoster:
    """Who is on duty where on ``day`` (constant queries, whatever the size of the centre)."""
    calendar = calendar or WorkingCalendar()
    plan = plan_for(centre.pk, day)
    away = {
        u.staff_id: u
        for u in Unavailability.objects.covering(day).filter(staff__centre_id=centre.pk).select_related("staff")
    }
    substitutions = list(
        Substitution.objects.filter(centre_id=centre.pk, day=day)
        .select_related("absent", "substitute", "window")
        .order_by("requested_at")
    )
    check_ins = {c.staff_id: c for c in CheckIn.objects.filter(centre_id=centre.pk, day=day).select_related("staff")}
    posts: list[Post] = []
    help_area: list[HelpAreaTurn] = []
    duty_day = None
    expected: dict[int, tuple[StaffMember, str]] = {}
    if plan is not None:
        windows = {w.pk: Post(w) for w in rotation_windows(centre.pk)}
        standing: dict[int, tuple[int, StaffMember, str]] = {}
        for a in plan.assignments.select_related("helper"):
            standing[a.helper_id] = (a.window_id, a.helper, "assigned")
        for c in RotationCover.objects.filter(plan=plan, day=day).select_related("helper"):
            standing[c.helper_id] = (c.window_id, c.helper, "cover")
        for s in substitutions:
            if s.status in EFFECTIVE_SUBSTITUTION and s.duty == Duty.WINDOW and s.window_id:
                standing.pop(s.absent_id, None)
                standing[s.substitute_id] = (s.window_id, s.substitute, "substitute")
        for staff_id, (window_id, member, how) in standing.items():
            post = windows.get(window_id)
            if post is None:
                continue
            if staff_id in away:
                post.away.append(member)
            else:
                post.staff.append((member, how))
        posts = list(windows.values())
        for post in posts:
            post.staff.sort(key=lambda pair: pair[0].name)
        help_area = list(
            plan.help_area_turns.filter(day=day)
            .select_related("helper", "planned_helper", "department")
            .order_by("department__code")
        )
        duty_day = plan.duty_days.filter(day=day).select_related("leader", "planned_leader", "week_leader").first()
        if duty_day is not None and duty_day.leader_id not in away:
            expected[duty_day.leader_id] = (duty_day.leader, Duty.DUTY_LEADER)
        for post in posts:
            for member, _how in post.staff:
                expected.setdefault(member.pk, (member, Duty.WINDOW))
        for t in help_area:
            if t.helper_id not in away:
                expected.setdefault(t.helper_id, (t.helper, Duty.HELP_AREA))
    return DayRoster(
        centre=centre,
        day=day,
        is_working_day=calendar.is_working_day(day),
        plan=plan,
        duty_day=duty_day,
        posts=posts,
        help_area=help_area,
        substitutions=substitutions,
        away=away,
        check_ins=check_ins,
        expected=expected,
    )


def duty_leader_on_duty(*, centre: ServiceCentre, day: date) -> StaffMember | None:
    """The duty leader of the published plan on ``day`` (a substitute while a substitution is in effect), unless
    away that day; None without one."""
    duty_day = DutyDay.objects.published().filter(centre_id=centre.pk, day=day).select_related("leader__user").first()
    if duty_day is None or duty_day.leader_id in unavailable_staff_ids(centre, day):
        return None
    return duty_day.leader


def staff_post(centre: ServiceCentre, day: date, staff_id: int) -> list[tuple[str, str]]:
    """The duties of one person on a day, as (duty, label) pairs — for their check-in page."""
    roster = day_roster(centre, day)
    duties = []
    if roster.duty_day and roster.duty_day.leader_id == staff_id:
        duties.append((Duty.DUTY_LEADER, str(Duty.DUTY_LEADER.label)))
    for post in roster.posts:
        if any(member.pk == staff_id for member, _how in post.staff):
            duties.append((Duty.WINDOW, str(post.window)))
    for t in roster.help_area:
        if t.helper_id == staff_id:
            duties.append((Duty.HELP_AREA, f"{Duty.HELP_AREA.label} · {t.department.short_name or t.department}"))
    return duties


# --- Month views and reports --------------------------------------------------------------------------


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    is_working_day: bool
    duty_day: DutyDay | None = None
    substitutions: int = 0


@dataclass
class CalendarWeek:
    days: list[CalendarDay]
    week_leader: StaffMember | None


def month_calendar(centre_id: int, month: date, calendar: WorkingCalendar | None = None) -> list[CalendarWeek]:
    """Weeks (Monday first) of the month with each day's duty leader, substitutions in effect, week leader."""
    calendar = calendar or WorkingCalendar()
    month = month_start(month)
    duty = {
        d.day: d
        for d in DutyDay.objects.published()
        .filter(centre_id=centre_id, day__gte=month, day__lte=month_end(month))
        .select_related("leader", "week_leader")
    }
    subs = dict(
        Substitution.objects.effective()
        .filter(centre_id=centre_id, day__gte=month, day__lte=month_end(month))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    first = planning.week_start(month)
    last = month_end(month)
    weeks, day = [], first
    while day <= last:
        week = []
        for _ in range(7):
            week.append(
                CalendarDay(
                    day, day.month == month.month, calendar.is_working_day(day), duty.get(day), subs.get(day, 0)
                )
            )
            day += timedelta(days=1)
        leader = next((d.duty_day.week_leader for d in week if d.duty_day and d.duty_day.week_leader), None)
        weeks.append(CalendarWeek(week, leader))
    return weeks


@dataclass
class AttendanceRow:
    staff: StaffMember
    on_time: int
    late: int
    absent: int
    no_badge: int
    late_days: list[date]
    absent_days: list[date]
    # Party members' arrivals without the party badge (seed 000 二.5); nobody else is asked.
    no_party_badge: int = 0


def attendance_report(centre_id: int, month: date) -> list[AttendanceRow]:
    """Lateness and absence per staff member in a month (F-ROS-5), worst first."""
    month = month_start(month)
    rows: dict[int, AttendanceRow] = {}
    check_ins = (
        CheckIn.objects.filter(centre_id=centre_id, day__gte=month, day__lte=month_end(month))
        .select_related("staff")
        .order_by("day")
    )
    for c in check_ins:
        row = rows.setdefault(c.staff_id, AttendanceRow(c.staff, 0, 0, 0, 0, [], []))
        if c.status == CheckInStatus.ON_TIME:
            row.on_time += 1
        elif c.status == CheckInStatus.LATE:
            row.late += 1
            row.late_days.append(c.day)
        else:
            row.absent += 1
            row.absent_days.append(c.day)
        if c.status != CheckInStatus.ABSENT and not c.badge_worn:
            row.no_badge += 1
        if c.party_badge_worn is False:
            row.no_party_badge += 1
    return sorted(rows.values(), key=lambda r: (-r.absent, -r.late, r.staff.name))


def substitution_list(*, user, filters: dict | None = None) -> QuerySet[Substitution]:
    filters = filters or {}
    qs = Substitution.objects.restrict(user).select_related("centre", "absent", "substitute", "window", "requested_by")
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    return qs.order_by("-day", "-requested_at")


def staff_choices(centre_id: int, kinds: Iterable[str] | None = None) -> QuerySet[StaffMember]:
    qs = StaffMember.objects.active().filter(centre_id=centre_id)
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    return qs.order_by("kind", "name")


# --- Duty oversight ------------------------------------------------------------------------------------------

# How many ended weeks back the missing-patrol warning looks.
PATROL_WEEKS_CHECKED = 4


@dataclass(frozen=True)
class PatrolGap:
    """A week (Monday–Sunday) in which a centre was on duty and no bureau leader's patrol was recorded."""

    centre: ServiceCentre
    week_start: date
    week_leader: StaffMember | None

    @property
    def week_end(self) -> date:
        return self.week_start + timedelta(days=6)


def patrol_gaps(centres: Iterable[ServiceCentre], today: date, weeks: int = PATROL_WEEKS_CHECKED) -> list[PatrolGap]:
    """The ended weeks without a patrol record, newest first; two queries whatever the number of centres.

    The rule (seed 000 五.1, "带班人员值班情况由每周带班局领导负责"): weeks run Monday to Sunday in the hall's time zone;
    a patrol counts for the week of its local date. A week is checked once it has ended — from its following
    Monday — so the week in progress is never flagged. Only weeks in which the centre had a duty day on a
    published roster are checked (a week without working days, or a centre without a roster, needs no patrol).
    The ``weeks`` ended weeks before ``today``'s week are looked at.
    """
    centres = {c.pk: c for c in centres}
    this_monday = planning.week_start(today)
    first_monday = this_monday - timedelta(weeks=weeks)
    on_duty: dict[tuple[int, date], StaffMember | None] = {}
    duty_days = (
        DutyDay.objects.filter(
            centre_id__in=centres, plan__status=PlanStatus.PUBLISHED, day__gte=first_monday, day__lt=this_monday
        )
        .select_related("week_leader")
        .order_by("day")
    )
    for d in duty_days:
        key = (d.centre_id, planning.week_start(d.day))
        if on_duty.get(key) is None:
            on_duty[key] = d.week_leader
    patrolled = set(
        PatrolRecord.objects.filter(
            centre_id__in=centres, week_start__gte=first_monday, week_start__lt=this_monday
        ).values_list("centre_id", "week_start")
    )
    gaps = [
        PatrolGap(centres[centre_id], monday, leader)
        for (centre_id, monday), leader in on_duty.items()
        if (centre_id, monday) not in patrolled
    ]
    return sorted(gaps, key=lambda g: (-g.week_start.toordinal(), g.centre.code))


def patrol_list(*, user, centre_id: int | None = None) -> QuerySet[PatrolRecord]:
    qs = PatrolRecord.objects.restrict(user).select_related("centre", "leader")
    if centre_id is not None:
        qs = qs.filter(centre_id=centre_id)
    return qs.order_by("-patrolled_at", "-pk")


def duty_record_list(*, user) -> QuerySet[DutyRecord]:
    return DutyRecord.objects.restrict(user).select_related(
        "duty_day", "duty_day__centre", "duty_day__leader", "written_by", "reviewed_by"
    )


def party_badge_missing(roster: DayRoster) -> list[CheckIn]:
    """The day's arrivals of party members without the party badge (seed 000 二.5: "上岗时要佩戴党徽")."""
    missing = [c for c in roster.check_ins.values() if c.party_badge_worn is False]
    return sorted(missing, key=lambda c: c.staff.name)
