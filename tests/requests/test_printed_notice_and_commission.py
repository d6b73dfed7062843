"""What the deficiency notice and the commission letter print (issue 14, items 9 and 10)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from hallservice.core.crypto import mask_address
from requests import services as svc
from requests.models import Kind, MaterialStatus
from requests.services.documents import document_issue
from tests.requests.test_documents import file_bytes, pdf_text

pytestmark = pytest.mark.django_db

HELPER_ID = "110105198001011238"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def notice_with_a_waiver(register, people, *, deadline_note=""):
    desk = people["desk"]
    req = register(kind=Kind.AGENCY, provide_all=False)
    promised = timezone.localdate() + timedelta(days=10)
    statuses = {"不动产登记申请书": MaterialStatus.PROVIDED, "身份证明": MaterialStatus.MISSING}
    reviews = []
    for check in req.material_checks.all():
        review = {"check_id": check.pk, "status": statuses.get(check.name, MaterialStatus.WAIVED)}
        if review["status"] == MaterialStatus.WAIVED:
            review.update(promised_by=promised, note="税务系统升级，暂无法开具")
        reviews.append(review)
    svc.request_review_materials(actor=desk, request_id=req.pk, reviews=reviews)
    svc.request_issue_deficiency_notice(actor=desk, request_id=req.pk, note=deadline_note)
    text = pdf_text(file_bytes(document_issue(actor=desk, request_id=req.pk, kind="deficiency_notice")))
    return req, promised, text


def test_a_waived_material_with_the_clerks_note_prints_the_note_and_the_promised_date(register, people):
    _req, promised, text = notice_with_a_waiver(register, people)
    assert "完税证明" in text
    assert f"容缺受理，承诺{promised:%Y-%m-%d}前补交" in text
    assert "税务系统升级，暂无法开具" in text


def test_the_clerks_deadline_note_for_the_missing_materials_is_printed(register, people):
    note = "请于2026年12月14日前携身份证原件到3号窗口补交，逾期视为撤回申请。"
    req, _promised, text = notice_with_a_waiver(register, people, deadline_note=note)
    req.refresh_from_db()
    assert req.deficiency_note == note
    assert "补交期限及说明" in text and note in text


def commission_letters(register, people):
    helper = people["desk"].staff_member
    helper.id_number = HELPER_ID
    helper.save(update_fields=["id_number"])
    req = register(kind=Kind.AGENCY)
    letter = {
        "request_id": req.pk,
        "kind": "commission_letter",
        "pickup_method": "post",
        "pickup_recipient": "欧阳娜娜",
        "pickup_address": "河南省安阳市文峰区中华路100号3单元502",
        "pickup_phone": "13812345678",
    }
    ordinary = pdf_text(file_bytes(document_issue(actor=people["desk"], **letter)))
    signing = pdf_text(file_bytes(document_issue(actor=people["desk"], **letter, signing_copy=True)))
    return ordinary, signing


def test_the_commission_letters_signing_copy_prints_the_agents_id_number(register, people):
    _ordinary, signing = commission_letters(register, people)
    assert HELPER_ID in signing
    assert "欧阳娜娜" in signing and "河南省安阳市文峰区中华路100号3单元502" in signing and "13812345678" in signing


def test_the_ordinary_commission_letter_masks_the_agents_id_the_recipient_and_the_address(register, people):
    ordinary, _signing = commission_letters(register, people)
    assert HELPER_ID not in ordinary and "1101**********1238" in ordinary
    assert "欧阳娜娜" not in ordinary and "欧***" in ordinary
    assert "中华路" not in ordinary and "河南省安阳市文峰区****" in ordinary
    assert "13812345678" not in ordinary and "138****5678" in ordinary


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("河南省安阳市文峰区中华路100号3单元502", "河南省安阳市文峰区****"),
        ("新华区建设路 1 号 3 单元", "新华区****"),
        ("建设路1号", "建****"),
        ("", ""),
    ],
)
def test_a_postal_address_keeps_only_its_region_when_masked(address, masked):
    assert mask_address(address) == masked


def test_a_staff_members_id_number_with_a_wrong_check_digit_is_refused_with_a_message(people):
    helper = people["desk"].staff_member
    helper.id_number = "110105198001011239"
    with pytest.raises(ValidationError) as refused:
        helper.full_clean()
    assert "id_number" in refused.value.message_dict


def test_an_administrator_enters_the_helpers_id_number_in_the_admin(client, people, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.cn", "pw-for-tests-only-123")
    client.force_login(admin)
    helper = people["desk"].staff_member
    page = client.get(reverse("admin:staff_staffmember_change", args=[helper.pk]))
    assert page.status_code == 200
    assert 'type="text" name="id_number"' in page.content.decode()
