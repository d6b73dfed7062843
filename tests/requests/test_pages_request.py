"""The request page and its actions through HTML: both flows, bad input, wrong state, wrong role, wrong centre."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from requests.models import MaterialStatus, RequestEvent, ServiceRequest, Status
from tests.factories import VALID_ID_NUMBERS
from tests.requests.conftest import registration_form
from tests.signed_forms import scan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(y, m, d):
    return time_machine.travel(datetime(y, m, d, 10, tzinfo=SHANGHAI), tick=False)


def registration(matter, **extra):
    return registration_form(matter, **{"category": "other", **extra})


def act(client, req, action, data=None):
    return client.post(reverse("requests:act", args=[req.pk, action]), data or {})


def acted(client, req, action, data=None) -> ServiceRequest:
    """Post an action that must succeed: back to the request page, with the new state."""
    response = act(client, req, action, data)
    assert response.status_code == 302, (action, response.status_code)
    assert response.url == req.get_absolute_url()
    return ServiceRequest.objects.get(pk=req.pk)


def register_through_page(client, matter, **extra) -> ServiceRequest:
    response = client.post(reverse("requests:register"), registration(matter, **extra))
    assert response.status_code == 302
    req = ServiceRequest.objects.latest("pk")
    assert response.url == req.get_absolute_url()
    return req


def timeline_shows_every_event(client, req) -> str:
    html = client.get(req.get_absolute_url()).content.decode()
    for event in req.events.all():
        assert escape(event.verb_label) in html, event.verb
    return html


def test_assist_flow_through_the_pages(client, people, matter):
    client.force_login(people["desk"])
    with at(2026, 11, 23):
        req = register_through_page(client, matter)
        page = client.get(req.get_absolute_url())
        assert req.number in page.content.decode()
        assert "accept" in [action.name for action, _form in page.context["action_forms"]]
        assert acted(client, req, "accept").status == Status.ACCEPTED
        assert acted(client, req, "start", {"note": "陪同到 A03 窗口"}).status == Status.IN_PROGRESS
        acted(client, req, "log_work", {"text": "材料已递交窗口"})
    with at(2026, 11, 26):
        client.force_login(people["desk"])  # a new working day, a new session
        assert acted(client, req, "complete", {"result": "不动产权证书 1 本"}).status == Status.COMPLETED
        # The applicant signs the printed completion form on taking the result.
        printed = client.post(reverse("requests:document-issue", args=[req.pk, "completion_form"]))
        assert printed.status_code == 302
        assert keep_scan(client, req, "completion_form").status_code == 302  # the signed form, scanned
        req = acted(client, req, "deliver", {"method": "in_person", "signer": "张三"})
        assert req.status == Status.DELIVERED and req.delivery.signer == "张三"
        acted(client, req, "record_follow_up", {"outcome": "satisfied", "note": "证书已用于办理贷款"})
        acted(client, req, "write_summary", {"text": "材料齐全，三个工作日办结。"})
        assert acted(client, req, "archive").status == Status.ARCHIVED
    assert list(req.events.values_list("verb", flat=True)) == [
        "registered",
        "accepted",
        "started",
        "work_logged",
        "completed",
        "document_issued",
        "signature_kept",
        "delivered",
        "delivery_follow_up_due",
        "delivery_followed_up",
        "summary_written",
        "archived",
    ]
    html = timeline_shows_every_event(client, req)
    assert "不动产权证书 1 本" in html and "材料齐全，三个工作日办结。" in html
    page = client.get(req.get_absolute_url())
    assert page.context["action_forms"] == []  # archived: read-only


def keep_scan(client, req, kind: str):
    """Upload the scan of a signed paper form from the request page's signed-forms card."""
    return client.post(reverse("requests:signature-upload", args=[req.pk]), {"kind": kind, "file": scan()})


def test_agency_flow_with_deficiency_suspension_and_postal_delivery(client, people, matter):
    client.force_login(people["desk"])
    with at(2026, 11, 23):
        req = register_through_page(client, matter, kind="agency", provided_material_ids=[])
        checks = {c.name: c for c in req.material_checks.all()}
        review = {}
        for name, check in checks.items():
            review[f"status_{check.pk}"] = MaterialStatus.MISSING if name == "身份证明" else MaterialStatus.PROVIDED
        acted(client, req, "review_materials", review)
        assert acted(client, req, "issue_deficiency_notice").status == Status.DEFICIENT
        acted(client, req, "supply_materials", {"check_ids": [checks["身份证明"].pk], "note": "当场补交"})
        assert act(client, req, "accept").status_code == 400  # agency: no hand-over, no commission yet
        assert keep_scan(client, req, "commission_letter").status_code == 302
        req = acted(client, req, "accept", {"handover_items": "申请书、身份证复印件"})
        assert req.status == Status.ACCEPTED and req.commission_signed and req.handovers.count() == 1
        acted(client, req, "start")
        req = acted(
            client, req, "suspend", {"reason": "fees_unpaid", "resume_by": "2026-12-10", "note": "请缴纳登记费"}
        )
        assert req.status == Status.SUSPENDED
    with at(2026, 11, 26):
        client.force_login(people["desk"])  # a new working day, a new session
        req = acted(client, req, "resume")
        assert req.status == Status.IN_PROGRESS and req.paused_working_days == 3
        acted(client, req, "complete", {"result": "不动产权证书"})
        posted = {
            "method": "post",
            "recipient": "张三",
            "address": "建设路 1 号",
            "carrier": "EMS",
            "tracking_number": "1234567890",
        }
        assert acted(client, req, "deliver", posted).status == Status.COMPLETED  # posted, not received yet
        assert keep_scan(client, req, "post_receipt").status_code == 302
        req = acted(client, req, "confirm_receipt")
    assert req.status == Status.DELIVERED and req.delivery.receipt_confirmed_at
    verbs = list(req.events.values_list("verb", flat=True))
    for verb in ["deficiency_notice", "materials_supplied", "accepted", "suspended", "resumed", "posted"]:
        assert verb in verbs
    html = timeline_shows_every_event(client, req)
    assert "1234567890" in html


