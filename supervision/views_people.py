"""Supervision pages about people: the annual assessment (list, person, xlsx), integrity records, the ledger audit.

Views stay thin: every figure comes from ``assessment`` and ``audit`` over the centre ids that ``scope`` allows
(another centre's staff member or record is a 404), writes go through ``services``, and the services'
errors come back as form errors (400), a message with 409 for a record already revoked, or 403.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hallservice.core.errors import DomainError
from hallservice.core.rates import share_percent
from hallservice.core.spreadsheets import xlsx_response
from hallservice.core.web import attach_error, attempt, staff_page
from staff.models import StaffMember

from . import assessment, audit
from .forms import (
    AssessmentFilterForm,
    AuditFilterForm,
    IntegrityFilterForm,
    IntegrityRecordForm,
    IntegrityRevokeForm,
)
from .models import IntegrityRecord
from .scope import centre_ids_for
from .selectors import integrity_record_list
from .services import integrity_record_create, integrity_record_revoke

PAGE_SIZE = 25
# Columns whose first click sorts ascending; the figures sort from the highest first.
ASCENDING_FIRST = {"name", "centre"}


def filter_scope(request, form):
    """The chosen centre and the centre ids of a valid filter form, or None (with the error on the form)."""
    if not form.is_valid():
        return None
    try:
        return centre_ids_for(request.user, form.cleaned_data["centre"])
    except DomainError as exc:
        attach_error(form, exc)
        return None


# --- Annual assessment -------------------------------------------------------------------------------------


def _assessment_filter(request) -> tuple[AssessmentFilterForm, dict | None]:
    data = request.GET.copy()
    data.setdefault("year", str(timezone.localdate().year))
    form = AssessmentFilterForm(data, user=request.user)
    scoped = filter_scope(request, form)
    if scoped is None:
        return form, None
    centre, ids = scoped
    return form, {"centre": centre, "ids": ids, "year": form.cleaned_data["year"], "sort": form.cleaned_data["sort"]}


def _invalid_filter(request, form):
    """The assessment page with the filter's errors and no rows."""
    context = {
        "form": form,
        "formula": assessment.formula_note(),
        "weights": assessment.weight_table(),
        "veto": assessment.veto_note(),
        "rows": [],
        "headers": _headers(assessment.DEFAULT_SORT),
    }
    return render(request, "supervision/assessment.html", context, status=400)


def _headers(sort: str) -> list[dict]:
    """The table's column headers with the sort each one's link asks for and the current direction."""
    current, descending = sort.lstrip("-"), sort.startswith("-")
    headers = []
    for column in assessment.COLUMNS:
        if column.key == current:
            following = column.key if descending else f"-{column.key}"
            direction = "descending" if descending else "ascending"
        else:
            following = column.key if column.key in ASCENDING_FIRST else f"-{column.key}"
            direction = ""
        headers.append({"key": column.key, "label": column.label, "sort": following, "direction": direction})
    return headers


def _with_assessment_rows(view):
    """The list and its spreadsheet read one filter and show one set of rows; an invalid filter is the page with
    its errors (400), for the spreadsheet too."""

    @wraps(view)
    def wrapped(request):
        form, scope = _assessment_filter(request)
        if scope is None:
            return _invalid_filter(request, form)
        rows = assessment.assessment_rows(year=scope["year"], centre_ids=scope["ids"], sort=scope["sort"])
        return view(request, form=form, scope=scope, rows=rows)

    return wrapped


@staff_page("supervision.view_assessment")
@_with_assessment_rows
def assessment_list(request, *, form, scope, rows):
    context = {
        **scope,
        "form": form,
        "formula": assessment.formula_note(),
        "weights": assessment.weight_table(),
        "veto": assessment.veto_note(),
        "rows": [(row, assessment.table_cells(row)) for row in rows],
        "headers": _headers(scope["sort"]),
        "graded": sum(1 for row in rows if row.grade),
    }
    return render(request, "supervision/assessment.html", context)


@staff_page("supervision.view_assessment")
@_with_assessment_rows
def assessment_export(request, *, form, scope, rows):
    scope_name = scope["centre"].name if scope["centre"] else _("All my centres")
    body = assessment.assessment_workbook(rows=rows, year=scope["year"], scope_name=scope_name)
    code = scope["centre"].code if scope["centre"] else "all"
    return xlsx_response(body, f"assessment-{code}-{scope['year']}.xlsx")


