"""Citizens' SMS as the supervision section sees it: what went out, what the gateway reported back, what was
withheld (daily limit, opt-out) and each number's opt-outs, with a form to record one heard at the counter.

Messages are narrowed to the requests and complaints of the centres the user sees; phones appear masked only.
Opt-outs belong to a number, not a centre, and are shown masked to whoever may read this page.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.models import Complaint
from hallservice.core.form_fields import two_way_choice
from hallservice.core.web import attempt, staff_page
from requests.models import (
    DeliveryState,
    Notification,
    NotificationChannel,
    NotificationStatus,
    OptOutChannel,
    ServiceRequest,
    SmsOptOut,
    WithheldReason,
)
from requests.services.sms import sms_opt_out_record
from requests.sms_kinds import SMS_KINDS, is_essential

PAGE_SIZE = 50
RECENT_DAYS = 30
OPT_OUTS_SHOWN = 20


class OptOutForm(forms.Form):
    """A citizen's choice about non-essential SMS, told to staff."""

    phone = forms.CharField(label=gettext_lazy("Mobile number"), max_length=20)
    opted_out = two_way_choice(
        gettext_lazy("Choice"),
        [("out", gettext_lazy("No more non-essential SMS")), ("in", gettext_lazy("Send SMS again"))],
        true="out",
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)


def visible_sms(user):
    """The SMS about requests and complaints of the centres ``user`` sees."""
    return Notification.objects.filter(channel=NotificationChannel.SMS).filter(
        Q(request__in=ServiceRequest.objects.restrict(user).values("pk"))
        | Q(complaint__in=Complaint.objects.restrict(user).values("pk"))
    )


def _counts(rows) -> dict:
    delivered = Q(delivery_reports__status=DeliveryState.DELIVERED)
    undelivered = Q(delivery_reports__status=DeliveryState.UNDELIVERED)
    return rows.aggregate(
        total=Count("pk", distinct=True),
        sent=Count("pk", filter=Q(status=NotificationStatus.SENT), distinct=True),
        delivered=Count("pk", filter=delivered, distinct=True),
        undelivered=Count("pk", filter=undelivered & ~delivered, distinct=True),
        limit=Count("pk", filter=Q(withheld=WithheldReason.DAILY_LIMIT), distinct=True),
        opted_out=Count("pk", filter=Q(withheld=WithheldReason.OPTED_OUT), distinct=True),
        failed=Count("pk", filter=Q(status=NotificationStatus.FAILED, withheld=""), distinct=True),
    )


def _page(request, form: OptOutForm, status: int = 200):
    rows = (
        visible_sms(request.user)
        .filter(created_at__gte=timezone.now() - timedelta(days=RECENT_DAYS))
        .select_related("request", "complaint")
        .prefetch_related("delivery_reports")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page:
        row.report = max(row.delivery_reports.all(), key=lambda r: (r.received_at, r.pk), default=None)
        row.essential = is_essential(row.template)
    context = {
        "page": page,
        "counts": _counts(rows),
        "days": RECENT_DAYS,
        "kinds": [(kind, is_essential(kind)) for kind in SMS_KINDS],
        "opt_outs": SmsOptOut.objects.select_related("recorded_by").order_by("-at", "-pk")[:OPT_OUTS_SHOWN],
        "form": form,
    }
    return render(request, "supervision/sms.html", context, status=status)


@staff_page("requests.view_smsdeliveryreport")
def sms_list(request):
    return _page(request, OptOutForm())


@staff_page("requests.add_smsoptout", methods=("POST",))
def sms_opt_out(request):
    form = OptOutForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    result, status = attempt(
        request,
        lambda: sms_opt_out_record(actor=request.user, channel=OptOutChannel.CLERK, **form.cleaned_data),
        form,
    )
    if result is None:
        return _page(request, form, status=status)
    messages.success(request, _("The number's choice is recorded."))
    return redirect(f"{reverse('supervision:sms')}#opt-outs")
