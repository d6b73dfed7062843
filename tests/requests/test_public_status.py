"""The status page (by lookup, by link and by a form's QR code) shows the progress and none of the applicant's
personal data, in every state; the timeline is labels plus scrubbed notes addressed to the applicant."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from requests import services as svc
from requests.models import (
    Delivery,
    DeliveryMethod,
    MaterialCheck,
    MaterialStatus,
    RequestEvent,
    Status,
    Suspension,
)
from requests.services.documents import document_issue, track_token
from requests.services.public import masked_name, request_status_url, scrub
from tests.factories import ServiceRequestFactory, StaffMemberFactory, WindowFactory
from tests.signed_forms import keep_signed

pytestmark = pytest.mark.django_db

NAME = "欧阳娜娜"
ID_NUMBER = "110105198001011238"
PHONE = "13912345678"
ADDRESS = "新华区建设路116号3单元502室"
SIGNER = "欧阳建国"
TRACKING = "SF1234567890123"
INTERNAL = "内部备注：申请人脾气暴躁"
SECRETS = [
    NAME,
    "娜娜",
    ID_NUMBER,
    "1101**********1238",  # not even masked: the page has no ID number at all
    PHONE,
    "139****5678",
    ADDRESS,
    "建设路",
    SIGNER,
    TRACKING,
    INTERNAL,
    "脾气",
]


def make_request(status: Status, **fields):
    window = WindowFactory(number="A07", name="综合帮办窗口", floor=1)
    helper = StaffMemberFactory(name="马丽萍", window=window, centre=window.centre)
    req = ServiceRequestFactory(
        status=status,
        applicant_name=NAME,
        applicant_id_number=ID_NUMBER,
        applicant_id_masked="1101**********1238",
        applicant_phone=PHONE,
        applicant_phone_masked="139****5678",
        applicant_address=ADDRESS,
        pickup_recipient=SIGNER,
        centre=window.centre,
        helper=helper,
        lookup_code="K7PQ2MXR",
        **fields,
    )
    for verb in ("registered", "accepted", "started"):
        RequestEvent.objects.create(request=req, verb=verb, public=True, note=f"由{NAME}办理，电话{PHONE}")
    # Notes that name people or carry numbers, on public events that show labels only.
    RequestEvent.objects.create(request=req, verb="handover_recorded", public=True, note=f"{NAME}身份证{ID_NUMBER}")
    RequestEvent.objects.create(request=req, verb="completed", public=True, note=f"证书已发给{NAME}，地址{ADDRESS}")
    # Notes addressed to the applicant: shown, but scrubbed.
    RequestEvent.objects.create(
        request=req,
        verb="progress_reported",
        public=True,
        note=f"已与{NAME}电话（{PHONE}）沟通，身份证号{ID_NUMBER}已核验，材料已递交窗口。",
    )
    RequestEvent.objects.create(request=req, verb="work_logged", public=False, note=INTERNAL)
    MaterialCheck.objects.create(
        request=req,
        name="完税证明",
        how_to_obtain="税务窗口开具",
        status=MaterialStatus.MISSING,
        note=f"请{NAME}本人携带身份证",
    )
    if status in (Status.DELIVERED, Status.COMPLETED, Status.ARCHIVED):
        Delivery.objects.create(
            request=req,
            method=DeliveryMethod.POST,
            recipient=SIGNER,
            signer=SIGNER,
            address=ADDRESS,
            carrier="顺丰速运",
            tracking_number=TRACKING,
            by=req.created_by,
        )
        RequestEvent.objects.create(
            request=req, verb="posted", public=True, note=f"Sent by 顺丰速运, tracking number {TRACKING}."
        )
        RequestEvent.objects.create(request=req, verb="delivered", public=True, note=f"Handed to {SIGNER}.")
    if status == Status.SUSPENDED:
        Suspension.objects.create(
            request=req,
            reason="fees_unpaid",
            note=f"请{NAME}缴费，联系{PHONE}",
            started_on=date(2026, 11, 20),
            resume_by=date(2026, 12, 20),
            by=req.created_by,
        )
    return req


def assert_private(content: str):
    for secret in SECRETS:
        assert secret not in content, secret


@pytest.mark.parametrize("status", list(Status))
def test_status_page_shows_progress_but_no_personal_data_in_any_state(client, status):
    req = make_request(status)
    other = ServiceRequestFactory(applicant_name="诸葛孔明", number="XH-20261123-9999")
    response = client.get(request_status_url(req))
    assert response.status_code == 200
    content = response.content.decode()
    assert_private(content)
    assert "诸葛" not in content and other.number not in content
    assert req.number in content and "欧***" in content and req.matter.name in content
    assert "马丽萍" in content and "A07" in content  # the helper and desk are public
    assert "已与欧***电话（***********）沟通" in content  # the progress report, scrubbed


@pytest.mark.parametrize("status", list(Status))
def test_qr_document_page_is_just_as_private(client, status):
    req = make_request(status)
    document = req.documents.create(
        kind="notice_of_duties", version=1, code=f"{req.number}-GZ1", sha256="0" * 64, size=1, issued_by=req.created_by
    )
    url = reverse("track:document", args=[track_token(request_id=req.pk, kind=document.kind, version=1)])
    content = client.get(url).content.decode()
    assert_private(content)
    assert document.code in content and req.number in content


def test_lookup_by_number_and_code_redirects_to_the_status_page(client):
    req = make_request(Status.IN_PROGRESS)
    response = client.post(reverse("track:home"), {"number": f" {req.number.lower()} ", "code": "k7pq 2mxr"})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200 and req.number in page.content.decode()
    assert "K7PQ2MXR" not in page.content.decode()  # the code is not echoed anywhere


def test_deficient_request_lists_what_is_missing_and_how_to_get_it(client):
    req = make_request(Status.DEFICIENT)
    content = client.get(request_status_url(req)).content.decode()
    assert "完税证明" in content and "税务窗口开具" in content and "请欧***本人携带身份证" in content


def test_suspended_request_says_why_and_by_when(client):
    req = make_request(Status.SUSPENDED)
    content = client.get(request_status_url(req)).content.decode()
    assert "2026-12-20" in content and "请欧***缴费" in content


def test_posted_result_shows_the_carrier_and_only_the_tracking_tail(client):
    req = make_request(Status.COMPLETED)
    content = client.get(request_status_url(req)).content.decode()
    assert "顺丰速运" in content and "0123" in content and TRACKING not in content


def test_days_left_are_working_days_and_overdue_is_said_plainly(client):
    req = make_request(Status.IN_PROGRESS, deadline=date(2026, 10, 9))
    with time_machine.travel(datetime(2026, 9, 30, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        content = client.get(request_status_url(req)).content.decode()
    assert "剩余 2 个工作日" in content  # 10-08 and 10-09: the National Day week does not count
    with time_machine.travel(datetime(2026, 10, 12, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        content = client.get(request_status_url(req)).content.decode()
    assert 'class="days overdue"' in content


def test_forged_expired_or_wrong_kind_tokens_are_404(client, settings):
    req = make_request(Status.ACCEPTED)
    assert client.get("/track/r/forged/").status_code == 404
    from requests.services.public import status_token

    complaint_kind = status_token(kind="c", pk=req.pk)
    assert client.get(f"/track/r/{complaint_kind}/").status_code == 404
    settings.PUBLIC_STATUS_LINK_MAX_AGE = -1
    assert client.get(request_status_url(req)).status_code == 404


def test_real_lifecycle_notes_never_leak(client, register, people, matter):
    """Driven through the services: the delivered note names the signer, the posted note has the number."""
    desk = people["desk"]
    req = register(applicant_name="张三丰")
    svc.request_accept(actor=desk, request_id=req.pk)
    svc.request_start(actor=desk, request_id=req.pk)
    svc.request_report_progress(actor=desk, request_id=req.pk, text="已联系张三丰，材料齐全。")
    svc.request_complete(actor=desk, request_id=req.pk, result="不动产权证书第0012345号")
    document_issue(actor=desk, request_id=req.pk, kind="completion_form")  # signed on taking the result
    keep_signed(desk, req, "completion_form")
    svc.request_deliver(actor=desk, request_id=req.pk, method="in_person", signer="张三丰")
    content = client.get(request_status_url(req)).content.decode()
    for secret in ("张三丰", "三丰", "0012345", "410402199003150023", "13812345678", "建设路"):
        assert secret not in content, secret
    assert "已联系张**，材料齐全。" in content


def test_scrub_masks_ids_phones_mail_long_numbers_and_known_names():
    text = "张三 410402199003150023，13812345678；0375-2690345 zs@example.cn 运单SF1234567890 2026-11-23 第3窗口"
    assert scrub(text, names=("张三",)) == (
        "张* ******************，***********；************ ***@*** 运单********7890 2026-11-23 第3窗口"
    )


def test_masked_name_for_people_and_organisations():
    assert masked_name("张三") == "张*"
    assert masked_name("阿依古丽·买买提") == "阿*******"
    assert masked_name("平顶山市鹰城建设有限公司", "organisation") == "平顶********公司"


def test_status_page_reads_a_constant_number_of_queries(client, django_assert_max_num_queries):
    req = make_request(Status.SUSPENDED)
    url = request_status_url(req)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
