"""The form renderer writes the choice widgets in Python exactly as Django's templates write them."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test.html import parse_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from hallservice.core.form_renderer import FormRenderer

CHOICES = [("", "---------"), ("a", "甲 & <乙>"), (2, 3), ("q", mark_safe("<b>safe</b>")), ("x", _("Status"))]
GROUPED = [("", "—"), ("Group <1>", [("a", "A"), ("b", "B")]), ("c", "C")]


class EveryWidget(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={"placeholder": 'a "quote"', "autofocus": True}))
    off = forms.CharField(widget=forms.TextInput(attrs={"disabled": False, "data-x": None}))
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    find = forms.CharField(widget=forms.TextInput(attrs={"type": "search"}))
    hidden = forms.CharField(widget=forms.HiddenInput)
    amount = forms.IntegerField()
    mail = forms.EmailField()
    agree = forms.BooleanField()
    one = forms.ChoiceField(choices=CHOICES)
    grouped = forms.ChoiceField(choices=GROUPED)
    many = forms.MultipleChoiceField(choices=CHOICES)
    ticks = forms.MultipleChoiceField(choices=CHOICES, widget=forms.CheckboxSelectMultiple(attrs={"class": "c"}))
    ticks_grouped = forms.MultipleChoiceField(choices=GROUPED, widget=forms.CheckboxSelectMultiple)
    radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)
    maybe = forms.NullBooleanField()
    note = forms.CharField(widget=forms.Textarea)


DATA = {
    "text": "<script>",
    "day": "2026-12-07",
    "hidden": "h&",
    "amount": "1200",
    "agree": "on",
    "one": "a",
    "grouped": "b",
    "many": ["a", "2"],
    "ticks": ["q"],
    "ticks_grouped": ["a"],
    "radio": "x",
    "maybe": "true",
}


@pytest.mark.parametrize("bound", [True, False], ids=["bound", "unbound"])
@pytest.mark.parametrize("name", list(EveryWidget.base_fields))
def test_each_widget_is_written_as_djangos_templates_write_it(name, bound):
    ours = EveryWidget(DATA if bound else None, renderer=FormRenderer())
    django = EveryWidget(DATA if bound else None, renderer=DjangoTemplates())

    assert parse_html(str(ours[name])) == parse_html(str(django[name]))
    assert [parse_html(w.tag(wrap_label=True)) for w in ours[name]] == [
        parse_html(w.tag(wrap_label=True)) for w in django[name]
    ]


def test_the_whole_form_is_written_as_djangos_templates_write_it():
    assert parse_html(str(EveryWidget(DATA, renderer=FormRenderer()))) == parse_html(
        str(EveryWidget(DATA, renderer=DjangoTemplates()))
    )


def test_the_site_uses_it(settings):
    assert settings.FORM_RENDERER == "hallservice.core.form_renderer.FormRenderer"
