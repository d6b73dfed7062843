"""Issuing printed forms: each issue renders a new numbered version, stores it with its SHA-256, logs an event."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hallservice.core import outbox
from hallservice.core.actors import user_of
from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from staff.access import ensure_perm

from ..models import (
    DocumentKind,
    IssuedDocument,
    Kind,
    LedgerExport,
    MaterialStatus,
    PickupMethod,
    ServiceRequest,
    Status,
)
from .base import ensure_in_charge, is_visible_to, lock_request, record_event

log = logging.getLogger(__name__)

TRACK_SALT = "hallservice.track.document"

# Short codes printed in each form's code: <request number>-<code><version>.
KIND_CODES = {
    DocumentKind.COMMISSION_LETTER: "WT",
    DocumentKind.NOTICE_OF_DUTIES: "GZ",
    DocumentKind.DEFICIENCY_NOTICE: "YC",
    DocumentKind.ACCEPTANCE_FORM: "SL",
    DocumentKind.COMPLETION_FORM: "BJ",
    DocumentKind.SUSPENSION_NOTICE: "ZZ",
    DocumentKind.TERMINATION_NOTICE: "ZJ",
}

_BEFORE_COMPLETION = (Status.APPLIED, Status.DEFICIENT, Status.ACCEPTED, Status.IN_PROGRESS, Status.SUSPENDED)


def document_refusal(kind: DocumentKind, req: ServiceRequest) -> str | None:
    """Why this form makes no sense for the request now, or None when it may be issued."""
    if req.status == Status.ARCHIVED:
        return _("The request is archived; its documents can no longer be issued.")
    if kind in (DocumentKind.COMMISSION_LETTER, DocumentKind.NOTICE_OF_DUTIES):
        if req.kind != Kind.AGENCY:
            return _("Commission letters and notices of duties are for agency requests.")
        if req.status not in _BEFORE_COMPLETION:
            return _("The commission is signed before the request is completed.")
    elif kind == DocumentKind.DEFICIENCY_NOTICE:
        missing = [
            c
            for c in req.material_checks.all()
            if c.status in (MaterialStatus.MISSING, MaterialStatus.NEEDS_CORRECTION)
        ]
        if not missing:
            return _("Nothing is missing: there is no deficiency notice to print.")
    elif kind == DocumentKind.ACCEPTANCE_FORM:
        if req.kind != Kind.AGENCY:
            return _("The acceptance form (代办事项受理单) is for agency requests.")
        if req.accepted_at is None:
            return _("The acceptance form is printed once the request is accepted.")
    elif kind == DocumentKind.COMPLETION_FORM:
        if req.status not in (Status.COMPLETED, Status.DELIVERED):
            return _("The completion form is printed once the request is completed.")
    elif kind == DocumentKind.SUSPENSION_NOTICE:
        if req.status != Status.SUSPENDED:
            return _("The suspension notice is printed while the request is suspended.")
    elif kind == DocumentKind.TERMINATION_NOTICE and req.status != Status.TERMINATED:
        return _("The termination form is printed once the request is terminated.")
    return None


def track_token(*, request_id: int, kind: str, version: int) -> str:
    """The signed token in a form's QR code: it names the request, the form and the version, nothing personal."""
    return signing.dumps([request_id, kind, version], salt=TRACK_SALT, compress=True)


def read_track_token(token: str) -> tuple[int, str, int]:
    request_id, kind, version = signing.loads(token, salt=TRACK_SALT)
    return int(request_id), str(kind), int(version)


