"""Issue 18 item 7: the helper's follow-up after delivery (跟踪服务, seed 004 "办理完结后，服务人员应对服务对象进行
服务跟踪、掌握动态，提供跟踪服务"). Every delivery opens one follow-up for the request's helper, once; it shows in
their work and on the request page; the helper or a duty leader records how it went, once (409 after), through the
page or the API."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from hallservice.core.errors import PermissionDenied, TransitionNotAllowed
from hallservice.core.workdays import add_working_days
from requests import services as svc
from requests.models import FollowUpStatus, FollowUpTask, RequestEvent, ServiceRequest
from requests.services.delivery_follow_up import follow_up_task_open
from requests.services.documents import document_issue
from tests.conftest import api_as
from tests.signed_forms import keep_signed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]

ALREADY = "办结后跟踪服务已经登记，不能重复登记。"


@pytest.fixture
def delivered(completed, people):
    document_issue(actor=people["desk"], request_id=completed.pk, kind="completion_form")
    svc.request_deliver(actor=people["desk"], request_id=completed.pk, method="in_person", signer="张三")
    return ServiceRequest.objects.get(pk=completed.pk)


def scheduled(req) -> int:
    return RequestEvent.objects.filter(request=req, verb="delivery_follow_up_due").count()


@pytest.mark.parametrize("method", ["in_person", "at_home"])
def test_a_signed_hand_over_opens_one_follow_up_for_the_helper(completed, people, method):
    document_issue(actor=people["desk"], request_id=completed.pk, kind="completion_form")
    svc.request_deliver(actor=people["desk"], request_id=completed.pk, method=method, signer="张三")
    task = FollowUpTask.objects.get(request=completed)
    assert task.helper == people["desk"].staff_member and task.status == FollowUpStatus.OPEN
    assert task.due == add_working_days(timezone.localdate(), settings.DELIVERY_FOLLOW_UP_WORKING_DAYS)
    assert scheduled(completed) == 1


def test_a_result_on_the_spot_opens_a_follow_up(delivered_query, people):
    assert FollowUpTask.objects.get(request=delivered_query).helper == people["desk"].staff_member
    assert scheduled(delivered_query) == 1


def test_a_posted_result_opens_the_follow_up_when_received_not_when_sent(completed, people):
    desk = people["desk"]
    svc.request_deliver(actor=desk, request_id=completed.pk, method="post", carrier="EMS", tracking_number="E1")
    assert not FollowUpTask.objects.exists()
    keep_signed(desk, completed, "post_receipt")
    svc.request_confirm_receipt(actor=desk, request_id=completed.pk)
    assert FollowUpTask.objects.filter(request=completed).count() == 1 and scheduled(completed) == 1


def test_a_delivery_tried_again_leaves_one_follow_up(delivered, people):
    with pytest.raises(TransitionNotAllowed):
        svc.request_deliver(actor=people["desk"], request_id=delivered.pk, method="in_person", signer="张三")
    first = delivered.follow_up_task
    again = follow_up_task_open(delivered, actor=people["desk"], delivered_at=timezone.now())
    assert again.pk == first.pk and again.due == first.due
    assert FollowUpTask.objects.count() == 1 and scheduled(delivered) == 1


def test_the_helper_records_the_outcome_once(delivered, people):
    desk = people["desk"]
    task = svc.request_record_follow_up(actor=desk, request_id=delivered.pk, outcome="satisfied", note="已用于贷款")
    assert task.status == FollowUpStatus.DONE and task.done_by == desk and task.done_at is not None
    assert task.reached is True
    event = delivered.events.get(verb="delivery_followed_up")
    assert event.actor == desk and not event.public and "已用于贷款" in event.note
    with pytest.raises(TransitionNotAllowed) as refused:
        svc.request_record_follow_up(actor=desk, request_id=delivered.pk, outcome="unreachable")
    assert str(refused.value) == ALREADY
    assert delivered.events.filter(verb="delivery_followed_up").count() == 1


def test_a_problem_found_must_be_described(delivered, people):
    from hallservice.core.errors import DomainError

    with pytest.raises(DomainError) as refused:
        svc.request_record_follow_up(actor=people["desk"], request_id=delivered.pk, outcome="problem")
    assert refused.value.field == "note"
    assert FollowUpTask.objects.get().status == FollowUpStatus.OPEN


def test_a_duty_leader_may_record_it_for_the_helper(delivered, people):
    task = svc.request_record_follow_up(actor=people["leader"], request_id=delivered.pk, outcome="unreachable")
    assert task.done_by == people["leader"] and task.reached is False


@pytest.mark.parametrize("who", ["desk2", "dept_user", "town_desk", "supervisor"])
def test_others_may_not_record_the_follow_up(delivered, people, who):
    with pytest.raises(PermissionDenied):
        svc.request_record_follow_up(actor=people[who], request_id=delivered.pk, outcome="satisfied")
    assert FollowUpTask.objects.get().status == FollowUpStatus.OPEN
    assert not delivered.events.filter(verb="delivery_followed_up").exists()


def test_the_page_shows_the_follow_up_and_offers_the_form_to_the_helper_only(client, delivered, people):
    client.force_login(people["desk"])
    page = client.get(delivered.get_absolute_url())
    html = page.content.decode()
    assert "办结后跟踪服务" in html and "待跟踪" in html
    assert "record_follow_up" in [action.name for action, _form in page.context["action_forms"]]
    client.force_login(people["desk2"])
    page = client.get(delivered.get_absolute_url())
    assert "record_follow_up" not in [action.name for action, _form in page.context["action_forms"]]
    refused = client.post(reverse("requests:act", args=[delivered.pk, "record_follow_up"]), {"outcome": "satisfied"})
    assert refused.status_code == 403


def test_the_page_records_the_outcome_and_refuses_a_second_time(client, delivered, people):
    client.force_login(people["desk"])
    url = reverse("requests:act", args=[delivered.pk, "record_follow_up"])
    done = client.post(url, {"outcome": "problem", "note": "证书地址有误，已联系窗口更正"})
    assert done.status_code == 302
    task = FollowUpTask.objects.get()
    assert task.outcome == "problem" and "更正" in task.note
    page = client.get(delivered.get_absolute_url())
    assert "已联系：发现问题" in page.content.decode()
    again = client.post(url, {"outcome": "satisfied"})
    assert again.status_code == 409 and ALREADY in again.content.decode()


def test_the_api_records_the_outcome_with_field_errors_and_a_409(delivered, people):
    api = api_as(people["desk"], language="zh-hans")
    url = f"/api/v1/requests/{delivered.pk}/record_follow_up/"
    assert "record_follow_up" in api.get(f"/api/v1/requests/{delivered.pk}/").json()["allowed_actions"]
    bad = api.post(url, {"outcome": "maybe"}, format="json")
    assert bad.status_code == 400 and "outcome" in str(bad.json())
    missing_note = api.post(url, {"outcome": "problem"}, format="json")
    assert missing_note.status_code == 400 and "note" in str(missing_note.json())
    done = api.post(url, {"outcome": "satisfied", "note": "满意"}, format="json")
    assert done.status_code == 200
    detail = api.get(f"/api/v1/requests/{delivered.pk}/").json()
    assert detail["follow_up_task"]["status"] == "done" and detail["follow_up_task"]["outcome"] == "satisfied"
    again = api.post(url, {"outcome": "satisfied"}, format="json")
    assert again.status_code == 409 and ALREADY in str(again.json())
    other = api_as(people["desk2"]).post(url, {"outcome": "satisfied"}, format="json")
    assert other.status_code == 403


def test_the_follow_up_counts_in_the_helpers_work_until_recorded(client, delivered, people):
    client.force_login(people["desk"])
    home = client.get(reverse("home"))
    assert home.context["my_work"]["follow_ups"] == 1
    queue = client.get(reverse("requests:queue"), {"view": "follow_up"})
    assert delivered.number in queue.content.decode()
    client.force_login(people["desk2"])
    assert client.get(reverse("home")).context["my_work"]["follow_ups"] == 0
    svc.request_record_follow_up(actor=people["desk"], request_id=delivered.pk, outcome="satisfied")
    client.force_login(people["desk"])
    assert client.get(reverse("home")).context["my_work"]["follow_ups"] == 0


def test_a_new_helper_takes_over_the_open_follow_up(delivered, people):
    new = people["desk2"]
    svc.request_reassign(actor=people["leader"], request_id=delivered.pk, helper_id=new.staff_member.pk, reason="轮岗")
    assert FollowUpTask.objects.get().helper == new.staff_member
    with pytest.raises(PermissionDenied):
        svc.request_record_follow_up(actor=people["desk"], request_id=delivered.pk, outcome="satisfied")
    assert svc.request_record_follow_up(actor=new, request_id=delivered.pk, outcome="satisfied").done_by == new
