"""Printed forms: what each PDF says, that fonts are embedded, versions, permissions and the QR check page."""

import hashlib
import io
import re
import subprocess
from datetime import date

import pytest
from pypdf import PdfReader

from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from requests import services as svc
from requests.documents import BLANK_KINDS, render_blank
from requests.models import DocumentKind, IssuedDocument, Kind, MaterialStatus
from requests.services.documents import document_issue
from tests.factories import posted_by_ems
from tests.signed_forms import keep_signed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf_text(data: bytes) -> str:
    """Text as pdftotext extracts it (poppler), without the spaces layout inserts between CJK glyphs."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True)
    return re.sub(r"\s+", "", out.stdout.decode())


def file_bytes(document: IssuedDocument) -> bytes:
    with document.file.open("rb") as f:
        return f.read()


def deficient_agency(register, people):
    desk = people["desk"]
    req = register(kind=Kind.AGENCY, provide_all=False, applicant_name="欧阳𠮷堃")
    reviews = [
        {
            "check_id": c.pk,
            "status": MaterialStatus.MISSING if c.name != "不动产登记申请书" else MaterialStatus.PROVIDED,
        }
        for c in req.material_checks.all()
    ]
    svc.request_review_materials(actor=desk, request_id=req.pk, reviews=reviews)
    svc.request_issue_deficiency_notice(actor=desk, request_id=req.pk)
    return req


def test_deficiency_notice_lists_accepted_and_missing_materials(register, people):
    req = deficient_agency(register, people)
    document = document_issue(actor=people["desk"], request_id=req.pk, kind="deficiency_notice")
    text = pdf_text(file_bytes(document))
    assert "一次性告知单" in text and req.number in text and document.code in text
    assert "欧阳𠮷堃" in text  # rare characters survive: fonts embedded, no missing glyphs
    for name in ("不动产登记申请书", "身份证明", "完税证明", "申请人自备", "税务窗口开具"):
        assert name in text
    assert "此告知单一式两份" in text
    # The applicant keeps this copy: with the number, its lookup code opens the request online (/track/).
    assert f"查询码{req.lookup_code}" in text
    assert document.sha256 == hashlib.sha256(file_bytes(document)).hexdigest()


def test_fonts_are_embedded_and_subset(register, people):
    req = deficient_agency(register, people)
    data = file_bytes(document_issue(actor=people["desk"], request_id=req.pk, kind="deficiency_notice"))
    fonts = subprocess.run(["pdffonts", "-"], input=data, capture_output=True, check=True).stdout.decode()
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(" yes yes " in line for line in rows), fonts
    assert "Hall-Serif" in fonts or "Noto-Serif-CJK" in fonts  # the pre-subset copy, or the system font


def test_commission_letter_masks_ids_except_the_helpers_signing_copy(register, people):
    req = deficient_agency(register, people)
    printed = document_issue(
        actor=people["desk2"],
        request_id=req.pk,
        kind="commission_letter",
        pickup_method="post",
        pickup_recipient="欧阳𠮷堃",
        pickup_address="新华区建设路 1 号 3 单元",
        pickup_phone="13812345678",
    )
    text = pdf_text(file_bytes(printed))
    assert "政务服务大厅代办服务委托书" in text and "4104**********0023" in text and "410402199003150023" not in text
    assert "☑免费物流快递" in text and "☐大厅自取" in text and "新华区****" in text and "建设路" not in text
    with pytest.raises(PermissionDenied):
        document_issue(actor=people["desk2"], request_id=req.pk, kind="commission_letter", signing_copy=True)
    signing = document_issue(actor=people["desk"], request_id=req.pk, kind="commission_letter", signing_copy=True)
    assert "410402199003150023" in pdf_text(file_bytes(signing)) and "新华区建设路1号3单元" in pdf_text(
        file_bytes(signing)
    )
    assert [d.version for d in req.documents.filter(kind="commission_letter")] == [1, 2]
    assert printed.file.name != signing.file.name  # nothing overwritten


def test_notice_of_duties_and_acceptance_form(register, people):
    desk = people["desk"]
    req = register(kind=Kind.AGENCY)
    notice = pdf_text(file_bytes(document_issue(actor=desk, request_id=req.pk, kind="notice_of_duties")))
    assert "帮办代办服务告知书" in notice and "委托人主动提出书面终止委托代办服务" in notice
    with pytest.raises(TransitionNotAllowed):  # not accepted yet
        document_issue(actor=desk, request_id=req.pk, kind="acceptance_form")
    keep_signed(desk, req)
    svc.request_accept(actor=desk, request_id=req.pk, handover_items="全部材料")
    form = pdf_text(file_bytes(document_issue(actor=desk, request_id=req.pk, kind="acceptance_form")))
    assert "代办事项受理单" in form and "承诺时限" in form and "5个工作日" in form
    assert "申请人短缺的资料必须按照承诺时限提交办理人员" in form and "王帮办" in form


def test_documents_that_make_no_sense_now_are_refused(register, people):
    desk = people["desk"]
    req = register()  # assist, all materials provided
    for kind in (
        "deficiency_notice",
        "completion_form",
        "commission_letter",
        "suspension_notice",
        "termination_notice",
    ):
        with pytest.raises(TransitionNotAllowed):
            document_issue(actor=desk, request_id=req.pk, kind=kind)
    with pytest.raises(DomainError):
        document_issue(actor=desk, request_id=req.pk, kind="nonsense")
    with pytest.raises(PermissionDenied):
        document_issue(actor=people["town_desk"], request_id=req.pk, kind="acceptance_form")
    assert not IssuedDocument.objects.exists()


def test_completion_suspension_and_termination_forms(register, in_handling, people):
    desk = people["desk"]
    req = in_handling()
    svc.request_suspend(
        actor=desk, request_id=req.pk, reason="fees_unpaid", resume_by=date(2099, 1, 1), note="请到税务窗口缴纳契税"
    )
    suspension = pdf_text(file_bytes(document_issue(actor=desk, request_id=req.pk, kind="suspension_notice")))
    assert "中止告知单" in suspension and "请到税务窗口缴纳契税" in suspension and "2099-01-01" in suspension
    svc.request_resume(actor=desk, request_id=req.pk)
    svc.request_complete(actor=desk, request_id=req.pk, result="不动产权证书 1 本")
    svc.request_deliver(actor=desk, request_id=req.pk, **posted_by_ems(tracking_number="EA998877"))
    completion = pdf_text(file_bytes(document_issue(actor=desk, request_id=req.pk, kind="completion_form")))
    assert "帮办代办服务办结单" in completion and "不动产权证书1本" in completion and "EA998877" in completion

    other = register()
    svc.request_accept(actor=desk, request_id=other.pk)
    svc.request_terminate(actor=desk, request_id=other.pk, reason="withdrawn", note="申请人书面撤回")
    termination = pdf_text(file_bytes(document_issue(actor=desk, request_id=other.pk, kind="termination_notice")))
    assert "办结（终止）单" in termination and "申请人书面撤回" in termination and other.number in termination


def test_long_text_wraps_inside_the_page(register, people):
    desk = people["desk"]
    long_name = "平顶山市新华区" + "某某某科技发展有限责任公司" * 8
    req = register(
        kind=Kind.AGENCY,
        applicant_type="organisation",
        applicant_name=long_name[:200],
        applicant_id_number="91320102MA1N2X3Y4H",
        contact_person="李经理",
    )
    data = file_bytes(
        document_issue(
            actor=desk,
            request_id=req.pk,
            kind="commission_letter",
            pickup_method="post",
            pickup_recipient="李经理",
            pickup_address="新华区" + "建设路中段很长很长的地址" * 20,
            pickup_phone="13812345678",
        )
    )
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) <= 2
    text = pdf_text(data)
    assert "平顶山市新华区某某某" in text and text.count("某") >= 24  # all of the name, across line breaks
    # Nothing runs past the right margin: every word's box ends inside the page.
    layout = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=data, capture_output=True, check=True)
    page_width = float(reader.pages[0].mediabox.width)
    right_edges = [float(x) for x in re.findall(r'xMax="([0-9.]+)"', layout.stdout.decode())]
    assert right_edges and max(right_edges) <= page_width - 40


@pytest.mark.parametrize("kind", BLANK_KINDS)
def test_blank_forms_render(kind):
    text = pdf_text(render_blank(kind))
    assert {
        "commission_letter": "代办服务委托书",
        "notice_of_duties": "告知书",
        "deficiency_notice": "一次性告知单",
        "acceptance_form": "代办事项受理单",
    }[DocumentKind(kind).value] in text


def test_qr_code_opens_the_document_check_page(client, register, people):
    desk = people["desk"]
    req = register(kind=Kind.AGENCY)
    first = document_issue(actor=desk, request_id=req.pk, kind="notice_of_duties")
    from requests.services.documents import track_token

    url = f"/track/d/{track_token(request_id=req.pk, kind='notice_of_duties', version=1)}/"
    page = client.get(url).content.decode()
    assert req.number in page and first.code in page
    assert "410402199003150023" not in page and "13812345678" not in page and "张三" not in page
    assert 'class="ok"' in page
    document_issue(actor=desk, request_id=req.pk, kind="notice_of_duties")
    assert 'class="bad"' in client.get(url).content.decode()  # the printed copy is no longer the latest
    assert client.get("/track/d/forged-token/").status_code == 404
