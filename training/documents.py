"""The recommendation letter to a labour-dispatch company (PDF, WeasyPrint): a pure function to PDF bytes.

Like the request forms (requests.documents), the letter is an official text in Simplified Chinese whatever the
user's language, set in the same fonts (hallservice.core.fonts: Noto Serif CJK SC cut down); it reuses `render_pdf`.
"""

from __future__ import annotations

from django.utils import timezone

from hallservice.core.pdf import render_pdf

from .grading import pass_mark
from .models import Recommendation

TEMPLATE = "training/documents/recommendation_letter.html"


def recommendation_letter_context(rec: Recommendation) -> dict:
    member = rec.staff
    return {
        "title": "关于帮办代办人员考核情况的建议函",
        "rec": rec,
        "staff": member,
        "centre": member.centre,
        "company": rec.company,
        "months": rec.months,
        "pass_mark": pass_mark(),
        "issued_on": timezone.localdate(),
        "code": f"TRN-{rec.pk:05d}",
    }


def recommendation_letter_pdf(rec: Recommendation) -> bytes:
    return render_pdf(TEMPLATE, recommendation_letter_context(rec))
