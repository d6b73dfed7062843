"""/healthz reports the database and the broker, and answers 503 when one is down."""

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_ok_without_broker(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "eager"}


def test_healthz_503_when_broker_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["broker"].startswith("down")
    assert body["database"] == "ok"


def test_healthz_503_when_database_is_down(client, settings, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("gone")

    settings.REDIS_URL = ""
    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"].startswith("down")


def test_healthz_with_real_redis(client, settings, require_redis):
    settings.REDIS_URL = require_redis
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"
