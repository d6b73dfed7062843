"""The skills matrix (issue 19 item 5): the heat map of helpers × departments, a helper's page with their gaps, and
the supervisor's "recompute now". Figures and the rule are ``skills``; the centres come from ``scope`` (another
centre's helper is a 404), and only the supervision section (``supervision.view_assessment``) sees the pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hallservice.core.web import attempt, staff_page
from staff.models import QualificationLevel, StaffMember

from . import skill_gaps, skills
from .forms import SkillsFilterForm
from .scope import centre_ids_for
from .views_people import filter_scope

PERMISSION = "supervision.view_assessment"


def _context(**extra) -> dict:
    return {
        "levels": [(level.value, level.label) for level in QualificationLevel],
        "rule": skills.rule_text(),
        "period": skills.period_note(),
        **extra,
    }


@staff_page(PERMISSION)
def skills_matrix(request):
    form = SkillsFilterForm(request.GET, user=request.user)
    scoped = filter_scope(request, form)
    if scoped is None:
        return render(request, "supervision/skills.html", _context(form=form, rows=None), status=400)
    centre, ids = scoped
    departments, rows, computed_at = skills.matrix(centre_ids=ids, department_id=form.cleaned_data["department"])
    context = _context(
        form=form, centre=centre, departments=departments, rows=rows, computed_at=computed_at, query=request.GET
    )
    return render(request, "supervision/skills.html", context)


@staff_page(PERMISSION, methods=["POST"])
def skills_recompute(request):
    """Grade the helpers of the chosen centre (or all the user's centres) again, now."""
    form = SkillsFilterForm(request.POST, user=request.user)
    scoped = filter_scope(request, form)
    if scoped is None:
        messages.error(request, _("You cannot see this centre."))
        return redirect("supervision:skills")
    centre, ids = scoped
    result = skills.recompute(centre_ids=ids)
    messages.success(
        request,
        _("Skills matrix recomputed: %(rows)d qualifications, %(opened)d new gaps, %(closed)d gaps closed.")
        % {"rows": result["qualifications"], "opened": result["gaps_opened"], "closed": result["gaps_closed"]},
    )
    url = reverse("supervision:skills")
    return redirect(f"{url}?centre={centre.pk}" if centre else url)


@staff_page(PERMISSION)
def skills_person(request, staff_id: int):
    _all, visible_ids = centre_ids_for(request.user, None)
    member = get_object_or_404(
        StaffMember.objects.filter(centre_id__in=visible_ids).select_related("centre", "department"), pk=staff_id
    )
    return render(request, "supervision/skills_person.html", _context(member=member, **skills.helper_detail(member)))


@staff_page(skill_gaps.PERMISSION, methods=["POST"])
def skill_gap_plan(request, gap_id: int):
    """The section decides to train a helper's open gap (from the training proposals page): recorded in the
    training history, then the session form opens prefilled with the weakest topic and the department."""
    _all, visible_ids = centre_ids_for(request.user, None)
    get_object_or_404(skill_gaps.open_gaps(centre_ids=visible_ids), pk=gap_id)
    done, _status = attempt(request, lambda: skill_gaps.skill_gap_plan(actor=request.user, gap_id=gap_id))
    if done is None:
        return redirect("training:proposals")
    gap, url = done
    messages.success(
        request,
        _("Training decided for %(helper)s at %(department)s: plan it below.")
        % {"helper": gap.staff.name, "department": gap.department.name},
    )
    return redirect(url)
