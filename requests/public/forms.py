"""Forms of the citizens' pages (shape only; the services decide)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy

from complaints.models import ComplaintCategory
from hallservice.core.form_fields import two_way_choice

from ..models import Matter, Rating
from .selectors import centre_choices, hall_centre

RATING_CHOICES = [(r.value, r.label) for r in sorted(Rating, key=lambda r: -r.value)]


def code_input() -> forms.TextInput:
    """The input of a code printed on a form or sent by SMS: letters and digits, typed as capitals, nothing to
    complete or spell-check."""
    return forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})


class PublicForm(forms.Form):
    """Ties each field to its help text and error message for screen readers (aria-describedby, aria-invalid)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._describe(errors={})

    def full_clean(self):
        super().full_clean()
        self._describe(errors=self._errors or {})

    def _describe(self, *, errors) -> None:
        for name, field in self.fields.items():
            auto_id = self[name].auto_id
            ids = [f"{auto_id}_help"] if field.help_text else []
            if name in errors:
                ids.append(f"{auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)


def _offer_centres(field: forms.ChoiceField) -> None:
    """The centres a citizen may write to, with the hall whose pages these are chosen already."""
    field.choices = centre_choices()
    default = hall_centre()
    if default is not None:
        field.initial = default.pk


class LookupForm(PublicForm):
    number = forms.CharField(
        label=gettext_lazy("Request or complaint number"),
        max_length=40,
        widget=code_input(),
        help_text=gettext_lazy("Printed at the top of your forms, e.g. XH-20261123-0001."),
    )
    code = forms.CharField(
        label=gettext_lazy("Lookup code"),
        max_length=20,
        widget=code_input(),
        help_text=gettext_lazy("8 letters and digits, printed beside the number."),
    )


class ConsultForm(PublicForm):
    """A question; a visit is booked on the booking page, among the half-days with free places (issue 19)."""

    centre_id = forms.TypedChoiceField(label=gettext_lazy("Service centre"), coerce=int)
    matter_id = forms.TypedChoiceField(
        label=gettext_lazy("Matter (if you know it)"), coerce=int, required=False, empty_value=None
    )
    name = forms.CharField(label=gettext_lazy("Your name"), max_length=50)
    phone = forms.CharField(
        label=gettext_lazy("Mobile or landline"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    question = forms.CharField(
        label=gettext_lazy("Your question"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_centres(self.fields["centre_id"])
        groups: dict[str, list] = {}
        for matter in Matter.objects.active().select_related("department").order_by("department__code", "code"):
            groups.setdefault(matter.department.name, []).append((matter.pk, matter.name))
        self.fields["matter_id"].choices = [("", gettext_lazy("Not sure")), *groups.items()]


class ComplaintForm(PublicForm):
    centre_id = forms.TypedChoiceField(label=gettext_lazy("Service centre"), coerce=int)
    request_number = forms.CharField(
        label=gettext_lazy("Request number (if any)"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    category = forms.ChoiceField(
        label=gettext_lazy("What is it about?"), choices=ComplaintCategory.choices, widget=forms.RadioSelect
    )
    content = forms.CharField(
        label=gettext_lazy("What happened?"),
        max_length=settings.COMPLAINT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": settings.COMPLAINT_MAX_LENGTH}),
        help_text=gettext_lazy("Say when, where and what; do not write your ID number."),
    )
    anonymous = forms.BooleanField(label=gettext_lazy("Complain anonymously"), required=False)
    name = forms.CharField(label=gettext_lazy("Your name (optional)"), required=False, max_length=50)
    contact = forms.CharField(
        label=gettext_lazy("Phone for our answer (optional)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    via_status = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_centres(self.fields["centre_id"])


def _rating_field(label):
    return forms.TypedChoiceField(label=label, coerce=int, choices=RATING_CHOICES, widget=forms.RadioSelect)


def _comment_field():
    return forms.CharField(
        label=gettext_lazy("Anything else (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )


class EvaluationForm(PublicForm):
    rating = _rating_field(gettext_lazy("Overall, how satisfied are you?"))
    efficiency = _rating_field(gettext_lazy("How quickly was it done?"))
    service_level = _rating_field(gettext_lazy("How well did the helper know the matter?"))
    attitude = _rating_field(gettext_lazy("How were you treated?"))
    comment = _comment_field()


class RateAgainForm(PublicForm):
    rating = _rating_field(gettext_lazy("After the rectification, how satisfied are you now?"))
    comment = _comment_field()


class FeedbackForm(PublicForm):
    satisfied = two_way_choice(
        gettext_lazy("Are you satisfied with the answer?"),
        [("yes", gettext_lazy("Yes, satisfied")), ("no", gettext_lazy("No, please look again"))],
        true="yes",
    )
    comment = forms.CharField(
        label=gettext_lazy("Anything to add (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )
