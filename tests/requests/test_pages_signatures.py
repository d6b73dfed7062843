"""The request page's signed forms (issue 18): upload a scan, sign on the tablet's pad page, see and download what
is kept, and the materials handed back listed under the delivery."""

import hashlib

import pytest
from django.urls import reverse

from requests import services as svc
from requests.models import KeptSignature, Kind
from requests.services.documents import document_issue
from tests.signed_forms import PDF_SCAN, keep_signed, pad_data_url, pad_png, scan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]


def upload(client, req, kind="commission_letter", file=None):
    return client.post(reverse("requests:signature-upload", args=[req.pk]), {"kind": kind, "file": file or scan()})


def test_the_clerk_uploads_scans_and_each_is_a_new_version_on_the_page(client, register, people):
    req = register(kind=Kind.AGENCY)
    client.force_login(people["desk"])
    page = client.get(req.get_absolute_url()).content.decode()
    assert 'id="signatures"' in page and "尚未留存签字件" in page and "上传签字件扫描件" in page
    assert reverse("requests:signature-pad", args=[req.pk, "commission_letter"]) in page
    assert upload(client, req).status_code == 302
    assert upload(client, req, file=scan("photo.png", pad_png())).status_code == 302
    page = client.get(req.get_absolute_url()).content.decode()
    kept = list(KeptSignature.objects.order_by("version"))
    assert [s.version for s in kept] == [1, 2]
    assert kept[0].sha256 == hashlib.sha256(PDF_SCAN).hexdigest() and kept[0].sha256[:12] in page
    assert "已签字的委托书" in page and "纸质签字件扫描件或照片" in page
    assert "委托书已签署" in page  # the kind line follows what is kept


def test_a_file_that_is_not_a_scan_is_refused_on_the_page(client, register, people):
    req = register(kind=Kind.AGENCY)
    client.force_login(people["desk"])
    response = upload(client, req, file=scan("letter.pdf", b"MZ\x90\x00 a program"))
    assert response.status_code == 400
    assert "文件内容与其名称不符" in response.content.decode() or "不符" in response.content.decode()
    assert not KeptSignature.objects.exists()


def test_the_pad_page_asks_to_print_first_then_keeps_the_signed_copy(client, register, people):
    desk = people["desk"]
    req = register(kind=Kind.AGENCY)
    client.force_login(desk)
    url = reverse("requests:signature-pad", args=[req.pk, "commission_letter"])
    before = client.get(url).content.decode()
    assert "请先打印表单" in before and "<canvas" not in before
    printed = document_issue(actor=desk, request_id=req.pk, kind="commission_letter")
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and '<canvas class="signature-pad"' in html and printed.code in html
    assert "js/signature-pad.js" in html and "<script>" not in html and "style=" not in html
    assert "script-src 'self'" in page["Content-Security-Policy"]

    blank = client.post(url, {"signature": pad_data_url(drawn=False)})
    assert blank.status_code == 400 and "请先在签字板上签名" in blank.content.decode()
    signed = client.post(url, {"signature": pad_data_url()})
    assert signed.status_code == 302 and signed["Location"].endswith("#signatures")
    kept = KeptSignature.objects.get()
    assert kept.source == "tablet" and kept.document == printed
    download = client.get(reverse("requests:signature-download", args=[kept.pk]))
    body = b"".join(download.streaming_content)
    assert download.status_code == 200 and body.startswith(b"%PDF") and hashlib.sha256(body).hexdigest() == kept.sha256


def test_only_staff_who_act_on_the_request_get_the_pad(client, register, people):
    req = register(kind=Kind.AGENCY)
    url = reverse("requests:signature-pad", args=[req.pk, "commission_letter"])
    for outsider, status in ((people["supervisor"], 403), (people["dept_user"], 403), (people["town_desk"], 404)):
        client.force_login(outsider)
        assert client.get(url).status_code == status
        assert client.post(url, {"signature": pad_data_url()}).status_code == status
    client.force_login(people["desk"])
    assert client.get(reverse("requests:signature-pad", args=[req.pk, "post_receipt"])).status_code == 404
    assert not KeptSignature.objects.exists()


def test_the_scan_of_the_paper_is_downloaded_only_by_those_who_see_personal_data(client, register, people):
    req = register(kind=Kind.AGENCY, helper_id=people["desk2"].staff_member.pk)
    kept = keep_signed(people["desk2"], req)
    url = reverse("requests:signature-download", args=[kept.pk])
    client.force_login(people["desk"])  # not the dedicated helper
    assert client.get(url).status_code == 404
    client.force_login(people["supervisor"])
    assert client.get(url).status_code == 200


def test_the_materials_handed_back_are_listed_under_the_delivery(client, completed, people):
    desk = people["desk"]
    document_issue(actor=desk, request_id=completed.pk, kind="completion_form")
    client.force_login(desk)
    response = client.post(
        reverse("requests:act", args=[completed.pk, "deliver"]),
        {"method": "in_person", "signer": "张三", "returned_items": "身份证原件\r\n户口簿原件"},
    )
    assert response.status_code == 302
    page = client.get(completed.get_absolute_url()).content.decode()
    assert '<ol class="returned-items"><li>身份证原件</li><li>户口簿原件</li></ol>' in page


def test_the_delivery_form_says_when_the_signed_completion_form_is_not_kept(client, completed_unsigned, people):
    desk = people["desk"]
    document_issue(actor=desk, request_id=completed_unsigned.pk, kind="completion_form")
    client.force_login(desk)
    page = client.get(completed_unsigned.get_absolute_url()).content.decode()
    assert "尚未留存已签字的办结单" in page and 'href="#signatures"' in page
    refused = client.post(
        reverse("requests:act", args=[completed_unsigned.pk, "deliver"]), {"method": "in_person", "signer": "张三"}
    )
    assert refused.status_code == 409 and "请先留存申请人签字的办结单" in refused.content.decode()
    svc.signature_sign_on_tablet(
        actor=desk, request_id=completed_unsigned.pk, kind="completion_form", signature=pad_data_url()
    )
    assert "尚未留存已签字的办结单" not in client.get(completed_unsigned.get_absolute_url()).content.decode()
