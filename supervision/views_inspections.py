"""Pages of inspections (督查), circulated notices (通报) and difficult points (难点堵点).

The supervision section writes (``supervision.manage_inspections``), bureau leaders read
(``supervision.view_inspections``), everyone else gets a 403. Views stay thin: rows come from ``selectors`` (another
centre's record is a 404), writes go through ``services_inspections`` via ``core.web.submit``, whose errors come back
as form errors (400), a message with 409 for a step the state refuses, or 403.
"""

from __future__ import annotations

from functools import partial

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from hallservice.core.web import staff_page, submit

from . import selectors
from . import services_inspections as svc
from .choices import DIFFICULT_POINT_TRANSITIONS, DifficultPointStatus
from .documents import notice_pdf
from .forms_inspections import (
    DifficultPointFilterForm,
    DifficultPointForm,
    InspectionForm,
    MeetingForm,
    NoticeForm,
    RectificationForm,
    ResolveForm,
)

READ = "supervision.view_inspections"
WRITE = svc.MANAGE
PAGE_SIZE = 25


def _list(request, template: str, rows, **context):
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, template, {"page": page, "can_write": request.user.has_perm(WRITE), **context})


def _create_page(request, form, service, *, success, heading: str, intro: str, back: str):
    """A record's creation page: the form, its POST through ``service(actor=…, **cleaned_data)``, and on success
    the redirect to the new record."""
    done, status = submit(request, form, lambda d: service(actor=request.user, **d), success=success)
    if done:
        return done
    context = {"form": form, "heading": heading, "intro": intro, "back": back}
    return render(request, "supervision/inspections/form.html", context, status=status)


def _post_on_record(request, form, service, *, success: str, page, to=None):
    """A form posted from a record's page: its POST through ``service(actor=…, **cleaned_data)``, and on an error
    the record's page again, drawn by ``page(status)`` with the form and its errors."""
    done, status = submit(request, form, lambda d: service(actor=request.user, **d), success=success, to=to)
    return done or page(status)


# --- Inspections -------------------------------------------------------------------------------------------------


@staff_page(READ)
def inspection_list(request):
    return _list(request, "supervision/inspections/inspection_list.html", selectors.inspection_list(user=request.user))


@staff_page(WRITE, methods=["GET", "POST"])
def inspection_create(request):
    return _create_page(
        request,
        InspectionForm(request.POST or None, user=request.user),
        svc.inspection_record,
        success=_("Inspection recorded."),
        heading=_("Record an inspection"),
        intro=_("Findings need a deadline for putting them right; the result is recorded later on the inspection."),
        back="supervision:inspections",
    )


def _inspection_page(request, pk: int, *, rectify_form=None, status: int = 200):
    inspection = get_object_or_404(selectors.inspection_list(user=request.user), pk=pk)
    can_rectify = request.user.has_perm(WRITE) and inspection.findings and not inspection.rectified
    context = {
        "inspection": inspection,
        "events": inspection.events.select_related("actor__staff_member"),
        "notices": inspection.notices.order_by("-year", "-sequence"),
        "rectify_form": (rectify_form or RectificationForm(initial={"rectified_on": timezone.localdate()}))
        if can_rectify
        else None,
        "overdue": bool(
            inspection.findings
            and not inspection.rectified
            and inspection.rectify_by
            and inspection.rectify_by < timezone.localdate()
        ),
    }
    return render(request, "supervision/inspections/inspection_detail.html", context, status=status)


@staff_page(READ)
def inspection_detail(request, pk: int):
    return _inspection_page(request, pk)


@staff_page(WRITE, methods=["POST"])
def inspection_rectify(request, pk: int):
    inspection = get_object_or_404(selectors.inspection_list(user=request.user), pk=pk)
    form = RectificationForm(request.POST)
    return _post_on_record(
        request,
        form,
        partial(svc.inspection_record_rectification, inspection_id=inspection.pk),
        success=_("Rectification recorded."),
        page=lambda status: _inspection_page(request, pk, rectify_form=form, status=status),
    )


# --- Circulated notices ------------------------------------------------------------------------------------------


@staff_page(READ)
def notice_list(request):
    return _list(request, "supervision/inspections/notice_list.html", selectors.notice_list(user=request.user))


@staff_page(WRITE, methods=["GET", "POST"])
def notice_create(request):
    return _create_page(
        request,
        NoticeForm(request.POST or None, user=request.user, initial=_notice_draft(request)),
        svc.notice_issue,
        success=lambda notice: _("Notice %(number)s issued.") % {"number": notice.number},
        heading=_("Issue a circulated notice"),
        intro=_("The number is given when it is issued; the staff of the inspections chosen are named in it."),
        back="supervision:notices",
    )


