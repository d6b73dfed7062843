"""An SQLite database beside the test database, to read SQLite's query plans whatever the tests run on.

CI runs the suite on PostgreSQL; a hall may run on SQLite, so the SQLite plans of the queue and the search are
tested there too, on this database: a file under pytest's temporary directory, registered as the connection
``sqlite_plans``, with every table and index the models declare (``makemigrations --check`` in ``make lint`` keeps
the migrations equal to the models). Querysets are compiled for it with ``.using(ALIAS)``; the rows a test plans
over are copied in from the test database with their ids, so the ids in a query (centres, helpers) match.
Foreign keys are not enforced here: only the requests table is filled.
"""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.db import connections
from django.db.backends.sqlite3.base import DatabaseWrapper

ALIAS = "sqlite_plans"


def open_database(path: Path) -> DatabaseWrapper:
    """Create the database at ``path`` with the models' tables and register it as ``ALIAS``."""
    settings_dict = connections.configure_settings({"default": {"ENGINE": "django.db.backends.sqlite3"}})["default"]
    settings_dict["NAME"] = str(path)
    wrapper = DatabaseWrapper(settings_dict, alias=ALIAS)
    connections[ALIAS] = wrapper
    with wrapper.schema_editor() as editor:
        for model in apps.get_models():
            if model._meta.managed and not model._meta.proxy:
                editor.create_model(model)
    return wrapper


def close_database(wrapper: DatabaseWrapper) -> None:
    wrapper.close()
    del connections[ALIAS]


def load(model, queryset) -> None:
    """Replace the rows of ``model``'s table in the plans database by those of ``queryset``, then ANALYZE."""
    wrapper = connections[ALIAS]
    with wrapper.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys = OFF")
        cursor.execute(f'DELETE FROM "{model._meta.db_table}"')
    model.objects.using(ALIAS).bulk_create(list(queryset.order_by("pk")), batch_size=500)
    with wrapper.cursor() as cursor:
        cursor.execute("ANALYZE")


def explain(sql: str, params: tuple) -> str:
    """SQLite's EXPLAIN QUERY PLAN of ``sql``, one line a step."""
    with connections[ALIAS].cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(" ".join(str(col) for col in row) for row in cursor.fetchall())


def index_names_on(table: str, column: str) -> set[str]:
    """The names of the plans database's indexes of ``table`` whose first column is ``column``."""
    found = set()
    with connections[ALIAS].cursor() as cursor:
        cursor.execute(f'PRAGMA index_list("{table}")')
        for name in [row[1] for row in cursor.fetchall()]:
            cursor.execute(f'PRAGMA index_info("{name}")')
            columns = [row[2] for row in cursor.fetchall()]
            if columns and columns[0] == column:
                found.add(name)
    return found
