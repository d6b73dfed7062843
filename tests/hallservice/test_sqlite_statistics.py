"""SQLite keeps its planner statistics: ANALYZE after migrate, PRAGMA optimize once an hour while serving.

On the SQLite database beside the test database (tests/sqlite_plans.py), so these run on CI's PostgreSQL too.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection, connections
from django.db.models.signals import post_migrate
from django.test.utils import CaptureQueriesContext

from hallservice.core import sqlite_statistics
from requests.models import ServiceRequest
from tests.factories import ServiceRequestFactory

ROOT = Path(__file__).resolve().parents[2]


def statistics_of(table: str) -> set[str]:
    with connections["sqlite_plans"].cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return set()
        cursor.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = %s", [table])
        return {row[0] for row in cursor.fetchall()}


def indexes_of(table: str) -> set[str]:
    with connections["sqlite_plans"].cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s", [table])
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def requests_without_statistics(sqlite_plans):
    ServiceRequestFactory.create_batch(3)
    sqlite_plans.load(ServiceRequest, ServiceRequest.objects.all())
    with connections[sqlite_plans.ALIAS].cursor() as cursor:
        cursor.execute("DROP TABLE sqlite_stat1")
    return ServiceRequest._meta.db_table


def last_app():
    return [config for config in apps.get_app_configs() if config.models_module is not None][-1]


def test_migrate_is_followed_by_the_statistics_of_every_table_holding_rows(sqlite_plans, requests_without_statistics):
    table = requests_without_statistics
    assert statistics_of(table) == set()

    sqlite_statistics.after_migrate(sender=last_app(), using=sqlite_plans.ALIAS)

    # Every index but the partial ones no row matches (ANALYZE has nothing to say of an empty index).
    assert statistics_of(table) == indexes_of(table) - {"request_queue_forwarded", "request_queue_urgent"}
    with connections[sqlite_plans.ALIAS].cursor() as cursor:
        assert sqlite_statistics.unanalysed_tables(cursor) == []


def test_the_handler_is_connected_to_migrate_and_acts_once_after_the_last_app(
    sqlite_plans, requests_without_statistics
):
    assert any(key[0] == "sqlite_planner_statistics" for key, *_rest in post_migrate.receivers)

    sqlite_statistics.after_migrate(sender=apps.get_app_config("requests"), using=sqlite_plans.ALIAS)

    assert statistics_of(requests_without_statistics) == set()


def test_an_index_a_migration_adds_gets_its_statistics_at_that_migrate(sqlite_plans, requests_without_statistics):
    table = requests_without_statistics
    sqlite_statistics.analyse(sqlite_plans.ALIAS)
    with connections[sqlite_plans.ALIAS].cursor() as cursor:
        cursor.execute(f'CREATE INDEX "request_test_new_index" ON "{table}" ("lookup_code")')
    try:
        assert "request_test_new_index" not in statistics_of(table)

        analysed = sqlite_statistics.analyse(sqlite_plans.ALIAS)

        assert table in analysed
        assert "request_test_new_index" in statistics_of(table)
    finally:
        with connections[sqlite_plans.ALIAS].cursor() as cursor:
            cursor.execute('DROP INDEX "request_test_new_index"')


def test_statistics_already_there_are_left_as_they_are(sqlite_plans, requests_without_statistics):
    sqlite_statistics.analyse(sqlite_plans.ALIAS)

    assert requests_without_statistics not in sqlite_statistics.analyse(sqlite_plans.ALIAS)


@pytest.mark.django_db
def test_postgresql_keeps_its_own_statistics(require_postgres):
    connection.ensure_connection()

    assert sqlite_statistics.analyse() == []
    assert sqlite_statistics.optimize_now() is False


def test_optimize_runs_once_an_hour_per_process_and_is_no_query_of_the_page(sqlite_plans, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(sqlite_statistics.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(sqlite_statistics, "_last_optimized", None)
    plans = connections[sqlite_plans.ALIAS]
    plans.ensure_connection()

    with CaptureQueriesContext(plans) as queries:
        first = sqlite_statistics.optimize_now(sqlite_plans.ALIAS)
        clock[0] += sqlite_statistics.OPTIMIZE_INTERVAL - 1
        within_the_hour = sqlite_statistics.optimize_now(sqlite_plans.ALIAS)
        clock[0] += 2
        an_hour_later = sqlite_statistics.optimize_now(sqlite_plans.ALIAS)

    assert (first, within_the_hour, an_hour_later) == (True, False, True)
    assert len(queries) == 0


def test_a_request_that_opened_no_connection_does_not_optimize(sqlite_plans, monkeypatch):
    monkeypatch.setattr(sqlite_statistics, "_last_optimized", None)
    connections[sqlite_plans.ALIAS].close()

    assert sqlite_statistics.optimize_now(sqlite_plans.ALIAS) is False
    assert sqlite_statistics._last_optimized is None


def test_on_sqlite_the_middleware_is_outermost():
    # Outermost, it runs after every other middleware's queries, before the connection closes.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DATABASE_URL"] = "sqlite:////tmp/never-opened.sqlite3"
    result = subprocess.run(
        [sys.executable, "-c", "from hallservice import settings; print(settings.MIDDLEWARE[0])"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "hallservice.core.sqlite_statistics.SQLiteStatisticsMiddleware"
