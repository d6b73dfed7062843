"""PUBLIC_BASE_URL, the address in the forms' QR codes, against the host serving the pages (issue 14, item 26).

`make run PORT=8080` once served the pages on 8080 while every QR code still pointed at 127.0.0.1:8000.
"""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

import pytest
from django.core import checks
from django.urls import reverse

from hallservice.core import public_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_process_state(settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver", "hall.xinhua.gov.cn", "192.168.1.20"]
    public_url.forget_mismatch()
    yield
    public_url.forget_mismatch()


def test_pages_served_on_port_8080_with_the_default_address_warn_once(client, settings, caplog):
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    with caplog.at_level(logging.WARNING, logger="hallservice.core.public_url"):
        client.get(reverse("login"), HTTP_HOST="127.0.0.1:8080")
        client.get(reverse("login"), HTTP_HOST="127.0.0.1:8080")
    warnings = [r for r in caplog.records if r.name == "hallservice.core.public_url"]
    assert len(warnings) == 1
    assert "http://127.0.0.1:8000" in warnings[0].getMessage()
    assert "http://127.0.0.1:8080" in warnings[0].getMessage()


def test_pages_served_on_the_public_address_warn_nothing(client, settings, caplog):
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    with caplog.at_level(logging.WARNING, logger="hallservice.core.public_url"):
        client.get(reverse("login"), HTTP_HOST="127.0.0.1:8000")
    assert not [r for r in caplog.records if r.name == "hallservice.core.public_url"]
    assert public_url.first_mismatch() is None


@pytest.mark.parametrize(
    ("public", "host", "ok"),
    [
        ("https://hall.xinhua.gov.cn", "hall.xinhua.gov.cn", True),  # behind a proxy: no port in Host
        ("https://hall.xinhua.gov.cn/", "HALL.xinhua.gov.cn", True),
        ("https://hall.xinhua.gov.cn", "hall.xinhua.gov.cn:443", True),
        ("http://192.168.1.20:8000", "192.168.1.20:8000", True),
        ("http://127.0.0.1:8000", "127.0.0.1:8080", False),
        ("http://127.0.0.1:8000", "192.168.1.20:8000", False),
        ("http://127.0.0.1:8000", "localhost:8000", False),  # a phone cannot open either
        ("http://[::1]:8000", "[::1]:8000", True),
    ],
)
def test_an_address_matches_only_the_same_host_and_port(public, host, ok):
    assert public_url.matches(public, host) is ok


def test_the_hall_admin_sees_a_banner_the_front_desk_does_not(client, settings, admin_user_role, front_desk_user):
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    client.force_login(admin_user_role)
    html = client.get(reverse("home"), HTTP_HOST="192.168.1.20:8080").content.decode()
    assert "PUBLIC_BASE_URL" in html and "http://192.168.1.20:8080" in html
    client.force_login(front_desk_user)
    assert "PUBLIC_BASE_URL" not in client.get(reverse("home"), HTTP_HOST="192.168.1.20:8080").content.decode()


@pytest.mark.parametrize("value", ["hall.xinhua.gov.cn", "http://", "ftp://hall.xinhua.gov.cn", "http://x:port"])
def test_a_malformed_public_address_is_reported_at_start_up(settings, value):
    settings.PUBLIC_BASE_URL = value
    assert [m.id for m in checks.run_checks(tags=[checks.Tags.urls])] == ["hallservice.W001"]


def test_the_default_public_address_passes_the_start_up_check(settings):
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    assert checks.run_checks(tags=[checks.Tags.urls]) == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["PORT=8080"], "PUBLIC_BASE_URL='http://127.0.0.1:8080'"),
        (["HOST=0.0.0.0", "PUBLIC_BASE_URL=http://192.168.1.20:8000"], "PUBLIC_BASE_URL='http://192.168.1.20:8000'"),
    ],
)
def test_make_run_passes_the_public_address_to_the_server(args, expected):
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        ["make", "-n", "run", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    ).stdout
    line = next(line for line in out.splitlines() if "runserver" in line)
    assert line.startswith(expected)
