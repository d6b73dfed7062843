"""SQLite does not enforce max_length; PostgreSQL does. Catch a choice that does not fit its column here."""

from django.apps import apps
from django.db import models

from requests.services import TERMINATION_REASONS


def test_every_choice_fits_its_column():
    too_long = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.CharField) and field.choices and field.max_length:
                too_long += [
                    f"{model.__name__}.{field.name}={value}"
                    for value, _label in field.flatchoices
                    if len(str(value)) > field.max_length
                ]
    assert too_long == []


def test_termination_reasons_fit_their_column():
    from requests.models import ServiceRequest

    width = ServiceRequest._meta.get_field("termination_reason").max_length
    assert max(len(key) for key in TERMINATION_REASONS) <= width
