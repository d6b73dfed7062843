"""Double submission in the browser (issue 14, item 3): a double click on 登记 and on the citizen's complaint form
makes one record and shows it.

Two identical POSTs sent at once past the buttons' script are tested with threads in
tests/requests/test_double_submission.py, not here: on SQLite's in-memory test database the live server's threads
share one database connection, so concurrent requests there are not what a real server does."""

import re

import pytest
from playwright.sync_api import expect

from complaints.models import Complaint
from requests.models import ServiceRequest
from requests.services import matter_save
from staff.roles import Role
from tests.conftest import make_staff_user
from tests.factories import VALID_ID_NUMBERS, DepartmentFactory, MatterFactory, RequiredMaterialFactory

from .conftest import JOURNEY, no_errors, open_register_form_with

pytestmark = JOURNEY


@pytest.fixture
def desk(hall):
    bdc = DepartmentFactory(code="BDC", name="不动产登记中心")
    make_staff_user(role=Role.FRONT_DESK, centre=hall["district"], username="clerk", name="王帮办")
    matter = matter_save(
        matter=MatterFactory.build(
            code="BDC-002", main_item="不动产转移登记", sub_item="二手房买卖", department=bdc, time_limit_days=5
        )
    )
    RequiredMaterialFactory(matter=matter, position=1, name="不动产登记申请书", how_to_obtain="窗口领取")
    return matter


def test_a_double_click_on_register_makes_one_request(pages, desk):
    clerk = pages("clerk")
    page = clerk.page
    open_register_form_with(page, "clerk", desk)
    page.locator("input[name=kind][value=assist]").check()
    page.locator("#id_applicant_name").fill("张秀英")
    page.locator("#id_applicant_id_number").fill(VALID_ID_NUMBERS[0])
    page.locator("#id_applicant_phone").fill("13912345678")
    page.locator("#id_applicant_address").fill("新华区建设路 8 号")

    with page.expect_navigation(url=re.compile(r"/requests/\d+/$")):
        page.locator("form.register button.primary.big").dblclick()

    assert ServiceRequest.objects.count() == 1
    expect(page.locator(".reqhead h1")).to_contain_text(ServiceRequest.objects.get().number)
    no_errors(clerk)


def _fill_complaint(page):
    page.goto("/track/complain/")
    page.locator("input[name=category][value=not_one_visit]").check()
    page.locator("textarea[name=content]").fill("材料准备齐全却被告知还要跑一趟")
    page.locator("input[name=name]").fill("李四")
    page.locator("input[name=contact]").fill("13900001111")


def test_a_double_click_on_the_complaint_form_makes_one_complaint_and_shows_its_number(pages, hall):
    citizen = pages("citizen")
    page = citizen.page
    _fill_complaint(page)

    with page.expect_navigation(url=re.compile(r"/track/complain/done/$")):
        page.locator("main form button[type=submit]").dblclick()

    assert Complaint.objects.count() == 1
    expect(page.locator(".bignumber").first).to_have_text(Complaint.objects.get().number)
    no_errors(citizen)
