"""The printed public display as PDF: a matter's one-time checklist and the two signs of the help desk.

Pure functions from what they print to PDF bytes (hallservice.core.pdf, the same fonts and QR codes as the request
forms). Like the forms, they are printed in Simplified Chinese whatever the clerk's language: their headings are
the seeds' own words (seed 000 一 "一次未办好投诉" 标识, seed 001 七.1 一次性告知, seed 004 服务场所 帮办代办标识牌).
"""

from __future__ import annotations

from datetime import date

from django.utils import translation

from hallservice.core.pdf import qr_image, render_pdf
from requests.documents import FORM_STYLESHEET, SUBMISSION_FORM_LABELS
from requests.models import Matter
from staff.models import ServiceCentre

from .selectors import Board, matter_contact, matter_place, process_steps

SIGN_STYLESHEET = "guide/documents/signs.css"
# A sign hangs on the desk (A4) or on the wall behind it (A3); the layout scales with the page.
SIGN_SIZES = ("A4", "A3")
SIGN_COLUMNS = 3
# Anyone may fetch these without a login: each is kept in the cache under the digest of its HTML (a new day, desk or
# material is a new key), so reloads and many visitors cost no layout (hallservice.core.pdf.render_pdf).
PUBLIC_PDF_CACHE_SECONDS = 24 * 60 * 60
# How the checklist names a material's form (shared with the desk's printed one-time notice).
FORM_LABELS = SUBMISSION_FORM_LABELS


def _hall(centre: ServiceCentre | None) -> dict:
    if centre is None:
        return {}
    return {
        "name": centre.name,
        "address": centre.address,
        "phone": centre.phone,
        "complaint_phone": centre.complaint_phone,
        "hours": f"{centre.opening_time:%H:%M}—{centre.closing_time:%H:%M}",
    }


def render_checklist(matter: Matter, *, centre: ServiceCentre | None, guide_url: str, printed_on: date) -> bytes:
    """The matter's 办事材料清单 (一次性告知): every material with how to get it, its form, the copies and whether
    it may follow later (容缺), a box to tick when ready; the process, time limit, fees, legal basis and window."""
    helper, phone = matter_contact(matter)
    with translation.override("zh-hans"):
        context = {
            "title": f"{matter.name} 办事材料清单",
            "matter": matter,
            "department": matter.department.name,
            "place": matter_place(matter),
            "promise": f"{matter.time_limit_days} 个工作日" if matter.time_limit_days else "即办（当场办结）",
            "process": process_steps(matter),
            "materials": [
                {
                    "name": m.name,
                    "how_to_obtain": m.how_to_obtain,
                    "form": FORM_LABELS.get(m.submission_form, m.submission_form),
                    "copies": m.copies,
                    "tolerant": m.tolerant_waivable,
                }
                for m in matter.materials.all()
            ],
            "helper": helper,
            "phone": phone,
            "hall": _hall(centre),
            "qr_image": qr_image(guide_url),
            "printed_on": printed_on,
        }
    return render_pdf(
        "guide/documents/checklist.html",
        context,
        stylesheets=(FORM_STYLESHEET,),
        cache_seconds=PUBLIC_PDF_CACHE_SECONDS,
    )


def render_service_sign(board: Board, *, size: str, guide_url: str) -> bytes:
    """The 帮办代办 sign (seed 004 服务场所 帮办代办标识牌, 帮办代办服务人员信息): free service, who is on duty
    today and where, and a QR code to the service guide."""
    people = [e for e in board.on_duty if e is not board.leader]
    context = {
        "size": size,
        "hall": _hall(board.centre),
        "day": board.day,
        "is_working_day": board.is_working_day,
        "leader": board.leader,
        "on_duty": people,
        # Three people a row: a hall's thirty helpers fit one A4 page.
        "on_duty_rows": [people[i : i + SIGN_COLUMNS] for i in range(0, len(people), SIGN_COLUMNS)],
        "columns": range(SIGN_COLUMNS),
        "qr_image": qr_image(guide_url),
    }
    return render_pdf(
        "guide/documents/service_sign.html",
        context,
        stylesheets=(SIGN_STYLESHEET,),
        cache_seconds=PUBLIC_PDF_CACHE_SECONDS,
    )


def render_complaint_sign(centre: ServiceCentre | None, *, size: str, complaint_url: str) -> bytes:
    """The "一次未办好投诉" sign hung at the help desk (seed 000 一) with a QR code to the public complaint form
    (seed 001 九 找茬吐槽) and the hall's complaint phone."""
    context = {"size": size, "hall": _hall(centre), "qr_image": qr_image(complaint_url)}
    return render_pdf(
        "guide/documents/complaint_sign.html",
        context,
        stylesheets=(SIGN_STYLESHEET,),
        cache_seconds=PUBLIC_PDF_CACHE_SECONDS,
    )
