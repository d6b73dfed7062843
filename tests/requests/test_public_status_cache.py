"""Issue 17, item 3: the citizen status page is cached per request and version. A repeat view costs one query;
any change the page shows (a public event, a delivery, a moved deadline, today's substitution) shows at once;
two requests, two languages and elder mode never share an entry; a cache that fails still gives the page."""

import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from hallservice.core.actors import SYSTEM
from hallservice.core.calendar import calendar_override_save
from requests import services as svc
from requests.models import Status
from requests.services.public import request_status_url
from rosters.models import Duty, RosterEvent
from rosters.services import substitution_approve, substitution_request, substitution_reverse
from staff.roles import Role
from tests.conftest import make_staff_user
from tests.factories import ServiceRequestFactory, StaffMemberFactory, WindowFactory, december_rotation

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 12, 7)


def at(y, m, d, hour=10):
    return time_machine.travel(datetime(y, m, d, hour, tzinfo=SHANGHAI), tick=False)


def view(client, req, **extra) -> str:
    response = client.get(request_status_url(req), **extra)
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_view_of_the_status_page_costs_one_query(client, register, django_assert_max_num_queries):
    req = register()
    first = view(client, req)
    with django_assert_max_num_queries(1):  # the request's version; the body comes from the cache
        second = view(client, req)
    # The same page; only the header's elder switch form, drawn for each visitor, has tokens of its own.
    assert main_of(second) == main_of(first)
    assert req.number in second and "张*" in second and "张三" not in second


def main_of(page: str) -> str:
    return page[page.index("<main") :]


def test_a_progress_report_shows_at_once_on_the_next_view(client, register, people):
    req = register()
    svc.request_accept(actor=people["desk"], request_id=req.pk)
    assert "办理进度：已送部门审核" not in view(client, req)
    svc.request_report_progress(actor=people["desk"], request_id=req.pk, text="办理进度：已送部门审核")
    assert "办理进度：已送部门审核" in view(client, req)


def test_a_delivery_shows_at_once_on_the_next_view(client, register, people, immediate_matter):
    req = register(matter=immediate_matter)
    svc.request_accept(actor=people["desk"], request_id=req.pk)
    before = view(client, req)
    assert "stage-delivered" not in before
    svc.request_deliver(actor=people["desk"], request_id=req.pk, method="on_the_spot", signer="张三", result="结果")
    after = view(client, req)
    assert "stage-delivered" in after and "./evaluate/" in after  # and the rating is offered


def test_a_deadline_moved_by_the_calendar_shows_at_once(client, register, people, hall):
    admin = make_staff_user(role=Role.ADMIN, centre=hall["district"], username="calendar-admin")
    with at(2026, 12, 28):
        req = register()
        svc.request_accept(actor=people["desk"], request_id=req.pk)
    with at(2026, 12, 29):
        assert "2027-01-04" in view(client, req)
        calendar_override_save(actor=admin, day=date(2027, 1, 1), is_working_day=False, note="元旦")
        page = view(client, req)
    assert "2027-01-05" in page and "2027-01-04" not in page


def test_two_requests_never_share_a_cached_page(client):
    # Same moment, same helper, no events: only the request differs.
    with at(2026, 12, 7):
        helper = StaffMemberFactory()
        first = ServiceRequestFactory(status=Status.IN_PROGRESS, helper=helper, centre=helper.centre)
        second = ServiceRequestFactory(status=Status.IN_PROGRESS, helper=helper, centre=helper.centre)
        one, two = view(client, first), view(client, second)
    assert first.number in one and second.number not in one
    assert second.number in two and first.number not in two


def test_elder_mode_and_the_language_are_cached_apart(client, register, django_assert_max_num_queries):
    req = register()
    plain = view(client, req)
    client.cookies["hall_elder"] = "1"
    elder = view(client, req)
    assert 'class="elder"' in elder and 'class="elder"' not in plain
    client.cookies["django_language"] = "en"
    english = view(client, req)
    assert "Your dedicated helper" in english and "Your dedicated helper" not in elder
    with django_assert_max_num_queries(1):  # each of them is cached now
        assert "Your dedicated helper" in view(client, req)


@pytest.fixture
def desk():
    """马丽萍 (usual window A07) is not in December's published rotation; 赵红 is, at C01."""
    usual = WindowFactory(number="A07", name="综合帮办窗口", floor=1)
    centre = usual.centre
    c01 = WindowFactory(centre=centre, number="C01", name="社保窗口", floor=1)
    helper = StaffMemberFactory(name="马丽萍", window=usual, centre=centre)
    colleague = StaffMemberFactory(name="赵红", centre=centre)
    december_rotation(centre, colleague, c01)
    supervisor = make_staff_user(role=Role.SUPERVISOR, centre=centre, username="sup", name="钱督查")
    req = ServiceRequestFactory(status=Status.IN_PROGRESS, centre=centre, helper=helper)
    return {"helper": helper, "colleague": colleague, "supervisor": supervisor, "request": req}


def file_substitution(desk):
    return substitution_request(
        actor=desk["supervisor"],
        absent_id=desk["colleague"].pk,
        substitute_id=desk["helper"].pk,
        day=MONDAY,
        duty=Duty.WINDOW,
        reason="病假",
    )


