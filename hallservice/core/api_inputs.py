"""What an API view checks of an id in its input before a service sees it: that it names a row the user sees."""

from __future__ import annotations

from rest_framework.exceptions import ValidationError


def visible_id(queryset, pk: int, *, field: str) -> int:
    """``pk`` when it names a row of ``queryset`` (the rows the user may see), else a 400 on ``field``.

    Said on the field ("Unknown centre.") rather than as a 404 or 403, so the answer does not tell that another
    centre's row exists.
    """
    if not queryset.filter(pk=pk).exists():
        raise ValidationError({field: [f"Unknown {field}."]})
    return pk
