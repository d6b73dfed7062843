"""Database triggers that append to a stale-log table, for PostgreSQL and SQLite, kept current after migrate.

The supervision pages read pre-computed rows (daily figures, ledger gaps) that must follow every change of
the rows they are computed from, whichever code path made it. Each user of this module defines *groups*:
a name and the statements that create that group's triggers (on PostgreSQL a function and its statement-
level triggers with transition tables; on SQLite row-level triggers). `outdated()` finds the groups that
are missing a trigger or are defined otherwise than the code now defines them (an upgrade, another
TIME_ZONE); `create()` (re)creates them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction

EVENTS = (
    ("INSERT", "NEW TABLE AS new_rows"),
    ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ("DELETE", "OLD TABLE AS old_rows"),
)


def pg_changed(columns: Iterable[str]) -> str:
    """A condition on old_rows o joined to new_rows n: one of the columns differs."""
    columns = list(columns)
    old = ", ".join(f"o.{c}" for c in columns)
    new = ", ".join(f"n.{c}" for c in columns)
    return f"({old}) IS DISTINCT FROM ({new})"


def pg_group(name: str, table: str, insert: str, on_insert: str, on_update: str, on_delete: str) -> list[str]:
    """A plpgsql function running `insert` (a template with {} for a SELECT) on each event, and its triggers.

    The function's body is compared with the installed one by `outdated`, so it is kept free of anything
    that varies between runs.
    """
    statements = [
        f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {insert.format(on_insert)}
    ELSIF TG_OP = 'UPDATE' THEN
        {insert.format(on_update)}
    ELSE
        {insert.format(on_delete)}
    END IF;
    RETURN NULL;
END
$body$"""
    ]
    for event, referencing in EVENTS:
        trigger = f"{name}_{event.lower()}"
        statements.append(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        statements.append(
            f"CREATE TRIGGER {trigger} AFTER {event} ON {table} REFERENCING {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
    return statements


def sqlite_changed(columns: Iterable[str]) -> str:
    return " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)


def sqlite_trigger(name: str, event: str, table: str, body: list[str], when: str = "") -> str:
    condition = f" WHEN {when}" if when else ""
    return f"CREATE TRIGGER {name} AFTER {event} ON {table}{condition} BEGIN {' '.join(body)} END"


def trigger_names(using: str = "default", prefix: str = "hall_stale_") -> set[str]:
    """The names of the triggers present in the database that start with `prefix`."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE %s AND NOT tgisinternal", [f"{prefix}%"])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [f"{prefix}%"])
        return {row[0] for row in cursor.fetchall()}


def _created_triggers(statements: list[str]) -> list[str]:
    return [s.split()[2] for s in statements if s.startswith("CREATE TRIGGER ")]


def outdated(groups: dict[str, list[str]], using: str = "default") -> list[str]:
    """The groups missing a trigger or defined otherwise than in `groups`."""
    connection = connections[using]
    present = trigger_names(using, prefix="")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT proname, prosrc FROM pg_proc WHERE proname = ANY(%s)", [list(groups)])
            bodies = dict(cursor.fetchall())
            return [
                name
                for name, statements in groups.items()
                if bodies.get(name) != statements[0].split("$body$")[1]
                or not set(_created_triggers(statements)) <= present
            ]
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        installed = dict(cursor.fetchall())
        return [
            name
            for name, statements in groups.items()
            if any(installed.get(s.split()[2]) != s for s in statements if s.startswith("CREATE TRIGGER "))
        ]


def create(groups: dict[str, list[str]], names: Iterable[str], using: str = "default") -> None:
    """(Re)create the named groups (in the caller's transaction)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        for name in names:
            for statement in groups[name]:
                if connection.vendor == "sqlite" and statement.startswith("CREATE TRIGGER "):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {statement.split()[2]}")
                cursor.execute(statement)


def install(
    groups_for: Callable[[str], dict[str, list[str]]], tables: set[str], rebuild: Callable[[], object], using: str
) -> bool:
    """Create the groups that are missing or outdated and, when any was, `rebuild` what they feed (in one
    transaction). Returns whether anything was created. Does nothing before every table exists (a partial
    migrate; the final one installs them)."""
    connection = connections[using]
    if connection.vendor not in ("postgresql", "sqlite"):
        raise ImproperlyConfigured(
            f"Supervision triggers are written for PostgreSQL and SQLite, not {connection.vendor}."
        )
    if not tables <= set(connection.introspection.table_names()):
        return False
    groups = groups_for(connection.vendor)
    names = outdated(groups, using)
    if not names:
        return False
    with transaction.atomic(using=using):
        create(groups, names, using)
        rebuild()
    return True


def claim(table: str, column: str, lock_key: int, using: str) -> list:
    """Inside the caller's transaction: wait for any other refresh of the same log (PostgreSQL advisory lock;
    SQLite writes one transaction at a time), then delete the log's rows and return their `column` values.

    DELETE … RETURNING takes exactly the rows committed so far; a change committed later keeps its own row
    for the next refresh."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key])
        cursor.execute(f"DELETE FROM {table} RETURNING {column}")
        return [row[0] for row in cursor.fetchall()]


def insert_select(*, table: str, columns: dict[str, str], queryset, using: str, leading: list | None = None) -> None:
    """INSERT INTO `table` SELECT … FROM (the queryset's SQL) AS sub, so no row passes through Python.

    `columns` maps each target column to its expression over `sub` (e.g. "sub.f_day", "0", "%s"); `leading`
    holds the values of any %s in those expressions, which come before the subquery's own parameters."""
    connection = connections[using]
    quote = connection.ops.quote_name
    sql, params = queryset.query.sql_with_params()
    statement = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "
        f"SELECT {', '.join(columns.values())} FROM ({sql}) AS sub"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*(leading or []), *params])


def created_trigger_names(groups: dict[str, list[str]]) -> set[str]:
    """The names of the triggers the groups create."""
    return {name for statements in groups.values() for name in _created_triggers(statements)}
