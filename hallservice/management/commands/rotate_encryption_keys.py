"""Re-encrypt every encrypted field under the newest of FIELD_ENCRYPTION_KEYS (the first one).

Rotation (README "Keys and rotation"): put a new key first in FIELD_ENCRYPTION_KEYS and keep the old ones,
restart the processes, run this command, then drop the old keys. Rows are read and written as stored
ciphertext by primary key in batches (raw SQL: no model save, no timestamps, no events), each batch in its own
transaction, so the command can be interrupted and run again; a value that already decrypts with the newest key
is left alone, so a second run changes nothing. The keyed search hashes (FIELD_HASH_KEY) are untouched: they do
not depend on the encryption keys.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from hallservice.core.crypto import EncryptedCharField, rotate_token


def encrypted_fields():
    """(model, [fields]) for every concrete model with an EncryptedCharField."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]
        if fields:
            yield model, fields


class Command(BaseCommand):
    help = "Re-encrypt all encrypted personal data under the first (newest) key of FIELD_ENCRYPTION_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="rows per transaction (default 500)")

    def handle(self, *args, batch_size: int, **options):
        total_changed = total_current = 0
        for model, fields in encrypted_fields():
            for field in fields:
                changed, current = self.rotate_column(model, field, batch_size)
                total_changed += changed
                total_current += current
                self.stdout.write(
                    f"{model._meta.label}.{field.name}: {changed} re-encrypted, {current} already under the newest key"
                )
        self.stdout.write(
            self.style.SUCCESS(f"Done: {total_changed} values re-encrypted, {total_current} already current.")
        )

    def rotate_column(self, model, field, batch_size: int) -> tuple[int, int]:
        quote = connection.ops.quote_name
        table, column, pk = quote(model._meta.db_table), quote(field.column), quote(model._meta.pk.column)
        select = (
            f"SELECT {pk}, {column} FROM {table} WHERE {pk} > %s AND {column} IS NOT NULL AND {column} <> '' "
            f"ORDER BY {pk} LIMIT %s"
        )
        update = f"UPDATE {table} SET {column} = %s WHERE {pk} = %s AND {column} = %s"
        changed = current = 0
        last = None
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                if last is None:
                    cursor.execute(select.replace(f"{pk} > %s AND ", ""), [batch_size])
                else:
                    cursor.execute(select, [last, batch_size])
                rows = cursor.fetchall()
                for row_pk, token in rows:
                    rotated = rotate_token(token)
                    if rotated is None:
                        current += 1
                        continue
                    # Compared with the value read: a row changed meanwhile keeps its (newer) value.
                    cursor.execute(update, [rotated, row_pk, token])
                    changed += cursor.rowcount
            if len(rows) < batch_size:
                return changed, current
            last = rows[-1][0]
