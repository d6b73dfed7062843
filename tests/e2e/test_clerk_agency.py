"""Journey 1: a clerk carries a walk-in agency request with a missing material from the desk to the archive.

The applicant is an elder born in 1955 whose ID number carries a region code created in 1983 (a second, short
journey registers a Macau resident by the residence permit). Everything goes through the pages: the matter is
found by pinyin, the materials at hand are ticked, the one missing material gets the one-time deficiency notice
(printed, and the PDF names it), the applicant comes back with it, the hand-over is recorded, the commission letter
is printed and signed on the tablet's signature pad (drawn with the mouse; issue 18: agency needs the signed letter
kept), and the request is handled, completed, handed over on the printed completion form signed on the pad (the
delivery action asks for both first) with the materials handed back listed, summarised and archived; the archive
zip holds the signed copies with their hashes.
"""

import hashlib
import io
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from complaints.models import Complaint
from requests.models import RequestEvent, ServiceRequest, Status
from requests.services import matter_save
from staff.roles import Role
from tests.conftest import make_staff_user
from tests.factories import DepartmentFactory, MatterFactory, RequiredMaterialFactory

from .conftest import JOURNEY, login, no_errors, open_register_form_with, pdf_text

pytestmark = JOURNEY

MISSING = "不动产权属证书"
# Real applicants: an elder born in 1955 under 新华区's code (which dates from 1983), a Macau resident's permit.
BORN_1955 = "410402195503120025"
MACAU_PERMIT = "820000196207180046"


@pytest.fixture
def desk(hall):
    """A district hall with one clerk, the transfer-registration matter (three materials) and two decoys."""
    bdc = DepartmentFactory(code="BDC", name="不动产登记中心")
    tax = DepartmentFactory(code="SWJ", name="税务局")
    clerk = make_staff_user(role=Role.FRONT_DESK, centre=hall["district"], username="clerk", name="王帮办")
    matter = matter_save(
        matter=MatterFactory.build(
            code="BDC-002", main_item="不动产转移登记", sub_item="二手房买卖", department=bdc, time_limit_days=5
        )
    )
    RequiredMaterialFactory(matter=matter, position=1, name="不动产登记申请书", how_to_obtain="窗口领取")
    RequiredMaterialFactory(matter=matter, position=2, name="买卖双方身份证明", how_to_obtain="申请人自备")
    RequiredMaterialFactory(matter=matter, position=3, name=MISSING, how_to_obtain="向原登记机关申请补发")
    matter_save(matter=MatterFactory.build(code="SWJ-001", main_item="契税申报", department=tax))
    matter_save(matter=MatterFactory.build(code="BDC-009", main_item="不动产抵押登记", department=bdc))
    return {"clerk": clerk, "matter": matter}


def status_badge(page):
    return page.locator(".reqhead .status")


