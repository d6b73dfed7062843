"""Issue 15 item 12: bidi controls (U+202E right-to-left override and kin) never reach staff screens or paper."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command

from complaints.models import Complaint
from complaints.selectors import complaint_status_url
from hallservice.core.bidi import BIDI_CONTROLS, strip_bidi
from hallservice.core.pdf import render_pdf
from requests import services as svc
from requests.models import Kind, MaterialStatus, ServiceRequest
from requests.services.documents import document_issue

from .test_documents import file_bytes, pdf_text

pytestmark = pytest.mark.django_db

CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


@pytest.fixture(autouse=True)
def _empty_cache_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()


def test_every_bidi_control_is_stripped_and_other_text_kept():
    assert strip_bidi(f"差{CONTROLS}评 abc") == "差评 abc"
    assert strip_bidi("普通文本\u200d") == "普通文本\u200d"  # a zero-width joiner is not a bidi control
    assert strip_bidi(42) == 42


def test_a_public_complaint_with_a_right_to_left_override_is_stored_and_shown_without_it(client, hall, people):
    content = "窗口\u202e态度不好，要求\u2066回访\u2069"
    response = client.post(
        "/track/complain/",
        {
            "centre_id": hall["district"].pk,
            "category": "not_one_visit",
            "content": content,
            "name": "李\u202e四",
            "contact": "13900001111",
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.content == "窗口态度不好，要求回访" and complaint.name == "李四"
    assert not BIDI_CONTROLS.search(client.get(complaint_status_url(complaint)).content.decode())
    client.force_login(people["supervisor"])
    for url in (f"/complaints/{complaint.pk}/", "/complaints/?status="):
        page = client.get(url).content.decode()
        assert "窗口态度不好" in page and not BIDI_CONTROLS.search(page)


def test_a_deficiency_notice_prints_no_bidi_control_even_for_a_row_stored_before_the_rule(register, people):
    req = register(kind=Kind.AGENCY, provide_all=False, applicant_name="张三丰")
    # A row written before the rule (update() bypasses the save-time stripping).
    ServiceRequest.objects.filter(pk=req.pk).update(applicant_name="\u202e张三丰")
    reviews = [{"check_id": c.pk, "status": MaterialStatus.MISSING} for c in req.material_checks.all()]
    svc.request_review_materials(actor=people["desk"], request_id=req.pk, reviews=reviews)
    svc.request_issue_deficiency_notice(actor=people["desk"], request_id=req.pk)
    text = pdf_text(file_bytes(document_issue(actor=people["desk"], request_id=req.pk, kind="deficiency_notice")))
    assert "张三丰" in text  # not shown reversed by the override
    assert not BIDI_CONTROLS.search(text)


def test_the_html_given_to_the_pdf_renderer_has_no_bidi_control(monkeypatch):
    import weasyprint

    seen = {}

    class Capture:
        def __init__(self, string):
            seen["html"] = string

        def write_pdf(self, **kwargs):
            return b"%PDF"

    monkeypatch.setattr(weasyprint, "HTML", Capture)
    render_pdf("requests/documents/ledger.html", {"title": "登记表", "centre": f"新华{CONTROLS}区", "rows": []})
    assert "新华区" in seen["html"] and not BIDI_CONTROLS.search(seen["html"])


def test_a_work_log_and_a_material_note_are_stored_without_bidi_controls(register, people):
    req = register(provide_all=False)
    check = req.material_checks.first()
    svc.request_review_materials(
        actor=people["desk"],
        request_id=req.pk,
        reviews=[{"check_id": check.pk, "status": MaterialStatus.MISSING, "note": "缺\u202e原件"}],
    )
    check.refresh_from_db()
    assert check.note == "缺原件"


def test_the_command_cleans_rows_stored_before_the_rule(register):
    req = register(reason="代办")
    ServiceRequest.objects.filter(pk=req.pk).update(reason="\u202e代办\u200f理由")
    out = io.StringIO()
    call_command("strip_bidi_controls", stdout=out)
    req.refresh_from_db()
    assert req.reason == "代办理由" and out.getvalue().startswith("1 rows cleaned")
