"""Registration through the page: the matter picker, the material checklist, bad input and consultations."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from requests.models import Consultation, MaterialStatus, ServiceRequest, Status
from requests.services import consultation_create
from tests.requests.conftest import registration_form

pytestmark = pytest.mark.django_db


def registration(matter, **extra):
    return registration_form(matter, provide_all=False, **extra)


def test_matter_search_finds_by_pinyin_initials(client, people, matter, immediate_matter):
    client.force_login(people["desk"])
    response = client.get(reverse("requests:matter-search"), {"q": "bdc"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "不动产登记（首次登记）" in html and "不动产登记资料查询" in html
    assert reverse("requests:matter-materials", args=[matter.pk]) in html
    assert "不动产" not in client.get(reverse("requests:matter-search"), {"q": "zzzz"}).content.decode()
    assert client.get(reverse("requests:matter-search"), {"q": ""}).context["matches"] == []


def test_material_checklist_fragment(client, people, matter):
    client.force_login(people["desk"])
    response = client.get(reverse("requests:matter-materials", args=[matter.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'name="matter_id" value="{matter.pk}"' in html
    for material in matter.materials.all():
        assert material.name in html
        assert f'name="provided_material_ids" value="{material.pk}"' in html
    assert client.get(reverse("requests:matter-materials", args=[999999])).status_code == 404


def test_register_creates_the_request_and_says_its_number(client, people, matter):
    client.force_login(people["desk"])
    provided = [m.pk for m in matter.materials.all()][:2]
    response = client.post(
        reverse("requests:register"), registration(matter, provided_material_ids=provided), follow=True
    )
    req = ServiceRequest.objects.get()
    assert response.redirect_chain[-1][0] == req.get_absolute_url()
    assert req.status == Status.APPLIED and req.helper == people["desk"].staff_member
    assert req.category == "special_care"
    statuses = list(req.material_checks.values_list("status", flat=True))
    assert statuses == [MaterialStatus.PROVIDED, MaterialStatus.PROVIDED, MaterialStatus.UNCHECKED]
    assert any(req.number in str(m) for m in response.context["messages"])


def test_invalid_id_number_reshows_the_form_with_the_field_error(client, people, matter):
    client.force_login(people["desk"])
    response = client.post(
        reverse("requests:register"), registration(matter, applicant_id_number="410402199003150024")
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "applicant_id_number" in errors
    assert escape(errors["applicant_id_number"][0]) in response.content.decode()
    assert 'value="张三"' in response.content.decode()  # what was typed stays
    assert not ServiceRequest.objects.exists()


def test_missing_matter_is_a_field_error_and_lists_matches_without_javascript(client, people, matter):
    client.force_login(people["desk"])
    data = registration(matter, matter_id="", q="bdc")
    response = client.post(reverse("requests:register"), data)
    assert response.status_code == 400
    assert "matter_id" in response.context["form"].errors
    assert [m.pk for m in response.context["matches"]] == [matter.pk]
    assert not ServiceRequest.objects.exists()


def test_picking_a_matter_without_javascript_shows_its_checklist(client, people, matter):
    client.force_login(people["desk"])
    data = registration(matter, matter_id="", pick_matter=matter.pk)
    response = client.post(reverse("requests:register"), data)
    assert response.status_code == 200
    assert response.context["matter"] == matter
    assert not response.context["form"].is_bound  # no errors before the clerk has finished
    html = response.content.decode()
    assert "完税证明" in html and 'value="张三"' in html
    assert not ServiceRequest.objects.exists()


def test_role_without_permission_cannot_register(client, people, matter):
    client.force_login(people["dept_user"])
    response = client.post(reverse("requests:register"), registration(matter))
    assert response.status_code == 403
    assert not ServiceRequest.objects.exists()


def test_registration_from_a_consultation(client, people, matter):
    consultation = consultation_create(
        actor=people["desk"],
        channel="phone",
        name="李四",
        contact="13912345678",
        question="要带什么？",
        matter_id=matter.pk,
    )
    client.force_login(people["desk"])
    page = client.get(reverse("requests:register"), {"consultation": consultation.pk})
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["applicant_name"] == "李四" and form.initial["consultation_id"] == consultation.pk
    assert page.context["matter"] == matter
    response = client.post(
        reverse("requests:register"),
        registration(matter, applicant_name="李四", consultation_id=consultation.pk),
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.outcome == "converted" and consultation.request == ServiceRequest.objects.get()
    again = client.post(
        reverse("requests:register"), registration(matter, applicant_name="李四", consultation_id=consultation.pk)
    )
    assert again.status_code == 409
    assert ServiceRequest.objects.count() == 1


def test_another_centres_consultation_is_not_prefilled(client, people, matter):
    consultation = consultation_create(actor=people["town_desk"], channel="desk", name="周某", question="问")
    client.force_login(people["desk"])
    page = client.get(reverse("requests:register"), {"consultation": consultation.pk})
    assert page.context["consultation"] is None
    assert Consultation.objects.get().outcome == "open"
