"""Status lookup: one answer for an unknown number and a wrong code; failed lookups throttled per client address
and per request number (429 with the wait), in the cache shared by every process."""

import re
import time

import pytest
from django.test import RequestFactory

from hallservice.core import throttle
from tests.factories import ServiceRequestFactory, online_complaint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

URL = "/track/"


@pytest.fixture
def req():
    return ServiceRequestFactory(number="XH-20261123-0042", lookup_code="K7PQ2MXR")


def error_of(response) -> str:
    match = re.search(r'<div class="errors" role="alert"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    assert match, "no error message on the page"
    return match.group(1).strip()


def test_unknown_number_and_wrong_code_get_the_same_answer(client, req):
    unknown = client.post(URL, {"number": "XH-20261123-9999", "code": "K7PQ2MXR"})
    wrong_code = client.post(URL, {"number": req.number, "code": "AAAAAAAA"})
    assert unknown.status_code == wrong_code.status_code == 404
    assert error_of(unknown) == error_of(wrong_code)
    assert "未找到" in error_of(unknown) or "没有" in error_of(unknown)


def test_a_complaint_number_and_code_work_on_the_same_form(client, hall):

    complaint = online_complaint(hall["district"], category="other", content="建议增加座椅")
    response = client.post(URL, {"number": complaint.number, "code": complaint.lookup_code.lower()})
    assert response.status_code == 302 and "/track/c/" in response["Location"]


def test_failed_lookups_of_one_number_are_throttled_with_a_retry_time(client, req, settings):
    limit = int(settings.PUBLIC_THROTTLE_RATES["lookup_number"].split("/")[0])
    for i in range(limit):
        # Different addresses: the per-number limit holds against a botnet too.
        response = client.post(URL, {"number": req.number, "code": f"WRONG{i:03d}"}, REMOTE_ADDR=f"10.0.0.{i}")
        assert response.status_code == 404
    blocked = client.post(URL, {"number": req.number, "code": "WRONG999"}, REMOTE_ADDR="10.0.1.1")
    assert blocked.status_code == 429  # a further wrong code waits, from any address
    # The right code from an address that has failed waits too (a fresh address's is let through:
    # see test_lookup_lockout).
    assert client.post(URL, {"number": req.number, "code": "K7PQ2MXR"}, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert 0 < int(blocked["Retry-After"]) <= 900
    assert "分钟后再试" in blocked.content.decode()
    # Another request's lookups are not affected.
    other = ServiceRequestFactory(number="XH-20261123-0043", lookup_code="ABCD2345")
    assert client.post(URL, {"number": other.number, "code": "ABCD2345"}, REMOTE_ADDR="10.0.1.1").status_code == 302


def test_failed_lookups_from_one_address_are_throttled(client, settings):
    settings.PUBLIC_THROTTLE_RATES = {**settings.PUBLIC_THROTTLE_RATES, "lookup_address": "3/3600"}
    for i in range(3):
        assert client.post(URL, {"number": f"XH-20261123-{i:04d}", "code": "ZZZZZZZZ"}).status_code == 404
    response = client.post(URL, {"number": "XH-20261123-0099", "code": "ZZZZZZZZ"})
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 3600
    # A different address is still served.
    assert client.post(URL, {"number": "XH-1", "code": "Z"}, REMOTE_ADDR="192.0.2.9").status_code == 404


def test_successful_lookups_are_not_counted(client, req, settings):
    settings.PUBLIC_THROTTLE_RATES = {**settings.PUBLIC_THROTTLE_RATES, "lookup_address": "2/3600"}
    for _i in range(5):
        assert client.post(URL, {"number": req.number, "code": req.lookup_code}).status_code == 302


@pytest.mark.parametrize(
    "data",
    [
        {"number": "", "code": ""},
        {"number": "X" * 41, "code": "K7PQ2MXR"},
        {"number": "XH-1", "code": "C" * 21},
        {"number": "<script>alert(1)</script>", "code": "x"},
    ],
)
def test_malformed_lookups_are_refused_and_escaped(client, data):
    response = client.post(URL, data)
    assert response.status_code in (400, 404)
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_forwarded_address_is_used_only_behind_a_trusted_proxy(settings):
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    settings.PUBLIC_TRUSTED_PROXY_COUNT = 0
    assert throttle.client_address(request) == "10.0.0.1"
    settings.PUBLIC_TRUSTED_PROXY_COUNT = 1
    assert throttle.client_address(request) == "203.0.113.7"  # the spoofed left entry is ignored


def test_counters_live_in_the_cache_in_fixed_windows(settings):
    settings.PUBLIC_THROTTLE_RATES = {**settings.PUBLIC_THROTTLE_RATES, "lookup_number": "2/60"}
    throttle.check("lookup_number", "XH-1")
    assert throttle.hit("lookup_number", "XH-1") == 1
    assert throttle.hit("lookup_number", "XH-1") == 2
    with pytest.raises(throttle.Throttled) as info:
        throttle.check("lookup_number", "XH-1")
    assert 1 <= info.value.retry_after <= 60
    throttle.check("lookup_number", "XH-2")
    key, _ends = throttle._window(throttle.rate("lookup_number"), "XH-1", time.time())
    assert "XH-1" not in key and key.startswith("throttle:lookup_number:")  # identities are hashed


@pytest.mark.redis
def test_throttle_is_shared_across_processes_through_redis(require_redis, settings, client, req):
    """Two cache clients (as two gunicorn workers would have) see one counter."""
    from django.core.cache.backends.redis import RedisCache

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": require_redis}
    }
    from django.core.cache import caches

    caches["default"].clear()
    other_process = RedisCache(require_redis, {})
    limit = int(settings.PUBLIC_THROTTLE_RATES["lookup_number"].split("/")[0])
    for i in range(limit):
        client.post(URL, {"number": req.number, "code": f"WRONG{i:03d}"}, REMOTE_ADDR=f"10.9.0.{i}")
    keys = other_process._cache.get_client().keys("*throttle:lookup_number*")
    assert keys, "the counter is in Redis"
    failed_address = "10.9.0.0"
    assert (
        client.post(URL, {"number": req.number, "code": req.lookup_code}, REMOTE_ADDR=failed_address).status_code
        == 429
    )
    caches["default"].clear()
