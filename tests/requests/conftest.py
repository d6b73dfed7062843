"""Fixtures for the request lifecycle: a hall with staff of every role and two matters with materials."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from requests import services as svc
from requests.public import status_cache
from requests.services import RegistrationInput, request_register
from staff.models import StaffKind
from staff.roles import Role
from tests.conftest import make_department_worker, make_staff_user
from tests.factories import (
    OLD_LI,
    VALID_ID_NUMBERS,
    DepartmentFactory,
    ServiceRequestFactory,
    land_registration_matter,
    records_query_matter,
)
from tests.signed_forms import keep_signed


@pytest.fixture(autouse=True)
def _sessions_survive_time_travel(settings):
    # Logins happen at frozen past times and later requests at the real time (or the other way round): a
    # ten-hour session created on a frozen 26 November has expired by the time the test reads the page.
    settings.SESSION_COOKIE_AGE = 60 * 60 * 24 * 366 * 3


@pytest.fixture(autouse=True)
def _status_pages_cached_per_test(monkeypatch):
    # The status page's cache (requests.public.status_cache) outlives a test's database: under frozen time the
    # next test's request can have the same id, timestamp and event count, so each test gets keys of its own.
    monkeypatch.setattr(status_cache, "KEY_PREFIX", f"track:status:test:{uuid.uuid4().hex}")


@pytest.fixture
def people(hall):
    district, town = hall["district"], hall["town"]
    dept = DepartmentFactory(name="不动产登记中心", code="BDC")
    other_dept = DepartmentFactory(name="税务局", code="SWJ")
    return {
        "dept": dept,
        "other_dept": other_dept,
        "desk": make_staff_user(role=Role.FRONT_DESK, centre=district, username="desk", name="王帮办"),
        "desk2": make_staff_user(role=Role.FRONT_DESK, centre=district, username="desk2", name="李帮办"),
        "leader": make_staff_user(
            role=Role.DUTY_LEADER, centre=district, username="leader", name="赵带班", kind=StaffKind.DUTY_LEADER
        ),
        "supervisor": make_staff_user(role=Role.SUPERVISOR, centre=district, username="sup", name="钱督查"),
        "dept_user": make_department_worker(centre=district, username="dept", department=other_dept),
        "town_desk": make_staff_user(role=Role.FRONT_DESK, centre=town, username="towndesk", name="周帮办"),
        "nobody": make_staff_user(role=None, centre=district, username="norole", name="无角色"),
    }


@pytest.fixture
def matter(people):
    return land_registration_matter(people["dept"], tax_receipt_waivable=True)


@pytest.fixture
def immediate_matter(people):
    return records_query_matter(people["dept"])


def registration_form(matter, *, provide_all=True, **fields) -> dict:
    """The registration form as the front desk fills it in, on the page or through the API, for 张三 and ``matter``;
    all materials ticked unless told otherwise, ``fields`` change any part."""
    return {
        "matter_id": matter.pk,
        "kind": "assist",
        "channel": "hall",
        "category": "special_care",
        "applicant_type": "person",
        "applicant_name": "张三",
        "applicant_id_number": VALID_ID_NUMBERS[0],
        "applicant_phone": "13812345678",
        "applicant_address": "新华区建设路 1 号",
        "provided_material_ids": [m.pk for m in matter.materials.all()] if provide_all else [],
        **fields,
    }


@pytest.fixture
def register(people, matter):
    """Register a request as the front desk; all materials provided unless told otherwise."""

    def _register(actor=None, *, provide_all=True, **fields):
        actor = actor or people["desk"]
        m = fields.pop("matter", matter)
        data = {
            "kind": "assist",
            "matter_id": m.pk,
            "applicant_name": "张三",
            "applicant_id_number": VALID_ID_NUMBERS[0],
            "applicant_phone": "13812345678",
            "applicant_address": "新华区建设路 1 号",
            "provided_material_ids": [x.pk for x in m.materials.all()] if provide_all else [],
        }
        data.update(fields)
        return request_register(actor=actor, data=RegistrationInput(**data))

    return _register


@pytest.fixture
def in_handling(register, people):
    """Register a request as the front desk (``fields`` as for ``register``), accept and start it: 王帮办 (desk) is
    handling it."""

    def _in_handling(**fields):
        desk = people["desk"]
        req = register(**fields)
        svc.request_accept(actor=desk, request_id=req.pk)
        svc.request_start(actor=desk, request_id=req.pk)
        return req

    return _in_handling


@pytest.fixture
def deliver_query(register, people, immediate_matter):
    """Register, accept and deliver 张三's on-the-spot query at the desk; the applicant may rate it then."""

    def _deliver():
        desk = people["desk"]
        req = register(matter=immediate_matter)
        svc.request_accept(actor=desk, request_id=req.pk)
        svc.request_deliver(actor=desk, request_id=req.pk, method="on_the_spot", signer="张三", result="查询结果")
        return req

    return _deliver


