"""Documents from the request page: print, download, the archive zip, blank forms and the ledger PDF export."""

import io
import zipfile
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from requests import services as svc
from requests.models import IssuedDocument, Kind, LedgerExport
from tests.factories import ServiceRequestFactory
from tests.requests.test_documents import pdf_text
from tests.signed_forms import keep_signed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_print_from_the_request_page_and_download(client, register, people):
    req = register(kind=Kind.AGENCY)
    client.force_login(people["desk"])
    page = client.get(req.get_absolute_url()).content.decode()
    assert reverse("requests:document-issue", args=[req.pk, "commission_letter"]) in page
    assert reverse("requests:document-issue", args=[req.pk, "completion_form"]) not in page  # not completed yet
    response = client.post(
        reverse("requests:document-issue", args=[req.pk, "commission_letter"]),
        {
            "pickup_method": "post",
            "pickup_recipient": "张三",
            "pickup_address": "建设路 1 号",
            "pickup_phone": "13812345678",
            "signing_copy": "on",
        },
    )
    assert response.status_code == 302
    document = IssuedDocument.objects.get()
    assert document.signing_copy and document.version == 1
    req.refresh_from_db()
    assert req.pickup_method == "post" and req.pickup_address == "建设路 1 号"
    download = client.get(reverse("requests:document-download", args=[document.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert "410402199003150023" in pdf_text(b"".join(download.streaming_content))
    # A colleague who is not the dedicated helper cannot fetch the signing copy, nor the town desk anything.
    client.force_login(people["desk2"])
    assert client.get(reverse("requests:document-download", args=[document.pk])).status_code == 404
    client.force_login(people["town_desk"])
    assert client.get(reverse("requests:document-download", args=[document.pk])).status_code == 404


def test_refused_document_shows_a_message_and_stores_nothing(client, register, people):
    req = register()
    client.force_login(people["desk"])
    response = client.post(reverse("requests:document-issue", args=[req.pk, "completion_form"]))
    assert response.status_code == 409 and not IssuedDocument.objects.exists()
    assert 'class="msg error"' in response.content.decode()


def test_archive_zip_has_index_documents_events_and_summary(client, register, people):
    desk = people["desk"]
    req = register(kind=Kind.AGENCY)
    client.force_login(desk)
    client.post(reverse("requests:document-issue", args=[req.pk, "notice_of_duties"]))
    client.post(reverse("requests:document-issue", args=[req.pk, "commission_letter"]), {"signing_copy": "on"})
    keep_signed(desk, req)
    svc.request_accept(actor=desk, request_id=req.pk, handover_items="全部材料")
    svc.request_terminate(actor=desk, request_id=req.pk, reason="withdrawn")
    svc.request_write_summary(actor=desk, request_id=req.pk, text="申请人撤回，材料已退还。")
    data = client.get(reverse("requests:archive-zip", args=[req.pk])).content
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert {"index.txt", "events.csv", "materials.csv", "summary.txt"} <= set(names)
    assert sum(n.startswith("documents/") for n in names) == 2
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert "申请人撤回" in archive.read("summary.txt").decode()
    assert "终止" in archive.read("events.csv").decode("utf-8-sig") or "Terminated" in archive.read(
        "events.csv"
    ).decode("utf-8-sig")
    assert req.number in archive.read("index.txt").decode()
    # A colleague gets the zip without the signing copy (full ID numbers).
    client.force_login(people["desk2"])
    names = zipfile.ZipFile(io.BytesIO(client.get(reverse("requests:archive-zip", args=[req.pk])).content)).namelist()
    assert sum(n.startswith("documents/") for n in names) == 1


def test_blank_forms(client, people):
    client.force_login(people["desk"])
    assert client.get(reverse("requests:blank-forms")).status_code == 200
    response = client.get(reverse("requests:blank-form", args=["deficiency_notice"]))
    assert response.status_code == 200 and "一次性告知单" in pdf_text(response.content)
    assert client.get(reverse("requests:blank-form", args=["completion_form"])).status_code == 404


def test_ledger_pdf_export_runs_in_the_background(client, people, matter, django_capture_on_commit_callbacks):
    helper = people["desk"].staff_member
    ServiceRequestFactory.create_batch(
        30, centre=helper.centre, helper=helper, matter=matter, status="in_progress", reason="行动不便"
    )
    client.force_login(people["desk"])
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("requests:ledger-pdf"),
            {"centre": helper.centre.pk, "date_from": today.replace(day=1), "date_to": today},
        )
    export = LedgerExport.objects.get()
    assert response.status_code == 302 and response.url == reverse("requests:ledger-export", args=[export.pk])
    assert export.status == "done" and export.progress == 100 and export.rows == 30
    status = client.get(reverse("requests:ledger-export", args=[export.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert reverse("requests:ledger-export-download", args=[export.pk]) in status and "hx-trigger" not in status
    pdf = b"".join(client.get(reverse("requests:ledger-export-download", args=[export.pk])).streaming_content)
    text = pdf_text(pdf)
    assert "帮办代办服务事项登记表" in text and "行动不便" in text and "第1页共" in text


def test_ledger_pdf_refuses_a_bad_period_and_other_centres(client, people, hall):
    client.force_login(people["desk"])
    bad = client.post(
        reverse("requests:ledger-pdf"),
        {"centre": hall["district"].pk, "date_from": date(2026, 2, 1), "date_to": date(2026, 1, 1)},
    )
    assert bad.status_code == 400
    other = client.post(
        reverse("requests:ledger-pdf"),
        {"centre": hall["town"].pk, "date_from": date(2026, 1, 1), "date_to": date(2026, 1, 31)},
    )
    assert other.status_code == 400
    assert not LedgerExport.objects.exists()


def test_request_page_query_count_does_not_grow_with_documents(
    client, register, people, django_assert_max_num_queries
):
    req = register(kind=Kind.AGENCY)
    client.force_login(people["desk"])
    client.post(reverse("requests:document-issue", args=[req.pk, "notice_of_duties"]))
    with django_assert_max_num_queries(60) as baseline:
        client.get(req.get_absolute_url())
    baseline_count = len(baseline)  # read now: each later request clears the connection's query log
    for _ in range(4):
        client.post(reverse("requests:document-issue", args=[req.pk, "notice_of_duties"]))
    with django_assert_max_num_queries(baseline_count):
        client.get(req.get_absolute_url())
