"""Shared fixtures.

Tests that need PostgreSQL or a real Celery worker on Redis use the `require_postgres` / `require_redis`
fixtures: without the service they skip, but under REQUIRE_SERVICES=1 (CI) they fail instead.
"""

import os

import pytest
from django.core.cache import cache

from hallservice.celery import app as celery_app
from requests.services import matter_save, request_register
from staff.models import SpecialistRole, StaffKind
from staff.roles import Role

from .browser import orm_beside_playwright
from .factories import DistrictFactory, StaffMemberFactory, TownFactory, UserFactory, VillageFactory

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def missing_service(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 costs ~0.3 s a user; tests create many users and do not test hashing strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _sessions_survive_idle_time_travel(settings):
    # Tests travel in time between requests of one login; only the idle-timeout tests keep the real limit.
    settings.SESSION_IDLE_TIMEOUT = 60 * 60 * 24 * 366 * 3


@pytest.fixture(autouse=True)
def _eager_celery():
    # Even when REDIS_URL is set (CI), ordinary tests run tasks in-process; only the worker test opts out.
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True, scope="session")
def _a_cache_of_each_worker():
    """With Redis (CI), each pytest-xdist worker gets a Redis database of its own for the cache: ``fresh_cache``
    empties the whole database, and the throttles count by username, so workers sharing one wiped and mixed each
    other's counts (a login test was let in after five wrong passwords)."""
    import os

    from django.conf import settings
    from django.test.utils import override_settings

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    location = settings.CACHES["default"].get("LOCATION", "")
    if not worker.startswith("gw") or not str(location).startswith("redis://"):
        yield
        return
    base = str(location).rsplit("/", 1)[0] if str(location).count("/") > 2 else str(location)
    database = 1 + int(worker[2:]) % 15
    with override_settings(CACHES={"default": {**settings.CACHES["default"], "LOCATION": f"{base}/{database}"}}):
        yield


@pytest.fixture
def fresh_cache():
    """An empty cache before and after the test: throttle counts and lockouts never leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def allow_orm_beside_playwright():
    """For a browser test module outside tests/e2e (whose conftest does the same per package)."""
    with orm_beside_playwright():
        yield


@pytest.fixture(scope="session")
def sqlite_plans_database(tmp_path_factory, django_db_blocker):
    """The SQLite database of tests/sqlite_plans.py, made once per session (per xdist worker)."""
    from . import sqlite_plans

    with django_db_blocker.unblock():
        wrapper = sqlite_plans.open_database(tmp_path_factory.mktemp("plans") / "plans.sqlite3")
    yield wrapper
    sqlite_plans.close_database(wrapper)


@pytest.fixture
def sqlite_plans(sqlite_plans_database, db):
    """tests/sqlite_plans.py, its database open (the rows a test loads stay until the next test loads others)."""
    from . import sqlite_plans

    return sqlite_plans


@pytest.fixture
def require_postgres(django_db_blocker):
    from django.db import connection

    if connection.vendor != "postgresql":
        missing_service("the database is not PostgreSQL (set DATABASE_URL=postgres://…)")


@pytest.fixture
def require_redis():
    from django.conf import settings

    if not settings.REDIS_URL:
        missing_service("REDIS_URL is not set")
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        missing_service(f"Redis at REDIS_URL does not answer: {exc}")
    return settings.REDIS_URL


@pytest.fixture
def hall(db):
    """A small tree: district hall, one town under it, one village under the town."""
    district = DistrictFactory(code="XH", name="新华区政务服务中心")
    town = TownFactory(code="JD", name="焦店镇便民服务中心", parent=district)
    village = VillageFactory(code="JDC", name="焦店村便民服务站", parent=town)
    return {"district": district, "town": town, "village": village}


def api_as(user, *, language=None):
    """An API client logged in as ``user`` (DRF's force_authenticate), asking for ``language`` if given."""
    from django.conf import settings
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def all_at_once(calls) -> list:
    """Run the calls in threads released together, each on its own database connection; what each returned, or
    the exception it raised, in the order of the calls."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait()
            return call()
        except Exception as exc:  # returned: each caller judges its racers' failures
            return exc
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def race(calls) -> list:
    """Run the calls at once (``all_at_once``); outcomes in the order of the calls: what each returned, "refused"
    for a transition the state no longer allowed, or the repr of any other exception."""
    from hallservice.core.errors import TransitionNotAllowed

    return [
        "refused"
        if isinstance(outcome, TransitionNotAllowed)
        else repr(outcome)
        if isinstance(outcome, Exception)
        else outcome
        for outcome in all_at_once(calls)
    ]


def make_staff_user(*, role, centre, username, **member_fields):
    user = UserFactory(username=username, roles=[role] if role else [])
    StaffMemberFactory(user=user, centre=centre, name=member_fields.pop("name", username), **member_fields)
    user.refresh_from_db()
    return user


def make_department_worker(*, centre, username, department, name="孙专员"):
    """A department user: a specialist who works on the requests' parts for ``department``."""
    return make_staff_user(
        role=Role.DEPARTMENT_USER,
        centre=centre,
        username=username,
        name=name,
        kind=StaffKind.SPECIALIST,
        department=department,
        specialist_role=SpecialistRole.WORKER,
    )


@pytest.fixture
def front_desk_user(hall):
    return make_staff_user(role=Role.FRONT_DESK, centre=hall["district"], username="clerk")


@pytest.fixture
def supervisor_user(hall):
    return make_staff_user(role=Role.SUPERVISOR, centre=hall["district"], username="supervisor")


@pytest.fixture
def admin_user_role(hall):
    user = make_staff_user(role=Role.ADMIN, centre=hall["district"], username="hall-admin")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def registered_request(hall):
    """张三's request for 不动产登记, registered at the district by the desk 王帮办 with no material provided."""
    from .factories import DepartmentFactory, MatterFactory, RequiredMaterialFactory, registration_input

    desk = make_staff_user(role=Role.FRONT_DESK, centre=hall["district"], username="desk", name="王帮办")
    matter = matter_save(
        matter=MatterFactory.build(code="BDC-001", main_item="不动产登记", department=DepartmentFactory(code="BDC"))
    )
    RequiredMaterialFactory(matter=matter, position=1, name="身份证明")
    return request_register(
        actor=desk, data=registration_input(matter, applicant_address="新华区建设路 1 号", provided_material_ids=[])
    )
