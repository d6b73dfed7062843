"""Training reports: the month's scores and pass rate, attendance, one person's history, recommendations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hallservice.core.query_params import month_asked
from hallservice.core.spreadsheets import xlsx_response
from hallservice.core.web import attempt, staff_page
from staff.models import StaffMember

from .. import exports, selectors
from .. import services as svc
from ..documents import recommendation_letter_pdf
from ..grading import pass_mark
from .common import centre_of, member_of, month_context


@staff_page("training.view_training_reports")
def scores_view(request):
    centre = centre_of(request)
    month = month_asked(request)
    report = selectors.score_report(centre, month)
    if request.GET.get("format") == "xlsx":
        content = exports.scores_workbook(centre_name=centre.name, month=month, report=report)
        return xlsx_response(content, exports.filename("scores", centre.code, month))
    context = {**month_context(request, centre, month), "report": report, "pass_mark": pass_mark()}
    return render(request, "training/report_scores.html", context)


@staff_page("training.view_training_reports")
def attendance_view(request):
    centre = centre_of(request)
    month = month_asked(request)
    sessions, rows = selectors.attendance_report(centre, month)
    if request.GET.get("format") == "xlsx":
        content = exports.attendance_workbook(centre_name=centre.name, month=month, sessions=sessions, rows=rows)
        return xlsx_response(content, exports.filename("attendance", centre.code, month))
    table = [(row, [row.sessions.get(s.pk, "") for s in sessions]) for row in rows]
    context = {**month_context(request, centre, month), "sessions": sessions, "table": table}
    return render(request, "training/report_attendance.html", context)


@login_required
@require_GET
def person_view(request, staff_pk: int):
    """One person's history: their own, or anyone's of the centres a report reader sees."""
    member = member_of(request)
    if member is not None and member.pk == staff_pk:
        person = member
    elif request.user.has_perm("training.view_training_reports"):
        person = get_object_or_404(StaffMember.objects.restrict(request.user), pk=staff_pk)
    else:
        raise Http404
    context = {
        "person": person,
        "history": selectors.person_history(person, months=12),
        "study_days": person.study_days.select_related("attempt__test").order_by("-day"),
        "recommendations": person.recommendations.select_related("test")
        if request.user.has_perm("training.view_training_reports")
        else [],
        "pass_mark": pass_mark(),
    }
    return render(request, "training/person.html", context)


@staff_page("training.view_training_reports")
def recommendations_view(request):
    context = {"recommendations": selectors.recommendation_list(user=request.user)}
    return render(request, "training/recommendations.html", context)


@staff_page("training.view_training_reports")
def recommendation_letter_view(request, pk: int):
    rec = get_object_or_404(selectors.recommendation_list(user=request.user), pk=pk)
    response = HttpResponse(recommendation_letter_pdf(rec), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="recommendation-{rec.pk}.pdf"'
    return response


@staff_page("training.manage_tests", methods=["POST"])
def recommendation_sent_view(request, pk: int):
    rec = get_object_or_404(selectors.recommendation_list(user=request.user), pk=pk)
    done, _status = attempt(
        request, lambda: svc.recommendation_mark_sent(actor=request.user, recommendation_id=rec.pk)
    )
    if done is not None:
        messages.success(request, _("Recorded as sent to %(company)s.") % {"company": done.company or "—"})
    return redirect("training:recommendations")
