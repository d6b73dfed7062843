"""Journey 2: a citizen on a 375 × 812 phone follows a handed-over request, rates it, complains and follows the
complaint, and switches on elder-friendly mode (长辈模式), which the device remembers.

The request is set up through the services (registered, accepted, handled, a progress report that mentions the
applicant's phone, completed, handed over); from there on only the public pages are used, with no login.
"""

import re

import pytest
from playwright.sync_api import expect

from complaints.models import Complaint
from requests.models import Evaluation
from requests.services import (
    RegistrationInput,
    matter_save,
    request_accept,
    request_complete,
    request_deliver,
    request_register,
    request_report_progress,
    request_start,
)
from requests.services.documents import document_issue
from staff.roles import Role
from tests.conftest import make_staff_user
from tests.factories import VALID_ID_NUMBERS, DepartmentFactory, MatterFactory, RequiredMaterialFactory
from tests.signed_forms import keep_signed

from .conftest import JOURNEY, PHONE, fits_the_phone, no_errors

pytestmark = JOURNEY

ID_NUMBER = VALID_ID_NUMBERS[0]
MOBILE = "13812345678"


@pytest.fixture
def delivered(hall, settings):
    """An assist request for 住房公积金提取, handed over in person yesterday's way: ready to be rated."""
    # Every journey run comes from 127.0.0.1; the public limits are not what this journey is about.
    settings.PUBLIC_THROTTLE_RATES = {name: "1000/3600" for name in settings.PUBLIC_THROTTLE_RATES}
    fund = DepartmentFactory(code="GJJ", name="住房公积金中心")
    clerk = make_staff_user(role=Role.FRONT_DESK, centre=hall["district"], username="clerk", name="李帮办")
    matter = matter_save(
        matter=MatterFactory.build(code="GJJ-003", main_item="住房公积金提取", department=fund, time_limit_days=3)
    )
    material = RequiredMaterialFactory(matter=matter, position=1, name="身份证明")
    req = request_register(
        actor=clerk,
        data=RegistrationInput(
            kind="assist",
            matter_id=matter.pk,
            applicant_name="刘秀英",
            applicant_id_number=ID_NUMBER,
            applicant_phone=MOBILE,
            applicant_address="新华区人民路 12 号",
            provided_material_ids=[material.pk],
        ),
    )
    request_accept(actor=clerk, request_id=req.pk)
    request_start(actor=clerk, request_id=req.pk)
    request_report_progress(actor=clerk, request_id=req.pk, text=f"已电话（{MOBILE}）告知申请人提取进度。")
    request_complete(actor=clerk, request_id=req.pk, result="提取款已到账")
    document_issue(actor=clerk, request_id=req.pk, kind="completion_form")  # she signs it at the desk
    keep_signed(clerk, req, "completion_form")  # and the clerk scans the signed form
    request_deliver(actor=clerk, request_id=req.pk, method="in_person", signer="刘秀英")
    req.refresh_from_db()
    return req


def test_citizen_on_a_phone_follows_rates_complains_and_uses_elder_mode(pages, delivered):
    citizen = pages("citizen", **PHONE)
    page = citizen.page

    # Look the request up with its number and lookup code.
    page.goto("/track/")
    page.locator("#id_number").fill(delivered.number.lower())  # as typed on a phone: case does not matter
    page.locator("#id_code").fill(delivered.lookup_code)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/track/r/[^/]+/$"))
    status_url = page.url
    expect(page.locator(".pub-number strong")).to_have_text(delivered.number)
    expect(page.locator("#stage-title")).not_to_be_empty()
    expect(page.locator(".steps li")).to_have_count(5)
    expect(page.locator(".steps li.done")).to_have_count(5)  # handed over: every step done
    timeline = page.locator(".pub-timeline li")
    assert timeline.count() >= 5
    html = page.content()
    for secret in (ID_NUMBER, ID_NUMBER[-6:], MOBILE, "人民路"):
        assert secret not in html, secret
    fits_the_phone(page)

    # Rate it: four indicators and a comment.
    with page.expect_navigation():
        page.locator("main a[href$='/evaluate/']").click()
    expect(page).to_have_url(re.compile(r"/evaluate/$"))
    fits_the_phone(page)
    for name in ("rating", "efficiency", "service_level", "attitude"):
        page.locator(f"input[name={name}][value='5']").check()
    page.locator("textarea[name=comment]").fill("帮办员很耐心")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/track/r/[^/]+/$"))  # back on the status page (a fresh signed link)
    expect(page.locator(".pub-messages")).to_be_visible()
    expect(page.locator("main a[href$='/evaluate/']")).to_have_count(0)  # rated once only

    # Complain from the status page: the request number comes along.
    with page.expect_navigation():
        page.locator(".pub-aside a[href*='/track/complain/']").click()
    expect(page.locator("input[name=request_number]")).to_have_value(delivered.number)
    fits_the_phone(page)
    # Sent empty first: the errors show on the fields, nothing is registered.
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("textarea[name=content]")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".pfield.has-error")).to_have_count(2)  # what it is about, what happened
    assert not Complaint.objects.exists()
    page.locator("input[name=category][value=efficiency]").check()
    page.locator("textarea[name=content]").fill("提取到账前需要来回跑两次窗口，希望一次办好。")
    page.locator("input[name=name]").fill("刘女士")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/track/complain/done/$"))
    number, code = (text.strip() for text in page.locator(".bignumber").all_inner_texts())
    assert number.startswith("TS")
    # The "send" button and the follow link fit the phone screen.
    follow = page.locator("main a.button.primary[href*='/track/c/']")
    box = follow.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["viewport"]["width"]
    with page.expect_navigation():
        follow.click()
    expect(page.locator(".pub-number strong")).to_have_text(number)

    # Later, follow the complaint from the lookup page with its number and code.
    page.goto("/track/")
    page.locator("#id_number").fill(number)
    page.locator("#id_code").fill(code)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/track/c/[^/]+/$"))
    expect(page.locator(".pub-number strong")).to_have_text(number)
    expect(page.locator("main")).to_contain_text("提取到账前需要来回跑两次窗口")
    fits_the_phone(page)

    # Elder-friendly mode, switched on from the keyboard: still on after a reload and on the other citizen pages.
    switch = page.locator(".elder-switch button")
    expect(switch).to_have_attribute("aria-pressed", "false")
    here = page.url
    normal = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    switch.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == here
    expect(page.locator("html")).to_have_class(re.compile(r"\belder\b"))
    expect(page.locator(".elder-switch button")).to_have_attribute("aria-pressed", "true")
    larger = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert larger > normal, (normal, larger)
    page.reload()
    expect(page.locator("html")).to_have_class(re.compile(r"\belder\b"))
    page.goto(status_url)
    expect(page.locator("html")).to_have_class(re.compile(r"\belder\b"))
    fits_the_phone(page)
    # In the larger type the complaint form still fits and its button is not covered by anything.
    page.locator("nav.pub-nav a[href='/track/complain/']").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\belder\b"))
    fits_the_phone(page)
    send = page.locator("main form button[type=submit]")
    send.scroll_into_view_if_needed()
    assert send.evaluate(
        "b => { const r = b.getBoundingClientRect();"
        " return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2).closest('button') === b; }"
    ), "the send button is covered"

    evaluation = Evaluation.objects.get(request=delivered)
    assert evaluation.rating == 5 and evaluation.comment == "帮办员很耐心"
    complaint = Complaint.objects.get(number=number)
    assert complaint.request_id == delivered.pk and complaint.category == "efficiency"
    no_errors(citizen, expected=(r"status of 400 .*/track/complain/",))
