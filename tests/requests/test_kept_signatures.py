"""Signatures kept, not flagged (issue 18): scans and tablet signatures kept as versions with their hash; agency
acceptance, signed hand-overs and the end of a postal delivery refused until the signed paper is kept."""

import hashlib
import io
import zipfile

import pytest
from pypdf import PdfReader

from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from requests import services as svc
from requests.archive import archive_bundle
from requests.models import KeptSignature, Kind, ServiceRequest, Status
from requests.services.base import record_event
from requests.services.documents import document_issue
from tests.signed_forms import PDF_SCAN, keep_signed, pad_data_url, pad_png, scan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]


def agency_with_handover(register, desk):
    req = register(kind=Kind.AGENCY)
    svc.request_record_handover(actor=desk, request_id=req.pk, items="申请书原件 1 份")
    return req


def test_agency_acceptance_is_refused_with_409_until_the_signed_commission_letter_is_kept(register, people):
    desk = people["desk"]
    req = agency_with_handover(register, desk)
    # The former flag no longer decides: ticking it without a kept letter is refused.
    with pytest.raises(TransitionNotAllowed, match="委托书|commission letter"):
        svc.request_accept(actor=desk, request_id=req.pk, commission_signed=True)
    assert ServiceRequest.objects.get(pk=req.pk).status == Status.APPLIED

    kept = keep_signed(desk, req)
    svc.request_accept(actor=desk, request_id=req.pk)
    req.refresh_from_db()
    assert req.status == Status.ACCEPTED and req.commission_signed
    assert kept.version == 1 and kept.sha256 == hashlib.sha256(PDF_SCAN).hexdigest() and kept.size == len(PDF_SCAN)
    assert kept.kept_by == desk and kept.kept_at is not None
    event = req.events.get(verb="signature_kept")
    assert event.actor == desk and kept.sha256[:16] in event.note


def test_a_running_assist_becomes_agency_only_with_the_signed_commission_letter_kept(register, people):
    desk = people["desk"]
    req = register()
    svc.request_accept(actor=desk, request_id=req.pk)
    with pytest.raises(TransitionNotAllowed):
        svc.request_convert_to_agency(
            actor=desk, request_id=req.pk, reason="申请人行动不便", handover_items="全部材料", commission_signed=True
        )
    keep_signed(desk, req)
    svc.request_convert_to_agency(actor=desk, request_id=req.pk, reason="申请人行动不便", handover_items="全部材料")
    assert ServiceRequest.objects.get(pk=req.pk).kind == Kind.AGENCY