def act(page, action: str, fill=None):
    """Open the request page's action ``action`` (a <details>), let ``fill`` fill its form, submit it."""
    box = page.locator(f"#action-{action}")
    if not box.evaluate("el => el.open"):
        box.locator("summary").click()
    form = box.locator("form")
    if fill:
        fill(form)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def print_document(page, kind: str, fill=None) -> str:
    """Print a form from the request page's documents card; returns the download link of the new version."""
    before = set(
        page.locator("#documents a[href*='/documents/'][href$='/download/']").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
    )
    form = page.locator(f"#documents form[action$='/documents/{kind}/']")
    form.locator("xpath=ancestor::details[1]/summary").click()
    if fill:
        fill(form)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    after = page.locator("#documents a[href*='/documents/'][href$='/download/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    new = [href for href in after if href not in before]
    assert len(new) == 1, (before, after)
    return new[0]


def sign_on_pad(page, kind: str, *, screenshot: str = "") -> None:
    """Open the signature pad from the signed-forms card, sign with the mouse as on a tablet, and confirm."""
    page.locator(f"#signatures a[href$='/signatures/{kind}/pad/']").click()
    canvas = page.locator("canvas.signature-pad")
    expect(canvas).to_be_visible()
    box = canvas.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    # 张建国, roughly: three strokes across the pad.
    for stroke in (
        [(0.1, 0.6), (0.2, 0.3), (0.3, 0.7), (0.35, 0.4)],
        [(0.45, 0.3), (0.5, 0.75), (0.6, 0.35)],
        [(0.65, 0.5), (0.9, 0.45)],
    ):
        page.mouse.move(x + w * stroke[0][0], y + h * stroke[0][1])
        page.mouse.down()
        for (ax, ay), (bx, by) in zip(stroke, stroke[1:], strict=False):
            for step in range(1, 9):
                t = step / 8
                page.mouse.move(x + w * (ax + (bx - ax) * t), y + h * (ay + (by - ay) * t))
        page.mouse.up()
    if screenshot:
        page.screenshot(path=screenshot)
    with page.expect_navigation():
        page.locator("form[data-signature-pad] button[type=submit]").click()
    expect(page.locator("#signatures")).to_contain_text("平板签署")


def fetch_pdf(page, href: str) -> str:
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF")
    return pdf_text(body)


def test_clerk_registers_an_agency_request_with_a_missing_material_and_carries_it_to_the_archive(pages, desk):
    clerk = pages("clerk")
    page = clerk.page
    login(page, "clerk")

    # Register: the nav leads to the form; "bdczy" (pinyin initials) finds the matter, not the decoys. Enter in
    # the search box searches and must not submit the half-filled registration.
    page.locator("nav.mainnav a[href='/requests/new/']").click()
    expect(page).to_have_url(re.compile(r"/requests/new/$"))
    page.locator("#matter-q").press_sequentially("bdczy", delay=30)
    page.locator("#matter-q").press("Enter")
    picks = page.locator("#matter-results button[name=pick_matter]")
    expect(picks).to_have_count(1)
    expect(picks.first).to_have_attribute("value", str(desk["matter"].pk))
    expect(page).to_have_url(re.compile(r"/requests/new/$"))
    expect(page.locator(".fielderror")).to_have_count(0)
    expect(page.locator(".htmx-request")).to_have_count(0)  # typing and Enter both searched: let both land
    picks.first.click()
    materials = page.locator("#matter-chosen input[name=provided_material_ids]")
    expect(materials).to_have_count(3)
    expect(page.locator("#matter-chosen input[name=matter_id]")).to_have_value(str(desk["matter"].pk))
    expect(page.locator("#matter-results button")).to_have_count(0)  # the pick list is cleared
    at_hand = desk["matter"].materials.exclude(name=MISSING)
    for material in at_hand:
        page.locator(f"#matter-chosen input[name=provided_material_ids][value='{material.pk}']").check()
    page.locator("input[name=kind][value=agency]").check()
    page.locator("#id_applicant_name").fill("张建国")
    page.locator("#id_applicant_id_number").fill(BORN_1955)
    page.locator("#id_applicant_phone").fill("13912345678")
    page.locator("#id_applicant_address").fill("新华区建设路 8 号")
    page.locator("#id_reason").fill("年事已高，行动不便")
    with page.expect_navigation():
        page.locator("form.register button.primary.big").click()
    expect(page).to_have_url(re.compile(r"/requests/\d+/$"))
    expect(status_badge(page)).to_have_class(re.compile(r"\bstatus-applied\b"))
    req = ServiceRequest.objects.get()
    assert req.kind == "agency" and req.helper == desk["clerk"].staff_member
    assert req.applicant_id_number == BORN_1955
    expect(page.locator(".reqhead h1")).to_contain_text(req.number)

    # Pre-review: the ticked materials are provided, the third one is missing.
    def review(form):
        for material in at_hand:
            expect(form.get_by_label(material.name, exact=True)).to_have_value("provided")
        form.get_by_label(MISSING, exact=True).select_option("missing")

    act(page, "review_materials", review)
    expect(page.locator(".mstatus-missing")).to_have_count(1)
    expect(page.locator(".mstatus-provided")).to_have_count(2)

    # The one-time deficiency notice: the status changes, the printed notice names the missing material.
    act(page, "issue_deficiency_notice")
    expect(status_badge(page)).to_have_class(re.compile(r"\bstatus-deficient\b"))
    notice = fetch_pdf(page, print_document(page, "deficiency_notice"))
    assert MISSING in notice and req.number in notice

    # Later the applicant brings it: recorded as supplied; still deficient until accepted.
    missing_check = req.material_checks.get(name=MISSING)

    def supplied(form):
        form.locator(f"input[name=check_ids][value='{missing_check.pk}']").check()

    act(page, "supply_materials", supplied)
    expect(page.locator(".mstatus-provided")).to_have_count(3)
    expect(status_badge(page)).to_have_class(re.compile(r"\bstatus-deficient\b"))

    # Agency cannot be accepted without a hand-over record: the page says so on the form and keeps it open.
    act(page, "accept")
    expect(page.locator("#action-accept")).to_have_attribute("open", "")
    expect(page.locator("#action-accept .fielderror, #action-accept .errors").first).to_be_visible()
    expect(status_badge(page)).to_have_class(re.compile(r"\bstatus-deficient\b"))

    # Hand-over, then acceptance with the signed commission letter.
    act(
        page,
        "record_handover",
        lambda form: form.locator("textarea[name=items]").fill("申请书原件、身份证复印件、权属证书"),
    )
    expect(page.locator(".entries").first).to_contain_text("权属证书")

    # The commission letter, result to be picked up in the hall, printed for 张建国 to read ...
    letter = fetch_pdf(
        page,
        print_document(
            page, "commission_letter", lambda form: form.locator("input[name=pickup_method][value=hall]").check()
        ),
    )
    assert req.number in letter and "委托" in letter
    # ... and signed on the tablet at the desk (a 1024-pixel tablet screen); the signed copy is kept.
    page.set_viewport_size({"width": 1024, "height": 768})
    out = Path(__file__).resolve().parents[2] / "test-results" / "e2e"
    out.mkdir(parents=True, exist_ok=True)
    sign_on_pad(page, "commission_letter", screenshot=str(out / "signature-pad-1024.png"))
    page.set_viewport_size({"width": 1366, "height": 900})
    expect(page.locator(".facts").first).to_contain_text("委托书已签署")

    act(page, "accept", lambda form: form.locator("input[name=note]").fill("申请人已在平板上签署委托书"))
    expect(status_badge(page)).to_have_class(re.compile(r"\bstatus-accepted\b"))

    act(page, "start")
    expect(status_badge(page)).to_have_class(re.compile(r"\bstatus-in_progress\b"))
    act(page, "complete", lambda form: form.locator("textarea[name=result]").fill("已办结，取得新不动产权证书"))
    expect(status_badge(page)).to_have_class(re.compile(r"\bstatus-completed\b"))

    # 张建国 signs the printed completion form on taking the certificate: before it is printed, the delivery
    # action says so, and its link opens the print form.
    page.locator("#action-deliver summary").click()
    notice = page.locator("#action-deliver .print-first")
    expect(notice).to_be_visible()
    notice.locator("a[href='#print-completion_form']").click()
    expect(page.locator("#print-completion_form")).to_have_attribute("open", "")
    completion = page.locator("#print-completion_form form")
    with page.expect_navigation():
        completion.locator("button[type=submit]").click()
    expect(page.locator("#documents")).to_contain_text(f"{req.number}-BJ01")
    expect(page.locator("#action-deliver .print-first")).to_have_count(0)
    # Printed, not yet signed: the delivery action says so; 张建国 signs the completion form on the pad.
    expect(page.locator("#action-deliver .sign-first")).to_have_count(1)
    sign_on_pad(page, "completion_form")
    expect(page.locator("#action-deliver .sign-first")).to_have_count(0)

    def in_person(form):
        form.locator("select[name=method]").select_option("in_person")
        form.locator("input[name=signer]").fill("张建国")
        form.locator("textarea[name=returned_items]").fill("权属证书原件\n身份证原件")

    act(page, "deliver", in_person)
    expect(status_badge(page)).to_have_class(re.compile(r"\bstatus-delivered\b"))
    expect(page.locator("ol.returned-items li")).to_have_text(["权属证书原件", "身份证原件"])
    act(
        page,
        "write_summary",
        lambda form: form.locator("textarea[name=text]").fill("材料一次补正后受理，按期办结并当面交付。"),
    )
    expect(page.locator(".reqmain").get_by_text("材料一次补正后受理")).to_be_visible()
    act(page, "archive")
    expect(status_badge(page)).to_have_class(re.compile(r"\bstatus-archived\b"))
    expect(page.locator(".reqside .actions details.action")).to_have_count(0)  # read-only now

    # One file per matter: the archive holds the printed forms.
    bundle = page.request.get(page.locator("#documents a[href$='/archive.zip']").get_attribute("href"))
    assert bundle.status == 200 and bundle.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(bundle.body()))
    names = archive.namelist()
    # The signed copies made on the pad are in it, each listed in the index with its SHA-256.
    index = archive.read("index.txt").decode()
    for signed in req.signatures.all():
        name = f"signatures/{signed.file_name}"
        assert name in names and hashlib.sha256(archive.read(name)).hexdigest() == signed.sha256, names
        assert f"{signed.sha256}  {name}" in index
    assert {s.kind for s in req.signatures.all()} == {"commission_letter", "completion_form"}
    assert any("deficiency_notice" in n or "YC01" in n for n in names), names
    assert any("commission_letter" in n or "WT01" in n for n in names), names
    assert any("completion_form" in n or "BJ01" in n for n in names), names

    # The timeline on the page shows every change of state in order, newest first or oldest first.
    shown = page.locator(".timeline li .status").evaluate_all(
        "spans => spans.map(s => [...s.classList].find(c => c.startsWith('status-')).slice(7))"
    )
    journey = ["applied", "deficient", "accepted", "in_progress", "completed", "delivered", "archived"]
    assert shown in (journey, journey[::-1]), shown

    # The applicant also complains about the first, wasted visit: the clerk takes it from the navigation (the front
    # desk may register complaints but not open the complaint list) and reads out the number and code.
    page.locator("nav.mainnav a[href='/complaints/new/']").click()
    page.locator("select[name=source]").select_option("window")
    page.locator("select[name=category]").select_option("not_one_visit")
    page.locator("textarea[name=content]").fill("第一次来时未被告知需带权属证书")
    page.locator("input[name=request_number]").fill(req.number)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    complaint = Complaint.objects.get()
    expect(page.locator(".messages")).to_contain_text(complaint.lookup_code)
    assert complaint.request_id == req.pk and complaint.source == "window"

    req.refresh_from_db()
    assert req.status == Status.ARCHIVED and req.commission_signed and req.deficiency_notices == 1
    verbs = list(RequestEvent.objects.filter(request=req).order_by("pk").values_list("verb", flat=True))
    for verb in (
        "registered",
        "materials_reviewed",
        "deficiency_notice",
        "materials_supplied",
        "handover_recorded",
        "signature_kept",
        "accepted",
        "delivered",
        "archived",
    ):
        assert verb in verbs, verbs
    assert verbs[0] == "registered" and verbs[-1] == "archived"
    assert set(req.documents.values_list("kind", flat=True)) == {
        "deficiency_notice",
        "commission_letter",
        "completion_form",
    }
    no_errors(clerk, expected=(r"status of 400 .*/act/accept/",))


