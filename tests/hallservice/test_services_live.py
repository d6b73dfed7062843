"""Tests that need the real services CI provides: PostgreSQL row locks and a Celery worker on Redis.

Without the service they skip; under REQUIRE_SERVICES=1 they fail instead (see tests/conftest.py).
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from hallservice.core.sequences import sequence_next
from hallservice.tasks import ping
from tests.conftest import all_at_once

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_sequence_allocations_never_repeat_on_postgres(require_postgres):
    threads, per_thread = 8, 10

    def allocate():
        return [sequence_next(key="XH-20261123") for _ in range(per_thread)]

    outcomes = all_at_once([allocate] * threads)
    errors = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    results = [number for outcome in outcomes if not isinstance(outcome, Exception) for number in outcome]
    assert connection.vendor == "postgresql"
    assert not errors
    assert sorted(results) == list(range(1, threads * per_thread + 1))


@pytest.mark.redis
def test_task_round_trip_through_a_real_worker(require_redis):
    from hallservice.celery import app

    queue = f"test-{uuid.uuid4().hex[:8]}"  # our own queue, so no stray worker can answer for ours
    env = {**os.environ, "REDIS_URL": require_redis}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "hallservice",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    app.conf.task_always_eager = False
    try:
        result = ping.apply_async(queue=queue)
        answer = result.get(timeout=60)
    finally:
        worker.terminate()
        try:
            output = worker.communicate(timeout=20)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            worker.kill()
            output = ""
    assert answer["pong"] is True, output
    assert answer["host"]
