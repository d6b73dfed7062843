"""Consultations: record, list (masked, scoped, constant queries), answer, and turn into a request."""

import pytest
from django.urls import reverse

from requests.models import Consultation, ConsultationOutcome
from requests.services import consultation_create

pytestmark = pytest.mark.django_db


def ask(actor, **fields):
    data = {"channel": "phone", "name": "张三", "contact": "13812345678", "question": "首次登记要带什么？", **fields}
    return consultation_create(actor=actor, **data)


def test_record_a_consultation(client, people, matter):
    client.force_login(people["desk"])
    assert client.get(reverse("requests:consultation-create")).status_code == 200
    data = {"channel": "desk", "name": "李四", "contact": "13912345678", "question": "问题", "matter_id": matter.pk}
    response = client.post(reverse("requests:consultation-create"), data)
    assert response.status_code == 302 and response.url == reverse("requests:consultations")
    consultation = Consultation.objects.get()
    assert consultation.matter == matter and consultation.owner == people["desk"].staff_member
    assert consultation.outcome == ConsultationOutcome.OPEN


def test_record_and_go_on_to_register(client, people):
    client.force_login(people["desk"])
    data = {"channel": "desk", "name": "李四", "question": "问题", "then_register": "1"}
    response = client.post(reverse("requests:consultation-create"), data)
    consultation = Consultation.objects.get()
    assert response.url == f"{reverse('requests:register')}?consultation={consultation.pk}"


def test_bad_consultation_input_reshows_the_form(client, people):
    client.force_login(people["desk"])
    response = client.post(reverse("requests:consultation-create"), {"channel": "desk", "name": "", "question": ""})
    assert response.status_code == 400
    assert {"name", "question"} <= set(response.context["form"].errors)
    assert not Consultation.objects.exists()
    client.force_login(people["dept_user"])
    response = client.post(reverse("requests:consultation-create"), {"channel": "desk", "name": "x", "question": "y"})
    assert response.status_code == 403 and not Consultation.objects.exists()


def test_list_is_scoped_masked_and_links_to_registration(client, people, register):
    open_one = ask(people["desk"])
    converted = ask(people["desk"], name="王五", contact="13700001111")
    register(consultation_id=converted.pk)
    elsewhere = ask(people["town_desk"], name="周某")
    client.force_login(people["desk"])
    response = client.get(reverse("requests:consultations"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "138****5678" in html and "137****1111" in html
    assert "13812345678" not in html and "13700001111" not in html
    assert elsewhere.name not in html
    assert f"{reverse('requests:register')}?consultation={open_one.pk}" in html
    assert f"?consultation={converted.pk}" not in html
    assert converted.__class__.objects.get(pk=converted.pk).request.number in html


def test_answer_a_consultation(client, people):
    consultation = ask(people["desk"])
    client.force_login(people["desk"])
    url = reverse("requests:consultation-answer", args=[consultation.pk])
    response = client.post(url, {"answer": ""})
    assert response.status_code == 400 and response.context["open_answer"] == consultation.pk
    response = client.post(url, {"answer": "申请书、身份证明、完税证明；5 个工作日"})
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.outcome == ConsultationOutcome.ANSWERED and "完税证明" in consultation.answer
    # The answer given is what the consultation record keeps: a second one (here a referral) is refused.
    response = client.post(url, {"answer": "转税务局", "referred": "on"})
    assert response.status_code == 409
    consultation.refresh_from_db()
    assert consultation.outcome == ConsultationOutcome.ANSWERED and "完税证明" in consultation.answer


def test_another_centres_consultation_cannot_be_answered(client, people):
    consultation = ask(people["town_desk"])
    client.force_login(people["desk"])
    response = client.post(reverse("requests:consultation-answer", args=[consultation.pk]), {"answer": "x"})
    assert response.status_code == 404


def test_list_runs_a_constant_number_of_queries(client, people, matter, rows_cost_constant_queries):
    member = people["desk"].staff_member

    def make(n):
        Consultation.objects.bulk_create(
            Consultation(
                centre=member.centre,
                channel="desk",
                name=f"访客{i}",
                contact="13812345678",
                contact_masked="138****5678",
                question="问题",
                matter=matter,
                owner=member,
                created_by=people["desk"],
            )
            for i in range(n)
        )

    client.force_login(people["desk"])
    make(5)
    rows_cost_constant_queries(reverse("requests:consultations"), lambda: make(55))


@pytest.mark.parametrize("contact", ["abc12", "微信 zhangsan", "1381234567", "23812345678"])
def test_a_contact_that_is_no_phone_number_is_refused_and_nothing_recorded(client, people, contact):
    """The contact is the number the answer is phoned to, masked like every phone: "abc12" once showed as "*BC12"."""
    client.force_login(people["desk"])
    data = {"channel": "desk", "name": "李四", "contact": contact, "question": "问题"}
    response = client.post(reverse("requests:consultation-create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["contact"] == ["请填写 11 位手机号码或带区号的固定电话。"]
    assert not Consultation.objects.exists()


@pytest.mark.parametrize(
    ("typed", "kept", "masked"),
    [
        ("138 1234 5678", "13812345678", "138****5678"),
        ("0571-87654321", "057187654321", "********4321"),
        ("0571 8765 4321", "057187654321", "********4321"),
        ("", "", ""),
    ],
)
def test_a_phone_number_is_kept_as_typed_without_spaces_and_masked(people, typed, kept, masked):
    consultation = ask(people["desk"], contact=typed)
    assert (consultation.contact, consultation.contact_masked) == (kept, masked)