def track_url(token: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("track:document", args=[token])


@transaction.atomic
def document_issue(
    *,
    actor,
    request_id: int,
    kind: str,
    signing_copy: bool = False,
    pickup_method: str | None = None,
    pickup_recipient: str = "",
    pickup_address: str = "",
    pickup_phone: str = "",
) -> IssuedDocument:
    """Render and keep a new version of a form; the commission letter also records the pick-up choice."""
    from ..documents import SIGNING_KINDS, Stamp, render_document

    if kind not in DocumentKind.values:
        raise DomainError(_("Unknown document."), field="kind")
    kind = DocumentKind(kind)
    req = lock_request(request_id)
    if not actor.has_perm("requests.handle_request") or not is_visible_to(actor, req):
        raise PermissionDenied(_("You may not print documents of request %(number)s.") % {"number": req.number})
    ensure_in_charge(actor, req)
    refusal = document_refusal(kind, req)
    if refusal:
        raise TransitionNotAllowed(refusal)
    if signing_copy:
        member = getattr(actor, "staff_member", None)
        if kind not in SIGNING_KINDS:
            raise DomainError(
                _("Only the commission letter and acceptance form have a signing copy."), field="signing_copy"
            )
        if not actor.is_superuser and (member is None or member.pk != req.helper_id):
            raise PermissionDenied(_("Only the dedicated helper prints the signing copy with full ID numbers."))
    if kind == DocumentKind.COMMISSION_LETTER and pickup_method is not None:
        _record_pickup(req, actor, pickup_method, pickup_recipient, pickup_address, pickup_phone)

    version = next_version(IssuedDocument, req, kind)
    code = f"{req.number}-{KIND_CODES[kind]}{version:02d}"
    now = timezone.now()
    member = getattr(actor, "staff_member", None)
    stamp = Stamp(
        code=code,
        version=version,
        track_url=track_url(track_token(request_id=req.pk, kind=kind, version=version)),
        signing_copy=signing_copy,
        issued_at=now,
        officer=member.name if member else "",
    )
    pdf = render_document(kind, req, stamp)
    document = IssuedDocument(
        request=req,
        kind=kind,
        version=version,
        code=code,
        signing_copy=signing_copy,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        issued_by=user_of(actor),
    )
    document.file.save(f"{kind}-v{version}.pdf", ContentFile(pdf), save=False)
    document.save()
    record_event(
        req,
        actor=actor,
        verb="document_issued",
        note=f"{DocumentKind(kind).label} {code}" + (f" ({_('signing copy')})" if signing_copy else ""),
    )
    return document


def next_version(model, req: ServiceRequest, kind: str) -> int:
    """The number of the next version of ``kind`` kept in ``model`` (issued documents, signed forms) for the
    request: 1 for the first."""
    return (model.objects.filter(request=req, kind=kind).aggregate(v=Max("version"))["v"] or 0) + 1


def _record_pickup(req, actor, method: str, recipient: str, address: str, phone: str) -> None:
    """The pick-up choice of the commission letter; for post, what is left empty comes from the applicant on file
    (name — the contact person of an organisation —, registered address, phone)."""
    if method not in PickupMethod.values:
        raise DomainError(_("Choose hall pick-up or free postal delivery."), field="pickup_method")
    if method == PickupMethod.POST:
        recipient = recipient.strip() or req.contact_person or req.applicant_name
        address = address.strip() or req.applicant_address
        phone = phone.strip() or req.applicant_phone
        if not recipient.strip():
            raise DomainError(_("Enter the recipient."), field="pickup_recipient")
        if not address.strip():
            raise DomainError(_("Enter the postal address."), field="pickup_address")
        if not phone.strip():
            raise DomainError(_("Enter the recipient's phone."), field="pickup_phone")
    req.pickup_method, req.pickup_recipient = method, recipient.strip()
    req.pickup_address, req.pickup_phone = address.strip(), phone.strip()
    req.save(update_fields=["pickup_method", "pickup_recipient", "pickup_address", "pickup_phone", "updated_at"])
    record_event(req, actor=actor, verb="pickup_chosen", note=str(PickupMethod(method).label))


# --- The registration ledger as PDF, rendered in the background ------------------------------------------


@transaction.atomic
def ledger_export_create(*, actor, centre_id: int, date_from, date_to) -> LedgerExport:
    """Queue a registration-ledger PDF for a centre and period; a Celery task renders it."""
    from staff.models import ServiceCentre

    ensure_perm(actor, "requests.view_servicerequest", _("You may not export the ledger."))
    centre = ServiceCentre.objects.restrict(actor).filter(pk=centre_id).first()
    if centre is None:
        raise DomainError(_("Choose one of your centres."), field="centre")
    if date_from is None or date_to is None or date_from > date_to:
        raise DomainError(_("The period must start before it ends."), field="date_from")
    if (date_to - date_from).days > 366:
        raise DomainError(_("Export at most one year at a time."), field="date_to")
    export = LedgerExport.objects.create(
        centre=centre, date_from=date_from, date_to=date_to, requested_by=user_of(actor)
    )
    LEDGER_EXPORTS.send_on_commit(export.pk)
    return export


# The PDF exports of the ledger: rendered by a Celery task, swept by the beat (hallservice/core/outbox.py).
LEDGER_EXPORTS = outbox.JobKind(
    LedgerExport,
    "requests.tasks.ledger_export_render",
    lost_reason=gettext_lazy(
        "The worker stopped %(attempts)s times while rendering this PDF (killed or out of memory)."
    ),
)


@transaction.atomic
def ledger_export_retry(*, actor, export_id: int) -> LedgerExport:
    """The retry button: the user's own failed export is queued again with fresh attempts (hallservice/core/outbox.py)."""
    export = LedgerExport.objects.select_for_update().filter(pk=export_id, requested_by=actor).first()
    if export is None:
        raise DomainError(_("You cannot see this export."))
    LEDGER_EXPORTS.retry(export, actor=actor, refusal=_("Only a failed export can be tried again."))
    return export


def ledger_exports_sweep() -> dict:
    """The beat's pass: send again what the broker lost, put back exports whose worker died, fail after 3 tries."""
    return LEDGER_EXPORTS.sweep()


def ledger_export_render(*, export_id: int) -> LedgerExport:
    """Render a queued export. Idempotent: the run first claims the row (outbox.claim), so an export done, failed or
    rendered by a live worker is left as it is; one whose worker was lost is taken over."""
    from ..documents import render_ledger
    from ..ledger import ledger_queryset, ledger_rows

    if not LEDGER_EXPORTS.claim(export_id):
        return LedgerExport.objects.get(pk=export_id)
    export = LedgerExport.objects.select_related("centre", "requested_by").get(pk=export_id)
    try:
        requests_in_period = ledger_queryset(
            ServiceRequest.objects.filter(
                centre=export.centre,
                applied_at__date__gte=export.date_from,
                applied_at__date__lte=export.date_to,
            ).order_by("applied_at", "pk")
        )
        with translation.override("zh-hans"):
            rows = [
                {
                    "matter": r.matter,
                    "reason": r.reason,
                    "mode": r.handling,
                    "time": r.handling_time,
                    "result": r.outcome,
                    "applicant": f"{r.applicant} {r.phone_masked}".strip(),
                    "rating": r.evaluation,
                    "remark": r.remarks,
                }
                for r in ledger_rows(requests_in_period)
            ]
        outbox.progress(export, 30, rows=len(rows))
        pdf = render_ledger(
            centre_name=export.centre.name, date_from=export.date_from, date_to=export.date_to, rows=rows
        )
        outbox.progress(export, 90)
        export.file.save(
            f"ledger-{export.centre.code}-{export.date_from:%Y%m%d}-{export.date_to:%Y%m%d}-{export.pk}.pdf",
            ContentFile(pdf),
            save=False,
        )
        outbox.finish(export, file=export.file, sha256=hashlib.sha256(pdf).hexdigest())
    except Exception as exc:  # the page must show a failure rather than spin forever; the task logs it
        outbox.fail(export, exc)
        raise
    return export
