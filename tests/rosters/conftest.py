"""Fixtures for rosters: a district hall with windows, full-time helpers, duty leaders, a bureau leader and a
high-volume department whose window helpers take help-area turns; users for every role."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from rosters.models import BureauLeader, SubstitutionStatus
from rosters.services import substitution_approve, substitution_request
from staff.models import StaffKind
from staff.roles import Role
from tests.conftest import make_staff_user
from tests.factories import DepartmentFactory, StaffMemberFactory, WindowFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
# December 2026: 23 working days by the statutory calendar; Dec 1 is a Tuesday.
MONTH = date(2026, 12, 1)


def at(y, m, d, hh=10, mm=0, ss=0):
    """Freeze the clock at a moment in the hall's time zone."""
    return time_machine.travel(datetime(y, m, d, hh, mm, ss, tzinfo=SHANGHAI), tick=False)


def file_substitution(actor, absent_id, substitute_id, day, duty, reason):
    """``actor`` files a substitution: ``substitute_id`` takes ``absent_id``'s ``duty`` on ``day``."""
    return substitution_request(
        actor=actor, absent_id=absent_id, substitute_id=substitute_id, day=day, duty=duty, reason=reason
    )


def approved_substitution(supervisor, absent_id, substitute_id, day, duty, reason):
    """A substitution the supervisor files, in effect: at once when filed (the default), else approved at once."""
    sub = file_substitution(supervisor, absent_id, substitute_id, day, duty, reason)
    if sub.status == SubstitutionStatus.REQUESTED:
        substitution_approve(actor=supervisor, substitution_id=sub.pk)
        sub.refresh_from_db()
    return sub


def own_day_and_free_leader(h, plan):
    """The duty leader login's first day on duty in ``plan``, and another duty leader free that day."""
    leader = h["leader_user"].staff_member
    day = plan.duty_days.filter(leader=leader).order_by("day").first().day
    substitute = next(p for p in h["leaders"] if p.pk != leader.pk and not plan.duty_days.filter(day=day, leader=p))
    return leader, day, substitute


@pytest.fixture
def needs_approval(settings):
    """The hall's setting for approval before effect (the older flow): a filed substitution waits for a decision."""
    settings.SUBSTITUTION_NEEDS_APPROVAL = True


@pytest.fixture(autouse=True)
def _sessions_survive_time_travel(settings):
    # Logins happen at the real time and requests at frozen times days later: keep the sessions valid.
    settings.SESSION_COOKIE_AGE = 60 * 60 * 24 * 366 * 3


@pytest.fixture
def roster_hall(hall):
    """Four windows (min 1, max 2), six full-time helpers, three duty leaders, a bureau leader, one
    high-volume department with two window helpers; a supervisor, a duty leader login and a front desk."""
    district = hall["district"]
    bdc = DepartmentFactory(code="BDC", name="不动产登记中心", is_high_volume=True)
    windows = [
        WindowFactory(centre=district, number=f"A0{i}", name=f"窗口{i}", department=bdc, min_staff=1, max_staff=2)
        for i in range(1, 5)
    ]
    helpers = [
        StaffMemberFactory(centre=district, name=f"帮办{i}", kind=StaffKind.FULL_TIME_HELPER, is_party_member=i == 1)
        for i in range(1, 7)
    ]
    # Supervisors and clerks here are window helpers of a quiet department, so they take no rotation or turn.
    other = DepartmentFactory(code="MZJ", name="民政局")
    desk_kind = {"kind": StaffKind.WINDOW_HELPER, "department": other}
    supervisor = make_staff_user(role=Role.SUPERVISOR, centre=district, username="sup", name="钱督查", **desk_kind)
    leader_user = make_staff_user(
        role=Role.DUTY_LEADER, centre=district, username="leader", name="赵带班", kind=StaffKind.DUTY_LEADER
    )
    leaders = [leader_user.staff_member] + [
        StaffMemberFactory(centre=district, name=f"带班{i}", kind=StaffKind.DUTY_LEADER) for i in (2, 3)
    ]
    chief = StaffMemberFactory(centre=district, name="局长甲", kind=StaffKind.DUTY_LEADER, is_party_member=True)
    BureauLeader.objects.create(staff=chief, title="副局长")
    window_helpers = [
        StaffMemberFactory(
            centre=district, name=f"窗口帮办{i}", kind=StaffKind.WINDOW_HELPER, department=bdc, window=windows[0]
        )
        for i in (1, 2)
    ]
    desk = make_staff_user(role=Role.FRONT_DESK, centre=district, username="desk", name="王帮办", **desk_kind)
    helper_user = make_staff_user(
        role=Role.FRONT_DESK, centre=district, username="helper7", name="帮办7", kind=StaffKind.FULL_TIME_HELPER
    )
    helpers.append(helper_user.staff_member)
    town_supervisor = make_staff_user(role=Role.SUPERVISOR, centre=hall["town"], username="townsup", name="镇督查")
    return {
        "centre": district,
        "department": bdc,
        "windows": windows,
        "helpers": helpers,
        "helper_user": helper_user,
        "leaders": leaders,
        "leader_user": leader_user,
        "chief": chief,
        "window_helpers": window_helpers,
        "supervisor": supervisor,
        "desk": desk,
        "town_supervisor": town_supervisor,
        **hall,
    }


@pytest.fixture
def published(roster_hall):
    """December's plan, generated and published by the supervisor before the month starts."""
    from rosters.services import rotation_plan_generate, rotation_plan_publish

    with at(2026, 11, 25):
        plan = rotation_plan_generate(actor=roster_hall["supervisor"], centre_id=roster_hall["centre"].pk, month=MONTH)
        rotation_plan_publish(actor=roster_hall["supervisor"], plan_id=plan.pk)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def bureau_user(roster_hall):
    """A bureau leader with a login (the role) and a place in the weekly rota (the BureauLeader row)."""
    user = make_staff_user(
        role=Role.BUREAU_LEADER,
        centre=roster_hall["centre"],
        username="bureau",
        name="局长乙",
        kind=StaffKind.DUTY_LEADER,
        is_party_member=True,
    )
    BureauLeader.objects.create(staff=user.staff_member, title="局长")
    return user
