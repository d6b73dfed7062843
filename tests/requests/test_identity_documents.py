"""Applicants' identity documents (issue 14, items 1 and 2, and the organisation's 联系人 of item 12).

The numbers are the real-world ones that exposed the bugs: 410402195503120025 (born 1955 in 新华区, whose code
dates from 1983) was refused; 410402203001010018 (born 2030) was accepted.
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from hallservice.core.crypto import blind_index
from hallservice.core.errors import DomainError
from hallservice.core.identity import (
    HKMT_PREFIXES,
    PROVINCE_CODES,
    IdType,
    check_digit,
    mask_document_number,
    validate_document_number,
)
from requests.models import ServiceRequest
from requests.services import RegistrationInput, request_register

pytestmark = pytest.mark.django_db

BORN_1955 = "410402195503120025"
BORN_2030 = "410402203001010018"
MACAU_PERMIT = "820000196207180046"  # a Macau resident born 1962
HONG_KONG_PERMIT = "810000198503120053"
TAIWAN_PERMIT = "830000197901010035"
FOREIGNER_PR = "93184019800101005X"  # issued in Shanghai (31), nationality 840, born 1980, check digit X


def form_data(matter, **extra):
    return {
        "matter_id": matter.pk,
        "kind": "assist",
        "channel": "hall",
        "category": "special_care",
        "applicant_type": "person",
        "applicant_name": "李秀兰",
        "applicant_id_number": BORN_1955,
        "applicant_phone": "13812345678",
        "provided_material_ids": [],
        **extra,
    }


def page_errors(response) -> dict:
    return response.context["form"].errors


# --- Item 1: elderly residents, permits and other documents -------------------------------------------------


def test_an_applicant_born_1955_with_the_districts_own_code_registers(client, people, matter):
    client.force_login(people["desk"])
    response = client.post(reverse("requests:register"), form_data(matter))
    req = ServiceRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == req.get_absolute_url()
    assert req.applicant_id_number == BORN_1955 and req.applicant_id_type == IdType.RESIDENT_ID
    assert req.applicant_id_masked == "4104**********0025"
    assert req.applicant_id_hash == blind_index(BORN_1955, purpose="id")

    api = APIClient()
    api.force_authenticate(people["desk"])
    created = api.post("/api/v1/requests/", form_data(matter, applicant_name="王建国"), format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["applicant_id_type"] == "resident_id"
    assert ServiceRequest.objects.filter(applicant_id_hash=blind_index(BORN_1955, purpose="id")).count() == 2


def test_a_macau_resident_registers_with_the_residence_permit_chosen_as_document(client, people, matter):
    client.force_login(people["desk"])
    data = form_data(matter, applicant_id_type="hkmt_permit", applicant_id_number=MACAU_PERMIT)
    response = client.post(reverse("requests:register"), data, follow=True)
    req = ServiceRequest.objects.get()
    assert req.applicant_id_type == IdType.HKMT_PERMIT and req.applicant_id_number == MACAU_PERMIT
    assert "港澳台居民居住证" in response.content.decode()  # the request page names the document


@pytest.mark.parametrize("number", [HONG_KONG_PERMIT, TAIWAN_PERMIT])
def test_hong_kong_and_taiwan_residence_permits_are_accepted(register, number):
    req = register(applicant_id_type="hkmt_permit", applicant_id_number=number)
    assert req.applicant_id_type == IdType.HKMT_PERMIT and req.applicant_id_number == number


def test_a_foreigners_permanent_residence_id_of_2023_is_accepted_through_the_api(people, matter):
    api = APIClient()
    api.force_authenticate(people["desk"])
    body = form_data(matter, applicant_id_type="foreigner_pr", applicant_id_number=FOREIGNER_PR.lower())
    created = api.post("/api/v1/requests/", body, format="json")
    assert created.status_code == 201, created.json()
    req = ServiceRequest.objects.get()
    assert req.applicant_id_type == IdType.FOREIGNER_PR and req.applicant_id_number == FOREIGNER_PR


def test_a_permit_number_entered_as_a_resident_id_asks_for_the_right_document_type(client, people, matter):
    client.force_login(people["desk"])
    response = client.post(reverse("requests:register"), form_data(matter, applicant_id_number=MACAU_PERMIT))
    assert response.status_code == 400
    assert page_errors(response)["applicant_id_number"] == [
        "这是港澳台居民居住证的号码，请将证件类型选为“港澳台居民居住证”。"
    ]
    assert not ServiceRequest.objects.exists()


def test_a_passport_is_registered_as_free_text_and_masked_in_lists(client, people, matter):
    client.force_login(people["desk"])
    data = form_data(
        matter, applicant_id_type="other", applicant_id_document="美国护照", applicant_id_number="A1234 5678"
    )
    client.post(reverse("requests:register"), data)
    req = ServiceRequest.objects.get()
    assert req.applicant_id_type == IdType.OTHER and req.applicant_id_document == "美国护照"
    assert req.applicant_id_number == "A12345678"  # spaces dropped, like the dashes in hashes and search
    assert req.applicant_id_masked == "*****5678"
    assert req.applicant_id_hash == blind_index("A12345678", purpose="id")


def test_a_passport_without_the_documents_name_is_refused(client, people, matter):
    client.force_login(people["desk"])
    data = form_data(matter, applicant_id_type="other", applicant_id_number="E12345678")
    response = client.post(reverse("requests:register"), data)
    assert response.status_code == 400
    assert page_errors(response)["applicant_id_document"] == ["请填写证件名称，例如哪国护照。"]
    assert not ServiceRequest.objects.exists()


def test_a_free_text_document_number_longer_than_thirty_characters_is_refused_not_cut(register):
    with pytest.raises(DomainError) as refused:
        register(applicant_id_type="other", applicant_id_document="军官证", applicant_id_number="南" * 31)
    assert refused.value.field == "applicant_id_number" and "最多 30 个字符" in str(refused.value)
    assert not ServiceRequest.objects.exists()


# --- Item 2: impossible birth dates -------------------------------------------------------------------------


def test_an_id_number_born_in_2030_is_refused(client, people, matter):
    client.force_login(people["desk"])
    response = client.post(reverse("requests:register"), form_data(matter, applicant_id_number=BORN_2030))
    assert response.status_code == 400
    assert page_errors(response)["applicant_id_number"] == ["号码中的出生日期（2030-01-01）晚于今天，请核对。"]
    api = APIClient()
    api.force_authenticate(people["desk"])
    refused = api.post("/api/v1/requests/", form_data(matter, applicant_id_number=BORN_2030), format="json")
    assert refused.status_code == 400 and list(refused.json()) == ["applicant_id_number"]
    assert not ServiceRequest.objects.exists()


def test_an_id_number_born_before_1900_is_refused():
    born_1899 = "41040218991231001"
    with pytest.raises(DomainError, match="早于 1900 年"):
        validate_document_number(IdType.RESIDENT_ID, born_1899 + check_digit(born_1899))


def test_an_id_number_with_an_impossible_day_or_unknown_province_is_refused():
    february_30 = "41040219550230002"
    with pytest.raises(DomainError, match="不是有效的出生日期"):
        validate_document_number(IdType.RESIDENT_ID, february_30 + check_digit(february_30))
    province_19 = "19040219550312002"
    with pytest.raises(DomainError, match="“19”不是有效的省级代码"):
        validate_document_number(IdType.RESIDENT_ID, province_19 + check_digit(province_19))


def test_an_id_number_born_today_is_accepted_and_one_born_tomorrow_refused():
    today = date.today()
    for born, valid in ((today, True), (today + timedelta(days=1), False)):
        body = f"410402{born:%Y%m%d}001"
        number = body + check_digit(body)
        if valid:
            assert validate_document_number(IdType.RESIDENT_ID, number, today=today) == number
        else:
            with pytest.raises(DomainError):
                validate_document_number(IdType.RESIDENT_ID, number, today=today)


# --- Property: every valid number of every province and birth date is accepted; a wrong check digit never ----

EARLIEST, TODAY = date(1900, 1, 1), date.today()


@st.composite
def valid_numbers(draw):
    kind = draw(st.sampled_from([IdType.RESIDENT_ID, IdType.HKMT_PERMIT, IdType.FOREIGNER_PR]))
    born = draw(st.dates(min_value=EARLIEST, max_value=TODAY))
    serial = draw(st.integers(min_value=0, max_value=999))
    if kind == IdType.RESIDENT_ID:
        region = draw(st.sampled_from(sorted(PROVINCE_CODES))) + f"{draw(st.integers(0, 9999)):04d}"
    elif kind == IdType.HKMT_PERMIT:
        region = draw(st.sampled_from(sorted(HKMT_PREFIXES)))
    else:
        region = f"9{draw(st.sampled_from(sorted(PROVINCE_CODES)))}{draw(st.integers(0, 999)):03d}"
    body = f"{region}{born:%Y%m%d}{serial:03d}"
    return kind, body + check_digit(body)


@settings(max_examples=500, deadline=None)
@given(valid_numbers())
def test_every_well_formed_number_is_accepted_and_any_other_check_digit_refused(generated):
    kind, number = generated
    assert validate_document_number(kind, number, today=TODAY) == number
    assert validate_document_number(kind, number.lower(), today=TODAY) == number  # a lower-case x
    for wrong in "0123456789X":
        if wrong != number[-1]:
            with pytest.raises(DomainError, match="校验码"):
                validate_document_number(kind, number[:-1] + wrong, today=TODAY)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(PROVINCE_CODES)), st.dates(min_value=EARLIEST, max_value=TODAY))
def test_every_province_and_birth_date_has_numbers_ending_in_x_and_they_are_accepted(province, born):
    # About one serial in eleven gives the check digit X: take the first for this province and date.
    bodies = (f"{province}0000{born:%Y%m%d}{serial:03d}" for serial in range(100))
    body = next(b for b in bodies if check_digit(b) == "X")
    assert validate_document_number(IdType.RESIDENT_ID, body + "X", today=TODAY) == body + "X"


def test_check_digits_match_published_examples():
    # GB 11643's worked example and a commonly cited number ending in X.
    assert check_digit("11010519491231002") == "X"
    assert check_digit("44052418800101001") == "4"


def test_masks_of_each_document_type():
    assert mask_document_number(IdType.HKMT_PERMIT, MACAU_PERMIT) == "8200**********0046"
    assert mask_document_number(IdType.OTHER, "E1234") == "***34"
    assert mask_document_number(IdType.OTHER, "") == ""


# --- Item 12: an organisation's contact person ----------------------------------------------------------------


def test_the_contact_person_is_marked_required_for_organisations_on_the_registration_form(client, people):
    client.force_login(people["desk"])
    html = client.get(reverse("requests:register")).content.decode()
    assert "联系人（单位必填）" in html


def test_an_organisation_without_a_contact_person_is_refused(client, people, matter):
    client.force_login(people["desk"])
    data = form_data(
        matter,
        applicant_type="organisation",
        applicant_name="平顶山市鑫源商贸有限公司",
        applicant_id_number="91410402MA44A0B15N",
        contact_person="  ",
    )
    response = client.post(reverse("requests:register"), data)
    assert response.status_code == 400
    assert page_errors(response)["contact_person"] == ["请填写单位联系人。"]
    assert not ServiceRequest.objects.exists()
    with pytest.raises(DomainError, match="请填写单位联系人"):
        request_register(
            actor=people["desk"], data=RegistrationInput(kind="assist", matter_id=matter.pk, **_organisation_fields())
        )
    assert not ServiceRequest.objects.exists()


def _organisation_fields():
    return {
        "applicant_type": "organisation",
        "applicant_name": "平顶山市鑫源商贸有限公司",
        "applicant_id_number": "91410402MA44A0B15N",
        "applicant_phone": "13812345678",
    }
