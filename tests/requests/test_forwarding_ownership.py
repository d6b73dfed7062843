"""Issue 14 item 6: after forwarding (转办) only the receiving centre acts; the forwarding centre keeps a trace.

The real-world case: 焦店村便民服务站 collects 老李's materials and forwards the request to 焦店镇便民服务中心.
The village could still log work and start it, and even forward the town's accepted request on to the
district hall, after which the town got 404.
"""

import pytest

from hallservice.core.errors import PermissionDenied
from requests import services as svc
from requests.models import ServiceRequest, Status
from requests.services.documents import document_issue
from tests.conftest import api_as


@pytest.fixture
def forwarded(hall, matter, village_desk, register_at_village):
    """老李's request, registered at the village with every material and forwarded to the town."""
    req = register_at_village(kind="assist", provided_material_ids=[m.pk for m in matter.materials.all()])
    svc.request_forward(actor=village_desk, request_id=req.pk, note="代收材料送镇中心")
    req.refresh_from_db()
    assert req.centre == hall["town"] and req.origin_centre == hall["village"]
    return req


def test_the_forwarding_village_may_no_longer_log_work_or_start(forwarded, people, village_desk):
    svc.request_accept(actor=people["town_desk"], request_id=forwarded.pk)
    events_before = forwarded.events.count()

    with pytest.raises(PermissionDenied, match="焦店镇便民服务中心"):
        svc.request_log_work(actor=village_desk, request_id=forwarded.pk, text="电话催问镇中心进度")
    with pytest.raises(PermissionDenied, match="焦店镇便民服务中心"):
        svc.request_start(actor=village_desk, request_id=forwarded.pk)

    forwarded.refresh_from_db()
    assert forwarded.status == Status.ACCEPTED
    assert forwarded.work_log.count() == 0
    assert forwarded.events.count() == events_before


def test_the_receiving_town_acts_on_the_forwarded_request(forwarded, people):
    town = people["town_desk"]
    svc.request_accept(actor=town, request_id=forwarded.pk)
    svc.request_start(actor=town, request_id=forwarded.pk)
    svc.request_log_work(actor=town, request_id=forwarded.pk, text="已向不动产登记中心提交材料")
    forwarded.refresh_from_db()
    assert forwarded.status == Status.IN_PROGRESS
    assert forwarded.work_log.count() == 1


def test_the_village_cannot_forward_the_towns_accepted_request_to_the_district(hall, forwarded, people, village_desk):
    svc.request_accept(actor=people["town_desk"], request_id=forwarded.pk)
    with pytest.raises(PermissionDenied):
        svc.request_forward(actor=village_desk, request_id=forwarded.pk)
    forwarded.refresh_from_db()
    assert forwarded.centre == hall["town"]
    assert ServiceRequest.objects.restrict(people["town_desk"]).filter(pk=forwarded.pk).exists()


def test_the_village_keeps_a_read_only_trace_on_its_page(client, forwarded, people, village_desk):
    client.force_login(village_desk)
    page = client.get(forwarded.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert forwarded.number in html
    assert f"{forwarded.get_absolute_url()}act/" not in html  # no action forms
    assert "trace-only" in html and "焦店镇便民服务中心" in html

    refused = client.post(f"{forwarded.get_absolute_url()}act/log_work/", {"text": "电话催问镇中心进度"}, follow=False)
    assert refused.status_code == 403
    assert "焦店镇便民服务中心" in refused.content.decode()
    assert forwarded.work_log.count() == 0

    client.force_login(people["town_desk"])
    assert "/act/accept/" in client.get(forwarded.get_absolute_url()).content.decode()


def test_the_api_refuses_the_village_and_lists_no_actions_for_it(forwarded, people, village_desk):
    api = api_as(village_desk)
    detail = api.get(f"/api/v1/requests/{forwarded.pk}/")
    assert detail.status_code == 200
    assert detail.json()["allowed_actions"] == []

    refused = api.post(f"/api/v1/requests/{forwarded.pk}/accept/", {}, format="json")
    assert refused.status_code == 403
    forwarded.refresh_from_db()
    assert forwarded.status == Status.APPLIED

    town = api_as(people["town_desk"])
    assert "accept" in town.get(f"/api/v1/requests/{forwarded.pk}/").json()["allowed_actions"]
    assert town.post(f"/api/v1/requests/{forwarded.pk}/accept/", {}, format="json").status_code == 200


def test_the_village_cannot_print_the_forwarded_requests_forms(client, forwarded, people, village_desk):
    town = people["town_desk"]
    svc.request_accept(actor=town, request_id=forwarded.pk)
    svc.request_start(actor=town, request_id=forwarded.pk)
    svc.request_complete(actor=town, request_id=forwarded.pk, result="不动产权证书已出证")
    with pytest.raises(PermissionDenied, match="焦店镇便民服务中心"):
        document_issue(actor=village_desk, request_id=forwarded.pk, kind="completion_form")
    assert forwarded.documents.count() == 0

    client.force_login(village_desk)
    assert f"{forwarded.get_absolute_url()}documents/" not in client.get(forwarded.get_absolute_url()).content.decode()
    document_issue(actor=town, request_id=forwarded.pk, kind="completion_form")
    assert forwarded.documents.count() == 1
