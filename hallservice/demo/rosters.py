"""Demo rotation plans, absences, substitutions, check-ins, duty summaries, duty records and the bureau leader's
patrols, through the rosters services."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from hallservice.core.months import add_months, month_start
from hallservice.demo.staff import DISTRICT, DL, PHONE_PREFIX
from hallservice.demo.writing import Tally
from rosters.models import (
    BureauLeader,
    CheckIn,
    CheckInSource,
    CheckInStatus,
    Duty,
    DutyRecord,
    DutySummary,
    PatrolRecord,
    RotationPlan,
    Substitution,
    SubstitutionStatus,
)
from rosters.planning import week_start
from rosters.selectors import day_roster, month_working_days
from rosters.services import (
    duty_record_review,
    duty_record_write,
    duty_summary_file,
    patrol_record_create,
    rotation_plan_generate,
    rotation_plan_publish,
    substitution_approve,
    substitution_request,
    substitution_reverse,
    unavailability_record,
)
from staff.models import ServiceCentre, StaffMember, Window

# Two duty leaders of the hall are bureau leaders taking the weekly lead; absences fall on fixed days of the
# month so that a re-run in the same month finds them again.
BUREAU_LEADERS = {"邓卫东": "副局长", "曹玉芳": "副局长"}
DEMO_ABSENCES = [  # (name, kind, first working day of the month it starts on, length in days, note, source)
    ("孙晓燕", "leave", 6, 3, "年休假", ""),
    ("彭建国", "travel", 9, 2, "赴省厅参加业务培训", ""),
    ("何文博", "study", 12, 1, "月考未达85分，脱岗学习一天", "training:demo"),
]


def seed_rosters(tally: Tally, centres: dict[str, ServiceCentre], staff: dict[str, StaffMember]) -> None:
    """Rotation plans for the hall: three published months of history, this month published with duty, check-ins,
    substitutions and duty summaries up to today, next month as a draft. Runs through the rosters services."""
    district = centres[DISTRICT]
    # Help desks need a full-time helper every day; a department window may go without one this month.
    for window in Window.objects.filter(centre__code__in=PHONE_PREFIX):
        wanted = (1, 2) if window.is_help_desk else (0, 1)
        if (window.min_staff, window.max_staff) != wanted:
            window.min_staff, window.max_staff = wanted
            window.save(update_fields=["min_staff", "max_staff"])
    by_name = {member.name: member for member in staff.values()}
    for name, title in BUREAU_LEADERS.items():
        _leader, created = BureauLeader.objects.get_or_create(staff=by_name[name], defaults={"title": title})
        tally.note("rosters", created)

    supervisor = staff["supervisor"].user
    started = timezone.now()
    today = timezone.localdate()
    this_month = month_start(today)
    days = month_working_days(this_month)
    for name, kind, nth, length, note, source in DEMO_ABSENCES:
        start = days[min(nth, len(days) - 1)]
        record = unavailability_record(
            actor=supervisor,
            staff_id=by_name[name].pk,
            start=start,
            end=start + timedelta(days=length - 1),
            kind=kind,
            note=note,
            source=source,
        )
        tally.note("rosters", record.created_at >= started)

    for offset in (-3, -2, -1, 0, 1):
        month = add_months(this_month, offset)
        plan = RotationPlan.objects.filter(centre=district, month=month).first()
        tally.note("rosters", plan is None)
        if plan is None:
            plan = rotation_plan_generate(actor=supervisor, centre_id=district.pk, month=month)
        if offset <= 0 and plan.is_draft:
            rotation_plan_publish(actor=supervisor, plan_id=plan.pk, confirm_repeats=True)

    # Today's and the next duty leader each file a substitution (替岗备案): both are in effect once filed; the
    # supervision section reverses the second. With SUBSTITUTION_NEEDS_APPROVAL today's is approved, the next waits.
    plan = RotationPlan.objects.get(centre=district, month=this_month)
    leaders = [m for m in staff.values() if m.kind == DL and m.centre_id == district.pk]
    for n, duty_day in enumerate(
        plan.duty_days.filter(day__gte=today).select_related("planned_leader__user").order_by("day")[:2]
    ):
        absent = duty_day.planned_leader  # once in effect the day's leader is the substitute
        if Substitution.objects.filter(centre=district, day=duty_day.day, duty=Duty.DUTY_LEADER).exists():
            continue
        away = set(day_roster(district, duty_day.day).away)
        substitute = next(
            (m for m in leaders if m.pk not in away | {absent.pk} and m.name not in BUREAU_LEADERS), None
        )
        if substitute is None:
            continue
        sub = substitution_request(
            actor=absent.user,
            absent_id=absent.pk,
            substitute_id=substitute.pk,
            day=duty_day.day,
            duty=Duty.DUTY_LEADER,
            reason="参加市政务服务管理局专题会议" if n == 0 else "赴企业现场帮办重点项目",
        )
        if sub.status == SubstitutionStatus.REQUESTED and n == 0:
            substitution_approve(actor=supervisor, substitution_id=sub.pk, note="同意，已备案")
        elif sub.status == SubstitutionStatus.FILED and n == 1:
            substitution_reverse(actor=supervisor, substitution_id=sub.pk, note="当日有重点项目现场会，请本人带班")
        tally.note("rosters", True)

    # Arrivals on the working days of this month so far (today only once the hall has opened).
    now = timezone.now()
    opening = district.opening_time
    for day in [d for d in days if d <= today]:
        if day == today and now < timezone.make_aware(datetime.combine(day, opening)):
            continue
        roster = day_roster(district, day)
        for i, staff_id in enumerate(sorted(roster.expected)):
            if i % 13 == 7:
                if day == today:
                    continue  # not in yet
                status, minutes = CheckInStatus.ABSENT, None
            elif i % 9 == 4:
                status, minutes = CheckInStatus.LATE, 7
            else:
                status, minutes = CheckInStatus.ON_TIME, -12 - i % 9
            at = (
                None
                if minutes is None
                else timezone.make_aware(datetime.combine(day, opening)) + timedelta(minutes=minutes)
            )
            _check_in, created = CheckIn.objects.get_or_create(
                staff_id=staff_id,
                day=day,
                defaults={
                    "centre": district,
                    "status": status,
                    "checked_in_at": at,
                    "badge_worn": i % 11 != 3,
                    # Party members are asked for the party badge (seed 000 二.5); now and then one forgets it.
                    "party_badge_worn": (i % 10 != 5) if roster.expected[staff_id][0].is_party_member else None,
                    "source": CheckInSource.SYSTEM if at is None else CheckInSource.SELF,
                },
            )
            tally.note("rosters", created)

    for duty_day in plan.duty_days.filter(day__lt=today).select_related("leader__user").order_by("-day")[:3]:
        if not DutySummary.objects.filter(duty_day=duty_day).exists():
            duty_summary_file(
                actor=duty_day.leader.user, duty_day_id=duty_day.pk, notes="巡查一至三楼，帮办代办工作正常。"
            )
            tally.note("rosters", True)

    _seed_duty_records(tally, plan, today)
    _seed_patrols(tally, district, by_name["邓卫东"], today)


def _seed_duty_records(tally: Tally, plan: RotationPlan, today) -> None:
    """The last three duty days' records, written by a helper on duty; the two older ones reviewed by the leader."""
    past = plan.duty_days.filter(day__lt=today).select_related("centre", "leader__user").order_by("-day")[:3]
    for n, duty_day in enumerate(past):
        if DutyRecord.objects.filter(duty_day=duty_day).exists():
            continue
        helpers = [
            m for m, duty in day_roster(duty_day.centre, duty_day.day).expected.values() if duty != Duty.DUTY_LEADER
        ]
        if not helpers:
            continue
        record = duty_record_write(
            actor=helpers[0].user,
            duty_day_id=duty_day.pk,
            content="受理帮办事项 6 件（不动产登记 3 件、公积金 2 件、社保 1 件），均已陪同到窗口递交；代办企业开办 1 件，材料已交接。",
        )
        if n > 0:
            duty_record_review(actor=duty_day.leader.user, record_id=record.pk, comment="记录完整。")
        tally.note("rosters", True)


def _seed_patrols(tally: Tally, district: ServiceCentre, leader: StaffMember, today) -> None:
    """The bureau leader's patrols of the ended weeks, but for the week before last (the supervisor's warning)."""
    this_monday = week_start(today)
    for weeks_back in (1, 3):
        monday = this_monday - timedelta(weeks=weeks_back)
        if PatrolRecord.objects.filter(centre=district, week_start=monday).exists():
            continue
        patrol_record_create(
            actor=leader.user,
            centre_id=district.pk,
            patrolled_at=timezone.make_aware(datetime.combine(monday + timedelta(days=2), district.opening_time)),
            checked="一至三楼帮办代办区、带班人员在岗情况、到岗签到和值班记录",
            findings="二楼帮办代办区一名党员未佩戴党徽",
            follow_up="督查指导科当日提醒，下周复查",
        )
        tally.note("rosters", True)
