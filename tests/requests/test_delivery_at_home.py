"""登门送达 (seed 003 四.4): "办结…移交相关材料，必要时可协商通过快递送达或登门送达的方式完成". A completed request's
result may be delivered at the applicant's home: offered only when an address is on file, recorded with who went,
when the applicant signed, the address (masked in lists) and the signer; the completion form, the request page, the
ledger and the ledger audit all know it."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from hallservice.core.errors import DomainError
from requests import services as svc
from requests.forms import DeliverForm
from requests.ledger import ledger_queryset, ledger_rows
from requests.models import Delivery, DeliveryMethod, ServiceRequest, Status
from requests.services.documents import document_issue
from supervision.ledger_gaps import gap_conditions
from tests.factories import OLD_LI
from tests.signed_forms import keep_signed, scan

from .test_documents import file_bytes, pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]

ADDRESS = "新华区建设路 1 号"


@pytest.fixture
def completed(register, people):
    """张三's request, done and waiting to be handed over; his address is on file. Unless told otherwise the
    completion form is printed, as the helper does before setting off: 张三 signs it at home, and its scan is kept."""

    def _completed(printed=True, **fields):
        desk = people["desk"]
        req = register(**fields)
        svc.request_accept(actor=desk, request_id=req.pk)
        svc.request_start(actor=desk, request_id=req.pk)
        svc.request_complete(actor=desk, request_id=req.pk, result="不动产权证书 1 本")
        if printed:
            document_issue(actor=desk, request_id=req.pk, kind="completion_form")
            keep_signed(desk, req, "completion_form")  # the signed form's scan, kept on the helper's return
        return ServiceRequest.objects.get(pk=req.pk)

    return _completed


def _methods(req, user):
    return [value for value, _label in DeliverForm(req=req, user=user).fields["method"].choices]


def test_delivery_at_home_is_offered_only_when_an_address_is_on_file(completed, people):
    with_address = completed()
    assert DeliveryMethod.AT_HOME in _methods(with_address, people["desk"])
    without = completed(**{**OLD_LI, "applicant_address": ""})
    assert _methods(without, people["desk"]) == [DeliveryMethod.IN_PERSON, DeliveryMethod.POST]


def test_the_clerk_delivers_at_home_from_the_request_page(client, completed, people):
    """Recorded like other in-person handovers: who delivered, when, where and who signed."""
    req = completed(printed=False)
    # Completed this morning, the form printed; the helper went to 张三's home in the afternoon and records it on
    # return.
    ServiceRequest.objects.filter(pk=req.pk).update(completed_at=timezone.now() - timedelta(hours=5))
    desk = people["desk"]
    with time_machine.travel(timezone.now() - timedelta(hours=4), tick=False):
        document_issue(actor=desk, request_id=req.pk, kind="completion_form")
    signed = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1)
    client.force_login(desk)
    # Back at the desk, the helper scans the form 张三 signed at home.
    kept = client.post(
        reverse("requests:signature-upload", args=[req.pk]), {"kind": "completion_form", "file": scan()}
    )
    assert kept.status_code == 302
    response = client.post(
        reverse("requests:act", args=[req.pk, "deliver"]),
        {
            "method": "at_home",
            "signer": "张三",
            "deliverer_id": people["desk2"].staff_member.pk,
            "handed_over_at": timezone.localtime(signed).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    req.refresh_from_db()
    delivery = Delivery.objects.get(request=req)
    assert req.status == Status.DELIVERED and req.delivered_at == signed
    assert (delivery.method, delivery.signer, delivery.deliverer, delivery.address, delivery.handed_over_at) == (
        DeliveryMethod.AT_HOME,
        "张三",
        people["desk2"].staff_member,
        ADDRESS,
        signed,
    )
    assert delivery.by == desk and delivery.receipt_confirmed_at == signed
    event = req.events.get(verb="delivered")
    assert event.public and event.actor == desk and "李帮办" in event.note and "张三" in event.note


def test_the_deliverer_defaults_to_the_clerk_and_the_time_to_now(completed, people):
    req = completed()
    svc.request_deliver(actor=people["desk"], request_id=req.pk, method="at_home", signer="张三")
    delivery = Delivery.objects.get(request=req)
    assert delivery.deliverer == people["desk"].staff_member and delivery.handed_over_at is not None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"signer": ""}, "signer"),
        ({"deliverer_id": -1}, "deliverer_id"),
        ({"handed_over_at": "future"}, "handed_over_at"),
        ({"handed_over_at": "before_completion"}, "handed_over_at"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(completed, people, hall, fields, field):
    req = completed()
    data = {"signer": "张三", **fields}
    if data.get("handed_over_at") == "future":
        data["handed_over_at"] = timezone.now() + timedelta(hours=2)
    elif data.get("handed_over_at") == "before_completion":
        data["handed_over_at"] = req.completed_at - timedelta(minutes=5)
    with pytest.raises(DomainError) as refused:
        svc.request_deliver(actor=people["desk"], request_id=req.pk, method="at_home", **data)
    assert refused.value.field == field
    assert ServiceRequest.objects.get(pk=req.pk).status == Status.COMPLETED and not Delivery.objects.exists()


def test_without_an_address_on_file_the_service_and_the_api_refuse(completed, people):
    req = completed(**{**OLD_LI, "applicant_address": ""})
    with pytest.raises(DomainError) as refused:
        svc.request_deliver(actor=people["desk"], request_id=req.pk, method="at_home", signer="老李")
    assert refused.value.field == "method"
    api = APIClient()
    api.force_authenticate(people["desk"])
    response = api.post(f"/api/v1/requests/{req.pk}/deliver/", {"method": "at_home", "signer": "老李"}, format="json")
    assert response.status_code == 400 and "method" in response.json()
    assert not Delivery.objects.exists()


def test_the_api_delivers_at_home(completed, people):
    req = completed()
    api = APIClient()
    api.force_authenticate(people["desk"])
    response = api.post(
        f"/api/v1/requests/{req.pk}/deliver/",
        {"method": "at_home", "signer": "张三", "deliverer_id": people["desk"].staff_member.pk},
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == "delivered"
    assert response.json()["delivery"]["method"] == "at_home"
    assert response.json()["delivery"]["address_masked"] == "新华区****"
    schema = api.get("/api/schema/", {"format": "json"}).json()
    assert "at_home" in schema["components"]["schemas"]["DeliveryMethodEnum"]["enum"]


def test_completion_form_request_page_ledger_and_audit_know_it(client, completed, people):
    req = completed()
    svc.request_deliver(actor=people["desk"], request_id=req.pk, method="at_home", signer="张三")
    text = pdf_text(file_bytes(document_issue(actor=people["desk"], request_id=req.pk, kind="completion_form")))
    assert "☑登门送达" in text.replace(" ", "") and "送达人" in text and "王帮办" in text
    assert "建设路" not in text  # the printed form masks the street and number
    # The request page: masked for a clerk who is not the helper, in full for the supervisor.
    client.force_login(people["desk2"])
    page = client.get(reverse("requests:detail", args=[req.pk])).content.decode()
    assert "新华区****" in page and "建设路" not in page
    client.force_login(people["supervisor"])
    assert "建设路" in client.get(reverse("requests:detail", args=[req.pk])).content.decode()
    rows = list(ledger_rows(ledger_queryset(ServiceRequest.objects.filter(pk=req.pk))))
    assert str(DeliveryMethod.AT_HOME.label) in rows[0].remarks
    # The ledger audit counts a signed delivery at home as proof of delivery.
    assert not ServiceRequest.objects.filter(pk=req.pk).filter(gap_conditions()["no_delivery_proof"]).exists()