@pytest.fixture
def delivered_query(deliver_query):
    return deliver_query()


@pytest.fixture
def village_desk(hall):
    return make_staff_user(role=Role.FRONT_DESK, centre=hall["village"], username="village", name="吴帮办")


@pytest.fixture
def register_at_village(register, village_desk):
    """Register 老李's agency request at the village desk, with no material and no address unless told otherwise."""

    def _register(**fields):
        return register(
            village_desk, provide_all=False, **{"kind": "agency", **OLD_LI, "applicant_address": "", **fields}
        )

    return _register


@pytest.fixture
def desk_requests(people, matter):
    """Make ``n`` requests in ``status`` helped by the front desk in its own centre."""
    desk = people["desk"].staff_member

    def _make(n, status):
        return ServiceRequestFactory.create_batch(n, centre=desk.centre, helper=desk, matter=matter, status=status)

    return _make


@pytest.fixture
def rows_cost_constant_queries(client, django_assert_max_num_queries):
    """Check that the list page at ``url`` shows five rows, and sixty after ``add_55()`` with no more queries;
    return the queries the five rows took."""

    def _check(url, add_55) -> int:
        with CaptureQueriesContext(connection) as five:
            assert len(client.get(url, {"page_size": 100}).context["rows"]) == 5
        add_55()
        with django_assert_max_num_queries(len(five)):
            assert len(client.get(url, {"page_size": 100}).context["rows"]) == 60
        return len(five)

    return _check


@pytest.fixture
def media_in_tmp(settings, tmp_path):
    """Printed documents are written under MEDIA_ROOT: a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def completed_unsigned(in_handling, people, media_in_tmp):
    """张三's request for 不动产登记, done by his helper 王帮办 (desk): the certificate waits at the desk for him."""
    from requests.models import ServiceRequest

    req = in_handling()
    svc.request_complete(actor=people["desk"], request_id=req.pk, result="不动产权证书 1 本")
    return ServiceRequest.objects.get(pk=req.pk)


@pytest.fixture
def completed(completed_unsigned, people):
    """The same, with the scan of the completion form 张三 signed kept already (issue 18), so a hand-over in person
    or at home needs only the printed form; ``completed_unsigned`` has no signed form kept."""
    keep_signed(people["desk"], completed_unsigned, "completion_form")
    return completed_unsigned


def migrate_through_on_day(migration: str, day: tuple[int, int, int]) -> None:
    """Take the requests app back to before ``migration`` (a 0025, whose data migration reads today's date), run it on
    ``day`` (year, month, day), then migrate every app on to the latest. Needs ``django_db(transaction=True)``."""
    from django.db.migrations.executor import MigrationExecutor

    from tests.clock import at

    def migrate(targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)

    with at(*day):
        migrate([("requests", "0024_event_verbs_follow_up_and_corrections")])
        migrate([("requests", migration)])
    # On to the latest of every app: going back in requests also took back the other apps' migrations that depend on
    # a later requests migration (training's proposals on evaluation causes), and a later test would miss their tables.
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
