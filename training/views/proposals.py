"""The supervision section's pages of training proposed by complaints and poor ratings (issue 19 item 7): the list
with its filters, one proposal's page, and accepting (topic and draft questions into the bank) or dismissing it."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hallservice.core.query_params import validated
from hallservice.core.web import attempt, staff_page

from .. import gap_sources, selectors
from .. import services as svc
from ..forms import ProposalAcceptForm, ProposalDismissForm, ProposalFilterForm
from ..models import ProposalStatus, TrainingProposal

PERMISSION = "training.manage_bank"
PAGE_SIZE = 25


def _render(request):
    filters = validated(ProposalFilterForm, request.GET)
    page = Paginator(selectors.proposal_list(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        (
            proposal,
            ProposalAcceptForm(proposal=proposal, auto_id=f"id_accept_{proposal.pk}_%s"),
            ProposalDismissForm(auto_id=f"id_dismiss_{proposal.pk}_%s"),
        )
        for proposal in page
    ]
    context = {
        "page": page,
        "rows": rows,
        "filter_form": ProposalFilterForm(request.GET),
        "proposed": ProposalStatus.PROPOSED,
        "gaps": gap_sources.open_gaps(request.user),
    }
    return render(request, "training/proposals.html", context)


@staff_page(PERMISSION)
def proposal_list_view(request):
    return _render(request)


def _proposal(request, pk: int) -> TrainingProposal:
    return get_object_or_404(selectors.proposal_list(user=request.user, filters={}), pk=pk)


def _render_detail(request, proposal: TrainingProposal, *, failed: tuple[str, forms.Form] | None = None, status=200):
    """One proposal on a page of its own: the case, the topic and questions to edit at full width, the decision and
    its history. A refused decision comes back here with its form and the reason."""
    accept = ProposalAcceptForm(proposal=proposal, auto_id="id_accept_%s")
    dismiss = ProposalDismissForm(auto_id="id_dismiss_%s")
    if failed:
        accept, dismiss = (failed[1], dismiss) if failed[0] == "accept" else (accept, failed[1])
    source = proposal.complaint if proposal.complaint_id else proposal.evaluation.request
    context = {
        "proposal": proposal,
        "source_url": source.get_absolute_url(),
        "accept_form": accept,
        "dismiss_form": dismiss,
        "failed": failed[0] if failed else "",
        "proposed": ProposalStatus.PROPOSED,
        "events": proposal.events.select_related("actor__staff_member").order_by("at", "pk"),
    }
    return render(request, "training/proposal_detail.html", context, status=status)


@staff_page(PERMISSION)
def proposal_detail_view(request, pk: int):
    return _render_detail(request, _proposal(request, pk))


def _act(request, pk: int, name: str, form: forms.Form, call):
    proposal = _proposal(request, pk)
    status = 400
    if form.is_valid():
        done, status = attempt(request, lambda: call(proposal, form.cleaned_data), form)
        if done is not None:
            return done
    return _render_detail(request, proposal, failed=(name, form), status=status)


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

    form = ProposalAcceptForm(request.POST, auto_id="id_accept_%s")
    return _act(request, pk, "accept", form, accept)


@staff_page(PERMISSION, methods=["POST"])
def proposal_dismiss_view(request, pk: int):
    def dismiss(proposal, data):
        svc.training_proposal_dismiss(actor=request.user, proposal_id=proposal.pk, **data)
        messages.success(request, _("The proposal was dismissed."))
        return redirect("training:proposals")

    form = ProposalDismissForm(request.POST, auto_id="id_dismiss_%s")
    return _act(request, pk, "dismiss", form, dismiss)
