"""Django forms behind the API: described as DRF serializers for the schema, and fed the JSON body safely.

The API validates with the form itself (one set of rules); the serializer built here only feeds the
OpenAPI schema (drf-spectacular), and `form_data_from_json` turns the JSON body into what the form expects.
"""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.settings import api_settings


def _field_for(field: forms.Field) -> serializers.Field:
    # The label, and the form's help text after it when it has one: the API documents what the page explains.
    text = " — ".join(str(part) for part in (field.label, field.help_text) if part)
    common = {"required": field.required, "help_text": text}
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(required=False, help_text=common["help_text"])
    if isinstance(field, forms.DateField):
        return serializers.DateField(**common)
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(min_value=field.min_value, max_value=field.max_value, **common)
    if isinstance(field, forms.TypedMultipleChoiceField):
        return serializers.ListField(child=serializers.IntegerField(), **common)
    if isinstance(field, forms.TypedChoiceField):
        if field.coerce is int:
            return serializers.IntegerField(**common)
        return serializers.ChoiceField(choices=[str(k) for k, _v in field.choices], **common)
    if isinstance(field, forms.ChoiceField):
        return serializers.ChoiceField(choices=list(field.choices), **common)
    if isinstance(field, forms.CharField):
        return serializers.CharField(max_length=field.max_length, allow_blank=not field.required, **common)
    return serializers.CharField(**common)


def serializer_for_form(form_class: type[forms.Form], name: str, **form_kwargs) -> type[serializers.Serializer]:
    form = form_class(**form_kwargs)
    attrs = {field_name: _field_for(field) for field_name, field in form.fields.items()}
    return type(name, (serializers.Serializer,), attrs)


def json_object(data) -> Mapping:
    """``data`` if it is a JSON object; otherwise the 400 a DRF serializer gives for a list, a string or a number."""
    if not isinstance(data, Mapping):
        message = _("Invalid data. Expected a dictionary, but got {datatype}.").format(datatype=type(data).__name__)
        raise ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [message]})
    return data


def form_data_from_json(form: forms.Form) -> dict:
    """The form's JSON data as an HTML post would give it: a string per field, a list of strings for multiple choices.

    The forms were written for posted strings: a date field calls ``.strip()`` on its value, so a JSON number, list
    or object there would be a 500. Here a value of the wrong shape becomes a field message (a 400) instead, and
    numbers and booleans become the strings a browser would send. Raises DRF's ValidationError.
    """
    if isinstance(json_object(form.data), QueryDict):
        return form.data  # a form-encoded post: strings already, as the form expects
    data, errors = {}, {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if key not in form.data or form.data[key] is None:
            continue
        value = form.data[key]
        if getattr(field.widget, "allow_multiple_selected", False):
            if not isinstance(value, list) or any(isinstance(item, (list, dict)) for item in value):
                errors[name] = [_("Enter a list of values.")]
            else:
                data[key] = [_as_posted(item) for item in value]
        elif isinstance(value, (list, dict)):
            errors[name] = [_("Enter a single value, not a list or an object.")]
        else:
            data[key] = _as_posted(value)
    if errors:
        raise ValidationError(errors)
    return data


def _as_posted(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
