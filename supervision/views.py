"""Statistics dashboard (charts with table views and CSV) and the monthly reports page, for the supervision section.

Views stay thin: the period and centre come from a form, `scope.build_scope` limits them to what the user
may see, `statistics.compute_statistics` aggregates, and reports are built by a Celery task.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from hallservice.core.errors import DomainError, PermissionDenied
from hallservice.core.months import month_end, month_start, previous_month
from hallservice.core.spreadsheets import XLSX_CONTENT_TYPE, write_csv
from hallservice.core.web import attach_error, retry_button, staff_page

from .forms import PeriodForm, ReportForm
from .scope import build_scope
from .selectors import monthly_reports_visible_to
from .services import monthly_report_request, monthly_report_retry
from .statistics import chart_tables, compute_statistics

# Charts drawn on the page: (table key, chart type). Every chart also has a table view and a CSV download.
CHARTS = [
    ("monthly", "line"),
    ("weekly", "line"),
    ("department", "bar"),
    ("kind", "doughnut"),
    ("channel", "bar"),
    ("category", "bar"),
    ("priority", "bar"),
    ("satisfaction", "bar"),
]


def presets(today: date) -> list[tuple[str, date, date]]:
    """Quick periods offered above the form."""
    this_month = month_start(today)
    last_month = previous_month(today)
    return [
        (_("This month"), this_month, today),
        (_("Last month"), last_month, month_end(last_month)),
        (_("This year"), today.replace(month=1, day=1), today),
        (_("Last year"), date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
        (_("Last 12 months"), (this_month - timedelta(days=335)).replace(day=1), today),
    ]


def _period(request):
    """The bound period form and the scope it describes, or the form with its errors and no scope."""
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("date_from", f"{today.replace(month=1, day=1):%Y-%m-%d}")
    data.setdefault("date_to", f"{today:%Y-%m-%d}")
    form = PeriodForm(data, user=request.user)
    if not form.is_valid():
        return form, None
    centre = form.cleaned_data["centre"]
    try:
        scope = build_scope(
            request.user,
            centre_id=centre.pk if centre else None,
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
        )
    except DomainError as exc:
        attach_error(form, exc)
        return form, None
    return form, scope


@staff_page("supervision.view_statistics")
def statistics_view(request):
    form, scope = _period(request)
    today = timezone.localdate()
    context = {"form": form, "presets": presets(today), "today": today}
    if scope is None:
        return render(request, "supervision/statistics.html", context, status=400)
    stats = compute_statistics(scope, today=today)
    tables = chart_tables(stats)
    query = request.GET.urlencode()
    context.update(
        stats=stats,
        scope=scope,
        query=query,
        charts=[{"key": key, "type": kind, "id": f"chart-{key}", **tables[key]} for key, kind in CHARTS],
        helpers=tables["helpers"],
        chart_data={key: {"header": tables[key]["header"], "rows": tables[key]["rows"]} for key, _kind in CHARTS},
    )
    return render(request, "supervision/statistics.html", context)


@staff_page("supervision.view_statistics")
def statistics_csv(request):
    """One chart's table as CSV (UTF-8 with BOM, so Excel opens Chinese text correctly)."""
    form, scope = _period(request)
    if scope is None:
        return HttpResponse("; ".join(e for errors in form.errors.values() for e in errors), status=400)
    key = request.GET.get("chart", "")
    tables = chart_tables(compute_statistics(scope))
    if key not in tables:
        return HttpResponse(_("Unknown chart."), status=400)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="statistics-{key}-{scope.date_from:%Y%m%d}-{scope.date_to:%Y%m%d}.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response)
    write_csv(writer, [tables[key]["header"], *tables[key]["rows"]])
    return response


# --- Monthly reports -------------------------------------------------------------------------------------


@staff_page("supervision.view_statistics", methods=None)
def report_list(request):
    today = timezone.localdate()
    last_month = previous_month(today)
    member = getattr(request.user, "staff_member", None)
    form = ReportForm(
        request.POST or None,
        user=request.user,
        initial={"month": last_month, "centre": member.centre_id if member else None},
    )
    status = 200
    if request.method == "POST" and "retry" in request.POST:
        return _report_retry(request)
    if request.method == "POST":
        if form.is_valid():
            try:
                report = monthly_report_request(
                    actor=request.user, centre_id=form.cleaned_data["centre"].pk, month=form.cleaned_data["month"]
                )
            except (DomainError, PermissionDenied) as exc:
                attach_error(form, exc)
                status = 400
            else:
                return redirect(f"{request.path}#report-{report.pk}")
        else:
            status = 400
    reports = monthly_reports_visible_to(request.user)[:36]
    return render(request, "supervision/reports.html", {"form": form, "reports": reports}, status=status)


def _report_retry(request):
    """The retry button of a failed report (a POST to the list page)."""
    return retry_button(
        request,
        lambda pk: monthly_report_retry(actor=request.user, report_id=pk),
        choose=_("Choose a report to try again."),
        back=request.path,
        to=lambda report: f"{request.path}#report-{report.pk}",
    )


@staff_page("supervision.view_statistics")
def report_status(request, pk: int):
    """One report's row; htmx polls it while the task runs."""
    report = get_object_or_404(monthly_reports_visible_to(request.user), pk=pk)
    return render(request, "supervision/partials/report_row.html", {"report": report})


@staff_page("supervision.view_statistics")
def report_download(request, pk: int, fmt: str):
    report = get_object_or_404(monthly_reports_visible_to(request.user), pk=pk, status="done")
    if fmt not in ("xlsx", "pdf"):
        raise Http404
    file = report.xlsx if fmt == "xlsx" else report.pdf
    return FileResponse(
        file.open("rb"),
        content_type=XLSX_CONTENT_TYPE if fmt == "xlsx" else "application/pdf",
        filename=f"report-{report.centre.code}-{report.month:%Y-%m}.{fmt}",
        as_attachment=fmt == "xlsx",
    )
