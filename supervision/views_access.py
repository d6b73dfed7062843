"""The personal-data access log (PIPL, issue 15 item 5): who saw applicants' unmasked personal data, and when.

Supervisors (``requests.view_personal_data``) read the rows of the centres they may see, newest first, filtered
by centre, staff member, kind and date. The rows are written by ``requests.services.personal_data_access_record``
and never changed; the Django admin shows them read-only.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from requests.models import AccessKind, PersonalDataAccess
from staff.models import StaffMember

from .forms_people import _centre_choices
from .views_people import _scoped

PAGE_SIZE = 50
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AccessLogFilterForm(forms.Form):
    centre = forms.TypedChoiceField(label=_("Centre"), coerce=int, required=False, empty_value=None)
    staff = forms.ModelChoiceField(
        label=_("Staff member"), queryset=StaffMember.objects.none(), required=False, empty_label=_("Anyone")
    )
    kind = forms.ChoiceField(label=_("Access"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].choices = _centre_choices(user)
        self.fields["staff"].queryset = StaffMember.objects.visible_to(user).order_by("name")
        self.fields["kind"].choices = [("", _("Any access")), *AccessKind.choices]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The period ends before it starts."))
        return data


@login_required
@permission_required("requests.view_personal_data", raise_exception=True)
@require_GET
def access_log(request):
    form = AccessLogFilterForm(request.GET, user=request.user)
    scoped = _scoped(request, form)
    if scoped is None:
        return render(request, "supervision/access_log.html", {"form": form, "page": None}, status=400)
    _centre, ids = scoped
    rows = PersonalDataAccess.objects.filter(centre_id__in=ids).select_related(
        "actor__staff_member", "request", "centre"
    )
    data = form.cleaned_data
    if data["staff"] is not None:
        rows = rows.filter(actor_id=data["staff"].user_id)
    if data["kind"]:
        rows = rows.filter(kind=data["kind"])
    if data["date_from"]:
        rows = rows.filter(at__date__gte=data["date_from"])
    if data["date_to"]:
        rows = rows.filter(at__date__lte=data["date_to"])
    page = Paginator(rows.order_by("-at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/access_log.html", {"form": form, "page": page})
