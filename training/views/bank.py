"""Question bank pages: list and add questions, edit one, deactivate or delete it, import a spreadsheet."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from hallservice.core.errors import DomainError
from hallservice.core.query_params import bad_query_response, form_errors
from hallservice.core.spreadsheets import xlsx_response
from hallservice.core.uploads import validate_upload
from hallservice.core.web import attempt, submit
from staff.selectors import visible_centres

from .. import exports, selectors
from .. import services as svc
from ..forms import ImportForm, QuestionForm
from ..importing import read_questions, stated_rows
from ..models import Question, QuestionImport, QuestionKind, Topic, TrainingSession
from ..services.imports import BACKGROUND_ROWS, question_import_enqueue, question_import_retry
from .common import member_of

MAX_UPLOAD = 5 * 1024 * 1024


class BankFilterForm(django_forms.Form):
    """The bank list's filters: ids are integers, the kind one of the kinds, ``active`` 1 or 0."""

    topic = django_forms.IntegerField(label=gettext_lazy("Topic"), required=False, min_value=1, max_value=2**31 - 1)
    kind = django_forms.ChoiceField(
        label=gettext_lazy("Kind"), required=False, choices=[("", "")] + list(QuestionKind.choices)
    )
    active = django_forms.ChoiceField(
        label=gettext_lazy("Active"), required=False, choices=[("", ""), ("1", "1"), ("0", "0")]
    )
    q = django_forms.CharField(label=gettext_lazy("Search"), required=False, max_length=200)
    session = django_forms.IntegerField(
        label=gettext_lazy("Training session"), required=False, min_value=1, max_value=2**31 - 1
    )


def _question_form(request, data=None, **kwargs):
    return QuestionForm(
        data,
        topics=Topic.objects.filter(is_active=True),
        sessions=TrainingSession.objects.restrict(request.user)
        .exclude(status="cancelled")
        .order_by("-starts_at")[:60],
        centres=visible_centres(request.user),
        **kwargs,
    )


def _service_kwargs(data) -> dict:
    return {
        "kind": data["kind"],
        "text": data["text"],
        "options": data["option_list"],
        "correct": data["correct"],
        "topic_id": data.get("topic"),
        "session_id": data.get("session"),
        "explanation": data["explanation"],
        "difficulty": data["difficulty"],
        "variant_group": data.get("variant_group", ""),
    }


@login_required
@permission_required("training.manage_bank", raise_exception=True)
def bank_view(request):
    member = member_of(request)
    initial = {"centre": member.centre_id if member else None, "session": request.GET.get("session") or None}
    form = _question_form(request, request.POST or None, initial=initial)
    done, status = submit(
        request,
        form,
        lambda data: svc.question_create(actor=request.user, centre_id=data["centre"], **_service_kwargs(data)),
        success=_("Question added."),
        to=lambda question: f"{reverse('training:bank')}?topic={question.topic_id}",
    )
    if done:
        return done
    filter_form = BankFilterForm(request.GET)
    if not filter_form.is_valid():
        return bad_query_response(request, form_errors(filter_form))
    filters = {key: request.GET.get(key, "") for key in ("topic", "kind", "active", "q", "session")}
    qs = selectors.question_list(user=request.user, filters=filters)
    if filter_form.cleaned_data["session"]:
        qs = qs.filter(session_id=filter_form.cleaned_data["session"])
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "used": selectors.used_question_ids([q.pk for q in page]),
        "filters": filters,
        "topics": Topic.objects.all(),
        "kinds": QuestionKind.choices,
        "open_form": request.method == "POST" or bool(request.GET.get("session")),
    }
    return render(request, "training/bank.html", context, status=status)


def _question(request, pk: int) -> Question:
    return get_object_or_404(Question.objects.restrict(request.user).select_related("topic", "session"), pk=pk)


