"""Issue 14 item 8: a refused print answers 409 with the reason on the request page, like every refused action.

The real-world case: the clerk prints the completion form (办结单) of 张三's archived request; the page used to
redirect with a message as if it was done, while the API answered 409.
"""

import pytest
from django.urls import reverse

from requests import services as svc
from requests.models import IssuedDocument

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def archived(register, people, immediate_matter):
    desk = people["desk"]
    req = register(matter=immediate_matter)
    svc.request_accept(actor=desk, request_id=req.pk)
    svc.request_deliver(actor=desk, request_id=req.pk, method="on_the_spot", signer="张三", result="查询结果")
    svc.request_write_summary(actor=desk, request_id=req.pk, text="当场查询并出具结果。")
    svc.request_archive(actor=desk, request_id=req.pk)
    return req


def test_printing_the_completion_form_of_an_archived_request_answers_409_with_the_reason(client, archived, people):
    client.force_login(people["desk"])
    response = client.post(reverse("requests:document-issue", args=[archived.pk, "completion_form"]))
    assert response.status_code == 409
    html = response.content.decode()
    assert 'class="msg error"' in html
    assert "办件已归档，不能再出具文书。" in html  # the reason
    assert archived.number in html
    assert not IssuedDocument.objects.exists()


def test_the_api_and_the_page_answer_the_same_refused_print(client, archived, people):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(people["desk"])
    api_answer = api.post(f"/api/v1/requests/{archived.pk}/documents/completion_form/", {}, format="json")
    client.force_login(people["desk"])
    page_answer = client.post(reverse("requests:document-issue", args=[archived.pk, "completion_form"]))
    assert api_answer.status_code == page_answer.status_code == 409
    assert not IssuedDocument.objects.exists()


def test_print_options_that_are_not_valid_answer_400_not_a_redirect(client, register, people):
    req = register(kind="agency")
    client.force_login(people["desk"])
    response = client.post(
        reverse("requests:document-issue", args=[req.pk, "commission_letter"]), {"pickup_method": "drone"}
    )
    assert response.status_code == 400
    assert 'class="msg error"' in response.content.decode()
    assert not IssuedDocument.objects.exists()
