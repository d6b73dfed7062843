"""Issue 14 item 13: the status page shows the helper's desk of the day from the published roster (rotation,
cover, help-area turn, substitution, check-in), and the usual window only when the centre has no roster."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from requests.models import Status
from requests.services.public import request_public_status, request_status_url
from rosters.models import (
    CheckIn,
    CheckInSource,
    CheckInStatus,
    Duty,
    PlanStatus,
    RotationAssignment,
    RotationPlan,
    Substitution,
    SubstitutionStatus,
    Unavailability,
)
from tests.factories import ServiceRequestFactory, StaffMemberFactory, WindowFactory, december_rotation

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 12, 7)


@pytest.fixture
def frozen():
    with time_machine.travel(datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def desk(frozen):
    """马丽萍's usual window is A07; this month's published rotation puts her at B03."""
    usual = WindowFactory(number="A07", name="综合帮办窗口", floor=1)
    centre = usual.centre
    rostered = WindowFactory(centre=centre, number="B03", name="不动产帮办窗口", floor=2)
    helper = StaffMemberFactory(name="马丽萍", window=usual, centre=centre)
    req = ServiceRequestFactory(status=Status.IN_PROGRESS, centre=centre, helper=helper)
    return {"centre": centre, "usual": usual, "rostered": rostered, "helper": helper, "request": req}


def test_without_a_roster_the_status_page_shows_the_helpers_usual_window(desk, client):
    page = client.get(request_status_url(desk["request"])).content.decode()
    assert "A07" in page and "B03" not in page


def test_the_status_page_shows_todays_rostered_window_not_the_usual_one(desk, client):
    december_rotation(desk["centre"], desk["helper"], desk["rostered"])
    page = client.get(request_status_url(desk["request"])).content.decode()
    assert "B03" in page and "不动产帮办窗口" in page
    assert "A07" not in page


def test_a_draft_roster_is_not_shown_to_citizens(desk):
    plan = december_rotation(desk["centre"], desk["helper"], desk["rostered"])
    RotationPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.DRAFT)
    assert "A07" in request_public_status(desk["request"]).desk


def test_after_checking_in_the_page_says_since_when_the_helper_is_at_the_desk(desk):
    december_rotation(desk["centre"], desk["helper"], desk["rostered"])
    CheckIn.objects.create(
        staff=desk["helper"],
        centre=desk["centre"],
        day=MONDAY,
        status=CheckInStatus.ON_TIME,
        checked_in_at=datetime(2026, 12, 7, 8, 52, tzinfo=SHANGHAI),
        source=CheckInSource.SELF,
    )
    shown = request_public_status(desk["request"]).desk
    assert "B03" in shown and "08:52" in shown


def test_a_helper_on_leave_today_is_not_shown_at_any_window(desk):
    december_rotation(desk["centre"], desk["helper"], desk["rostered"])
    Unavailability.objects.create(staff=desk["helper"], start=MONDAY, end=MONDAY, kind="leave")
    shown = request_public_status(desk["request"]).desk
    assert "B03" not in shown and "A07" not in shown
    assert shown


def test_an_approved_substitution_moves_the_substitute_to_the_window(desk):
    plan = december_rotation(desk["centre"], desk["helper"], desk["rostered"])
    colleague = StaffMemberFactory(name="赵红", centre=desk["centre"])
    other = WindowFactory(centre=desk["centre"], number="C01", name="社保窗口")
    RotationAssignment.objects.create(plan=plan, helper=colleague, window=other)
    Substitution.objects.create(
        centre=desk["centre"],
        day=MONDAY,
        duty=Duty.WINDOW,
        absent=colleague,
        substitute=desk["helper"],
        window=other,
        reason="病假",
        status=SubstitutionStatus.APPROVED,
        requested_by=desk["helper"].user,
    )
    assert "C01" in request_public_status(desk["request"]).desk


def test_todays_desk_adds_a_bounded_number_of_queries_to_the_status_page(desk, client, django_assert_max_num_queries):
    december_rotation(desk["centre"], desk["helper"], desk["rostered"])
    url = request_status_url(desk["request"])
    with django_assert_max_num_queries(14):  # 13 today: the page and a few roster lookups of one helper and day
        page = client.get(url).content.decode()
    assert "B03" in page