@login_required
@permission_required("training.manage_bank", raise_exception=True)
def question_edit_view(request, pk: int):
    question = _question(request, pk)
    options = list(question.options.order_by("position"))
    initial = {
        "kind": question.kind,
        "topic": question.topic_id,
        "session": question.session_id,
        "text": question.text,
        "options": "\n".join(o.text for o in options) if question.kind != QuestionKind.TRUE_FALSE else "",
        "answer": "".join(o.letter for o in options if o.is_correct)
        if question.kind != QuestionKind.TRUE_FALSE
        else ("对" if options and options[0].is_correct else "错"),
        "explanation": question.explanation,
        "difficulty": question.difficulty,
        "variant_group": question.variant_group,
        "centre": question.centre_id,
    }
    form = _question_form(request, request.POST or None, initial=initial)
    done, status = submit(
        request,
        form,
        lambda data: svc.question_update(actor=request.user, question_id=question.pk, **_service_kwargs(data)),
        success=_("Question saved."),
        to=question,
    )
    if done:
        return done
    context = {
        "question": question,
        "options": options,
        "form": form,
        "used": bool(selectors.used_question_ids([question.pk])),
    }
    return render(request, "training/question_form.html", context, status=status)


@login_required
@permission_required("training.manage_bank", raise_exception=True)
@require_POST
def question_act_view(request, pk: int, action: str):
    question = _question(request, pk)
    if action in ("activate", "deactivate"):
        done, _status = attempt(
            request,
            lambda: svc.question_set_active(actor=request.user, question_id=question.pk, active=action == "activate"),
        )
        if done is not None:
            messages.success(request, _("Question activated.") if done.is_active else _("Question deactivated."))
    elif action == "delete":
        deleted, _status = attempt(request, lambda: svc.question_delete(actor=request.user, question_id=question.pk))
        if deleted is True:
            messages.success(request, _("Question deleted."))
        elif deleted is False:
            messages.warning(request, _("The question is in test papers already: it was deactivated, not deleted."))
    else:
        raise Http404
    return redirect(f"{reverse('training:bank')}?topic={question.topic_id}")


def _import(request, form, rows, errors: list):
    """The import service; its row errors are added to ``errors``, any other refusal lands on the form."""

    def run():
        try:
            return svc.question_import(actor=request.user, centre_id=form.cleaned_data["centre"], rows=rows)
        except svc.ImportRefused as exc:
            errors.extend(exc.errors)
            raise

    return attempt(request, run, form)


@login_required
@permission_required("training.manage_bank", raise_exception=True)
def bank_import_view(request):
    member = member_of(request)
    centres = visible_centres(request.user)
    form = ImportForm(
        request.POST or None, request.FILES or None, centres=centres, initial={"centre": member and member.centre_id}
    )
    errors: list[tuple[int, str]] = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                validate_upload(upload, extensions={".xlsx"}, max_bytes=MAX_UPLOAD)
            except DomainError as exc:
                form.add_error("file", str(exc))
            else:
                content = upload.read()
                try:
                    stated = stated_rows(content)
                except ValueError:
                    stated = 0  # not a readable xlsx: read_questions says why, at once
                if stated is None or stated > BACKGROUND_ROWS:
                    job, status = attempt(
                        request,
                        lambda: question_import_enqueue(
                            actor=request.user,
                            centre_id=form.cleaned_data["centre"],
                            content=content,
                            filename=upload.name,
                        ),
                        form,
                    )
                    if job is not None:
                        return redirect("training:bank-import-status", pk=job.pk)
                    return render(request, "training/bank_import.html", {"form": form}, status=status)
                rows, errors = read_questions(content)
                if not errors:
                    result, status = _import(request, form, rows, errors)
                    if result is not None:
                        messages.success(
                            request,
                            _("%(created)d questions added, %(skipped)d already in the bank.")
                            % {"created": result.created, "skipped": result.skipped},
                        )
                        return redirect("training:bank")
    return render(request, "training/bank_import.html", {"form": form, "errors": errors}, status=status)


@login_required
@permission_required("training.manage_bank", raise_exception=True)
@require_GET
def bank_template_view(request):
    return xlsx_response(exports.question_template_workbook(), "training-questions-template.xlsx")


@login_required
@permission_required("training.manage_bank", raise_exception=True)
def bank_import_status_view(request, pk: int):
    """A background import's progress (polled by htmx while it runs), its result, and the retry button."""
    job = get_object_or_404(QuestionImport.objects.select_related("centre"), pk=pk, requested_by=request.user)
    status = 200
    if request.method == "POST":
        try:
            job = question_import_retry(actor=request.user, import_id=job.pk)
        except DomainError as exc:
            messages.error(request, str(exc))
            status = 400
        else:
            return redirect("training:bank-import-status", pk=job.pk)
    template = "training/partials/import_status.html" if request.htmx else "training/bank_import_status.html"
    return render(request, template, {"job": job}, status=status)
