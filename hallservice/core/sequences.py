"""Named counters behind the hall's numbers (request, complaint and consultation numbers)."""

from django.db import transaction
from django.db.models import F

from .models import NumberSequence


@transaction.atomic
def sequence_next(*, key: str) -> int:
    """Advance the named counter and return its new value; concurrent callers each get a distinct value.

    The row is created on first use (a concurrent creator loses the unique-key race inside get_or_create's
    savepoint and re-reads), then locked, so two transactions never read the same last value.
    """
    NumberSequence.objects.get_or_create(key=key)
    NumberSequence.objects.select_for_update().filter(key=key).update(value=F("value") + 1)
    return NumberSequence.objects.values_list("value", flat=True).get(key=key)
