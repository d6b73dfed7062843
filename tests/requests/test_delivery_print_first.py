"""Issue 20 item 7: a signed hand-over (当面交付, 登门送达) records 张三's signature on the completion form
(帮办代办服务办结单), so the form must have been printed first. The service refuses otherwise (409 in the API, an
error beside the delivery method on the page, nothing written); the request page says so before the clerk fills
the delivery in and links to the print form. Posting the result needs no printed form."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from hallservice.core.errors import DomainError, TransitionNotAllowed
from requests import services as svc
from requests.models import Delivery, ServiceRequest, Status
from requests.services.documents import document_issue
from tests.conftest import api_as

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]

PRINT_FIRST = "请先打印办结单"
NOT_PRINTED = "办结单尚未打印"


def print_completion_form(req, actor):
    return document_issue(actor=actor, request_id=req.pk, kind="completion_form")


def nothing_was_delivered(req) -> bool:
    req.refresh_from_db()
    return (
        req.status == Status.COMPLETED
        and not Delivery.objects.exists()
        and not req.events.filter(verb="delivered").exists()
    )


@pytest.mark.parametrize("method", ["in_person", "at_home"])
def test_a_signed_hand_over_before_the_form_is_printed_is_refused(completed, people, method):
    with pytest.raises(TransitionNotAllowed) as refused:
        svc.request_deliver(actor=people["desk"], request_id=completed.pk, method=method, signer="张三")
    assert refused.value.field == "method" and PRINT_FIRST in str(refused.value)
    assert nothing_was_delivered(completed)


@pytest.mark.parametrize("method", ["in_person", "at_home"])
def test_once_the_form_is_printed_the_hand_over_is_recorded(completed, people, method):
    print_completion_form(completed, people["desk"])
    svc.request_deliver(actor=people["desk"], request_id=completed.pk, method=method, signer="张三")
    completed.refresh_from_db()
    assert completed.status == Status.DELIVERED and completed.delivery.signer == "张三"
    assert list(completed.events.values_list("verb", flat=True))[-3:] == [
        "document_issued",
        "delivered",
        "delivery_follow_up_due",
    ]


def test_a_form_printed_after_the_signature_at_home_is_refused(completed, people):
    """The helper records on return a visit made two hours ago, but printed the form only now: 张三 cannot have
    signed it then."""
    ServiceRequest.objects.filter(pk=completed.pk).update(completed_at=timezone.now() - timedelta(hours=5))
    print_completion_form(completed, people["desk"])
    with pytest.raises(DomainError) as refused:
        svc.request_deliver(
            actor=people["desk"],
            request_id=completed.pk,
            method="at_home",
            signer="张三",
            handed_over_at=timezone.now() - timedelta(hours=2),
        )
    assert refused.value.field == "handed_over_at"
    assert nothing_was_delivered(completed)


def test_a_form_printed_before_setting_off_covers_the_visit_recorded_later(completed, people):
    ServiceRequest.objects.filter(pk=completed.pk).update(completed_at=timezone.now() - timedelta(hours=5))
    with time_machine.travel(timezone.now() - timedelta(hours=4), tick=False):
        print_completion_form(completed, people["desk"])
    signed = timezone.now() - timedelta(hours=2)
    svc.request_deliver(
        actor=people["desk"], request_id=completed.pk, method="at_home", signer="张三", handed_over_at=signed
    )
    assert ServiceRequest.objects.get(pk=completed.pk).delivered_at == signed


def test_posting_the_result_needs_no_printed_form(completed, people):
    svc.request_deliver(
        actor=people["desk"], request_id=completed.pk, method="post", carrier="EMS", tracking_number="EA123456789CN"
    )
    assert Delivery.objects.get(request=completed).method == "post"


def deliver_box(html: str) -> str:
    match = re.search(r'<details class="action" id="action-deliver".*?</details>', html, re.S)
    assert match, "no delivery action on the page"
    return match.group(0)


def test_the_page_says_to_print_first_links_to_the_print_form_and_refuses_on_the_form(client, completed, people):
    client.force_login(people["desk"])
    html = client.get(completed.get_absolute_url()).content.decode()
    box = deliver_box(html)
    assert NOT_PRINTED in box and 'href="#print-completion_form"' in box
    assert 'id="print-completion_form"' in html  # the link has somewhere to land

    response = client.post(
        reverse("requests:act", args=[completed.pk, "deliver"]), {"method": "in_person", "signer": "张三"}
    )
    assert response.status_code == 409
    box = deliver_box(response.content.decode())
    assert 'id="action-deliver" open' in box
    form = response.context["action_forms"]
    deliver_form = next(f for action, f in form if action.name == "deliver")
    assert PRINT_FIRST in deliver_form.errors["method"][0]
    assert escape(deliver_form.errors["method"][0]) in box
    assert nothing_was_delivered(completed)


def test_after_printing_from_the_page_the_notice_is_gone_and_the_hand_over_succeeds(client, completed, people):
    client.force_login(people["desk"])
    printed = client.post(reverse("requests:document-issue", args=[completed.pk, "completion_form"]))
    assert printed.status_code == 302
    box = deliver_box(client.get(completed.get_absolute_url()).content.decode())
    assert NOT_PRINTED not in box and "#print-completion_form" not in box
    response = client.post(
        reverse("requests:act", args=[completed.pk, "deliver"]), {"method": "in_person", "signer": "张三"}
    )
    assert response.status_code == 302
    assert ServiceRequest.objects.get(pk=completed.pk).status == Status.DELIVERED


def test_the_api_answers_409_until_the_form_is_printed(completed, people):
    api = api_as(people["desk"])
    url = f"/api/v1/requests/{completed.pk}/deliver/"
    refused = api.post(url, {"method": "in_person", "signer": "张三"}, format="json")
    assert refused.status_code == 409 and PRINT_FIRST in refused.json()["detail"]
    assert nothing_was_delivered(completed)
    assert api.post(f"/api/v1/requests/{completed.pk}/documents/completion_form/").status_code == 201
    delivered = api.post(url, {"method": "in_person", "signer": "张三"}, format="json")
    assert delivered.status_code == 200 and delivered.json()["status"] == "delivered"
