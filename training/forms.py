"""Forms of the training pages: they check the shape of the input; the services decide."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from hallservice.core import text_limits
from hallservice.core.query_params import MonthField as OptionalMonthField
from hallservice.core.query_params import MonthInput
from requests.causes import FailureCause

from .models import Difficulty, ProposalStatus, QuestionKind, SessionKind

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _choices(rows, empty: str | None = None) -> list[tuple]:
    choices = [(obj.pk, str(obj)) for obj in rows]
    return [("", empty), *choices] if empty is not None else choices


class SessionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    topic = forms.TypedChoiceField(label=_("Topic"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=120)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=10, max_value=600, initial=60)
    location = forms.CharField(label=_("Location"), max_length=100, required=False)
    trainer_name = forms.CharField(label=_("Trainer"), max_length=50)
    department = forms.TypedChoiceField(label=_("Department"), coerce=int, required=False, empty_value=None)
    content = forms.CharField(
        label=_("Content"),
        max_length=text_limits.LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("What is taught: the month's test draws on its topic."),
    )

    def __init__(self, *args, topics, departments=None, department_only=False, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = _choices(topics, "")
        if departments is not None:
            self.fields["department"].choices = _choices(departments, "—")
        if department_only or editing:
            # A department user's training is a short training of their own department; kinds do not change.
            del self.fields["kind"]
            del self.fields["department"]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120, required=False)
    file = forms.FileField(label=_("Attachment"))


class AttendeeForm(forms.Form):
    staff = forms.TypedChoiceField(label=_("Staff member"), coerce=int)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = _choices(staff)


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    topic = forms.TypedChoiceField(label=_("Topic"), coerce=int, required=False, empty_value=None)
    session = forms.TypedChoiceField(
        label=_("Training"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("The training that taught it (its topic is then the question's topic)."),
    )
    text = forms.CharField(label=_("Question"), max_length=text_limits.TEXT, widget=forms.Textarea(attrs={"rows": 3}))
    options = forms.CharField(
        label=_("Options"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("One option a line, A first. Leave empty for true/false."),
    )
    answer = forms.CharField(
        label=_("Correct answer"),
        max_length=20,
        help_text=_("Letters of the correct options, e.g. B or ACD; 对 or 错 for true/false."),
    )
    explanation = forms.CharField(
        label=_("Explanation"), max_length=text_limits.TEXT, widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    difficulty = forms.TypedChoiceField(
        label=_("Difficulty"), choices=Difficulty.choices, coerce=int, initial=Difficulty.MEDIUM
    )
    variant_group = forms.CharField(
        label=_("Variant group"),
        max_length=2000,
        required=False,
        help_text=_(
            "Questions of one topic with the same variant group are variants of one question: a paper holds at most one of them."
        ),
    )
    centre = forms.TypedChoiceField(label=_("Bank of"), coerce=int)

    def __init__(self, *args, topics, sessions, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = _choices(topics, "—")
        self.fields["session"].choices = _choices(sessions, "—")
        self.fields["centre"].choices = _choices(centres)

    def clean(self):
        from .importing import parse_answer

        data = super().clean()
        if "kind" in data and "answer" in data:
            try:
                data["correct"] = parse_answer(data["kind"], data["answer"])
            except ValueError as exc:
                self.add_error("answer", str(exc))
        data["option_list"] = [line.strip() for line in data.get("options", "").splitlines() if line.strip()]
        if not data.get("topic") and not data.get("session"):
            self.add_error("topic", _("Choose the topic or the training."))
        return data


class ImportForm(forms.Form):
    centre = forms.TypedChoiceField(label=_("Bank of"), coerce=int)
    file = forms.FileField(label=_("Spreadsheet (xlsx)"))

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].choices = _choices(centres)


class MonthField(forms.CharField):
    """A month as YYYY-MM (an <input type=month>), cleaned to its first day."""

    widget = MonthInput

    def clean(self, value):
        value = super().clean(value)
        match = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-\d{1,2})?", value or "")
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise forms.ValidationError(_("Enter a month as YYYY-MM."))
        return date(int(match.group(1)), int(match.group(2)), 1)


class MonthlyTestForm(forms.Form):
    centre = forms.TypedChoiceField(label=_("Centre"), coerce=int)
    month = MonthField(label=_("Month"))
    title = forms.CharField(label=_("Title"), max_length=120, required=False)
    question_count = forms.IntegerField(label=_("Number of questions"), min_value=1, max_value=200, initial=20)
    time_limit_minutes = forms.IntegerField(label=_("Time limit (minutes)"), min_value=5, max_value=300, initial=30)
    opens_at = forms.DateTimeField(label=_("Opens at"), widget=DATETIME)
    closes_at = forms.DateTimeField(label=_("Closes at"), widget=DATETIME)

    def __init__(self, *args, centres, topics, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].choices = _choices(centres)
        if editing:
            del self.fields["centre"]
            del self.fields["month"]
        self.topics = list(topics)
        for topic in self.topics:
            self.fields[f"quota_{topic.pk}"] = forms.IntegerField(
                label=topic.name, min_value=0, max_value=200, required=False
            )

    def quota_fields(self):
        return [self[f"quota_{t.pk}"] for t in self.topics]

    def main_fields(self):
        return [f for f in self if not f.name.startswith("quota_")]

    def quotas(self) -> dict[int, int]:
        return {
            t.pk: self.cleaned_data[f"quota_{t.pk}"] for t in self.topics if self.cleaned_data.get(f"quota_{t.pk}")
        }


class ExcuseForm(forms.Form):
    staff = forms.TypedChoiceField(label=_("Staff member"), coerce=int)
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = _choices(staff)


# --- Training proposals from complaints and poor ratings ------------------------------------------------------


class ProposalFilterForm(forms.Form):
    """The proposals list's filters: status, cause and the month the proposal was made."""

    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *ProposalStatus.choices])
    cause = forms.ChoiceField(label=_("Cause"), required=False, choices=[("", _("All")), *FailureCause.choices])
    month = OptionalMonthField(label=_("Month"), required=False)


class ProposalAcceptForm(forms.Form):
    """The topic and the draft questions as the supervision section edited them; one question per line."""

    topic_name = forms.CharField(label=_("Topic"), max_length=60)
    questions = forms.CharField(
        label=_("Draft questions (one per line)"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Each line goes into the bank as an inactive true/false question: check it and activate it there."
        ),
    )

    def __init__(self, *args, proposal=None, **kwargs):
        if proposal is not None and not args:
            kwargs.setdefault(
                "initial", {"topic_name": proposal.topic_name, "questions": "\n".join(proposal.questions)}
            )
        super().__init__(*args, **kwargs)

    def clean_questions(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["questions"].splitlines() if line.strip()]


class ProposalDismissForm(forms.Form):
    reason = forms.CharField(label=_("Reason for dismissing"), max_length=200)
