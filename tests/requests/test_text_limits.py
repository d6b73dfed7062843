"""Free text is limited to what the printed forms hold; longer input is refused with a message, never cut."""

import re
import subprocess

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader
from rest_framework.test import APIClient

from hallservice.core import text_limits
from hallservice.core.errors import DomainError
from requests import services as svc
from requests.documents import render_ledger
from requests.models import ServiceRequest, Summary
from tests.requests.conftest import registration_form

pytestmark = pytest.mark.django_db

# What a clerk pasted into 受理理由 from a case file: 20,000 characters.
CASE_FILE = ("申请人年逾七十、行动不便，子女均在外地务工，无法自行往返各部门窗口。" * 600)[:20000]


def test_a_20000_character_acceptance_reason_is_refused_with_a_message(client, people, matter):
    assert len(CASE_FILE) == 20000
    client.force_login(people["desk"])
    page = client.post(reverse("requests:register"), registration_form(matter, reason=CASE_FILE))
    assert page.status_code == 400 and "200" in page.content.decode()
    assert page.context["form"].errors["reason"]

    api = APIClient()
    api.force_authenticate(people["desk"])
    answer = api.post("/api/v1/requests/", registration_form(matter, reason=CASE_FILE), format="json")
    assert answer.status_code == 400 and "reason" in answer.json()

    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        svc.request_register(
            actor=people["desk"], data=svc.RegistrationInput(**registration_form(matter, reason=CASE_FILE))
        )
    assert refused.value.field == "reason"
    assert "最多 200 个字" in str(refused.value) and "现有 20000 个字" in str(refused.value)
    assert not ServiceRequest.objects.exists()


def test_a_reason_of_exactly_200_characters_is_kept_whole(people, matter):
    reason = CASE_FILE[:200]
    req = svc.request_register(
        actor=people["desk"], data=svc.RegistrationInput(**registration_form(matter, reason=reason))
    )
    req.refresh_from_db()
    assert req.reason == reason


def completed_request(in_handling, people, *, result):
    req = in_handling()
    return svc.request_complete(actor=people["desk"], request_id=req.pk, result=result)


def test_a_result_longer_than_the_completion_form_holds_is_refused_and_the_request_stays_open(in_handling, people):
    result = "已办结，核发不动产权证书。" * 30  # 390 characters
    with pytest.raises(DomainError) as refused:
        completed_request(in_handling, people, result=result)
    assert refused.value.field == "result"
    req = ServiceRequest.objects.get()
    assert req.result == "" and req.status == "in_progress"


def test_a_5000_character_summary_is_refused_not_cut(in_handling, people):
    req = completed_request(in_handling, people, result="已办结，核发不动产权证书。")
    with pytest.raises(DomainError) as refused:
        svc.request_write_summary(actor=people["desk"], request_id=req.pk, text="帮办过程顺利。" * 715)
    assert refused.value.field == "text"
    assert not Summary.objects.exists()
    summary = svc.request_write_summary(actor=people["desk"], request_id=req.pk, text="帮办过程顺利。" * 142)
    assert len(summary.text) == 994


def test_a_deficiency_note_longer_than_the_notice_holds_is_refused(register, people):
    desk = people["desk"]
    req = register(provide_all=False)
    reviews = [{"check_id": c.pk, "status": "missing"} for c in req.material_checks.all()]
    svc.request_review_materials(actor=desk, request_id=req.pk, reviews=reviews)
    with pytest.raises(DomainError) as refused:
        svc.request_issue_deficiency_notice(actor=desk, request_id=req.pk, note="请尽快补交。" * 100)
    assert refused.value.field == "note"
    req.refresh_from_db()
    assert req.status == "applied" and req.deficiency_notices == 0


@pytest.mark.parametrize("app_label", ["requests", "complaints", "rosters", "training", "staff", "supervision"])
def test_every_free_text_field_has_a_length_limit(app_label):
    unlimited = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_app_config(app_label).get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField)
        and field.max_length is None
        and field.editable
        # Encrypted personal data is a TextField underneath; its inputs have their own limits.
        and type(field).__name__ != "EncryptedCharField"
    ]
    assert unlimited == []


def page_texts(pdf: bytes) -> list[str]:
    pages = len(PdfReader(__import__("io").BytesIO(pdf)).pages)
    texts = []
    for number in range(1, pages + 1):
        out = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), "-enc", "UTF-8", "-", "-"],
            input=pdf,
            capture_output=True,
            check=True,
        )
        texts.append(re.sub(r"\s+", "", out.stdout.decode()))
    return texts


def test_a_ledger_of_rows_at_the_limits_repeats_its_header_and_never_splits_a_row():
    filler = "申请人年逾七十、行动不便，子女均在外地务工，无法自行往返各部门窗口。" * 10
    rows = []
    for i in range(1, 13):
        reason = f"甲{i:02d}" + filler[: text_limits.REASON - 6] + f"乙{i:02d}"
        result = (
            f"丙{i:02d}"
            + ("已办结，核发不动产权证书，申请人已当面签收。" * 20)[: text_limits.RESULT - 6]
            + f"丁{i:02d}"
        )
        assert len(reason) == text_limits.REASON and len(result) == text_limits.RESULT
        rows.append(
            {
                "matter": "不动产登记（首次登记）",
                "reason": reason,
                "mode": "代办（窗口）",
                "time": "2026-12-01 / 2026-12-02",
                "result": f"已办结：{result}",
                "applicant": "张* 138****5678",
                "rating": "满意",
                "remark": "期限 2026-12-09；新华区政务服务中心",
            }
        )
    from datetime import date

    texts = page_texts(
        render_ledger(centre_name="新华区", date_from=date(2026, 12, 1), date_to=date(2026, 12, 31), rows=rows)
    )
    assert len(texts) > 1
    # The header on every page (a row that does not fit under the title starts the next page).
    assert all("受理理由" in text and "办理结果" in text for text in texts if "甲" in text)
    for i in range(1, 13):
        start = [n for n, text in enumerate(texts) if f"甲{i:02d}" in text]
        assert len(start) == 1
        page = texts[start[0]]
        # The whole row on one page, nothing cut: both ends of the reason and of the result.
        assert f"乙{i:02d}" in page and f"丙{i:02d}" in page and f"丁{i:02d}" in page
