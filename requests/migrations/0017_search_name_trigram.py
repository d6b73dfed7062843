"""The trigram index behind the queue's search by applicant name on PostgreSQL (issue 17 item 2, requests.search).

The name search is ``UPPER(applicant_name::text) LIKE UPPER('%…%')`` (Django's ``icontains``), so the index is on
that expression. SQLite has no trigram index: the search there is a prefix on the name's ordinary index, and this
migration does nothing. The index is built CONCURRENTLY so a hall's table stays writable while it builds; pg_trgm
is a trusted extension (PostgreSQL 13+), so the database owner may create it.
"""

from django.db import migrations

INDEX = "request_applicant_name_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON requests_servicerequest "
        "USING gin (UPPER(applicant_name::text) gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
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
