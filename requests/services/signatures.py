"""Signatures kept, not flagged (issue 18): every signed form of a request is kept as a file with its SHA-256.

Seed 001 七.2: "申请人与帮办代办员完成材料交接和签订委托书后，由帮办代办员帮助或代替申请人完成事项办理"; 七.3:
"当面递交的，应由委托人在帮办代办服务办结单上签字确认；邮寄送达的，帮办代办员应做好邮寄记录，待企业和群众签收确认后，
帮办代办服务自然终止"; seed 004 表 A.2: "申请人确认“帮办代办”服务签字". A signature is therefore evidence to keep, not a
box to tick: either a scan or photo of the signed paper (``signature_upload``), or the applicant signs on a tablet at
the desk and a signed copy of the printed form is rendered with the drawing in it (``signature_sign_on_tablet``).
Each is a new version (nothing is replaced), stored with its hash, time and the member of staff who kept it, and
logged as an event. The services that need a signature ask ``has_kept_signature``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hallservice.core.actors import user_of
from hallservice.core.errors import DomainError, TransitionNotAllowed
from hallservice.core.uploads import validate_upload

from ..models import (
    DeliveryMethod,
    DocumentKind,
    IssuedDocument,
    KeptSignature,
    RequestVerb,
    ServiceRequest,
    SignatureSource,
    SignedFormKind,
    Status,
)
from .base import ensure_may_act, ensure_not_archived, lock_request, record_event
from .documents import next_version, track_token, track_url
from .transitions import BEFORE_COMPLETION, HANDLE

# A scan is a PDF from the hall's scanner or a photo from a phone or the desk camera.
SCAN_EXTENSIONS = {".pdf", ".png", ".jpg", ".jpeg"}
# The forms a tablet signature can be put on: those the system prints (the courier's receipt is not one).
TABLET_KINDS = (SignedFormKind.COMMISSION_LETTER, SignedFormKind.ACCEPTANCE_FORM, SignedFormKind.COMPLETION_FORM)
# A signature pad's drawing: a PNG of a sane size (a canvas a few hundred pixels each way).
PAD_MAX_BYTES = 1024 * 1024
PAD_MIN_SIDE, PAD_MAX_SIDE = 80, 4000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DATA_URL_PREFIX = "data:image/png;base64,"


def scan_max_bytes() -> int:
    return int(getattr(settings, "SIGNED_FORM_MAX_MB", 10)) * 1024 * 1024


def has_kept_signature(req: ServiceRequest, kind: SignedFormKind) -> bool:
    """Whether at least one signed copy of this form is kept for the request."""
    return KeptSignature.objects.filter(request=req, kind=kind).exists()


def signature_refusal(kind: SignedFormKind, req: ServiceRequest) -> str | None:
    """Why a signed copy of this form cannot be kept now, or None when it can."""
    if req.status == Status.ARCHIVED:
        return _("Request %(number)s is archived and can no longer change.") % {"number": req.number}
    if kind == SignedFormKind.COMMISSION_LETTER and req.status not in BEFORE_COMPLETION:
        return _("The commission letter is signed before the request is completed.")
    if kind == SignedFormKind.ACCEPTANCE_FORM and req.status in (Status.REFUSED, Status.TERMINATED):
        return _("The request was not accepted: there is no acceptance form to sign.")
    if kind == SignedFormKind.COMPLETION_FORM and req.status not in (Status.COMPLETED, Status.DELIVERED):
        return _("The completion form is signed once the request is completed.")
    if kind == SignedFormKind.POST_RECEIPT:
        delivery = getattr(req, "delivery", None)
        if delivery is None or delivery.method != DeliveryMethod.POST:
            return _("Nothing has been posted for this request: there is no post receipt to keep.")
    return None


def _lock_and_check(actor, request_id: int, kind: str) -> tuple[ServiceRequest, SignedFormKind]:
    if kind not in SignedFormKind.values:
        raise DomainError(_("Choose which signed form this is."), field="kind")
    req = lock_request(request_id)
    # The same permission as the actions on the request: staff of the centre in charge who handle requests.
    ensure_may_act(actor, req, permission=HANDLE)
    ensure_not_archived(req)
    kind = SignedFormKind(kind)
    refusal = signature_refusal(kind, req)
    if refusal:
        raise TransitionNotAllowed(refusal, field="kind")
    return req, kind


def _keep(
    req: ServiceRequest,
    kind: SignedFormKind,
    *,
    actor,
    source: str,
    content: bytes,
    name: str,
    document: IssuedDocument | None = None,
    image: bytes | None = None,
) -> KeptSignature:
    """Store a new version with its hash and log it; the commission letter's flag follows what is kept."""
    version = next_version(KeptSignature, req, kind)
    signature = KeptSignature(
        request=req,
        kind=kind,
        version=version,
        source=source,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        kept_by=user_of(actor),
        document=document,
    )
    signature.file.save(name, ContentFile(content), save=False)
    if image is not None:
        signature.image.save("pad.png", ContentFile(image), save=False)
    signature.save()
    if kind == SignedFormKind.COMMISSION_LETTER and not req.commission_signed:
        req.commission_signed = True
        req.save(update_fields=["commission_signed", "updated_at"])
    record_event(
        req,
        actor=actor,
        verb="signature_kept",
        note=_("%(form)s, version %(version)s (%(source)s), SHA-256 %(hash)s")
        % {
            "form": kind.label,
            "version": version,
            "source": SignatureSource(source).label,
            "hash": signature.sha256[:16],
        },
    )
    return signature