@staff_page("supervision.view_assessment")
def assessment_person(request, staff_id: int):
    form, scope = _assessment_filter(request)
    if scope is None:
        raise Http404
    _all, visible_ids = centre_ids_for(request.user, None)
    member = get_object_or_404(
        StaffMember.objects.filter(centre_id__in=visible_ids).select_related("centre", "department"), pk=staff_id
    )
    # The figures of the list the person came from; a centre that does not hold them falls back to all.
    ids = scope["ids"] if member.centre_id in scope["ids"] else visible_ids
    rows = assessment.assessment_rows(year=scope["year"], centre_ids=ids, staff_id=member.pk)
    row = rows[0] if rows else assessment.AssessmentRow(staff=member)
    context = {
        "form": form,
        "member": member,
        "year": scope["year"],
        "centre": scope["centre"],
        "row": row,
        "figures": list(zip(assessment.COLUMNS[4:], assessment.table_cells(row)[4:], strict=True)),
        "components": [(c, share_percent(row.component_values().get(c.key))) for c in assessment.WEIGHTS],
        "months": assessment.monthly_breakdown(member=member, year=scope["year"], centre_ids=ids),
        "formula": assessment.formula_note(),
        **assessment.person_records(member=member, year=scope["year"], centre_ids=ids),
    }
    return render(request, "supervision/assessment_person.html", context)


# --- Integrity records -----------------------------------------------------------------------------------


def _integrity_page(request, *, new_form=None, revoke=None, status: int = 200):
    """The filtered list with the create form; ``revoke`` = (record id, failed revoke form)."""
    user = request.user
    filters = IntegrityFilterForm(request.GET, user=user)
    records = IntegrityRecord.objects.none()
    scoped = filter_scope(request, filters)
    if scoped is None:
        status = 400 if status == 200 else status
    else:
        _centre, ids = scoped
        records = integrity_record_list(
            user=user, centre_ids=ids, kind=filters.cleaned_data["kind"], year=filters.cleaned_data["year"]
        )
    can_record = user.has_perm("supervision.record_integrity")
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    failed_pk, failed_form = revoke or (None, None)
    context = {
        "filters": filters,
        "page": page,
        "rows": [
            (r, failed_form if r.pk == failed_pk else IntegrityRevokeForm(auto_id=f"id_revoke{r.pk}_%s")) for r in page
        ],
        "can_record": can_record,
        "new_form": (new_form or IntegrityRecordForm.prefilled(request.GET, user=user)) if can_record else None,
        "revoke_failed": failed_pk,
        "open_new": new_form is not None or any(key.startswith("new-") for key in request.GET),
    }
    return render(request, "supervision/integrity.html", context, status=status)


@staff_page("supervision.record_integrity", methods=["GET", "POST"])
def integrity_list(request):
    if request.method == "GET":
        return _integrity_page(request)
    form = IntegrityRecordForm(request.POST, user=request.user)
    if not form.is_valid():
        return _integrity_page(request, new_form=form, status=400)
    record, status = attempt(request, lambda: integrity_record_create(actor=request.user, **form.cleaned_data), form)
    if record is None:
        return _integrity_page(request, new_form=form, status=status)
    messages.success(
        request,
        _("Integrity record for %(name)s saved: %(kind)s on %(date)s.")
        % {"name": record.staff.name, "kind": record.get_kind_display(), "date": f"{record.occurred_on:%Y-%m-%d}"},
    )
    return redirect("supervision:integrity")


@staff_page("supervision.record_integrity", methods=["POST"])
def integrity_revoke(request, pk: int):
    record = get_object_or_404(IntegrityRecord.objects.restrict(request.user), pk=pk)
    form = IntegrityRevokeForm(request.POST, auto_id=f"id_revoke{pk}_%s")
    status = 400
    if form.is_valid():
        _revoked, status = attempt(
            request,
            lambda: integrity_record_revoke(
                actor=request.user, record_id=record.pk, reason=form.cleaned_data["reason"]
            ),
            form,
        )
        if status == 200:
            messages.success(request, _("Integrity record of %(name)s revoked.") % {"name": record.staff.name})
            return redirect(reverse("supervision:integrity"))
    return _integrity_page(request, revoke=(record.pk, form), status=status)


# --- Ledger audit ----------------------------------------------------------------------------------------


@staff_page("supervision.view_assessment")
def ledger_audit(request):
    form = AuditFilterForm(request.GET, user=request.user)
    scoped = filter_scope(request, form)
    if scoped is None:
        context = {"form": form, "counts": {}, "page": None, "tiles": []}
        return render(request, "supervision/audit.html", context, status=400)
    _centre, ids = scoped
    today = timezone.localdate()
    problem = form.cleaned_data["problem"]
    page = Paginator(audit.audit_list(centre_ids=ids, problem=problem, today=today), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = audit.problem_counts(centre_ids=ids, today=today)
    context = {
        "form": form,
        "problem": problem,
        "counts": counts,
        "tiles": [(key, label, counts[key]) for key, label in audit.PROBLEMS.items()],
        "page": page,
        "rows": [(gap.request, audit.problem_labels(gap)) for gap in page],
        "can_record": request.user.has_perm("supervision.record_integrity"),
    }
    return render(request, "supervision/audit.html", context)
