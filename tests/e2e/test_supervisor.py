"""Journey 3: the supervision section drafts and publishes next month's rotation, a full-time helper files a
substitution for a day of it, the supervisor approves it and reads the duty, complaint and statistics dashboards.

The world: a district hall with four windows of a high-volume department, seven full-time helpers (one of them
logs in), three duty leaders, a bureau leader, two window helpers; this month's plan already published; a few
requests and complaints this month so the dashboards have figures.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from complaints.models import Complaint
from complaints.services import complaint_register
from hallservice.core.actors import CITIZEN
from hallservice.core.months import add_months, month_start
from requests.services import RegistrationInput, matter_save, request_accept, request_register
from rosters.models import PlanStatus, RotationPlan, Substitution, SubstitutionStatus
from rosters.services import rotation_plan_generate, rotation_plan_publish
from staff.models import StaffKind
from staff.roles import Role
from tests.clock import weekdays_from
from tests.conftest import make_staff_user
from tests.factories import (
    VALID_ID_NUMBERS,
    MatterFactory,
    RequiredMaterialFactory,
    StaffMemberFactory,
)

from .conftest import JOURNEY, login, no_errors, rotation_hall

pytestmark = JOURNEY


@pytest.fixture
def roster_world(hall):
    district = hall["district"]
    world = rotation_hall(district, standby="孙替岗")
    bdc, supervisor = world["bdc"], world["supervisor"]
    for i in (1, 2):
        StaffMemberFactory(
            centre=district,
            name=f"窗口帮办{i}",
            kind=StaffKind.WINDOW_HELPER,
            department=bdc,
            window=world["windows"][0],
        )
    this_month = month_start(timezone.localdate())
    current = rotation_plan_generate(actor=supervisor, centre_id=district.pk, month=this_month)
    rotation_plan_publish(actor=supervisor, plan_id=current.pk)

    # This month's work, for the statistics and the complaint dashboard.
    clerk = make_staff_user(role=Role.FRONT_DESK, centre=district, username="clerk", name="王帮办")
    matter = matter_save(matter=MatterFactory.build(code="BDC-001", main_item="不动产首次登记", department=bdc))
    material = RequiredMaterialFactory(matter=matter, position=1, name="身份证明")
    for n, channel in enumerate(["hall", "hall", "phone"]):
        req = request_register(
            actor=clerk,
            data=RegistrationInput(
                kind="assist" if n else "agency",
                channel=channel,
                matter_id=matter.pk,
                applicant_name=f"申请人{n}",
                applicant_id_number=VALID_ID_NUMBERS[n],
                applicant_phone=f"1391234567{n}",
                provided_material_ids=[material.pk],
            ),
        )
        if n:
            request_accept(actor=clerk, request_id=req.pk)
    for text in ("窗口排队太久", "材料清单与窗口要求不一致"):
        complaint_register(actor=CITIZEN, source="online", category="process", content=text, centre_id=district.pk)
    return {**world, "centre": district, "next_month": add_months(this_month, 1)}


def test_supervisor_publishes_the_rotation_approves_a_substitution_and_reads_the_dashboards(
    pages, roster_world, settings
):
    # The hall that keeps approval before effect (rosters: SUBSTITUTION_NEEDS_APPROVAL; filing is the default).
    settings.SUBSTITUTION_NEEDS_APPROVAL = True
    w = roster_world
    sup = pages("supervisor")
    page = sup.page
    login(page, "sup")

    # Draft next month's rotation from the plan list and publish it.
    page.locator("nav.mainnav a[href='/rosters/']").click()
    expect(page).to_have_url(re.compile(r"/rosters/$"))
    form = page.locator("form.roster-create")
    expect(form.locator("input[name=month]")).to_have_value(f"{w['next_month']:%Y-%m}")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/rosters/plans/\d+/$"))
    plan = RotationPlan.objects.get(centre=w["centre"], month=w["next_month"])
    assert plan.status == PlanStatus.DRAFT
    expect(page.locator(".plan-bad")).to_have_count(0)
    expect(page.locator("#plan-body")).to_contain_text("陈帮办")
    with page.expect_navigation():
        page.locator(f"form[action$='/plans/{plan.pk}/publish/'] button[type=submit]").click()
    expect(page.locator(f"form[action$='/plans/{plan.pk}/publish/']")).to_have_count(0)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED

    # A full-time helper files a substitution for one of the new month's days.
    helper = pages("helper")
    login(helper.page, "helper")
    hp = helper.page
    hp.locator("nav.mainnav a[href='/rosters/']").click()
    hp.locator(f"main a[href='/rosters/plans/{plan.pk}/']").click()  # where am I next month?
    expect(hp.locator("#plan-body")).to_contain_text("陈帮办")
    hp.locator("nav.rosters-tabs a[href='/rosters/substitutions/']").click()
    hp.locator("main a[href='/rosters/substitutions/new/']").click()
    [day] = weekdays_from(w["next_month"] + timedelta(days=4), 1)
    expect(hp.locator("select[name=absent]")).to_have_value(str(w["helper"].staff_member.pk))
    hp.locator("input[name=day]").fill(day.isoformat())
    hp.locator("select[name=duty]").select_option("window")
    hp.locator("select[name=substitute]").select_option(str(w["standby"].pk))
    hp.locator("input[name=reason]").fill("到市政务服务中心参加业务培训")
    with hp.expect_navigation():
        hp.locator("main form button[type=submit]").click()
    expect(hp).to_have_url(re.compile(r"/rosters/substitutions/$"))
    sub = Substitution.objects.get()
    expect(hp.locator(f"tr[data-substitution='{sub.pk}']")).to_contain_text("参加业务培训")

    # The supervisor approves it from the substitutions list.
    page.locator("nav.rosters-tabs a[href='/rosters/substitutions/']").click()
    row = page.locator(f"tr[data-substitution='{sub.pk}']")
    with page.expect_navigation():
        row.locator("form[action$='/approve/'] button[type=submit]").click()
    sub.refresh_from_db()
    assert sub.status == SubstitutionStatus.APPROVED and sub.window_id is not None
    expect(page.locator(f"tr[data-substitution='{sub.pk}'] form[action$='/approve/']")).to_have_count(0)

    # Duty dashboard: today's duty leader; on the substitution's day the stand-in holds the window.
    page.locator("nav.mainnav a[href='/rosters/dashboard/']").click()
    expect(page).to_have_url(re.compile(r"/rosters/dashboard/"))
    expect(page.locator(".duty-cards")).to_be_visible()
    this_month = RotationPlan.objects.get(centre=w["centre"], month=month_start(timezone.localdate()))
    duty_day = this_month.duty_days.filter(day=timezone.localdate()).first()
    if duty_day is not None:  # a working day
        expect(page.locator(f"[data-duty-leader='{duty_day.leader_id}']")).to_be_visible()
    with page.expect_navigation():
        page.locator("#id_day_pick").fill(day.isoformat())
    expect(page).to_have_url(re.compile(rf"day={day.isoformat()}"))
    stand_in = page.locator(f".posts [data-staff='{w['standby'].pk}']")
    expect(stand_in).to_be_visible()
    expect(stand_in.locator(".substituted")).to_be_visible()
    expect(page.locator(f".posts [data-staff='{w['helper'].staff_member.pk}']")).to_have_count(0)

    # Complaint dashboard: the two open complaints.
    page.locator("nav.mainnav a[href='/complaints/']").click()
    page.locator("main nav.tabs a[href='/complaints/dashboard/']").click()
    expect(page).to_have_url(re.compile(r"/complaints/dashboard/$"))
    open_total = page.locator(".duty-cards .duty-card").first.locator(".duty-name")
    expect(open_total).to_have_text(str(Complaint.objects.count()))

    # Statistics: every chart is a canvas of real size drawn by Chart.js, and the page logs no error.
    page.locator("nav.mainnav a[href='/supervision/']").click()
    expect(page).to_have_url(re.compile(r"/supervision/$"))
    canvases = page.locator("canvas[data-chart]")
    expect(canvases.first).to_be_visible()
    page.wait_for_function(
        "() => typeof Chart !== 'undefined' && "
        "[...document.querySelectorAll('canvas[data-chart]')].every(c => Chart.getChart(c))"
    )
    drawn = canvases.evaluate_all(
        """cs => cs.map(c => {
            const box = c.getBoundingClientRect();
            const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let inked = 0;
            for (let i = 3; i < pixels.length; i += 4) { if (pixels[i]) { inked++; } }
            return {key: c.dataset.chart, width: box.width, height: box.height, inked: inked,
                    chart: Chart.getChart(c).config.type};
        })"""
    )
    assert drawn, "no chart on the statistics page"
    for chart in drawn:
        assert chart["width"] > 0 and chart["height"] > 0, chart
        assert chart["inked"] > 0, chart  # axes, labels or bars: something was painted
    no_errors(sup, helper)
