"""The queue's search goes by the shape of the text to an index: number prefix, phone tail, name (issue 17 item 2)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests.models import ServiceRequest
from requests.search import Route, search_condition, search_route
from requests.selectors import request_filter
from tests.factories import ServiceRequestFactory

pytestmark = pytest.mark.django_db

ID_NUMBER = "110101198001013211"
PHONE = "13912345678"


@pytest.mark.parametrize(
    ("text", "route"),
    [
        ("", Route.NONE),
        ("XH-20261123-0007", Route.NUMBER),
        ("XH-2026", Route.NUMBER),
        ("xh-", Route.NUMBER),
        ("XH", Route.NUMBER_OR_NAME),
        ("5678", Route.PHONE_TAIL),
        (ID_NUMBER, Route.PERSONAL),
        ("11010119800101321X", Route.PERSONAL),
        (PHONE, Route.PERSONAL),
        ("139 1234 5678", Route.PERSONAL),
        ("陈七", Route.NAME),
        ("某某科技有限公司", Route.NAME),
        ("567", Route.NAME),
    ],
)
def test_each_shape_of_search_text_has_its_route(text, route):
    assert search_route(text) is route


def test_a_full_id_number_or_phone_typed_in_the_box_finds_nothing_even_past_the_form(register):
    register(applicant_id_number=ID_NUMBER, applicant_phone=PHONE)
    for text in (f"  {ID_NUMBER} ", PHONE):
        assert not ServiceRequest.objects.filter(search_condition(text, vendor=connection.vendor)).exists()


def queue_numbers(client, text) -> list[str]:
    response = client.get(reverse("requests:queue"), {"q": text})
    assert response.status_code == 200
    return [row.req.number for row in response.context["rows"]]


def search_sql(user, text) -> str:
    with CaptureQueriesContext(connection) as queries:
        list(request_filter(user=user, filters={"q": text}).qs[:25])
    return queries.captured_queries[-1]["sql"]


@pytest.fixture
def three(register):
    """Three requests of the desk's centre: 王五 (phone …4321), 王五一 and 陈七 (…5678)."""
    first = register(applicant_name="王五", applicant_phone="13800004321")
    second = register(applicant_name="王五一", applicant_phone="13800001111")
    third = register(applicant_name="陈七", applicant_phone=PHONE)
    return first, second, third


def test_a_number_or_its_beginning_finds_those_requests_newest_first(client, people, three):
    first, second, third = three
    client.force_login(people["desk"])
    assert queue_numbers(client, first.number) == [first.number]
    prefix = first.number.rsplit("-", 1)[0] + "-"
    assert queue_numbers(client, prefix) == [third.number, second.number, first.number]
    assert queue_numbers(client, prefix.lower()) == [third.number, second.number, first.number]
    assert queue_numbers(client, "ZZ-2026") == []


def test_four_digits_find_the_phone_tail_only(client, people, three):
    first, _second, third = three
    client.force_login(people["desk"])
    assert queue_numbers(client, "4321") == [first.number]
    assert queue_numbers(client, "5678") == [third.number]
    assert queue_numbers(client, "9999") == []


def test_a_name_finds_the_names_beginning_with_it_in_queue_order(client, people, three):
    first, second, third = three
    client.force_login(people["desk"])
    assert queue_numbers(client, "王五") == [second.number, first.number]
    assert queue_numbers(client, "王五一") == [second.number]
    assert queue_numbers(client, "陈") == [third.number]
    assert queue_numbers(client, "李") == []


def test_an_enterprise_name_in_latin_letters_is_found_as_typed(client, people, register):
    req = register(applicant_name="ABC科技有限公司")
    client.force_login(people["desk"])
    assert queue_numbers(client, "ABC") == [req.number]
    assert queue_numbers(client, "ABC科技") == [req.number]


def test_a_search_finds_only_requests_the_user_may_see(client, people, register, matter):
    mine = register(applicant_name="赵六", applicant_phone="13800002468")
    elsewhere = ServiceRequestFactory(matter=matter, applicant_name="赵六", applicant_phone="13900002468")
    client.force_login(people["desk"])
    assert queue_numbers(client, "赵六") == [mine.number]
    assert queue_numbers(client, "2468") == [mine.number]
    assert queue_numbers(client, elsewhere.number) == []


