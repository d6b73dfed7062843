"""The supervision section's page of training proposed by complaints and poor ratings (issue 19 item 7): the list
with its filters, and accepting (topic and draft questions into the bank) or dismissing one proposal."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hallservice.core.query_params import validated
from hallservice.core.web import attempt, staff_page

from .. import selectors
from .. import services as svc
from ..forms import ProposalAcceptForm, ProposalDismissForm, ProposalFilterForm
from ..models import ProposalStatus, TrainingProposal

PERMISSION = "training.manage_bank"
PAGE_SIZE = 25


def _render(request, *, failed: tuple[int, str, forms.Form] | None = None, status: int = 200):
    filters = validated(ProposalFilterForm, request.GET)
    page = Paginator(selectors.proposal_list(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = []
    for proposal in page:
        accept = ProposalAcceptForm(proposal=proposal, auto_id=f"id_accept_{proposal.pk}_%s")
        dismiss = ProposalDismissForm(auto_id=f"id_dismiss_{proposal.pk}_%s")
        if failed and failed[0] == proposal.pk:
            accept, dismiss = (failed[2], dismiss) if failed[1] == "accept" else (accept, failed[2])
        rows.append((proposal, accept, dismiss))
    context = {
        "page": page,
        "rows": rows,
        "filter_form": ProposalFilterForm(request.GET),
        "open_proposal": failed[0] if failed else None,
        "proposed": ProposalStatus.PROPOSED,
    }
    return render(request, "training/proposals.html", context, status=status)


@staff_page(PERMISSION)
def proposal_list_view(request):
    return _render(request)


def _act(request, pk: int, name: str, form: forms.Form, call):
    proposal = get_object_or_404(TrainingProposal.objects.restrict(request.user), pk=pk)
    status = 400
    if form.is_valid():
        done, status = attempt(request, lambda: call(proposal, form.cleaned_data), form)
        if done is not None:
            return done
    return _render(request, failed=(proposal.pk, name, form), status=status)


@staff_page(PERMISSION, methods=["POST"])
def proposal_accept_view(request, pk: int):
    def accept(proposal, data):
        svc.training_proposal_accept(actor=request.user, proposal_id=proposal.pk, **data)
        messages.success(
            request,
            _("Accepted: %(count)d draft questions are in the bank under “%(topic)s”, inactive until checked.")
            % {"count": len(data["questions"]), "topic": data["topic_name"]},
        )
        return redirect(f"{reverse('training:bank')}?active=0")

    form = ProposalAcceptForm(request.POST, auto_id=f"id_accept_{pk}_%s")
    return _act(request, pk, "accept", form, accept)


@staff_page(PERMISSION, methods=["POST"])
def proposal_dismiss_view(request, pk: int):
    def dismiss(proposal, data):
        svc.training_proposal_dismiss(actor=request.user, proposal_id=proposal.pk, **data)
        messages.success(request, _("The proposal was dismissed."))
        return redirect("training:proposals")

    form = ProposalDismissForm(request.POST, auto_id=f"id_dismiss_{pk}_%s")
    return _act(request, pk, "dismiss", form, dismiss)
