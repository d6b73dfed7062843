"""Forms of the citizens' appointment pages (shape only; requests.services.appointments decides)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy, ngettext

from ..models import Matter, PriorityGroup
from ..services.appointments import FreeSlot
from .forms import PublicForm, code_input

BOOKABLE_GROUPS = [(g.value, g.label) for g in PriorityGroup if g != PriorityGroup.KEY_PROJECT]


def day_label(day: date) -> str:
    return f"{formats.date_format(day, 'MONTH_DAY_FORMAT')} {formats.date_format(day, 'l')}"


def slot_label(slot: FreeSlot) -> str:
    """The half-day and its places left; the page shows the day above it (``BookingForm.slot_days``)."""
    left = ngettext("%(n)s place left", "%(n)s places left", slot.free) % {"n": slot.free}
    return f"{slot.half_day_label} · {left}"


class ChooseDepartmentForm(PublicForm):
    """Step one (GET): where and with whom."""

    centre = forms.TypedChoiceField(label=gettext_lazy("Service centre"), coerce=int)
    # Its choices are the chosen centre's departments: a page sent without script after the centre was changed
    # names a department of the centre before, and is shown again with this centre's list and this message.
    department = forms.TypedChoiceField(
        label=gettext_lazy("Department (window)"),
        coerce=int,
        error_messages={"invalid_choice": gettext_lazy("Choose a department with a window at this centre.")},
    )


class BookingForm(PublicForm):
    """Step two (POST): the half-day among the free ones, and who comes."""

    slot = forms.ChoiceField(label=gettext_lazy("When would you like to come?"), widget=forms.RadioSelect)
    matter_id = forms.TypedChoiceField(
        label=gettext_lazy("Matter (if you know it)"), coerce=int, required=False, empty_value=None
    )
    name = forms.CharField(label=gettext_lazy("Your name"), max_length=50)
    phone = forms.CharField(
        label=gettext_lazy("Mobile number"),
        max_length=20,
        help_text=gettext_lazy("The booking code is sent to it by SMS."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    question = forms.CharField(
        label=gettext_lazy("What do you need to do?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )
    priority_groups = forms.MultipleChoiceField(
        label=gettext_lazy("Priority lane (optional)"),
        required=False,
        choices=BOOKABLE_GROUPS,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Elderly, disabled, pregnant or military visitors are called first; the desk checks it."
        ),
    )

    def __init__(self, *args, slots: list[FreeSlot], department, **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = {s.key: s for s in slots}
        self.fields["slot"].choices = [(s.key, slot_label(s)) for s in slots]
        matters = Matter.objects.active().filter(department=department).order_by("code")
        self.fields["matter_id"].choices = [("", gettext_lazy("Not sure")), *((m.pk, m.name) for m in matters)]

    def slot_days(self) -> list[tuple[str, list]]:
        """The slot's radio buttons grouped by day, for a short list on a phone: (day, [(radio, half-day name,
        hours, places left)]); each radio's own label says all of it to a screen reader."""
        days: dict[str, list] = {}
        for choice in self["slot"]:
            slot = self.slots[choice.data["value"]]
            # "上午（9:00–12:00）" / "Morning (9:00–12:00)": the name, then the hours on their own line.
            name, _sep, hours = slot.half_day_label.replace(" (", "（").partition("（")
            left = ngettext("%(n)s place left", "%(n)s places left", slot.free) % {"n": slot.free}
            days.setdefault(day_label(slot.day), []).append((choice, name, hours.rstrip("）)"), left))
        return list(days.items())

    def booking(self) -> dict:
        """The service's arguments of this form's slot, name, phone, question, matter and groups."""
        data = self.cleaned_data
        day, _sep, half_day = data["slot"].partition("_")
        return {
            "day": date.fromisoformat(day),
            "half_day": half_day,
            "name": data["name"],
            "phone": data["phone"],
            "question": data["question"],
            "matter_id": data.get("matter_id"),
            "priority_groups": data.get("priority_groups") or [],
        }


class BookingLookupForm(PublicForm):
    code = forms.CharField(
        label=gettext_lazy("Booking code"),
        max_length=10,
        widget=code_input(),
        help_text=gettext_lazy("6 letters and digits, in the SMS and on the booking page."),
    )
    phone_tail = forms.CharField(
        label=gettext_lazy("Last four digits of your phone"),
        min_length=4,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{4}"}),
    )
