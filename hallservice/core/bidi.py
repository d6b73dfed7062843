"""Bidirectional-text controls are removed from every free text the hall stores and prints (issue 15).

U+202E (right-to-left override) and its kin reorder what follows them on screen and on paper, so a complaint
or a name can be made to read differently from what was typed (``"\u202eabc"`` shows as ``cba``). None belongs
in the hall's Chinese texts, so they are **stripped**, not replaced by a marker:

* U+202A–U+202E (LRE, RLE, PDF, LRO, RLO), U+2066–U+2069 (LRI, RLI, FSI, PDI),
  U+200E / U+200F (LRM, RLM) and U+061C (Arabic letter mark).

Where: at input, for every model of the project's apps, by a ``pre_save`` handler (forms, services, the API,
the public forms and the admin all save through it) and by :func:`strip_bidi_objects` before the few
``bulk_create`` / ``bulk_update`` calls that carry free text; and on output, in every PDF
(``hallservice.core.pdf.render_pdf`` strips the rendered HTML). Rows stored before this rule are cleaned by
``manage.py strip_bidi_controls``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import models

BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
PROJECT_APPS = ("staff", "requests", "complaints", "rosters", "training", "hallservice")


def strip_bidi(value):
    """The text without bidi controls; anything that is not text is returned unchanged."""
    if isinstance(value, str) and BIDI_CONTROLS.search(value):
        return BIDI_CONTROLS.sub("", value)
    return value


def _text_fields(model) -> list[models.Field]:
    return [
        f for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField)) and not f.choices
    ]


def strip_bidi_instance(instance) -> list[str]:
    """Strip every text field of a model instance in place; the names of the fields changed."""
    changed = []
    for field in _text_fields(type(instance)):
        value = getattr(instance, field.attname, None)
        cleaned = strip_bidi(value)
        if cleaned is not value:
            setattr(instance, field.attname, cleaned)
            changed.append(field.name)
    return changed


def strip_bidi_objects(objects: Iterable):
    """Strip every object before a ``bulk_create`` / ``bulk_update`` (which send no ``pre_save``)."""
    objects = list(objects)
    for obj in objects:
        strip_bidi_instance(obj)
    return objects


def _before_save(sender, instance, raw=False, **kwargs) -> None:
    if raw or sender._meta.app_label not in PROJECT_APPS:
        return
    strip_bidi_instance(instance)


def connect() -> None:
    models.signals.pre_save.connect(_before_save, dispatch_uid="hall_strip_bidi_controls")
