"""Public pages for citizens (no login): what a QR code on a printed form opens.

Only what the applicant may see: the stage, the promised date, the helper's name, the public timeline, and
whether the printed form is the latest version. Never ID numbers, phones, addresses or internal notes.
"""

from __future__ import annotations

from django.core import signing
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from hallservice.workdays import WorkingCalendar

from .models import IssuedDocument, ServiceRequest, Status
from .services.documents import read_track_token


def masked_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***; organisations keep their name (it is public)."""
    if len(name) <= 1:
        return name
    if len(name) > 6:  # an organisation's name
        return name
    return name[0] + "*" * (len(name) - 1)


@never_cache
def track_document(request, token: str):
    try:
        request_id, kind, version = read_track_token(token)
    except signing.BadSignature:
        raise Http404 from None
    document = (
        IssuedDocument.objects.select_related("request", "request__matter", "request__helper", "request__centre")
        .filter(request_id=request_id, kind=kind, version=version)
        .first()
    )
    if document is None:
        raise Http404
    req: ServiceRequest = document.request
    latest = (
        IssuedDocument.objects.filter(request=req, kind=kind).order_by("-version").values_list("version", flat=True)
    )
    today = timezone.localdate()
    days_left = None
    if req.deadline and req.status in (Status.ACCEPTED, Status.IN_PROGRESS):
        days_left = WorkingCalendar().working_days_between(today, req.deadline)
    context = {
        "document": document,
        "is_latest": latest.first() == document.version,
        "latest_version": latest.first(),
        "req": req,
        "applicant": masked_name(req.applicant_name),
        "days_left": days_left,
        "events": req.events.filter(public=True).order_by("at"),
    }
    return render(request, "requests/public/document_check.html", context)
