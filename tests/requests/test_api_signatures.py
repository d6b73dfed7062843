"""The signed-forms endpoints of the API (issue 18): list, upload a scan (multipart), sign on the tablet (PNG data
URL); 400 for a file or drawing that is not what it claims, 403 for a role that may not act, 404 for another
centre, 409 when the form makes no sense now or is not printed yet."""

import hashlib

import pytest

from requests.models import KeptSignature, Kind
from tests.conftest import api_as
from tests.signed_forms import PDF_SCAN, pad_data_url, scan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]


def url(req, path=""):
    return f"/api/v1/requests/{req.pk}/signatures/{path}"


def test_a_scan_is_uploaded_listed_and_shown_in_the_detail(register, people):
    req = register(kind=Kind.AGENCY)
    api = api_as(people["desk"])
    kept = api.post(url(req, "upload/"), {"kind": "commission_letter", "file": scan()}, format="multipart")
    assert kept.status_code == 201, kept.json()
    body = kept.json()
    assert (body["kind"], body["version"], body["source"]) == ("commission_letter", 1, "scan")
    assert body["sha256"] == hashlib.sha256(PDF_SCAN).hexdigest() and body["size"] == len(PDF_SCAN)
    again = api.post(url(req, "upload/"), {"kind": "commission_letter", "file": scan()}, format="multipart")
    assert again.json()["version"] == 2
    assert [s["version"] for s in api.get(url(req)).json()] == [1, 2]
    detail = api.get(f"/api/v1/requests/{req.pk}/").json()
    assert detail["commission_signed"] and [s["version"] for s in detail["signatures"]] == [1, 2]


def test_a_bad_upload_is_a_400_on_the_file(register, people):
    req = register(kind=Kind.AGENCY)
    api = api_as(people["desk"])
    refused = api.post(
        url(req, "upload/"), {"kind": "commission_letter", "file": scan("x.pdf", b"<script>")}, format="multipart"
    )
    assert refused.status_code == 400 and "file" in refused.json()
    assert api.post(url(req, "upload/"), {"kind": "commission_letter"}, format="multipart").status_code == 400
    assert not KeptSignature.objects.exists()


def test_signing_on_the_tablet_through_the_api(register, people):
    req = register(kind=Kind.AGENCY)
    api = api_as(people["desk"])
    body = {"kind": "commission_letter", "signature": pad_data_url()}
    assert api.post(url(req, "sign/"), body, format="json").status_code == 409  # not printed yet
    assert api.post(f"/api/v1/requests/{req.pk}/documents/commission_letter/").status_code == 201
    blank = api.post(url(req, "sign/"), {**body, "signature": pad_data_url(drawn=False)}, format="json")
    assert blank.status_code == 400 and "signature" in blank.json()
    signed = api.post(url(req, "sign/"), body, format="json")
    assert signed.status_code == 201 and signed.json()["source"] == "tablet"
    assert api.post(url(req, "sign/"), {**body, "kind": "post_receipt"}, format="json").status_code == 400


def test_who_may_keep_signed_forms_through_the_api(register, people):
    req = register(kind=Kind.AGENCY)
    for user, status in ((people["supervisor"], 403), (people["dept_user"], 403), (people["town_desk"], 404)):
        api = api_as(user)
        response = api.post(url(req, "upload/"), {"kind": "commission_letter", "file": scan()}, format="multipart")
        assert response.status_code == status
    assert not KeptSignature.objects.exists()