def test_the_desk_shown_follows_todays_substitution_at_once(client, desk, django_assert_max_num_queries):
    # A substitution is filed with the supervision section (备案) and in effect at once; reversing it puts the
    # planned desk back. Each shows on the next view of the cached page.
    with at(2026, 12, 7, hour=9):
        assert "A07" in view(client, desk["request"])  # not in the plan: the usual window
        with django_assert_max_num_queries(1):
            view(client, desk["request"])
        sub = file_substitution(desk)
        page = view(client, desk["request"])
        assert "C01" in page and "社保窗口" in page and "A07" not in page
        substitution_reverse(actor=desk["supervisor"], substitution_id=sub.pk, note="未到岗")
        assert "A07" in view(client, desk["request"])


def test_with_approval_first_the_desk_changes_when_approved(client, desk, settings):
    settings.SUBSTITUTION_NEEDS_APPROVAL = True
    with at(2026, 12, 7, hour=9):
        assert "A07" in view(client, desk["request"])
        sub = file_substitution(desk)
        assert "A07" in view(client, desk["request"])  # asked for, not approved: nothing changes yet
        substitution_approve(actor=desk["supervisor"], substitution_id=sub.pk)
        page = view(client, desk["request"])
    assert "C01" in page and "社保窗口" in page and "A07" not in page


def test_the_next_day_is_a_new_page(client, register, people):
    with at(2026, 12, 7):
        req = register()
        svc.request_accept(actor=people["desk"], request_id=req.pk)
        today = view(client, req)
    with at(2026, 12, 8):
        tomorrow = view(client, req)
    assert today != tomorrow  # one working day fewer left


# Redis where nothing listens (never the shared Redis): every cache call raises ConnectionError.
CACHE_DOWN = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6390/0"}
}


def test_a_cache_that_is_down_still_gives_the_page(client, register, settings, caplog):
    req = register()
    settings.CACHES = CACHE_DOWN
    with caplog.at_level(logging.WARNING, logger="requests.public.status_cache"):
        page = view(client, req)
        again = view(client, req)
    assert req.number in page and req.number in again
    assert "status page cache unavailable" in caplog.text
    assert req.number not in caplog.text  # nothing of the request in the log


def test_the_lookup_asks_one_indexed_query(client, django_assert_num_queries):
    req = ServiceRequestFactory(number="XH-20261123-0042", lookup_code="K7PQ2MXR")
    with django_assert_num_queries(1):  # both tables in one UNION ALL, by their unique numbers
        response = client.post("/track/", {"number": req.number, "code": "K7PQ2MXR"})
    assert response.status_code == 302 and response["Location"].startswith("/track/r/")
    assert req.number in client.get(response["Location"]).content.decode()


def test_a_wrong_code_costs_the_same_lookup_and_the_form_again(client, django_assert_num_queries):
    req = ServiceRequestFactory(number="XH-20261123-0042", lookup_code="K7PQ2MXR")
    with django_assert_num_queries(2):  # the same lookup, then the hall's name on the form drawn again
        response = client.post("/track/", {"number": req.number, "code": "WRONG123"})
    assert response.status_code == 404


def test_the_version_query_probes_indexes_on_postgresql(require_postgres, client, desk):
    """The roster's version is one probe of its counter's primary key, however long any centre's history."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from requests.services.public import request_public_version

    other = StaffMemberFactory().centre
    RosterEvent.objects.bulk_create(RosterEvent(centre=other, verb="checked_in") for _i in range(20000))
    with CaptureQueriesContext(connection) as queries:
        assert request_public_version(desk["request"].pk) is not None
    (query,) = queries.captured_queries
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ANALYZE rosters_rosterevent")
        cursor.execute("SET LOCAL enable_seqscan = off")  # the other tables are tiny: ask for the plan at scale
        cursor.execute("EXPLAIN " + query["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "rosters_deskversion_pkey" in plan, plan
    assert "rosters_rosterevent" not in plan, plan
    assert "Seq Scan on requests_requestevent" not in plan, plan


@pytest.mark.django_db(transaction=True)
def test_the_desk_version_moves_in_commit_order(require_postgres, desk):
    """A roster write that commits after a later one still changes the version: the second writer's raise waits
    for the first to commit (before, the newest event's id versioned the desks, and an event numbered earlier but
    committed later left it unchanged, so the status page kept showing the old desk)."""
    import threading

    from django.db import connections, transaction

    from rosters.models import DeskVersion
    from rosters.services.common import record_event

    centre_id = desk["helper"].centre_id
    record_event(centre_id=centre_id, actor=SYSTEM, verb="checked_in")
    before = DeskVersion.objects.get(centre_id=centre_id).number
    first_wrote, release, second_done = threading.Event(), threading.Event(), threading.Event()

    def first():
        try:
            with transaction.atomic():
                record_event(centre_id=centre_id, actor=SYSTEM, verb="substitution_filed")
                first_wrote.set()
                release.wait(10)
        finally:
            connections.close_all()

    def second():
        try:
            first_wrote.wait(10)
            with transaction.atomic():
                record_event(centre_id=centre_id, actor=SYSTEM, verb="checked_in")
            second_done.set()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    assert first_wrote.wait(10)
    # The second writer waits for the first: it cannot commit a version the first's commit would not change.
    assert not second_done.wait(1)
    assert DeskVersion.objects.get(centre_id=centre_id).number == before
    release.set()
    for thread in threads:
        thread.join(10)
    assert second_done.is_set()
    assert DeskVersion.objects.get(centre_id=centre_id).number == before + 2
