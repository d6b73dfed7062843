"""A citizen on a 375 × 812 phone prepares before coming: finds the matter in the service guide by pinyin, reads
what to bring, downloads the one-time checklist, switches on elder mode (remembered on the device) and looks up
who helps at the hall today. No page is wider than the screen."""

import pytest
from playwright.sync_api import expect

from requests.services import matter_save
from staff.models import StaffKind
from tests.factories import (
    DepartmentFactory,
    MatterFactory,
    StaffMemberFactory,
    WindowFactory,
    business_registration_matter,
)

from .conftest import JOURNEY, PHONE, fits_the_phone, no_errors

pytestmark = JOURNEY


@pytest.fixture
def guide_hall(hall):
    scjg = DepartmentFactory(code="SCJG", name="市场监督管理局")
    window = WindowFactory(centre=hall["district"], number="B03", name="个体工商户登记窗口", floor=2, department=scjg)
    matter = business_registration_matter(window)
    decoy = matter_save(
        matter=MatterFactory.build(code="BDC-002", main_item="不动产登记", sub_item="转移登记", department=scjg)
    )
    StaffMemberFactory(
        centre=hall["district"],
        name="朱晓东",
        kind=StaffKind.WINDOW_HELPER,
        department=scjg,
        window=window,
        staff_number="XH0022",
        phone="0375-2690122",
        business_scope="窗口帮办代办：个体工商户、企业开办登记",
    )
    return {"matter": matter, "decoy": decoy}


def test_citizen_finds_a_matter_by_pinyin_prints_the_checklist_and_sees_todays_helpers(pages, guide_hall):
    citizen = pages("citizen", **PHONE)
    page = citizen.page

    page.goto("/track/")
    page.get_by_role("link", name="办事指南").click()
    expect(page.get_by_role("heading", name="办事指南")).to_be_visible()
    fits_the_phone(page)

    # Full pinyin finds 个体工商户登记, not the real estate matter.
    page.get_by_label("查找事项").fill("gongshang")
    page.get_by_role("button", name="搜索").click()
    matter = page.locator("details.guide-matter")
    expect(matter).to_have_count(1)
    matter.locator("summary").click()
    expect(matter).to_contain_text("经营场所使用证明")
    expect(matter).to_contain_text("可容缺")
    expect(matter).to_contain_text("2楼 B03号窗口")
    fits_the_phone(page)

    # The matter's page and its checklist, a PDF to print at home.
    matter.get_by_role("link", name="查看事项详情").click()
    expect(page.get_by_role("heading", name="个体工商户登记（设立登记）")).to_be_visible()
    fits_the_phone(page)
    checklist = page.get_by_role("link", name="打印材料清单（PDF）")
    pdf = page.request.get(checklist.get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF-")

    # Elder mode from the guide stays on the guide, and is remembered on the next page.
    page.get_by_role("button", name="长辈模式").click()
    expect(page.locator("html")).to_have_class("elder")
    expect(page.get_by_role("heading", name="个体工商户登记（设立登记）")).to_be_visible()
    fits_the_phone(page)

    page.get_by_role("link", name="今日帮办代办人员").click()
    expect(page.get_by_role("heading", name="帮办代办人员公示")).to_be_visible()
    expect(page.locator("html")).to_have_class("elder")
    helper = page.locator("li.helper", has_text="朱晓东")
    expect(helper).to_contain_text("XH0022")
    expect(helper).to_contain_text("0375-2690122")
    fits_the_phone(page)
    no_errors(citizen)
