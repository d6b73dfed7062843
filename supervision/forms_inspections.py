"""Input forms of the inspection, notice and difficult-point pages.

They offer only what the user may see (centres, staff, inspections) and check the shape of the input; the services in
``supervision.services_inspections`` decide the rules. Field names are the services' keyword arguments.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staff.models import Department, StaffMember
from staff.selectors import visible_centres

from .choices import DifficultPointStatus
from .forms import DATE, TEXTAREA
from .models import Inspection

LONG_TEXTAREA = forms.Textarea(attrs={"rows": 8})


def _staff_choices(user) -> list[tuple[object, str]]:
    staff = StaffMember.objects.restrict(user).active().select_related("centre").order_by("centre", "name")
    return [(m.pk, f"{m.name}（{m.centre.name}）") for m in staff]


class _CentreForm(forms.Form):
    """A form whose first field is one of the user's centres, given to the service as ``centre_id``."""

    centre_id = forms.TypedChoiceField(label=_("Centre"), coerce=int)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre_id"].choices = [("", "—")] + [(c.pk, c.name) for c in visible_centres(user)]


class InspectionForm(_CentreForm):
    inspected_on = forms.DateField(label=_("Inspected on"), widget=DATE)
    department_id = forms.TypedChoiceField(label=_("Department"), coerce=int, required=False, empty_value=None)
    staff_id = forms.TypedChoiceField(label=_("Staff member"), coerce=int, required=False, empty_value=None)
    findings = forms.CharField(
        label=_("Findings"),
        required=False,
        max_length=2000,
        widget=TEXTAREA,
        help_text=_("Empty if nothing was wrong"),
    )
    rectify_by = forms.DateField(label=_("Rectification deadline"), required=False, widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["inspected_on"].initial = timezone.localdate()
        self.fields["department_id"].choices = [("", "—")] + [(d.pk, d.name) for d in Department.objects.all()]
        self.fields["staff_id"].choices = [("", "—"), *_staff_choices(user)]


class RectificationForm(forms.Form):
    result = forms.CharField(label=_("Rectification result"), max_length=2000, widget=TEXTAREA)
    rectified_on = forms.DateField(label=_("Rectified on"), widget=DATE)


class NoticeForm(_CentreForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Body"), max_length=5000, widget=LONG_TEXTAREA)
    inspection_ids = forms.TypedMultipleChoiceField(
        label=_("Inspections"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    staff_ids = forms.TypedMultipleChoiceField(
        label=_("Staff named"),
        coerce=int,
        required=False,
        help_text=_("Besides the staff of the inspections chosen"),
    )
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["issued_on"].initial = timezone.localdate()
        inspections = Inspection.objects.restrict(user).exclude(findings="").select_related("centre", "staff")[:50]
        self.fields["inspection_ids"].choices = [
            (i.pk, f"{i.inspected_on:%Y-%m-%d} {i.centre.name}{' · ' + i.staff.name if i.staff else ''}")
            for i in inspections
        ]
        self.fields["staff_ids"].choices = _staff_choices(user)


class DifficultPointForm(_CentreForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=2000, widget=TEXTAREA)
    department_ids = forms.TypedMultipleChoiceField(label=_("Departments involved"), coerce=int, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["department_ids"].choices = [(d.pk, d.name) for d in Department.objects.all()]


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    attendees = forms.CharField(label=_("Attendees"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.CharField(label=_("Outcome"), max_length=2000, widget=TEXTAREA)


class ResolveForm(forms.Form):
    outcome = forms.CharField(label=_("Final outcome"), max_length=2000, widget=TEXTAREA)


class DifficultPointFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *DifficultPointStatus.choices]
    )