def test_a_new_upload_is_a_new_version_and_the_old_one_is_kept(register, people):
    desk = people["desk"]
    req = register(kind=Kind.AGENCY)
    first = keep_signed(desk, req)
    second = svc.signature_upload(
        actor=desk, request_id=req.pk, kind="commission_letter", file=scan("photo.png", pad_png())
    )
    assert [s.version for s in req.signatures.order_by("version")] == [1, 2]
    assert first.file.name != second.file.name and second.file.name.endswith(".png")
    with first.file.open("rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == first.sha256
    assert req.events.filter(verb="signature_kept").count() == 2


@pytest.mark.parametrize(
    ("name", "content"),
    [("scan.exe", PDF_SCAN), ("scan.pdf", b"<html>not a pdf</html>"), ("scan.jpg", PDF_SCAN)],
)
def test_an_upload_that_is_not_a_scan_is_refused(register, people, name, content):
    req = register(kind=Kind.AGENCY)
    with pytest.raises(DomainError) as err:
        svc.signature_upload(
            actor=people["desk"], request_id=req.pk, kind="commission_letter", file=scan(name, content)
        )
    assert err.value.field == "file"
    assert not KeptSignature.objects.exists()


def test_an_upload_over_the_size_limit_is_refused(register, people, settings):
    settings.SIGNED_FORM_MAX_MB = 0
    req = register(kind=Kind.AGENCY)
    with pytest.raises(DomainError) as err:
        keep_signed(people["desk"], req)
    assert err.value.field == "file"


def test_only_staff_who_may_act_on_the_request_keep_a_signature(register, people):
    req = register(kind=Kind.AGENCY)
    for outsider in (people["town_desk"], people["dept_user"], people["nobody"]):
        with pytest.raises(PermissionDenied):
            keep_signed(outsider, req)
    assert not KeptSignature.objects.exists()


def test_a_form_that_makes_no_sense_now_is_refused(register, people):
    desk = people["desk"]
    req = register(kind=Kind.AGENCY)
    for kind in ("completion_form", "post_receipt"):
        with pytest.raises(TransitionNotAllowed):
            keep_signed(desk, req, kind)
    with pytest.raises(DomainError):
        keep_signed(desk, req, "selfie")


def test_signing_on_the_tablet_keeps_a_signed_copy_of_the_printed_form(register, people):
    desk = people["desk"]
    req = register(kind=Kind.AGENCY)
    with pytest.raises(TransitionNotAllowed, match="Print|打印"):
        svc.signature_sign_on_tablet(actor=desk, request_id=req.pk, kind="commission_letter", signature=pad_data_url())
    printed = document_issue(actor=desk, request_id=req.pk, kind="commission_letter")
    kept = svc.signature_sign_on_tablet(
        actor=desk, request_id=req.pk, kind="commission_letter", signature=pad_data_url()
    )
    assert kept.source == "tablet" and kept.document == printed and kept.image.name.endswith("-pad.png")
    with kept.file.open("rb") as f:
        pdf = f.read()
    assert hashlib.sha256(pdf).hexdigest() == kept.sha256
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    assert printed.code in text and "于平板签署" in text
    assert any(page.images for page in reader.pages)  # the drawing (the QR code is an image too)
    assert ServiceRequest.objects.get(pk=req.pk).commission_signed


def _declared_png(width: int, height: int) -> str:
    """A tiny PNG whose header declares ``width`` × ``height`` pixels (a decompression bomb when large)."""
    import base64
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")
    return "data:image/png;base64," + base64.b64encode(png).decode()


@pytest.mark.parametrize(
    "signature",
    [
        "not a data url",
        "data:image/png;base64,!!!",
        "data:image/png;base64," + __import__("base64").b64encode(b"\x89PNG\r\n\x1a\n" + b"0" * 100).decode(),
        pad_data_url(drawn=False),
        pad_data_url(width=20, height=10),
        pad_data_url(width=5000, height=200),
        _declared_png(30000, 30000),
        _declared_png(600, 200),
    ],
    ids=["not-data-url", "bad-base64", "fake-png", "blank", "tiny", "huge", "bomb", "no-pixels"],
)
def test_the_tablet_signature_must_be_a_real_png_of_sane_size_with_ink(register, people, signature):
    desk = people["desk"]
    req = register(kind=Kind.AGENCY)
    document_issue(actor=desk, request_id=req.pk, kind="commission_letter")
    with pytest.raises(DomainError) as err:
        svc.signature_sign_on_tablet(actor=desk, request_id=req.pk, kind="commission_letter", signature=signature)
    assert err.value.field == "signature"
    assert not KeptSignature.objects.exists()


def test_a_signed_hand_over_needs_the_signed_completion_form_kept(completed_unsigned, people):
    completed, desk = completed_unsigned, people["desk"]
    document_issue(actor=desk, request_id=completed.pk, kind="completion_form")
    with pytest.raises(TransitionNotAllowed, match="办结单|completion form"):
        svc.request_deliver(actor=desk, request_id=completed.pk, method="in_person", signer="张三")
    keep_signed(desk, completed, "completion_form")
    svc.request_deliver(
        actor=desk,
        request_id=completed.pk,
        method="in_person",
        signer="张三",
        returned_items="身份证原件\n\n 户口簿原件 \n",
    )
    req = ServiceRequest.objects.get(pk=completed.pk)
    assert req.status == Status.DELIVERED
    assert [(i.position, i.name) for i in req.delivery.returned_items.all()] == [(1, "身份证原件"), (2, "户口簿原件")]
    assert "身份证原件、户口簿原件" in req.events.get(verb="delivered").note


def test_a_posted_result_ends_only_once_the_post_receipt_is_kept(completed_unsigned, people):
    completed = completed_unsigned
    desk = people["desk"]
    svc.request_deliver(actor=desk, request_id=completed.pk, method="post", carrier="EMS", tracking_number="E1")
    with pytest.raises(TransitionNotAllowed, match="回执|post receipt"):
        svc.request_confirm_receipt(actor=desk, request_id=completed.pk)
    keep_signed(desk, completed, "post_receipt")
    svc.request_confirm_receipt(actor=desk, request_id=completed.pk)
    assert ServiceRequest.objects.get(pk=completed.pk).status == Status.DELIVERED


def test_the_archive_zip_holds_the_signed_copy_with_its_hash(register, people):
    desk = people["desk"]
    req = register(kind=Kind.AGENCY)
    document_issue(actor=desk, request_id=req.pk, kind="commission_letter")
    signed = svc.signature_sign_on_tablet(
        actor=desk, request_id=req.pk, kind="commission_letter", signature=pad_data_url()
    )
    scanned = keep_signed(desk, req)
    req = ServiceRequest.objects.get(pk=req.pk)
    for personal in (False, True):
        with zipfile.ZipFile(io.BytesIO(archive_bundle(req, include_signing_copies=personal))) as bundle:
            names = bundle.namelist()
            index = bundle.read("index.txt").decode()
            assert f"signatures/{signed.file_name}" in names
            assert hashlib.sha256(bundle.read(f"signatures/{signed.file_name}")).hexdigest() == signed.sha256
            assert f"{signed.sha256}  signatures/{signed.file_name}" in index
            # The scan of the paper may carry full ID numbers: only for those who may see them, always indexed.
            assert (f"signatures/{scanned.file_name}" in names) is personal
            assert scanned.sha256 in index


def test_a_form_printed_before_a_change_is_printed_again_before_the_tablet_signs_it(register, people):
    """Found in review: the tablet's copy is rendered from the request as it is now, stamped with the printed
    version; after a change (here the pick-up chosen) it would not be what the applicant was handed."""
    desk = people["desk"]
    req = register(kind=Kind.AGENCY)
    document_issue(actor=desk, request_id=req.pk, kind="commission_letter")
    record_event(req, actor=desk, verb="work_logged", note="核对委托书内容")  # changes nothing printed
    record_event(req, actor=desk, verb="pickup_chosen", note="邮寄")
    with pytest.raises(TransitionNotAllowed):
        svc.signature_sign_on_tablet(actor=desk, request_id=req.pk, kind="commission_letter", signature=pad_data_url())
    assert not KeptSignature.objects.exists()
    document_issue(actor=desk, request_id=req.pk, kind="commission_letter")
    kept = svc.signature_sign_on_tablet(
        actor=desk, request_id=req.pk, kind="commission_letter", signature=pad_data_url()
    )
    assert kept.document.version == 2


def pad_links(client, req) -> list[str]:
    page = client.get(req.get_absolute_url()).content.decode()
    return [kind for kind in ("commission_letter", "acceptance_form", "completion_form") if f"/{kind}/pad/" in page]


def test_the_request_page_offers_the_pad_only_for_a_form_that_is_or_can_be_printed(client, register, people):
    """A help request has no commission letter or acceptance form to print (they are agency forms): a pad button
    for them led the clerk to "print the form first" with nothing to print. A scan of a signed blank letter, which
    a conversion to agency needs, is still offered in the upload."""
    desk = people["desk"]
    client.force_login(desk)
    assist = register()
    svc.request_accept(actor=desk, request_id=assist.pk)
    assert pad_links(client, assist) == []
    assert 'value="commission_letter"' in client.get(assist.get_absolute_url()).content.decode()

    agency = register(kind=Kind.AGENCY)
    assert pad_links(client, agency) == ["commission_letter"]  # printable now; accepted later
    document_issue(actor=desk, request_id=agency.pk, kind="commission_letter")
    keep_signed(desk, agency)
    svc.request_record_handover(actor=desk, request_id=agency.pk, items="申请书原件 1 份")
    svc.request_accept(actor=desk, request_id=agency.pk)
    assert pad_links(client, agency) == ["commission_letter", "acceptance_form"]
