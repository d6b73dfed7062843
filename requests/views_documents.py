"""Staff pages for printed forms: issue, download, blank forms, the request's archive zip, the ledger PDF."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hallservice.core.errors import DomainError, PermissionDenied
from hallservice.core.months import month_start
from hallservice.core.web import attach_error, attempt, retry_button

from .actions import can_see_personal_data, in_charge
from .archive import archive_bundle
from .documents import BLANK_KINDS, SIGNING_KINDS, TITLES, render_blank
from .forms import IssueForm, LedgerExportForm
from .models import AccessKind, DocumentKind, IssuedDocument, LedgerExport, ServiceRequest, Status
from .services.access_log import personal_data_access_record
from .services.documents import document_issue, document_refusal, ledger_export_create, ledger_export_retry

T = TypeVar("T")


def issuable_documents(user, req: ServiceRequest) -> list[dict]:
    """The forms that make sense for the request now, for the request page."""
    if not user.has_perm("requests.handle_request") or not in_charge(user, req):
        return []
    helper = getattr(user, "staff_member", None)
    return [
        {
            "kind": kind.value,
            "label": kind.label,
            "title": TITLES[kind],
            "signing": kind in SIGNING_KINDS and (user.is_superuser or (helper and helper.pk == req.helper_id)),
            "pickup": kind == DocumentKind.COMMISSION_LETTER,
        }
        for kind in DocumentKind
        if document_refusal(kind, req) is None and not _printed_by_an_action(kind, req)
    ]


def _printed_by_an_action(kind: DocumentKind, req: ServiceRequest) -> bool:
    """Before the deficiency notice is issued, 出具一次性告知单 (the action) prints it: one step, not two."""
    return kind == DocumentKind.DEFICIENCY_NOTICE and req.status == Status.APPLIED


@login_required
@require_POST
def document_issue_view(request, pk: int, kind: str):
    req = get_object_or_404(ServiceRequest.objects.restrict(request.user), pk=pk)
    if not request.user.has_perm("requests.handle_request"):
        # A 403, not the request page with a message: a role that may not print forms gets no "done elsewhere".
        raise PermissionDenied(_("You may not print documents of request %(number)s.") % {"number": req.number})
    form = IssueForm(request.POST)
    if not form.is_valid() or kind not in DocumentKind.values:
        return _refused(request, req, _("The document options are not valid."), status=400)
    data = form.cleaned_data
    options = {"signing_copy": data["signing_copy"]}
    if kind == DocumentKind.COMMISSION_LETTER and data["pickup_method"]:
        options.update({k: data[k] for k in ("pickup_method", "pickup_recipient", "pickup_address", "pickup_phone")})
    document, status = attempt(
        request, lambda: document_issue(actor=request.user, request_id=req.pk, kind=kind, **options)
    )
    if document is None:
        return _request_page(request, req, status=status)
    messages.success(
        request, _("%(title)s %(code)s issued.") % {"title": TITLES[DocumentKind(kind)], "code": document.code}
    )
    return redirect(f"{req.get_absolute_url()}#documents")


def _refused(request, req: ServiceRequest, reason: str, *, status: int):
    """A refused print answers like every refused action: the request page with the reason, and its status
    (409 not possible now, 400 bad options, 403 not yours) — never a redirect that looks as if it was done."""
    messages.error(request, reason)
    return _request_page(request, req, status=status)


def _request_page(request, req: ServiceRequest, *, status: int):
    from .views import render_request_page

    return render_request_page(request, req.pk, status=status)


def kept_file(request, rows, pk: int, *, with_id_numbers: Callable[[T], bool]) -> T:
    """The row ``pk`` of ``rows`` (a file kept with a request), if its request is one the user sees (else a 404).

    A file that carries full ID numbers (``with_id_numbers(row)``: a signing copy, a scan of signed paper) goes only
    to those who see personal data, and handing it out is logged; to anyone else it does not exist.
    """
    row = get_object_or_404(
        rows.select_related("request").filter(request__in=ServiceRequest.objects.restrict(request.user)), pk=pk
    )
    if with_id_numbers(row):
        if not can_see_personal_data(request.user, row.request):
            raise Http404
        personal_data_access_record(actor=request.user, kind=AccessKind.SIGNING_COPY, req=row.request)
    return row


@login_required
@require_GET
def document_download_view(request, pk: int):
    document = kept_file(request, IssuedDocument.objects, pk, with_id_numbers=lambda document: document.signing_copy)
    return FileResponse(
        document.file.open("rb"), content_type="application/pdf", filename=f"{document.code}-v{document.version}.pdf"
    )


@login_required
@require_GET
def request_archive_zip_view(request, pk: int):
    req = get_object_or_404(
        ServiceRequest.objects.restrict(request.user).select_related("matter", "helper", "summary"), pk=pk
    )
    personal = can_see_personal_data(request.user, req)
    data = archive_bundle(req, include_signing_copies=personal)
    # The signing copies and the scans of signed paper (issue 18) carry full ID numbers: their export is logged.
    if personal and (
        req.documents.filter(signing_copy=True).exists() or req.signatures.filter(source="scan").exists()
    ):
        personal_data_access_record(actor=request.user, kind=AccessKind.ARCHIVE, req=req)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{req.number}.zip"'
    return response


@login_required
@require_GET
def blank_forms_view(request):
    return render(request, "requests/blank_forms.html", {"kinds": [(k, TITLES[k]) for k in BLANK_KINDS]})


@login_required
@require_GET
def blank_form_pdf_view(request, kind: str):
    if kind not in [k.value for k in BLANK_KINDS]:
        raise Http404
    response = HttpResponse(render_blank(kind), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="blank-{kind}.pdf"'
    return response


@login_required
def ledger_pdf_view(request):
    """Ask for a ledger PDF (rendered by a Celery task) and list this user's recent exports."""
    form = LedgerExportForm(
        request.POST or None,
        user=request.user,
        initial={
            "date_from": month_start(timezone.localdate()),
            "date_to": timezone.localdate(),
        },
    )
    status = 200
    if request.method == "POST" and "retry" in request.POST:
        # The retry button of a failed export (only the user's own exports).
        return retry_button(
            request,
            lambda pk: ledger_export_retry(actor=request.user, export_id=pk),
            choose=_("Choose an export to try again."),
            back="requests:ledger-pdf",
            to=lambda export: reverse("requests:ledger-export", kwargs={"pk": export.pk}),
        )
    if request.method == "POST":
        if form.is_valid():
            try:
                export = ledger_export_create(
                    actor=request.user,
                    centre_id=form.cleaned_data["centre"].pk,
                    date_from=form.cleaned_data["date_from"],
                    date_to=form.cleaned_data["date_to"],
                )
            except (DomainError, PermissionDenied) as exc:
                attach_error(form, exc)
                status = 400
            else:
                return redirect("requests:ledger-export", pk=export.pk)
        else:
            status = 400
    exports = LedgerExport.objects.filter(requested_by=request.user).select_related("centre")[:10]
    return render(request, "requests/ledger_pdf.html", {"form": form, "exports": exports}, status=status)


@login_required
@require_GET
def ledger_export_view(request, pk: int):
    """The export's progress; htmx polls the fragment until it is done."""
    export = get_object_or_404(LedgerExport.objects.select_related("centre"), pk=pk, requested_by=request.user)
    template = "requests/partials/ledger_export_status.html" if request.htmx else "requests/ledger_export.html"
    return render(request, template, {"export": export})


@login_required
@require_GET
def ledger_export_download_view(request, pk: int):
    export = get_object_or_404(LedgerExport, pk=pk, requested_by=request.user, status="done")
    return FileResponse(
        export.file.open("rb"),
        content_type="application/pdf",
        filename=f"ledger-{export.date_from:%Y%m%d}-{export.date_to:%Y%m%d}.pdf",
    )
