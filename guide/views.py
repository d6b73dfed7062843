"""The public display (公示) under /guide/, no login: seed 004 服务场所 (帮办代办标识牌, 服务事项和流程, 服务人员信息),
seed 001 九 (宣传引导: "让来市民中心办事的企业、群众能够看到、了解和接收帮办代办服务"), seed 000 一 (悬挂"一次未办好投诉"标识).

- the service guide: every active matter with its materials, process, time limit, fees, legal basis and window,
  searchable by name and pinyin, and a printable one-time checklist per matter so a citizen prepares before coming;
- the helper board: each helper's photo (or initials), name, staff number, work phone, business scope and today's
  desk — never an ID number or a personal phone (guide.selectors.BoardEntry holds nothing else);
- the printed signs (A4 or A3): the 帮办代办 sign with today's helpers and a QR code to the guide, and the
  "一次未办好投诉" sign with a QR code to the complaint form.

The pages share the citizens' layout and elder-friendly mode with /track/ (requests.public.views.render_public).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from hallservice.core.query_params import validated
from requests.public.views import render_public

from . import documents
from .forms import CentreForm, GuideSearchForm, SignForm
from .selectors import (
    board_centre,
    board_centres,
    guide_matter,
    guide_matters,
    helper_board,
    helper_photo,
    matter_contact,
    matter_place,
    process_steps,
)

# A photo or PDF of the public display may be cached by the browser for a while; the board's desks change daily.
PHOTO_MAX_AGE = 60 * 60


def _public_url(name: str, *args) -> str:
    # The QR codes on paper lead to the address citizens use (settings.PUBLIC_BASE_URL), as the forms' do.
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse(name, args=args)


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _matter_view(matter) -> dict:
    """What the pages show of a matter beside the row itself."""
    helper, phone = matter_contact(matter)
    return {
        "matter": matter,
        "place": matter_place(matter),
        "steps": process_steps(matter),
        "helper": helper,
        "phone": phone,
        "materials": list(matter.materials.all()),
    }


def _centre_or_404(code: str):
    centre = board_centre(code)
    if code and centre is None:
        raise Http404
    return centre


# --- The service guide ------------------------------------------------------------------------------------------


@require_GET
def guide_home(request):
    """Every active matter, by department, each opening to its materials, process and window; the search matches
    the name, the code, pinyin initials ("bdc") or full pinyin ("budongchan")."""
    query = validated(GuideSearchForm, request.GET)["q"].strip()
    matters = [_matter_view(m) for m in guide_matters(query=query)]
    return render_public(request, "guide/home.html", {"query": query, "matters": matters})


@require_GET
def guide_matter_detail(request, code: str):
    matter = guide_matter(code)
    if matter is None:
        raise Http404
    return render_public(request, "guide/matter.html", _matter_view(matter))


@require_GET
def guide_checklist_pdf(request, code: str):
    """The matter's one-time checklist to print at home (seed 001 七.1 一次性告知)."""
    matter = guide_matter(code)
    if matter is None:
        raise Http404
    data = documents.render_checklist(
        matter,
        centre=board_centre(None),
        guide_url=_public_url("guide:matter", matter.code),
        printed_on=timezone.localdate(),
    )
    return _pdf(data, f"checklist-{matter.code}.pdf")


# --- The helper board ---------------------------------------------------------------------------------------------


@require_GET
def guide_helpers(request):
    """The hall's helpers and where each stands today; ``?centre=`` names a town's centre. Without a centre known
    (several districts share the database and none is set), the citizen picks one."""
    code = validated(CentreForm, request.GET)["centre"]
    centre = _centre_or_404(code)
    if centre is None:
        return render_public(request, "guide/pick_centre.html", {"centres": board_centres()})
    board = helper_board(centre, timezone.localdate())
    return render_public(request, "guide/helpers.html", {"board": board, "centre_code": code}, centre=centre)


@require_GET
def guide_helper_photo(request, pk: int):
    """A helper's photo from the board: only an active helper's, only the photo (MEDIA_ROOT is never served)."""
    member = helper_photo(pk)
    if member is None:
        raise Http404
    try:
        handle = member.photo.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    content_type = mimetypes.guess_type(member.photo.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type, filename=Path(member.photo.name).name)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = f"public, max-age={PHOTO_MAX_AGE}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- The signs ------------------------------------------------------------------------------------------------------


@require_GET
def guide_service_sign(request):
    """The 帮办代办 sign with today's helpers (``?size=A3`` for the wall, ``?centre=`` for a town's desk)."""
    params = validated(SignForm, request.GET)
    centre = _centre_or_404(params["centre"])
    if centre is None:
        raise Http404
    size = params["size"] or "A4"
    # The desks' labels are built now: in Chinese like the rest of the sign, whatever the visitor's language.
    with translation.override("zh-hans"):
        board = helper_board(centre, timezone.localdate())
    data = documents.render_service_sign(board, size=size, guide_url=_public_url("guide:home"))
    return _pdf(data, f"sign-service-{centre.code}-{size}.pdf")


@require_GET
def guide_complaint_sign(request):
    """The "一次未办好投诉" sign with a QR code to the public complaint form."""
    params = validated(SignForm, request.GET)
    centre = _centre_or_404(params["centre"])
    size = params["size"] or "A4"
    data = documents.render_complaint_sign(centre, size=size, complaint_url=_public_url("track:complain"))
    return _pdf(data, f"sign-complaint-{centre.code if centre else 'hall'}-{size}.pdf")
