"""SQLite's query-planner statistics, kept the way SQLite's documentation recommends (PostgreSQL keeps its own).

Without statistics (the ``sqlite_stat1`` table that ``ANALYZE`` writes) SQLite guesses every index alike: the
queue's search by a phone's last four digits then walked the whole centre's date index (227 ms at 100,000
requests) instead of the tail index (under a millisecond). Statistics are kept at two moments:

- **After migrate** (``after_migrate``, connected in hallservice/apps.py): the tables holding rows that have an
  index with no statistics yet (every table of a database never analysed, or one whose index a migration has just
  added) are analysed in full, then ``PRAGMA optimize`` runs.
- **While the site runs** (``SQLiteStatisticsMiddleware``): ``PRAGMA optimize`` at the end of a request, at most
  once an hour per process. SQLite's documentation asks for it before a connection closes: it re-analyses the
  tables the connection used whose size changed much since their last analysis, and is a no-op otherwise.
  ``analysis_limit`` bounds that work to a few hundred rows per index, so the one request that pays stays fast.
"""

from __future__ import annotations

import logging
import sqlite3
import time

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

# Rows read per index when PRAGMA optimize decides to analyse a table (SQLite suggests 100-1000).
ANALYSIS_LIMIT = 400
# Seconds between two PRAGMA optimize in one process.
OPTIMIZE_INTERVAL = 3600


def unanalysed_tables(cursor) -> list[str] | None:
    """The tables with an index that holds entries but has no row in ``sqlite_stat1``; None when the database has
    no statistics at all.

    ANALYZE writes no row for an empty index (an empty table's, or a partial index no row matches yet), so such an
    index is not counted: it would send its table to ANALYZE at every migrate.
    """
    cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
    if cursor.fetchone() is None:
        return None
    cursor.execute("SELECT 1 FROM sqlite_stat1 LIMIT 1")
    if cursor.fetchone() is None:
        return None
    cursor.execute(
        "SELECT tbl_name, sql FROM sqlite_master AS m WHERE type = 'index' AND tbl_name NOT LIKE 'sqlite%' "
        "AND NOT EXISTS (SELECT 1 FROM sqlite_stat1 AS s WHERE s.idx = m.name) ORDER BY tbl_name, name"
    )
    tables = []
    for table, sql in cursor.fetchall():
        if table in tables:
            continue
        # A partial index's condition follows its last WHERE (the column list cannot hold one).
        where = sql[sql.upper().rindex(" WHERE ") :] if sql and " WHERE " in sql.upper() else ""
        cursor.execute(f'SELECT 1 FROM "{table}"{where} LIMIT 1')
        if cursor.fetchone() is not None:
            tables.append(table)
    return tables


def analyse(using: str = DEFAULT_DB_ALIAS) -> list[str] | None:
    """ANALYZE what has no statistics yet, then PRAGMA optimize; the tables analysed (None: the whole database)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        tables = unanalysed_tables(cursor)
        if tables is None:
            cursor.execute("ANALYZE")
        for table in tables or ():
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        cursor.execute("PRAGMA optimize")
    return tables


def after_migrate(sender, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    # post_migrate comes once per app: act once, after the last app's handlers have written their rows.
    from django.apps import apps

    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender.label == with_models[-1].label:
        analyse(using)


_last_optimized: float | None = None


def optimize_now(using: str = DEFAULT_DB_ALIAS) -> bool:
    """PRAGMA optimize on the open connection if the process has not run it for OPTIMIZE_INTERVAL; whether it ran.

    Through the driver's own connection, so it is neither logged nor counted among a page's queries. A connection
    that did nothing (never opened) has nothing to teach the optimizer and is skipped.
    """
    global _last_optimized
    connection = connections[using]
    if connection.vendor != "sqlite" or connection.connection is None:
        return False
    now = time.monotonic()
    if _last_optimized is not None and now - _last_optimized < OPTIMIZE_INTERVAL:
        return False
    _last_optimized = now
    raw = connection.connection
    try:
        raw.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
        raw.execute("PRAGMA optimize")
        raw.execute("PRAGMA analysis_limit = 0")
    except (sqlite3.Error, DatabaseError):
        # A locked database (another process writing) must not fail the clerk's page; next hour will do.
        logger.warning("PRAGMA optimize failed", exc_info=True)
        return False
    return True


class SQLiteStatisticsMiddleware:
    """Runs ``optimize_now`` after the response is built, while the request's connection is still open."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        optimize_now()
        return response
