"""The trigram index behind the queue's search by applicant name on PostgreSQL (issue 17 item 2, requests.search).

The name search is ``UPPER(applicant_name::text) LIKE UPPER('%…%')`` (Django's ``icontains``), so the index is on
that expression. SQLite has no trigram index: the search there is a prefix on the name's ordinary index, and this
migration does nothing. The index is built CONCURRENTLY so a hall's table stays writable while it builds; pg_trgm
is a trusted extension (PostgreSQL 13+), so the database owner may create it.

The searched columns also get finer statistics: with the default 100 buckets PostgreSQL guesses that a number
prefix or a name keeps 1% of the table, and then prefers walking the queue's date index backwards, filtering
row by row (36 ms on 100,000 rows, growing with the table), to the search's own index (0.2 ms).
"""

from django.db import migrations

INDEX = "request_applicant_name_trgm"
TABLE = "requests_servicerequest"
STATISTICS = 1000


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON {TABLE} "
        "USING gin (UPPER(applicant_name::text) gin_trgm_ops)"
    )
    set_statistics(schema_editor, STATISTICS)


def set_statistics(schema_editor, target):
    for column in ("number", "applicant_name"):
        schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN {column} SET STATISTICS {target}")
    schema_editor.execute(f"ALTER INDEX {INDEX} ALTER COLUMN 1 SET STATISTICS {target}")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        set_statistics(schema_editor, -1)
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("requests", "0016_actor_kind"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
