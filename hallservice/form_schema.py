"""Describe a Django form as a DRF serializer, so the API documents the same input the HTML form accepts.

The API validates with the form itself (one set of rules); the serializer built here only feeds the
OpenAPI schema (drf-spectacular).
"""

from __future__ import annotations

from django import forms
from rest_framework import serializers


def _field_for(field: forms.Field) -> serializers.Field:
    common = {"required": field.required, "help_text": str(field.label or "")}
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
