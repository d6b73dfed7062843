"""Issue 15, item 3: with the cache (Redis) unreachable, logins, the lookup and the public forms still work.

The cache points at a port where nothing listens (never the shared Redis): every throttle falls back to its
counter in the database (hallservice.core.throttle), so the pages answer as usual and the limits still hold.
"""

import logging

import pytest
from django.test import override_settings

from complaints.models import Complaint
from hallservice.core.models import ThrottleCount
from requests.models import OnlineConsultation
from requests.services import matter_save
from staff.roles import Role
from tests.conftest import make_staff_user
from tests.factories import DepartmentFactory, MatterFactory, ServiceRequestFactory
from tests.requests.test_public_pages import complaint_data, question_data

pytestmark = pytest.mark.django_db

DOWN = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6390/0"}}


@pytest.fixture(autouse=True)
def _redis_down():
    with override_settings(CACHES=DOWN):
        yield


@pytest.fixture
def clerk(hall):
    return make_staff_user(role=Role.FRONT_DESK, centre=hall["district"], username="clerk")


def test_a_clerk_logs_in_on_the_site_without_redis(client, clerk):
    response = client.post("/accounts/login/", {"username": "clerk", "password": "pass-word-123"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_an_administrator_logs_in_to_the_admin_without_redis(client, hall):
    admin = make_staff_user(role=None, centre=hall["district"], username="root")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    response = client.post("/admin/login/?next=/admin/", {"username": "root", "password": "pass-word-123"})
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_wrong_passwords_are_still_limited_without_redis_and_the_warning_names_no_one(client, clerk, settings, caplog):
    limit = int(settings.LOGIN_THROTTLE_RATES["login_username"].split("/")[0])
    with caplog.at_level(logging.WARNING, logger="hallservice.core.throttle"):
        for _i in range(limit):
            assert client.post("/accounts/login/", {"username": "clerk", "password": "wrong"}).status_code == 200
    refused = client.post("/accounts/login/", {"username": "clerk", "password": "pass-word-123"})
    assert refused.status_code == 429 and "分钟后再试" in refused.content.decode()
    assert ThrottleCount.objects.exists()  # counted in the database
    warnings = [r.getMessage() for r in caplog.records if r.name == "hallservice.core.throttle"]
    assert warnings and all("clerk" not in w and "127.0.0.1" not in w for w in warnings)


def test_the_status_lookup_works_without_redis(client, hall):
    req = ServiceRequestFactory(number="XH-20261123-0042", lookup_code="K7PQ2MXR")
    assert client.post("/track/", {"number": req.number, "code": "WRONG001"}).status_code == 404
    found = client.post("/track/", {"number": req.number, "code": "K7PQ2MXR"})
    assert found.status_code == 302 and "/track/r/" in found["Location"]


def test_an_online_question_is_taken_without_redis(client, hall):
    matter = matter_save(
        matter=MatterFactory.build(
            code="BDC-001",
            main_item="不动产登记",
            sub_item="首次登记",
            department=DepartmentFactory(),
            time_limit_days=5,
        )
    )
    make_staff_user(role=Role.FRONT_DESK, centre=hall["district"], username="desk")
    response = client.post("/track/consult/", question_data(hall, matter_id=matter.pk))
    assert response.status_code == 302
    assert OnlineConsultation.objects.count() == 1


def test_a_complaint_is_taken_without_redis(client, hall):
    response = client.post("/track/complain/", complaint_data(hall))
    assert response.status_code == 302
    assert Complaint.objects.count() == 1


def test_healthz_still_answers_503_when_redis_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6390/0"
    assert client.get("/healthz").status_code == 503
