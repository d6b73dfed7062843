"""Forms of the complaint pages (shape only; complaints.services decides): registration by staff, one form per
action of ``COMPLAINT_ACTIONS``, and the list's filter.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from hallservice.core.form_fields import two_way_choice
from requests.forms import TEXTAREA, RequiredNoteForm, cause_field
from staff.models import Department, StaffMember

from .models import ComplaintCategory, ComplaintSource, ComplaintStatus

STAFF_SOURCES = [
    (s.value, s.label) for s in ComplaintSource if s not in (ComplaintSource.ONLINE, ComplaintSource.STATUS_PAGE)
]


class ComplaintRegisterForm(forms.Form):
    source = forms.ChoiceField(label=gettext_lazy("Came in by"), choices=STAFF_SOURCES)
    category = forms.ChoiceField(label=gettext_lazy("About"), choices=ComplaintCategory.choices)
    content = forms.CharField(label=gettext_lazy("Complaint"), max_length=2000, widget=TEXTAREA)
    anonymous = forms.BooleanField(label=gettext_lazy("Anonymous"), required=False)
    name = forms.CharField(label=gettext_lazy("Name"), required=False, max_length=50)
    contact = forms.CharField(label=gettext_lazy("Contact phone"), required=False, max_length=20)
    request_number = forms.CharField(label=gettext_lazy("Request number"), required=False, max_length=32)


class NoteForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=2000, widget=TEXTAREA)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason told to the complainant"), max_length=1000, widget=TEXTAREA)


class RespondForm(forms.Form):
    response = forms.CharField(label=gettext_lazy("Answer to the complainant"), max_length=2000, widget=TEXTAREA)
    findings = forms.CharField(
        label=gettext_lazy("Findings (internal)"), required=False, max_length=5000, widget=TEXTAREA
    )
    substantiated = forms.TypedChoiceField(
        label=gettext_lazy("Substantiated"),
        required=False,
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        choices=[("", "—"), ("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))],
    )
    cause = cause_field()


class FeedbackForm(forms.Form):
    satisfied = two_way_choice(
        gettext_lazy("Is the complainant satisfied?"),
        [("yes", gettext_lazy("Satisfied")), ("no", gettext_lazy("Not satisfied"))],
        true="yes",
    )
    comment = forms.CharField(label=gettext_lazy("What they said"), required=False, max_length=1000, widget=TEXTAREA)


class LinkForm(forms.Form):
    staff_id = forms.TypedChoiceField(label=gettext_lazy("Staff member"), coerce=int, required=False, empty_value=None)
    department_id = forms.TypedChoiceField(
        label=gettext_lazy("Department"), coerce=int, required=False, empty_value=None
    )
    request_number = forms.CharField(label=gettext_lazy("Request number"), required=False, max_length=32)

    def __init__(self, *args, user=None, complaint=None, **kwargs):
        if complaint is not None and not args:
            kwargs.setdefault(
                "initial",
                {
                    "staff_id": complaint.staff_id,
                    "department_id": complaint.department_id,
                    "request_number": complaint.request.number if complaint.request_id else "",
                },
            )
        super().__init__(*args, **kwargs)
        staff = StaffMember.objects.restrict(user).active().order_by("name") if user is not None else []
        self.fields["staff_id"].choices = [("", "—")] + [(m.pk, m.name) for m in staff]
        self.fields["department_id"].choices = [("", "—")] + [
            (d.pk, d.name) for d in Department.objects.order_by("code")
        ]


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "accept": NoteForm,
    "reject": ReasonForm,
    "investigate": NoteForm,
    "respond": RespondForm,
    "record_feedback": FeedbackForm,
    "close": RequiredNoteForm,
    "reopen": ReasonForm,
    "link": LinkForm,
    "note": RequiredNoteForm,
}


def action_form(name: str, user, complaint, data=None) -> forms.Form:
    kwargs = {"auto_id": f"id_{name}_%s"}
    if name == "link":
        kwargs.update(user=user, complaint=complaint)
    return ACTION_FORMS[name](data, **kwargs) if data is not None else ACTION_FORMS[name](**kwargs)


class ComplaintFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Number or text"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All")), ("open", gettext_lazy("Open")), *ComplaintStatus.choices],
    )
    source = forms.ChoiceField(
        label=gettext_lazy("Source"), required=False, choices=[("", gettext_lazy("All")), *ComplaintSource.choices]
    )
    overdue = forms.BooleanField(label=gettext_lazy("Overdue only"), required=False)
    escalated = forms.BooleanField(label=gettext_lazy("Escalated only"), required=False)
