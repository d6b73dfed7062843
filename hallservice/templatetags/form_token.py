"""`{% form_token %}`: the one-time token of a POST form (hallservice/core/idempotency.py), a builtin of every template."""

from django import template
from django.utils.html import format_html

from hallservice.core.idempotency import FIELD, new_form_token

register = template.Library()


@register.simple_tag
def form_token():
    """A fresh token each time the form is drawn: a page drawn again (after an error) is a new submission."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_form_token())
