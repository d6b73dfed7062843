"""Filters of the request queue, ledger and API list (django-filter), shared by HTML and API."""

from __future__ import annotations

import re

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hallservice.crypto import blind_index
from staff.models import Department, StaffMember

from .models import Category, Channel, Kind, ServiceRequest, Status

QUEUE_VIEWS = {
    "mine": _("Mine"),
    "centre": _("My centre"),
    "overdue": _("Overdue"),
    "deficient": _("Waiting for materials"),
}


class RequestFilter(django_filters.FilterSet):
    """Status, kind, department, channel, category, helper, date range, overdue and a free-text search."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("Kind"))
    department = django_filters.ModelChoiceFilter(
        field_name="lead_department", queryset=Department.objects.all(), label=_("Department")
    )
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("Applicant category"))
    helper = django_filters.ModelChoiceFilter(queryset=StaffMember.objects.all(), label=_("Helper"))
    applied_from = django_filters.DateFilter(field_name="applied_at", lookup_expr="date__gte", label=_("Applied from"))
    applied_to = django_filters.DateFilter(field_name="applied_at", lookup_expr="date__lte", label=_("Applied to"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    view = django_filters.ChoiceFilter(choices=list(QUEUE_VIEWS.items()), method="filter_view", label=_("View"))

    class Meta:
        model = ServiceRequest
        fields = []

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user if user is not None else getattr(self.request, "user", None)
        if self.user is not None:
            self.filters["helper"].queryset = StaffMember.objects.visible_to(self.user).order_by("name")

    def search(self, queryset, name, value):
        """Number, applicant name, the last four digits of the phone, or a full phone / ID number (by hash)."""
        value = value.strip()
        if not value:
            return queryset
        digits = re.sub(r"\D", "", value)
        condition = Q(number__icontains=value) | Q(applicant_name__icontains=value)
        if len(digits) == 4 and digits == value:
            condition |= Q(applicant_phone_tail=digits)
        if len(value) >= 11:
            condition |= Q(applicant_phone_hash=blind_index(value, purpose="phone"))
            condition |= Q(applicant_id_hash=blind_index(value, purpose="id"))
        return queryset.filter(condition)

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        if value is None:
            return queryset
        overdue = queryset.overdue(today)
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))

    def filter_view(self, queryset, name, value):
        if value == "mine":
            member = getattr(self.user, "staff_member", None)
            return queryset.filter(helper=member) if member else queryset.none()
        if value == "centre":
            member = getattr(self.user, "staff_member", None)
            return queryset.filter(centre_id=member.centre_id) if member else queryset
        if value == "overdue":
            return queryset.overdue(timezone.localdate())
        if value == "deficient":
            return queryset.filter(status=Status.DEFICIENT)
        return queryset
