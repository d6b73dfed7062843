"""The circulated notice (督查通报) as a PDF: a pure function from the notice to bytes (WeasyPrint, the hall's fonts).

Like the request forms and the training letter, the notice is an official text in Simplified Chinese whatever the
user's language; it reuses ``hallservice.core.pdf.render_pdf`` and the documents' base template.
"""

from __future__ import annotations

from hallservice.core.pdf import render_pdf

from .models import Notice

TEMPLATE = "supervision/documents/notice.html"


def notice_context(notice: Notice) -> dict:
    inspections = notice.inspections.select_related("centre", "department", "staff").order_by("inspected_on", "pk")
    return {
        "title": notice.title,
        "notice": notice,
        "number": notice.number,
        "code": f"SUP-N-{notice.pk:05d}",
        "centre": notice.centre,
        # The body as typed: one paragraph per non-empty line.
        "paragraphs": [line.strip() for line in notice.body.splitlines() if line.strip()],
        "inspections": list(inspections),
        "named": list(notice.named_staff.select_related("centre").order_by("name")),
        "issuer": getattr(notice.issued_by, "staff_member", None),
    }


def notice_pdf(notice: Notice) -> bytes:
    return render_pdf(TEMPLATE, notice_context(notice))
