"""How the demo writes rows: found again by natural key and validated, or bulk-created with backdated stamps."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection, models

# The history's numbers (requests and complaints) count from here: a centre's own daily counter never gets that
# high, so no number the services issue later can clash.
HISTORY_FIRST_SEQUENCE = 9001


def in_minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


class Tally:
    """Counts the rows created by one seed run, model by model."""

    def __init__(self) -> None:
        self.created: dict[str, int] = {}

    def note(self, label: str, created: bool) -> None:
        self.created[label] = self.created.get(label, 0) + int(created)


def upsert(model: type[models.Model], lookup: dict, values: dict, tally: Tally, label: str) -> models.Model:
    """Find a row by its natural key or start a new one, apply `values`, validate, save."""
    obj = model.objects.filter(**lookup).first()
    created = obj is None
    if created:
        obj = model(**lookup)
    for field, value in values.items():
        setattr(obj, field, value)
    obj.full_clean()
    obj.save()
    tally.note(label, created)
    return obj


def bulk_create_backdated(model: type[models.Model], rows: list[tuple[models.Model, dict]]) -> None:
    """bulk_create, then put back the times (``stamps``) that auto_now(_add) overwrote.

    The update is one parametrised UPDATE run for all rows (executemany): bulk_update's CASE WHEN per row would
    cost seconds for the few thousand events of the history.
    """
    objs = [obj for obj, _stamps in rows]
    model.objects.bulk_create(objs, batch_size=500)
    names = sorted({name for _obj, stamps in rows for name in stamps})
    if not objs or not names:
        return
    meta, quote = model._meta, connection.ops.quote_name
    fields = [meta.get_field(name) for name in names]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    params = [
        [field.get_db_prep_save(stamps[field.name], connection) for field in fields] + [obj.pk] for obj, stamps in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