def test_invalid_action_input_reshows_the_form_and_changes_nothing(client, people, register):
    client.force_login(people["desk"])
    req = register()
    acted(client, req, "accept")
    acted(client, req, "start")
    events = RequestEvent.objects.count()
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    response = act(client, req, "suspend", {"reason": "applicant_asked", "resume_by": yesterday})
    assert response.status_code == 400
    assert response.context["open_action"] == "suspend"
    forms = dict((action.name, form) for action, form in response.context["action_forms"])
    assert "resume_by" in forms["suspend"].errors
    assert escape(forms["suspend"].errors["resume_by"][0]) in response.content.decode()
    req.refresh_from_db()
    assert req.status == Status.IN_PROGRESS and RequestEvent.objects.count() == events

    response = act(client, req, "complete", {"result": ""})  # required by the form
    assert response.status_code == 400
    assert "result" in dict((a.name, f) for a, f in response.context["action_forms"])["complete"].errors


def test_domain_error_without_a_form_field_is_shown_on_the_form(client, people, register):
    client.force_login(people["desk"])
    req = register(provide_all=False)
    response = act(client, req, "accept")  # materials not provided: field "materials" is not on the form
    assert response.status_code == 400
    form = dict((a.name, f) for a, f in response.context["action_forms"])["accept"]
    assert form.non_field_errors() and "不动产登记申请书" in form.non_field_errors()[0]
    assert ServiceRequest.objects.get(pk=req.pk).status == Status.APPLIED


def test_action_not_allowed_now_is_a_409_and_changes_nothing(client, people, register):
    client.force_login(people["desk"])
    req = register()
    events = RequestEvent.objects.count()
    response = act(client, req, "start")
    assert response.status_code == 409
    assert req.number in response.content.decode()  # the request page again, with the message
    assert any(m.level_tag == "error" for m in response.context["messages"])
    req.refresh_from_db()
    assert req.status == Status.APPLIED and RequestEvent.objects.count() == events


def test_role_without_permission_gets_403(client, people, register):
    req = register()
    client.force_login(people["dept_user"])
    assert client.get(req.get_absolute_url()).status_code == 200  # may look, same centre
    response = act(client, req, "accept")
    assert response.status_code == 403
    assert ServiceRequest.objects.get(pk=req.pk).status == Status.APPLIED


def test_another_centres_request_is_404(client, people, register):
    req = register()
    client.force_login(people["town_desk"])
    assert client.get(req.get_absolute_url()).status_code == 404
    assert act(client, req, "accept").status_code == 404
    assert ServiceRequest.objects.get(pk=req.pk).status == Status.APPLIED


def test_unknown_action_is_404(client, people, register):
    req = register()
    client.force_login(people["desk"])
    assert act(client, req, "teleport").status_code == 404


def test_anonymous_is_sent_to_login(client, register):
    req = register()
    response = client.get(req.get_absolute_url())
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("who", "sees_full"), [("desk", True), ("supervisor", True), ("desk2", False)])
def test_personal_data_on_the_request_page(client, people, register, who, sees_full):
    req = register(reason="年老行动不便")
    client.force_login(people[who])
    html = client.get(req.get_absolute_url()).content.decode()
    assert (VALID_ID_NUMBERS[0] in html) is sees_full
    assert ("13812345678" in html) is sees_full
    assert ("新华区建设路 1 号" in html) is sees_full
    assert (req.lookup_code in html) is sees_full
    if not sees_full:
        assert "4104**********0023" in html and "138****5678" in html


def test_timeline_names_the_actor_and_marks_public_events(client, people, register):
    req = register()
    RequestEvent.objects.create(request=req, actor=None, actor_kind="system", verb="deadline_warning", note="系统提醒")
    client.force_login(people["desk"])
    response = client.get(req.get_absolute_url())
    html = response.content.decode()
    assert "王帮办" in html  # the registering clerk, by staff name
    assert "系统提醒" in html
    assert html.count('class="public"') == req.events.filter(public=True).count()


def test_forwarded_request_shows_its_origin(client, hall, people, village_desk, register_at_village):
    from requests.services import request_forward

    req = register_at_village()
    request_forward(actor=village_desk, request_id=req.pk)
    client.force_login(people["town_desk"])
    html = client.get(req.get_absolute_url()).content.decode()
    assert hall["town"].name in html and hall["village"].name in html
