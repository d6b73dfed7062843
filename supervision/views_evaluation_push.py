"""The national 好差评 push as the supervision section sees it: what was sent, what waits, what failed and why.

The rows are the requests app's outbox (``requests.models.EvaluationPush``), narrowed to the centres the user sees;
a failed one can be sent again ("Send again", ``requests.services.evaluation_push.evaluation_push_retry``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hallservice.core.web import attempt, staff_page
from requests.models import EvaluationPush, NotificationStatus
from requests.models.evaluation_push import UNSENT
from requests.services.evaluation_push import evaluation_push_retry

PAGE_SIZE = 50
# The list's status filter: what the counts above it name.
FILTERS = {
    "": (),
    "sent": (NotificationStatus.SENT,),
    "pending": UNSENT,
    "failed": (NotificationStatus.FAILED,),
}


@staff_page("requests.view_evaluationpush")
def evaluation_push_list(request):
    status = request.GET.get("status", "")
    if status not in FILTERS:
        return HttpResponseBadRequest(_("Choose sent, pending or failed."))
    visible = EvaluationPush.objects.restrict(request.user)
    rows = visible.select_related("evaluation__request__centre", "evaluation__request__matter").order_by(
        "-created_at", "-pk"
    )
    if FILTERS[status]:
        rows = rows.filter(status__in=FILTERS[status])
    context = {
        "counts": visible.status_counts(),
        "status": status,
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "enabled": bool(settings.EVALUATION_PLATFORM_URL),
    }
    return render(request, "supervision/evaluation_push.html", context)


@staff_page("requests.retry_evaluation_push", methods=("POST",))
def evaluation_push_retry_view(request, pk: int):
    push = get_object_or_404(EvaluationPush.objects.restrict(request.user), pk=pk)
    result, _status = attempt(request, lambda: evaluation_push_retry(actor=request.user, push_id=push.pk))
    if result is not None:
        messages.success(request, _("The message is queued to be sent again."))
    return redirect(f"{reverse('supervision:evaluation-push')}#push-{push.pk}")
