"""Settings from the environment: production values pass `check --deploy`; DEBUG off needs a SECRET_KEY."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from hallservice.core.sequences import sequence_next

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    own = {"DJANGO_DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "FIELD_ENCRYPTION_KEYS", "FIELD_HASH_KEY", "SMS_BACKEND"}
    clean = {k: v for k, v in os.environ.items() if k not in own}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_production_values():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="hall.example.cn",
        FIELD_ENCRYPTION_KEYS=secrets.token_urlsafe(32),
        FIELD_HASH_KEY=secrets.token_urlsafe(32),
        SMS_BACKEND="none",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_off_without_secret_key_refuses_to_start():
    result = run_manage("check", DJANGO_DEBUG="0", ALLOWED_HOSTS="hall.example.cn")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_defaults_are_chinese_and_shanghai(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert [code for code, _name in settings.LANGUAGES] == ["zh-hans", "en"]


@pytest.mark.django_db
def test_sequences_count_up_per_key():
    assert [sequence_next(key="a") for _ in range(3)] == [1, 2, 3]
    assert sequence_next(key="b") == 1


def test_beat_schedule_lists_only_registered_tasks():
    from hallservice.celery import app

    app.loader.import_default_modules()
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks, entry["task"]


@pytest.mark.postgres
def test_postgresql_connections_run_without_jit(require_postgres, db):
    # JIT compiling cost milliseconds per statement on the supervision triggers (see settings).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
