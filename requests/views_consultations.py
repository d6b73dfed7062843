"""Staff pages of consultations (咨询) under 首问负责: list, record, the consultation page, answer, hand over, the
one-time notice and the consultation record (接待咨询记录) as xlsx or PDF.

Thin as the other views: reads through the scoped queryset, writes through requests.services.consultations, whose
refusals (not the owner, not waiting any more) come back through hallservice.core.web.attempt.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hallservice.core.errors import DomainError, PermissionDenied
from hallservice.core.web import attach_error, attempt, staff_page, submit

from .consultation_record import record_export
from .documents import render_consultation_notice
from .forms import ConsultationAnswerForm, ConsultationForm, ConsultationHandoverForm, ConsultationRecordForm
from .models import Consultation, Matter
from .services import consultation_answer, consultation_create, consultation_hand_over, consultation_issue_notice
from .services.consultations import may_act_on_consultation, may_answer_consultations
from .views import _page


def _consultations(user):
    return Consultation.objects.restrict(user).select_related("owner", "matter", "request", "centre")


def _render_consultations(request, *, failed: tuple[int, forms.Form] | None = None, status: int = 200, record=None):
    consultations = _consultations(request.user).defer("contact").order_by("-created_at", "-pk")
    page = _page(request, consultations)
    answers = may_answer_consultations(request.user)
    rows = [
        (
            c,
            failed[1] if failed and failed[0] == c.pk else ConsultationAnswerForm(auto_id=f"id_answer_{c.pk}_%s"),
            answers and may_act_on_consultation(request.user, c),
        )
        for c in page
    ]
    context = {
        "page": page,
        "rows": rows,
        "open_answer": failed[0] if failed else None,
        "today": timezone.localdate(),
        "record_form": record or ConsultationRecordForm(),
    }
    return render(request, "requests/consultation_list.html", context, status=status)


@login_required
@require_GET
def consultation_list_view(request):
    return _render_consultations(request)


def _matter_choices() -> list:
    """Active matters grouped by department, for a plain select."""
    groups: dict[str, list] = {}
    for matter in Matter.objects.active().select_related("department").order_by("department__code", "code"):
        groups.setdefault(matter.department.name, []).append((matter.pk, matter.name))
    return [("", "—"), *groups.items()]


@staff_page("requests.register_request", methods=None)
def consultation_create_view(request):
    form = ConsultationForm(request.POST or None)
    form.fields["matter_id"].widget = forms.Select(choices=_matter_choices())
    done, status = submit(
        request,
        form,
        lambda data: consultation_create(actor=request.user, **data),
        success=lambda consultation: _("Consultation of %(name)s recorded.") % {"name": consultation.name},
        to=lambda consultation: (
            f"{reverse('requests:register')}?consultation={consultation.pk}"
            if "then_register" in request.POST
            else "requests:consultations"
        ),
    )
    return done or render(request, "requests/consultation_form.html", {"form": form}, status=status)


def _render_detail(request, consultation: Consultation, *, answer=None, handover=None, status: int = 200):
    may_act = may_answer_consultations(request.user) and may_act_on_consultation(request.user, consultation)
    context = {
        "c": consultation,
        "today": timezone.localdate(),
        "may_act": may_act,
        "may_register": request.user.has_perm("requests.register_request"),
        "may_issue": may_answer_consultations(request.user),
        "answer_form": answer or ConsultationAnswerForm(),
        "handover_form": handover or ConsultationHandoverForm(consultation=consultation),
        "history": consultation.events.select_related("actor__staff_member", "owner", "previous_owner"),
    }
    return render(request, "requests/consultation_detail.html", context, status=status)


@login_required
@require_GET
def consultation_detail_view(request, pk: int):
    """The consultation: the question, its first-inquiry owner and deadline, the actions and the history."""
    return _render_detail(request, get_object_or_404(_consultations(request.user), pk=pk))


def _to_answer(request, pk: int, *, refused: str) -> Consultation:
    """The consultation the user sees (else a 404), if they are one of those who answer consultations (the desks):
    anyone else is refused with ``refused`` before the input is read, as the service would refuse them after."""
    consultation = get_object_or_404(_consultations(request.user), pk=pk)
    if not may_answer_consultations(request.user):
        raise PermissionDenied(refused)
    return consultation


@login_required
@require_POST
def consultation_answer_view(request, pk: int):
    consultation = _to_answer(request, pk, refused=_("You may not answer this consultation."))
    on_detail = request.POST.get("on") == "detail"
    form = ConsultationAnswerForm(request.POST, auto_id="id_%s" if on_detail else f"id_answer_{pk}_%s")
    done, status = submit(
        request,
        form,
        lambda data: consultation_answer(actor=request.user, consultation_id=consultation.pk, **data),
        success=_("Answer to %(name)s saved.") % {"name": consultation.name},
        to=consultation if on_detail else "requests:consultations",
    )
    if done:
        return done
    if on_detail:
        return _render_detail(request, consultation, answer=form, status=status)
    return _render_consultations(request, failed=(consultation.pk, form), status=status)


@login_required
@require_POST
def consultation_handover_view(request, pk: int):
    """首问负责: hand the question over to a colleague, with the reason; the new owner is told."""
    consultation = _to_answer(request, pk, refused=_("You may not hand over this consultation."))
    form = ConsultationHandoverForm(request.POST, consultation=consultation)
    done, status = submit(
        request,
        form,
        lambda data: consultation_hand_over(actor=request.user, consultation_id=consultation.pk, **data),
        success=lambda handed_over: _("Handed over to %(name)s.") % {"name": handed_over.owner.name},
    )
    return done or _render_detail(request, consultation, handover=form, status=status)


def notice_response(consultation: Consultation, code: str, *, officer: str) -> HttpResponse:
    """The one-time notice's PDF, shown in the browser to print (the page and the API answer the same)."""
    response = HttpResponse(
        render_consultation_notice(consultation, code=code, officer=officer), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{code}.pdf"'
    return response


def officer_name(user) -> str:
    member = getattr(user, "staff_member", None)
    return member.name if member is not None else user.get_username()


@login_required
@require_POST
def consultation_notice_view(request, pk: int):
    """出具一次性告知单: the matter's materials on the seed's form, recorded on the consultation."""
    consultation = get_object_or_404(_consultations(request.user), pk=pk)
    result, status = attempt(
        request, lambda: consultation_issue_notice(actor=request.user, consultation_id=consultation.pk)
    )
    if result is None:
        return _render_detail(request, consultation, status=status)
    issued, code = result
    return notice_response(issued, code, officer=officer_name(request.user))


@login_required
@require_GET
def consultation_record_view(request):
    """接待咨询记录 of a date range (this month by default) as xlsx or PDF, of the consultations the user sees."""
    form = ConsultationRecordForm(request.GET)
    if form.is_valid():
        try:
            export = record_export(user=request.user, fmt=form.cleaned_data["format"], **_range(form))
        except DomainError as exc:
            attach_error(form, exc)
        else:
            response = HttpResponse(export.content, content_type=export.content_type)
            response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
            return response
    return _render_consultations(request, record=form, status=400)


def _range(form: ConsultationRecordForm) -> dict:
    return {"date_from": form.cleaned_data["date_from"], "date_to": form.cleaned_data["date_to"]}
