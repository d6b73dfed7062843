"""Issue 20 item 8: on a 375 px phone the substitution list and the key-project pages need no sideways swipe.

A supervisor on the go decides substitutions from the list: a filed one (备案, in effect) to reverse, and, in a hall
that keeps approval before effect, a requested one to approve or reject. A duty leader reads a key project's
requests on the phone. Each row is laid out as a card under 600 px: the page is never wider than the screen, and
every button of a row is on the screen and works with a tap.
"""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hallservice.core.months import add_months, month_start
from requests import services as req_svc
from rosters.models import RotationPlan, Substitution, SubstitutionStatus
from rosters.services import rotation_plan_generate, rotation_plan_publish, substitution_request
from staff.models import StaffKind
from staff.roles import Role
from tests.clock import weekdays_from
from tests.conftest import make_staff_user
from tests.factories import (
    VALID_ID_NUMBERS,
    DepartmentFactory,
    MatterFactory,
    RequiredMaterialFactory,
)

from .conftest import JOURNEY, PHONE, fits_the_phone, login, no_errors, rotation_hall

pytestmark = JOURNEY

WIDTH = PHONE["viewport"]["width"]


def fits_the_screen(page) -> None:
    fits_the_phone(page)
    # Nor is a table squeezed into a box of its own that scrolls sideways (a swipe all the same).
    scrollers = page.evaluate(
        """() => [...document.querySelectorAll('.table-wrap, .scroll')]
            .filter(box => box.scrollWidth > box.clientWidth + 1)
            .map(box => box.className + ' ' + box.scrollWidth + '>' + box.clientWidth)"""
    )
    assert not scrollers, scrollers


def on_screen(locator) -> None:
    """Every element of ``locator`` is visible and lies within the phone's width."""
    assert locator.count() > 0
    for index in range(locator.count()):
        element = locator.nth(index)
        expect(element).to_be_visible()
        box = element.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, (element.inner_text(), box)


@pytest.fixture
def roster_world(hall):
    """A district hall with next month's rotation published, and two substitutions filed for days of it."""
    district = hall["district"]
    world = rotation_hall(district, standby="欧阳替岗")
    next_month = add_months(month_start(timezone.localdate()), 1)
    plan = rotation_plan_generate(actor=world["supervisor"], centre_id=district.pk, month=next_month)
    rotation_plan_publish(actor=world["supervisor"], plan_id=plan.pk)
    # Days from the 5th of next month: inside the plan, never today.
    return {**world, "days": weekdays_from(next_month + timedelta(days=4), 2)}


def file_window_substitution(actor, world, day: date, reason: str) -> Substitution:
    return substitution_request(
        actor=actor,
        absent_id=world["helper"].staff_member.pk,
        substitute_id=world["standby"].pk,
        day=day,
        duty="window",
        reason=reason,
    )


def test_a_supervisor_decides_substitutions_on_a_phone_without_swiping(pages, roster_world, settings):
    w = roster_world
    filed = file_window_substitution(
        w["supervisor"], w, w["days"][0], "到平顶山市政务服务和大数据管理局参加全市帮办代办业务培训（全天）"
    )
    assert filed.status == SubstitutionStatus.FILED
    # A hall that keeps approval before effect: the next one waits for the supervisor.
    settings.SUBSTITUTION_NEEDS_APPROVAL = True
    requested = file_window_substitution(w["helper"], w, w["days"][1], "陪同新华区重点项目企业赴省厅现场核验材料")
    assert requested.status == SubstitutionStatus.REQUESTED

    sup = pages("supervisor", **PHONE)
    page = sup.page
    login(page, "sup")
    page.goto("/rosters/substitutions/")
    fits_the_screen(page)
    filed_row = page.locator(f"tr[data-substitution='{filed.pk}']")
    requested_row = page.locator(f"tr[data-substitution='{requested.pk}']")
    expect(filed_row).to_contain_text("欧阳替岗")
    on_screen(filed_row.locator("td[data-label]"))
    on_screen(filed_row.locator("td.actions summary"))
    on_screen(requested_row.locator("td.actions button:visible, td.actions summary"))

    # Reject opens its form in the card: the reason field and the button are on the screen too.
    requested_row.locator("td.actions summary", has_text="不同意").click()
    on_screen(requested_row.locator("form[action$='/reject/'] input[name=note], form[action$='/reject/'] button"))
    fits_the_screen(page)

    # Approve with a tap.
    with page.expect_navigation():
        requested_row.locator("form[action$='/approve/'] button").click()
    requested.refresh_from_db()
    assert requested.status == SubstitutionStatus.APPROVED

    # Reverse the filed one: a reason, then a tap.
    filed_row.locator("td.actions summary").click()
    reverse_form = filed_row.locator("form[action$='/reverse/']")
    on_screen(reverse_form.locator("input[name=note], button"))
    reverse_form.locator("input[name=note]").fill("替岗人当日另有窗口任务")
    with page.expect_navigation():
        reverse_form.locator("button").click()
    filed.refresh_from_db()
    assert filed.status == SubstitutionStatus.REVERSED
    fits_the_screen(page)

    # The helper who filed the second one sees the list on a phone the same way.
    helper = pages("helper", **PHONE)
    login(helper.page, "helper")
    helper.page.goto("/rosters/substitutions/")
    fits_the_screen(helper.page)
    on_screen(helper.page.locator(f"tr[data-substitution='{requested.pk}'] td[data-label]"))
    assert RotationPlan.objects.count() == 1
    no_errors(sup, helper)


