"""The printed forms name the applicant's document: a permit or passport number is not printed as an ID card number."""

import pytest

from requests.models import Kind
from requests.services.documents import document_issue
from tests.requests.test_documents import file_bytes, pdf_text

pytestmark = pytest.mark.django_db

MACAU_PERMIT = "820000196207180046"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def commission_letter_text(register, people, **applicant) -> str:
    req = register(kind=Kind.AGENCY, **applicant)
    pdf = document_issue(actor=people["desk"], request_id=req.pk, kind="commission_letter", signing_copy=True)
    return pdf_text(file_bytes(pdf))


def test_a_macau_residents_commission_letter_names_the_residence_permit(register, people):
    text = commission_letter_text(register, people, applicant_id_type="hkmt_permit", applicant_id_number=MACAU_PERMIT)
    assert "居住证号码" in text and MACAU_PERMIT in text


def test_a_passport_holders_commission_letter_names_the_passport(register, people):
    text = commission_letter_text(
        register, people, applicant_id_type="other", applicant_id_document="护照", applicant_id_number="E12345678"
    )
    assert "护照号码" in text and "E12345678" in text


def test_a_resident_keeps_the_forms_id_card_label(register, people):
    text = commission_letter_text(register, people)
    assert "居住证号码" not in text and text.count("身份证号") == 2  # the applicant's and the agent's rows