def _notice_draft(request) -> dict:
    """A notice issued from an inspection starts from it: its centre, and a body drafted from its findings."""
    ids = [int(value) for value in request.GET.getlist("inspection") if value.isdigit() and len(value) < 10]
    inspections = list(selectors.inspection_list(user=request.user).filter(pk__in=ids).exclude(findings=""))
    initial: dict = {"inspection_ids": [i.pk for i in inspections]}
    centres = {i.centre_id for i in inspections}
    if len(centres) == 1:
        initial["centre_id"] = centres.pop()
    paragraphs = []
    for i in inspections:
        text = _("On %(date)s the inspection of %(place)s found: %(findings)s") % {
            "date": f"{i.inspected_on:%Y-%m-%d}",
            "place": " ".join(
                name for name in (i.centre.name, i.department and i.department.name, i.staff and i.staff.name) if name
            ),
            "findings": i.findings.strip(),
        }
        if i.rectify_by:
            text += " " + _("To be rectified by %(date)s.") % {"date": f"{i.rectify_by:%Y-%m-%d}"}
        paragraphs.append(text)
    if paragraphs:
        initial["body"] = "\n\n".join(paragraphs)
    return initial


@staff_page(READ)
def notice_detail(request, pk: int):
    notice = get_object_or_404(selectors.notice_list(user=request.user), pk=pk)
    context = {
        "notice": notice,
        "inspections": notice.inspections.select_related("centre", "department", "staff"),
        "events": notice.events.select_related("actor__staff_member"),
    }
    return render(request, "supervision/inspections/notice_detail.html", context)


@staff_page(READ)
def notice_download(request, pk: int):
    notice = get_object_or_404(selectors.notice_list(user=request.user), pk=pk)
    response = HttpResponse(notice_pdf(notice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{notice.year}-{notice.sequence}.pdf"'
    return response


# --- Difficult points ----------------------------------------------------------------------------------------------


@staff_page(READ)
def difficult_point_list(request):
    filters = DifficultPointFilterForm(request.GET)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    rows = selectors.difficult_point_list(user=request.user, status=status)
    return _list(request, "supervision/inspections/point_list.html", rows, filters=filters)


@staff_page(WRITE, methods=["GET", "POST"])
def difficult_point_create(request):
    return _create_page(
        request,
        DifficultPointForm(request.POST or None, user=request.user),
        svc.difficult_point_record,
        success=_("Difficult point recorded."),
        heading=_("Record a difficult point"),
        intro=_("A difficult point met in help-and-agency work, to be settled in coordination meetings."),
        back="supervision:difficult-points",
    )


def _point_page(request, pk: int, *, meeting_form=None, resolve_form=None, status: int = 200):
    point = get_object_or_404(selectors.difficult_point_list(user=request.user), pk=pk)
    open_for_more = request.user.has_perm(WRITE) and bool(DIFFICULT_POINT_TRANSITIONS[point.status])
    context = {
        "point": point,
        "meetings": point.meetings.select_related("recorded_by__staff_member"),
        "events": point.events.select_related("actor__staff_member"),
        "meeting_form": (meeting_form or MeetingForm(initial={"held_on": timezone.localdate()}))
        if open_for_more
        else None,
        "resolve_form": (resolve_form or ResolveForm()) if open_for_more else None,
        "resolved": point.status == DifficultPointStatus.RESOLVED,
    }
    return render(request, "supervision/inspections/point_detail.html", context, status=status)


@staff_page(READ)
def difficult_point_detail(request, pk: int):
    return _point_page(request, pk)


@staff_page(WRITE, methods=["POST"])
def difficult_point_meeting(request, pk: int):
    point = get_object_or_404(selectors.difficult_point_list(user=request.user), pk=pk)
    form = MeetingForm(request.POST)
    return _post_on_record(
        request,
        form,
        partial(svc.difficult_point_add_meeting, point_id=point.pk),
        success=_("Coordination meeting recorded."),
        page=lambda status: _point_page(request, pk, meeting_form=form, status=status),
        to=lambda meeting: meeting.point,
    )


@staff_page(WRITE, methods=["POST"])
def difficult_point_resolve(request, pk: int):
    point = get_object_or_404(selectors.difficult_point_list(user=request.user), pk=pk)
    form = ResolveForm(request.POST)
    return _post_on_record(
        request,
        form,
        partial(svc.difficult_point_resolve, point_id=point.pk),
        success=_("Difficult point resolved."),
        page=lambda status: _point_page(request, pk, resolve_form=form, status=status),
    )