def test_a_full_id_number_or_phone_is_refused_to_the_front_desk_and_found_by_hash_for_a_supervisor(
    client, people, register
):
    req = register(applicant_id_number=ID_NUMBER, applicant_phone=PHONE, applicant_name="陈七")
    client.force_login(people["desk"])
    for text in (ID_NUMBER, PHONE):
        response = client.get(reverse("requests:queue"), {"q": text}, headers={"HX-Request": "true"})
        assert [row.req.number for row in response.context["rows"]] == []
    assert client.post(reverse("requests:lookup"), {"value": PHONE}).status_code == 403

    client.force_login(people["supervisor"])
    for text in (ID_NUMBER, PHONE):
        found = client.post(reverse("requests:lookup"), {"value": text}, follow=True)
        assert [row.req.number for row in found.context["rows"]] == [req.number]


@pytest.mark.parametrize("text", ["XH-2026", "XH", "5678", "王五", "某某科技有限公司"])
def test_no_search_is_a_like_with_a_leading_wildcard_except_the_trigram_name_search(people, text):
    sql = search_sql(people["desk"], text)
    trigram = connection.vendor == "postgresql" and search_route(text) in (Route.NAME, Route.NUMBER_OR_NAME)
    if not trigram:
        assert "LIKE '%" not in sql and "LIKE %" not in sql
    if connection.vendor == "sqlite":
        # SQLite's LIKE ignores ASCII case and so cannot use the columns' binary indexes: ranges instead.
        assert " LIKE " not in sql


# --- Plans ----------------------------------------------------------------------------------------------


@pytest.fixture
def many(people, matter):
    """A few thousand requests of the desk's centre, plus the three searched for."""
    desk = people["desk"].staff_member
    template = ServiceRequestFactory(
        centre=desk.centre, helper=desk, matter=matter, number="PLAN-00000000-0000", applicant_name="模板"
    )
    rows = []
    for n in range(1, 3000):
        row = ServiceRequest(**{f.attname: getattr(template, f.attname) for f in ServiceRequest._meta.concrete_fields})
        row.pk = None
        row.number = f"XH-{20250101 + n // 100:08d}-{n % 100:04d}"
        row.applicant_name = f"{'王李张刘陈杨赵黄周吴'[n % 10]}{'一二三四五六七八九'[n % 9]}{n}"
        row.applicant_phone_tail = f"{n:04d}"
        rows.append(row)
    ServiceRequest.objects.bulk_create(rows, batch_size=500)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The GIN index takes new rows into its pending list, which every search reads whole until autovacuum
            # merges it; with thousands there the planner rightly prices the index above a scan. Merge it, as
            # autovacuum would on a hall's table.
            cursor.execute("SELECT gin_clean_pending_list('request_applicant_name_trgm'::regclass)")
        cursor.execute("ANALYZE")
    return desk


def plan(user, text) -> str:
    qs = request_filter(user=user, filters={"q": text}).qs[:25]
    if connection.vendor != "postgresql":
        return qs.explain()
    # A few thousand rows, in a worker's database that keeps the dead rows of earlier tests (rolled back, never
    # vacuumed between tests): PostgreSQL may find a scan of the small table cheaper than any index. Ask for the plan
    # at scale, as on a hall's table; a search no index can serve still shows its sequential scan.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        return qs.explain()


@pytest.mark.parametrize(
    ("text", "column"),
    [("XH-20250115", "number"), ("0042", "applicant_phone_tail"), ("王一", "applicant_name")],
)
def test_on_sqlite_number_tail_and_name_searches_use_their_index(sqlite_plans, people, many, text, column):
    # On the SQLite database beside the test database (tests/sqlite_plans.py), whatever the tests run on.
    sqlite_plans.load(ServiceRequest, ServiceRequest.objects.all())
    filter_set = request_filter(user=people["desk"], filters={"q": text})
    filter_set.queryset = filter_set.queryset.using(sqlite_plans.ALIAS)  # before .qs: the search follows it
    explained = filter_set.qs[:25].explain()
    assert "USING INDEX" in explained
    indexes = sqlite_plans.index_names_on(ServiceRequest._meta.db_table, column)
    assert any(f"USING INDEX {name} " in explained for name in indexes), explained


def test_on_postgresql_the_name_search_uses_the_trigram_index(require_postgres, people, many):
    explained = plan(people["desk"], "李二1")
    assert "Bitmap Index Scan on request_applicant_name_trgm" in explained, explained


@pytest.mark.parametrize(
    ("text", "column"),
    [("XH-20250115-000", "number"), ("0042", "applicant_phone_tail"), ("王一", "applicant_name")],
)
def test_on_postgresql_number_tail_and_short_name_searches_use_their_btree_index(
    require_postgres, people, many, text, column
):
    explained = plan(people["desk"], text)
    assert "Seq Scan on requests_servicerequest" not in explained, explained
    assert f"requests_servicerequest_{column}" in explained, explained
