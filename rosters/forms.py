"""Forms of the roster pages: they check the shape of the input, the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hallservice.core import text_limits
from hallservice.core.months import month_start

from .models import Duty, UnavailabilityKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MonthField(forms.DateField):
    """A month as the browser's month picker sends it (2026-12); any date is accepted too."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value):
        day = super().to_python(value)
        return month_start(day) if day else day


class ChooseOneForm(forms.Form):
    """A form choosing one row (a centre, a person) among those the view passes as ``among``: the field named by
    ``chosen`` lists them by name, "—" first when it may stay empty."""

    chosen = ""

    def __init__(self, *args, among=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields[self.chosen]
        choices = [(row.pk, row.name) for row in among]
        field.choices = choices if field.required else [("", "—"), *choices]


class PlanCreateForm(ChooseOneForm):
    chosen = "centre"
    centre = forms.TypedChoiceField(label=_("Centre"), coerce=int)
    month = MonthField(label=_("Month"))


class PublishForm(forms.Form):
    """Publishing a draft; a plan with repeats needs the box ticked (the service refuses without it)."""

    confirm_repeats = forms.BooleanField(label=_("Publish with these repeats"), required=False)


class AssignForm(forms.Form):
    """One cell of the grid: ``cell`` is "helper:window" (window empty = no window) from the no-JS form."""

    cell = forms.RegexField(regex=r"^\d+:\d*$")

    def clean(self):
        data = super().clean()
        if "cell" in data:
            helper, window = data["cell"].split(":")
            data["helper_id"] = int(helper)
            data["window_id"] = int(window) if window else None
        return data


class LeaderForm(ChooseOneForm):
    chosen = "leader"
    leader = forms.TypedChoiceField(label=_("Duty leader"), coerce=int)


class WeekLeaderForm(ChooseOneForm):
    chosen = "leader"
    week = forms.DateField()
    leader = forms.TypedChoiceField(label=_("Leading bureau leader"), coerce=int, required=False, empty_value=None)


class TurnForm(ChooseOneForm):
    chosen = "helper"
    helper = forms.TypedChoiceField(label=_("Helper"), coerce=int)


class CheckInForm(forms.Form):
    badge_worn = forms.BooleanField(label=_("I am wearing my badge"), required=False)
    # Shown to party members only (seed 000 二.5); the service keeps nothing of it for anyone else.
    party_badge_worn = forms.BooleanField(label=_("I am wearing the party badge"), required=False)


class RecordCheckInForm(forms.Form):
    staff = forms.IntegerField(widget=forms.HiddenInput)
    badge_worn = forms.BooleanField(label=_("Badge worn"), required=False)
    party_badge_worn = forms.BooleanField(label=_("Party badge worn"), required=False)


class SubstitutionForm(forms.Form):
    absent = forms.TypedChoiceField(label=_("Who is away"), coerce=int)
    day = forms.DateField(label=_("Day"), widget=DATE)
    duty = forms.ChoiceField(label=_("Duty"), choices=Duty.choices)
    substitute = forms.TypedChoiceField(label=_("Who stands in"), coerce=int)
    reason = forms.CharField(label=_("Reason"), max_length=200, help_text=_("Business travel, a meeting, …"))

    def __init__(self, *args, absent_choices=(), substitute_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["absent"].choices = [(p.pk, p.name) for p in absent_choices]
        self.fields["substitute"].choices = [(p.pk, f"{p.name}（{p.get_kind_display()}）") for p in substitute_choices]


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class UnavailabilityForm(forms.Form):
    staff = forms.TypedChoiceField(label=_("Staff member"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnavailabilityKind.choices)
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = [(p.pk, f"{p.name}（{p.get_kind_display()}）") for p in staff]


class DutySummaryForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=text_limits.TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Patrols, complex matters handled, incidents, joint meetings"),
    )


class PatrolForm(ChooseOneForm):
    """The bureau leader's patrol (seed 000 五.1): when, which centre, what was checked, findings, follow-up."""

    chosen = "centre"
    centre = forms.TypedChoiceField(label=_("Centre"), coerce=int)
    patrolled_at = forms.DateTimeField(
        label=_("Patrolled at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    checked = forms.CharField(
        label=_("What was checked"),
        max_length=text_limits.SUMMARY,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Floors and desks visited, the duty leader's duty, check-ins, records"),
    )
    findings = forms.CharField(
        label=_("Findings"), required=False, max_length=text_limits.TEXT, widget=forms.Textarea(attrs={"rows": 4})
    )
    follow_up = forms.CharField(
        label=_("Follow-up measures"),
        required=False,
        max_length=text_limits.SUMMARY,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What is to be done, by whom, by when"),
    )


class DutyRecordForm(forms.Form):
    content = forms.CharField(
        label=_("Duty record"),
        max_length=text_limits.TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Matters received for assist or agency during the duty, how they were handled, handovers"),
    )


class DutyRecordReviewForm(forms.Form):
    # The version the duty leader read: the service refuses the sign-off if a helper changed the record since.
    seen_revision = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Review comment"),
        required=False,
        max_length=text_limits.NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional; once reviewed the record can no longer be changed"),
    )