@transaction.atomic
def signature_upload(*, actor, request_id: int, kind: str, file) -> KeptSignature:
    """Keep a scan or photo of a signed paper form (PDF, PNG or JPEG; type, size and first bytes checked)."""
    req, kind = _lock_and_check(actor, request_id, kind)
    extension = validate_upload(file, extensions=SCAN_EXTENSIONS, max_bytes=scan_max_bytes())
    file.seek(0)
    content = file.read()
    return _keep(req, kind, actor=actor, source=SignatureSource.SCAN, content=content, name=f"scan{extension}")


@transaction.atomic
def signature_sign_on_tablet(*, actor, request_id: int, kind: str, signature: str | bytes) -> KeptSignature:
    """The applicant signed on the tablet: render a signed copy of the last printed version of the form with the
    drawing where the applicant signs, and keep it with the drawing itself.

    ``signature`` is the pad's PNG, as bytes or as the canvas's ``data:image/png;base64,…`` URL. The signature is
    put on what was printed for the applicant to read, so the form must be printed first (409 otherwise).
    """
    from ..documents import Stamp, render_signed_copy

    req, kind = _lock_and_check(actor, request_id, kind)
    if kind not in TABLET_KINDS:
        raise DomainError(_("The post receipt is the courier's paper: upload its scan."), field="kind")
    png = pad_png(signature)
    printed = IssuedDocument.objects.filter(request=req, kind=DocumentKind(kind.value)).order_by("-version").first()
    if printed is None:
        raise TransitionNotAllowed(
            _("Print the %(form)s first: the applicant signs the form printed for them.")
            % {"form": DocumentKind(kind.value).label},
            field="kind",
        )
    _ensure_unchanged_since(req, printed)
    member = getattr(printed.issued_by, "staff_member", None)
    stamp = Stamp(
        code=printed.code,
        version=printed.version,
        track_url=track_url(track_token(request_id=req.pk, kind=printed.kind, version=printed.version)),
        issued_at=printed.issued_at,
        officer=member.name if member else "",
    )
    pdf = render_signed_copy(printed.kind, req, stamp, signature_png=png, signed_at=timezone.now())
    return _keep(
        req,
        kind,
        actor=actor,
        source=SignatureSource.TABLET,
        content=pdf,
        name="signed.pdf",
        document=printed,
        image=png,
    )


# What the request's history may hold after a form was printed without changing what the form says: printing and
# signing themselves, the helper's notes and progress reports, and the timers' reminders.
CONTENT_NEUTRAL_VERBS = frozenset(
    {
        RequestVerb.DOCUMENT_ISSUED,
        RequestVerb.SIGNATURE_KEPT,
        RequestVerb.WORK_LOGGED,
        RequestVerb.PROGRESS_REPORTED,
        RequestVerb.DEADLINE_WARNING,
        RequestVerb.PROGRESS_REPORT_PROMPTED,
        RequestVerb.MATERIAL_REMINDER,
        RequestVerb.DEPARTMENT_TASK_REMINDER,
        RequestVerb.OVERDUE,
    }
)


def _ensure_unchanged_since(req: ServiceRequest, printed: IssuedDocument) -> None:
    """The tablet's copy is rendered from the request as it is now and stamped with the printed version: it is that
    version only while nothing that could change the form happened since it was printed (else 409: print again)."""
    changed = req.events.filter(at__gt=printed.issued_at).exclude(verb__in=CONTENT_NEUTRAL_VERBS).exists()
    if changed:
        raise TransitionNotAllowed(
            _("The request changed after the %(form)s was printed: print it again for the applicant to sign.")
            % {"form": DocumentKind(printed.kind).label},
            field="kind",
        )


def pad_png(signature: str | bytes) -> bytes:
    """The pad's drawing as PNG bytes, refused (400) unless it is a real PNG of a sane size with something drawn."""
    if isinstance(signature, str):
        text = signature.strip()
        if not text.startswith(DATA_URL_PREFIX):
            raise DomainError(_("The signature must be a PNG image from the signature pad."), field="signature")
        try:
            signature = base64.b64decode(text[len(DATA_URL_PREFIX) :], validate=True)
        except (binascii.Error, ValueError):
            raise DomainError(_("The signature could not be read."), field="signature") from None
    if not signature:
        raise DomainError(_("Sign on the pad first."), field="signature")
    if len(signature) > PAD_MAX_BYTES:
        raise DomainError(_("The signature image is too large."), field="signature")
    if not signature.startswith(PNG_MAGIC):
        raise DomainError(_("The signature must be a PNG image from the signature pad."), field="signature")
    return _checked_png(signature)


def _checked_png(data: bytes) -> bytes:
    from PIL import Image, UnidentifiedImageError

    # The size the header declares, read before anything is decoded: a 60-byte PNG may declare 30,000 × 30,000 pixels.
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[12:16] != b"IHDR" or not (
        PAD_MIN_SIDE <= width <= PAD_MAX_SIDE and PAD_MIN_SIDE // 2 <= height <= PAD_MAX_SIDE
    ):
        raise DomainError(_("The signature image has an unexpected size."), field="signature")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()  # the whole file: chunks and checksums
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG":
                raise DomainError(_("The signature must be a PNG image from the signature pad."), field="signature")
            width, height = image.size
            if not (PAD_MIN_SIDE <= width <= PAD_MAX_SIDE and PAD_MIN_SIDE // 2 <= height <= PAD_MAX_SIDE):
                raise DomainError(_("The signature image has an unexpected size."), field="signature")
            # Nothing drawn (a transparent or plain white canvas) is no signature.
            paper = Image.new("RGBA", image.size, "white")
            paper.alpha_composite(image.convert("RGBA"))
            if paper.convert("L").point(lambda v: 255 if v < 200 else 0).getbbox() is None:
                raise DomainError(_("Sign on the pad first."), field="signature")
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise DomainError(_("The signature must be a PNG image from the signature pad."), field="signature") from None
    return data
