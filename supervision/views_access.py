"""The personal-data access log (PIPL, issue 15 item 5): who saw applicants' unmasked personal data, and when.

Supervisors (``requests.view_personal_data``) read the rows of the centres they may see, newest first, filtered
by centre, staff member, kind and date. The rows are written by ``requests.services.personal_data_access_record``
and never changed; the Django admin shows them read-only.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from hallservice.core.web import staff_page

from .forms import AccessLogFilterForm
from .selectors import personal_data_access_list
from .views_people import filter_scope

PAGE_SIZE = 50


@staff_page("requests.view_personal_data")
def access_log(request):
    form = AccessLogFilterForm(request.GET, user=request.user)
    scoped = filter_scope(request, form)
    if scoped is None:
        return render(request, "supervision/access_log.html", {"form": form, "page": None}, status=400)
    _centre, ids = scoped
    data = form.cleaned_data
    rows = personal_data_access_list(
        centre_ids=ids,
        actor_id=data["staff"].user_id if data["staff"] is not None else None,
        kind=data["kind"],
        date_from=data["date_from"],
        date_to=data["date_to"],
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/access_log.html", {"form": form, "page": page})