@pytest.fixture
def key_project(hall):
    """平顶山's new-energy park: a designated agent and three requests of long-named matters and departments."""
    district = hall["district"]
    leader = make_staff_user(
        role=Role.DUTY_LEADER, centre=district, username="leader", name="赵带班", kind=StaffKind.DUTY_LEADER
    )
    bureau = make_staff_user(
        role=Role.BUREAU_LEADER, centre=district, username="bureau", name="孙局长", kind=StaffKind.DUTY_LEADER
    )
    clerk = make_staff_user(role=Role.FRONT_DESK, centre=district, username="clerk", name="王帮办")
    project = req_svc.key_project_create(
        actor=leader,
        name="平顶山市新能源汽车零部件产业园二期建设项目",
        enterprise="平顶山市某某新能源汽车零部件制造有限公司",
    )
    req_svc.key_project_designate_agent(
        actor=bureau, project_id=project.pk, agent_id=leader.staff_member.pk, reason="熟悉工程建设项目审批"
    )
    matters = [
        ("ZJJ", "平顶山市住房和城乡建设局", "ZJJ-014", "建筑工程施工许可证核发", "新建、改建、扩建"),
        ("ZRZY", "平顶山市自然资源和规划局", "ZRZY-007", "建设工程规划许可证核发", "工业项目"),
        ("SJJ", "平顶山市市场监督管理局", "SJJ-021", "特种设备使用登记", "压力容器"),
    ]
    for n, (code, department, matter_code, main_item, sub_item) in enumerate(matters):
        matter = req_svc.matter_save(
            matter=MatterFactory.build(
                code=matter_code,
                main_item=main_item,
                sub_item=sub_item,
                department=DepartmentFactory(code=code, name=department),
                time_limit_days=10,
            )
        )
        material = RequiredMaterialFactory(matter=matter, position=1, name="申请书")
        req = req_svc.request_register(
            actor=clerk,
            data=req_svc.RegistrationInput(
                kind="assist",
                matter_id=matter.pk,
                applicant_name=["欧阳建国", "司马秀英", "诸葛明"][n],
                applicant_id_number=VALID_ID_NUMBERS[n],
                applicant_phone="13812345678",
                provided_material_ids=[material.pk],
            ),
        )
        req_svc.request_link_key_project(actor=leader, request_id=req.pk, key_project_id=project.pk)
    return project


def test_a_duty_leader_reads_a_key_project_and_its_requests_on_a_phone(pages, key_project):
    leader = pages("leader", **PHONE)
    page = leader.page
    login(page, "leader")
    page.goto("/key-projects/")
    fits_the_screen(page)
    with page.expect_navigation():
        page.locator(f"a[href='/key-projects/{key_project.pk}/']").click()
    fits_the_screen(page)
    rows = page.locator("table.key-project-requests tbody tr")
    expect(rows).to_have_count(3)
    on_screen(rows.locator("td[data-label]"))
    expect(rows.first).to_contain_text(re.compile("许可证核发|特种设备"))
    on_screen(page.locator("table.key-project-history tbody td[data-label]"))
    no_errors(leader)
