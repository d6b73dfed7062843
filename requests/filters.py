"""Filters of the request queue, ledger and API list (django-filter), shared by HTML and API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staff.models import Department, StaffMember

from .models import Category, Channel, FollowUpStatus, Kind, PriorityGroup, ServiceRequest, Status, priority_group_q
from .personal_data import looks_personal, may_search_personal_data, personal_condition, refusal_message
from .search import search_condition

QUEUE_VIEWS = {
    "mine": _("Mine"),
    "centre": _("My centre"),
    "overdue": _("Overdue"),
    "deficient": _("Waiting for materials"),
    # Delivered requests whose follow-up (跟踪服务, seed 004) the user still has to make.
    "follow_up": _("Follow-ups to make"),
}


class RequestFilterForm(forms.Form):
    """Refuses a full ID number or phone in ``q``: those are searched by POST only (requests.personal_data)."""

    user = None

    def clean_q(self):
        value = self.cleaned_data.get("q") or ""
        if looks_personal(value):
            raise forms.ValidationError(refusal_message(self.user), code="personal_data")
        return value


class RequestFilter(django_filters.FilterSet):
    """Status, kind, department, channel, category, helper, date range, overdue, urgent, priority group and a
    free-text search.

    ``q`` never takes a full ID number or phone (a form error, and no result); ``lookup`` names a search by one
    that was POSTed and kept in the session as hashes (``lookups``, token → hashes; see requests.personal_data).
    """

    q = django_filters.CharFilter(method="search", label=_("Search"))
    lookup = django_filters.CharFilter(method="filter_lookup", label=_("Search by ID number or phone"))
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
    urgent = django_filters.BooleanFilter(label=_("Urgent"))
    priority_group = django_filters.ChoiceFilter(
        choices=PriorityGroup.choices, method="filter_priority_group", label=_("Priority group")
    )
    view = django_filters.ChoiceFilter(choices=list(QUEUE_VIEWS.items()), method="filter_view", label=_("View"))

    class Meta:
        model = ServiceRequest
        fields = []
        form = RequestFilterForm

    def __init__(self, *args, user=None, lookups=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user if user is not None else getattr(self.request, "user", None)
        self.lookups = lookups or {}
        if self.user is not None:
            # The choices show names only: no encrypted ID number is read (and decrypted) for each helper listed.
            helpers = StaffMember.objects.restrict(self.user).only("pk", "name")
            self.filters["helper"].queryset = helpers.order_by("name")

    @property
    def form(self):
        form = super().form
        form.user = self.user
        return form

    def filter_queryset(self, queryset):
        if "q" in self.form.errors:
            return queryset.none()
        return super().filter_queryset(queryset)

    def search(self, queryset, name, value):
        """Number prefix, phone tail or name, chosen by the shape of the text (requests.search); each an index lookup.

        A full ID number or phone is refused by the form before this runs, and finds nothing here either.
        """
        condition = search_condition(value, vendor=connections[queryset.db].vendor)
        return queryset if condition is None else queryset.filter(condition)

    def filter_lookup(self, queryset, name, value):
        """A POSTed search by full ID number or phone, by its token; an unknown token (or user) finds nothing."""
        hashes = self.lookups.get(value.strip())
        if hashes is None or not may_search_personal_data(self.user):
            return queryset.none()
        return queryset.filter(personal_condition(hashes))

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        if value is None:
            return queryset
        if value:
            return queryset.overdue(today)
        return queryset.not_overdue(today)

    def filter_priority_group(self, queryset, name, value):
        return queryset.filter(priority_group_q(value))

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
        if value == "follow_up":
            member = getattr(self.user, "staff_member", None)
            if member is None:
                return queryset.none()
            return queryset.filter(
                status=Status.DELIVERED, follow_up_task__helper=member, follow_up_task__status=FollowUpStatus.OPEN
            )
        return queryset
