"""Input forms of the supervision pages: the statistics period, monthly reports, the filters of the assessment,
integrity, audit and access-log pages, the integrity record form and its revocation.

They check the shape of input and offer only what the user may see (centres, staff, requests); the services in
``supervision.services`` decide the rules. Field names are the services' keyword arguments.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests.models import AccessKind, ServiceRequest
from staff.models import Department, ServiceCentre, StaffMember
from staff.selectors import visible_centres

from .assessment import DEFAULT_SORT, SORT_KEYS
from .audit import PROBLEMS
from .choices import IntegrityKind
from .models import IntegrityRecord

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXTAREA = forms.Textarea(attrs={"rows": 3})
YEARS_BACK = 5


def _year_choices() -> list[tuple[int, str]]:
    this_year = timezone.localdate().year
    return [(year, str(year)) for year in range(this_year, this_year - YEARS_BACK - 1, -1)]


def _centre_choices(user) -> list[tuple[object, str]]:
    # Lower centres indented under their parents' level, so the tree reads at a glance.
    indent = {"district": "", "town": "\u3000", "village": "\u3000\u3000"}
    return [("", _("All my centres"))] + [(c.pk, f"{indent.get(c.level, '')}{c.name}") for c in visible_centres(user)]


# --- Statistics and monthly reports ------------------------------------------------------------------------


class PeriodForm(forms.Form):
    centre = forms.ModelChoiceField(
        label=_("Centre"),
        queryset=ServiceCentre.objects.none(),
        required=False,
        empty_label=_("All my centres"),
    )
    date_from = forms.DateField(label=_("From"), widget=DATE)
    date_to = forms.DateField(label=_("To"), widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = visible_centres(user)


class MonthField(forms.DateField):
    """An <input type=month> value (YYYY-MM) as the first day of that month."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]


class ReportForm(forms.Form):
    centre = forms.ModelChoiceField(label=_("Centre"), queryset=ServiceCentre.objects.none())
    month = MonthField(label=_("Month"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = visible_centres(user)


# --- Filters of the pages about people ---------------------------------------------------------------------


class CentreFilterForm(forms.Form):
    """A centre of the user's, or all of them (empty): the first field of the assessment, integrity, audit and
    access log filters."""

    centre = forms.TypedChoiceField(label=_("Centre"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].choices = _centre_choices(user)


class CentreYearForm(CentreFilterForm):
    """A centre of the user's (or all of them) and a year; the base of the filters of the pages about people."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _year_choices()
        self.fields["year"].initial = timezone.localdate().year


class AssessmentFilterForm(CentreYearForm):
    sort = forms.ChoiceField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sort"].choices = [(key, key) for name in SORT_KEYS for key in (name, f"-{name}")]

    def clean_sort(self) -> str:
        return self.cleaned_data.get("sort") or DEFAULT_SORT


class IntegrityFilterForm(CentreYearForm):
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Any kind")), *IntegrityKind.choices]
        self.fields["year"].required = False
        self.fields["year"].empty_value = None
        self.fields["year"].choices = [("", _("All years")), *_year_choices()]


class AuditFilterForm(CentreFilterForm):
    problem = forms.ChoiceField(label=_("Problem"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problem"].choices = [("", _("All problems")), *PROBLEMS.items()]


class AccessLogFilterForm(CentreFilterForm):
    staff = forms.ModelChoiceField(
        label=_("Staff member"), queryset=StaffMember.objects.none(), required=False, empty_label=_("Anyone")
    )
    kind = forms.ChoiceField(label=_("Access"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["staff"].queryset = StaffMember.objects.restrict(user).order_by("name")
        self.fields["kind"].choices = [("", _("Any access")), *AccessKind.choices]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The period ends before it starts."))
        return data


# --- Integrity records ------------------------------------------------------------------------------------


class RequestNumberField(forms.ModelChoiceField):
    """A request typed in by its number, among the requests the user may see; cleans to the request's id."""

    widget = forms.TextInput
    default_error_messages = {"invalid_choice": _("No request with this number in your centres.")}

    def __init__(self, **kwargs):
        super().__init__(queryset=ServiceRequest.objects.none(), to_field_name="number", **kwargs)

    def to_python(self, value):
        # Numbers as people type them: spaces dropped, upper case (XH-20261123-0001).
        request = super().to_python("".join(str(value or "").split()).upper())
        return request.pk if request is not None else None


class IntegrityRecordForm(forms.Form):
    """A new integrity record; the audit links here with the staff member, request and kind filled in."""

    PREFIX = "new"

    staff_id = forms.TypedChoiceField(label=_("Staff member"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=IntegrityKind.choices)
    occurred_on = forms.DateField(label=_("Occurred on"), widget=DATE)
    request_id = RequestNumberField(
        label=_("Request number"), required=False, help_text=_("If the breach concerns a request")
    )
    description = forms.CharField(label=_("What happened"), max_length=2000, widget=TEXTAREA)
    action_taken = forms.CharField(label=_("Action taken"), required=False, max_length=2000, widget=TEXTAREA)

    def __init__(self, *args, user=None, **kwargs):
        kwargs.setdefault("prefix", self.PREFIX)
        super().__init__(*args, **kwargs)
        staff = StaffMember.objects.restrict(user).active().select_related("centre").order_by("centre", "name")
        self.fields["staff_id"].choices = [("", "—")] + [(m.pk, f"{m.name}（{m.centre.name}）") for m in staff]
        self.fields["request_id"].queryset = ServiceRequest.objects.restrict(user)

    @classmethod
    def prefilled(cls, query, *, user) -> IntegrityRecordForm:
        """An unbound form with what the query string names (``new-staff_id``, ``new-request_id``, ``new-kind``)."""
        names = ("staff_id", "request_id", "kind")
        initial = {name: query.get(f"{cls.PREFIX}-{name}") for name in names if query.get(f"{cls.PREFIX}-{name}")}
        initial.setdefault("occurred_on", timezone.localdate())
        return cls(user=user, initial=initial)


class IntegrityRevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"),
        max_length=IntegrityRecord._meta.get_field("revoke_reason").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SkillsFilterForm(CentreFilterForm):
    """The skills matrix: a centre of the user's (or all of them) and a department (or all)."""

    department = forms.TypedChoiceField(label=_("Department"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("All departments"))] + [
            (d.pk, d.name) for d in Department.objects.order_by("code")
        ]
