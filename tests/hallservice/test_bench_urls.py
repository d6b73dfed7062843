"""The ceiling view exists only in the benchmark settings' URLconf (hallservice/bench_urls.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from tests.factories import ServiceRequestFactory

pytestmark = pytest.mark.django_db


@override_settings(ROOT_URLCONF="hallservice.bench_urls")
def test_ceiling_shows_one_request_with_one_query(client):
    req = ServiceRequestFactory()

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/bench/ceiling/{req.pk}/")

    assert response.status_code == 200
    assert req.number in response.content.decode()
    assert req.applicant_name not in response.content.decode()  # no login in front of it: nothing personal
    assert len(queries) == 1


@override_settings(ROOT_URLCONF="hallservice.bench_urls")
def test_benchmark_urlconf_keeps_every_page_of_the_site(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/bench/ceiling/999999/").status_code == 404


def test_production_urlconf_has_no_ceiling(client):
    req = ServiceRequestFactory()

    assert client.get(f"/bench/ceiling/{req.pk}/").status_code == 404