def test_clerk_registers_a_macau_resident_by_the_residence_permit(pages, desk):
    """The permit number typed as a resident ID is refused with the document type to choose; with it, it registers."""
    clerk = pages("clerk")
    page = clerk.page
    open_register_form_with(page, "clerk", desk["matter"])
    expect(page.locator("label[for=id_contact_person]")).to_contain_text("单位必填")
    page.locator("#id_applicant_name").fill("何美玲")
    page.locator("#id_applicant_id_number").fill(MACAU_PERMIT)
    page.locator("#id_applicant_phone").fill("13912345678")
    with page.expect_navigation():
        page.locator("form.register button.primary.big").click()
    expect(page.locator(".fielderror").first).to_contain_text("港澳台居民居住证")
    assert not ServiceRequest.objects.exists()

    page.locator("#id_applicant_id_type").select_option("hkmt_permit")
    with page.expect_navigation():
        page.locator("form.register button.primary.big").click()
    expect(page).to_have_url(re.compile(r"/requests/\d+/$"))
    expect(page.locator("main")).to_contain_text("港澳台居民居住证")
    req = ServiceRequest.objects.get()
    assert req.applicant_id_type == "hkmt_permit" and req.applicant_id_number == MACAU_PERMIT
    no_errors(clerk, expected=(r"status of 400 .*/requests/new/",))
