"""Staff pages for signed forms kept as files (issue 18): upload a scan, sign on the tablet, download a kept copy."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hallservice.core.errors import PermissionDenied
from hallservice.core.web import attempt

from .actions import in_charge
from .forms import SignaturePadForm, SignatureUploadForm
from .models import DocumentKind, KeptSignature, ServiceRequest, SignatureSource, SignedFormKind
from .services.documents import document_refusal
from .services.signatures import TABLET_KINDS, signature_refusal, signature_sign_on_tablet, signature_upload
from .views_documents import kept_file


def signature_panel(user, req: ServiceRequest) -> dict:
    """The request page's signed-forms card: what is kept, and what may be added now by this user."""
    may_act = user.has_perm("requests.handle_request") and in_charge(user, req) and not req.is_archived
    kinds = [kind for kind in SignedFormKind if signature_refusal(kind, req) is None] if may_act else []
    return {
        "kept": list(req.signatures.all()),
        "upload_form": SignatureUploadForm(initial={"kind": kinds[0] if kinds else None}) if kinds else None,
        "upload_kinds": kinds,
        # The pad signs a printed form: named as the form, not as the kept signed copy.
        "pad_kinds": [(kind.value, DocumentKind(kind.value).label) for kind in _pad_kinds(req, kinds)],
    }


def _pad_kinds(req: ServiceRequest, kinds: list[SignedFormKind]) -> list[SignedFormKind]:
    """The forms the tablet can sign now: printed already, or printable now (the pad page then says to print it).

    A help request has no commission letter or acceptance form to print (they are agency forms), so no pad button
    may lead the clerk to a page where nothing can be done; a scan of a signed blank form is still uploaded.
    """
    printed = {document.kind for document in req.documents.all()}
    return [
        kind
        for kind in kinds
        if kind in TABLET_KINDS and (kind.value in printed or document_refusal(DocumentKind(kind.value), req) is None)
    ]


def _request_of(user, pk: int) -> ServiceRequest:
    return get_object_or_404(ServiceRequest.objects.restrict(user), pk=pk)


@login_required
@require_POST
def signature_upload_view(request, pk: int):
    """Keep a scan or photo of a signed paper form; a refusal shows on the request page with its status."""
    from .views import render_request_page  # the request page's module imports this one

    req = _request_of(request.user, pk)
    form = SignatureUploadForm(request.POST, request.FILES)
    if not request.user.has_perm("requests.handle_request"):
        raise PermissionDenied(_("You may not do this with request %(number)s.") % {"number": req.number})
    if not form.is_valid():
        messages.error(request, _("Choose the signed form and its file."))
        return render_request_page(request, req.pk, status=400)
    kept, status = attempt(
        request,
        lambda: signature_upload(
            actor=request.user, request_id=req.pk, kind=form.cleaned_data["kind"], file=form.cleaned_data["file"]
        ),
    )
    if kept is None:
        return render_request_page(request, req.pk, status=status)
    messages.success(
        request, _("%(form)s kept (version %(version)s).") % {"form": kept.get_kind_display(), "version": kept.version}
    )
    return redirect(f"{req.get_absolute_url()}#signatures")


@login_required
@require_http_methods(["GET", "POST"])
def signature_pad_view(request, pk: int, kind: str):
    """The signature pad: the applicant signs on the tablet; the signed copy of the printed form is kept."""
    req = _request_of(request.user, pk)
    if kind not in [k.value for k in TABLET_KINDS]:
        raise Http404
    if not request.user.has_perm("requests.handle_request") or not in_charge(request.user, req):
        raise PermissionDenied(_("You may not do this with request %(number)s.") % {"number": req.number})
    kind = SignedFormKind(kind)
    form = SignaturePadForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            kept, status = attempt(
                request,
                lambda: signature_sign_on_tablet(
                    actor=request.user, request_id=req.pk, kind=kind, signature=form.cleaned_data["signature"]
                ),
                form,
                conflict_on_form=True,
            )
            if kept is not None:
                messages.success(
                    request,
                    _("%(form)s signed on the tablet and kept (version %(version)s).")
                    % {"form": kept.get_kind_display(), "version": kept.version},
                )
                return redirect(f"{req.get_absolute_url()}#signatures")
        else:
            status = 400
    printed = req.documents.filter(kind=DocumentKind(kind.value)).order_by("-version").first()
    context = {
        "req": req,
        "kind": kind,
        "form_label": DocumentKind(kind.value).label,
        "form": form,
        "printed": printed,
        "refusal": signature_refusal(kind, req),
    }
    return render(request, "requests/signature_pad.html", context, status=status)


@login_required
@require_GET
def signature_download_view(request, pk: int):
    """A kept signed form; a scan of the paper may carry full ID numbers, so it goes only to those who see them."""
    signature = kept_file(
        request, KeptSignature.objects, pk, with_id_numbers=lambda signature: signature.source == SignatureSource.SCAN
    )
    return FileResponse(signature.file.open("rb"), filename=f"{signature.request.number}-{signature.file_name}")
