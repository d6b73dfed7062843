"""The queue: tabs, filters, search, deadline highlights, masking and a constant number of queries."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import VALID_ID_NUMBERS, ServiceRequestFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(y, m, d):
    return time_machine.travel(datetime(y, m, d, 10, tzinfo=SHANGHAI), tick=False)


def numbers(response) -> list[str]:
    return [row.req.number for row in response.context["rows"]]


def test_queue_lists_the_centres_requests_with_masked_contact(client, people, matter, register):
    req = register()
    other = register(actor=people["town_desk"])
    client.force_login(people["desk"])
    response = client.get(reverse("requests:queue"))
    assert response.status_code == 200
    assert numbers(response) == [req.number]
    html = response.content.decode()
    assert req.number in html and other.number not in html
    assert "138****5678" in html and "张三" in html and matter.name in html
    assert "13812345678" not in html and VALID_ID_NUMBERS[0] not in html and "建设路" not in html


def test_tabs_mine_and_waiting_for_materials(client, people, matter):
    desk, desk2 = people["desk"].staff_member, people["desk2"].staff_member
    mine = ServiceRequestFactory(centre=desk.centre, helper=desk, matter=matter, status="applied")
    theirs = ServiceRequestFactory(centre=desk.centre, helper=desk2, matter=matter, status="deficient")
    client.force_login(people["desk"])
    url = reverse("requests:queue")
    assert set(numbers(client.get(url))) == {mine.number, theirs.number}
    assert numbers(client.get(url, {"view": "mine"})) == [mine.number]
    assert numbers(client.get(url, {"view": "deficient"})) == [theirs.number]
    assert set(numbers(client.get(url, {"view": "centre"}))) == {mine.number, theirs.number}


def test_search_by_number_name_and_last_four_phone_digits(client, people, matter):
    desk = people["desk"].staff_member
    first = ServiceRequestFactory(centre=desk.centre, helper=desk, matter=matter, applicant_name="王五")
    second = ServiceRequestFactory(
        centre=desk.centre, helper=desk, matter=matter, applicant_name="赵六", applicant_phone="13900004321"
    )
    client.force_login(people["desk"])
    url = reverse("requests:queue")
    assert numbers(client.get(url, {"q": "4321"})) == [second.number]
    assert numbers(client.get(url, {"q": "王五"})) == [first.number]
    assert numbers(client.get(url, {"q": first.number})) == [first.number]


def test_filters_by_status_kind_and_helper(client, people, matter):
    desk, desk2 = people["desk"].staff_member, people["desk2"].staff_member
    agency = ServiceRequestFactory(centre=desk.centre, helper=desk, matter=matter, kind="agency", status="accepted")
    assist = ServiceRequestFactory(centre=desk.centre, helper=desk2, matter=matter, status="in_progress")
    client.force_login(people["desk"])
    url = reverse("requests:queue")
    assert numbers(client.get(url, {"kind": "agency"})) == [agency.number]
    assert numbers(client.get(url, {"status": ["in_progress", "suspended"]})) == [assist.number]
    assert numbers(client.get(url, {"helper": desk2.pk})) == [assist.number]


def test_deadlines_show_working_days_left_and_highlight_overdue_and_soon(client, people, matter):
    desk = people["desk"].staff_member
    with at(2026, 11, 23):  # Monday
        late = ServiceRequestFactory(centre=desk.centre, helper=desk, matter=matter, status="in_progress")
        soon = ServiceRequestFactory(centre=desk.centre, helper=desk, matter=matter, status="accepted")
        fine = ServiceRequestFactory(centre=desk.centre, helper=desk, matter=matter, status="in_progress")
        paused = ServiceRequestFactory(centre=desk.centre, helper=desk, matter=matter, status="suspended")
        for req, deadline in [
            (late, date(2026, 11, 19)),
            (soon, date(2026, 11, 25)),
            (fine, date(2026, 12, 4)),
            (paused, date(2026, 11, 20)),
        ]:
            req.deadline = deadline
            req.save(update_fields=["deadline"])
        client.force_login(people["desk"])
        response = client.get(reverse("requests:queue"))
        overdue_only = client.get(reverse("requests:queue"), {"overdue": "true"})
    rows = {row.req.number: row.deadline for row in response.context["rows"]}
    assert rows[late.number].days_left == -2 and rows[late.number].level == "overdue"
    assert rows[soon.number].days_left == 2 and rows[soon.number].level == "soon"
    assert rows[fine.number].days_left == 9 and rows[fine.number].level == ""
    assert rows[paused.number].paused and rows[paused.number].level == ""
    html = response.content.decode()
    assert 'class="overdue"' in html and 'class="soon"' in html
    assert numbers(overdue_only) == [late.number]


def test_invalid_filter_input_shows_errors_with_status_400_not_a_500(client, people, register):
    register()
    client.force_login(people["desk"])
    response = client.get(reverse("requests:queue"), {"status": "nonsense", "applied_from": "yesterday-ish"})
    assert response.status_code == 400
    errors = response.context["filter"].form.errors
    assert "status" in errors and "applied_from" in errors
    assert 'role="alert"' in response.content.decode()


def test_page_size_is_capped_and_pages_keep_the_filters(client, people, matter):
    desk = people["desk"].staff_member
    ServiceRequestFactory.create_batch(3, centre=desk.centre, helper=desk, matter=matter, kind="agency")
    client.force_login(people["desk"])
    response = client.get(reverse("requests:queue"), {"page_size": "1000"})
    assert response.context["page"].per_page == 100
    response = client.get(reverse("requests:queue"), {"page_size": "2", "kind": "agency"})
    page = response.context["page"]
    assert len(page) == 2 and page.has_next and not page.has_previous and page.count == 3
    pager = response.content.decode().split('class="pager"')[1]
    assert "kind=agency" in pager and f"after={page.next_cursor.token}" in pager
    assert client.get(reverse("requests:queue"), {"page_size": "x", "page": "9"}).status_code == 200


def test_a_page_number_beyond_the_numbered_pages_is_refused_not_capped(client, people, matter):
    """Page numbers reach the first MAX_OFFSET rows. Beyond them the answer is a 404, on the page and in the API:
    capped, a client counting pages would get an earlier page's rows again under the number it asked for."""
    from rest_framework.test import APIClient

    from hallservice.core.pagination import MAX_OFFSET

    desk = people["desk"].staff_member
    ServiceRequestFactory.create_batch(3, centre=desk.centre, helper=desk, matter=matter)
    client.force_login(people["desk"])
    last = MAX_OFFSET // 50 + 1
    assert client.get(reverse("requests:queue"), {"page_size": 50, "page": last}).status_code == 200
    assert client.get(reverse("requests:queue"), {"page_size": 50, "page": last + 1}).status_code == 404
    api = APIClient()
    api.force_authenticate(people["desk"])
    assert api.get("/api/v1/requests/", {"page_size": 50, "page": last}).status_code == 200
    assert api.get("/api/v1/requests/", {"page_size": 50, "page": last + 1}).status_code == 404


def test_next_and_previous_pages_follow_cursors_and_the_first_pages_keep_numbers(client, people, matter):
    desk = people["desk"].staff_member
    made = ServiceRequestFactory.create_batch(5, centre=desk.centre, helper=desk, matter=matter)
    newest_first = [r.number for r in sorted(made, key=lambda r: (r.applied_at, r.pk), reverse=True)]
    client.force_login(people["desk"])
    url = reverse("requests:queue")
    first = client.get(url, {"page_size": 2}).context["page"]
    second = client.get(url, {"page_size": 2, "after": first.next_cursor.token})
    assert numbers(second) == newest_first[2:4]
    back = client.get(url, {"page_size": 2, "before": second.context["page"].previous_cursor.token})
    assert numbers(back) == newest_first[:2] and not back.context["page"].has_previous
    assert numbers(client.get(url, {"page_size": 2, "page": 3})) == newest_first[4:]
    assert numbers(client.get(url, {"page_size": 2, "after": "not-a-cursor"})) == newest_first[:2]


def test_a_long_list_shows_a_bounded_count(client, people, matter, monkeypatch, fresh_cache):
    from hallservice.core import pagination

    desk = people["desk"].staff_member
    ServiceRequestFactory.create_batch(4, centre=desk.centre, helper=desk, matter=matter)
    monkeypatch.setattr(pagination, "COUNT_THRESHOLD", 3)
    client.force_login(people["desk"])
    page = client.get(reverse("requests:queue")).context["page"]
    assert (page.count, page.count_exact) == (3, False)


def test_a_large_count_is_kept_a_short_while_and_a_small_one_is_always_fresh(
    client, people, matter, monkeypatch, fresh_cache
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hallservice.core import pagination

    desk = people["desk"].staff_member
    ServiceRequestFactory.create_batch(4, centre=desk.centre, helper=desk, matter=matter)
    monkeypatch.setattr(pagination, "COUNT_THRESHOLD", 3)
    monkeypatch.setattr(pagination, "FRESH_COUNT_LIMIT", 2)
    client.force_login(people["desk"])
    url = reverse("requests:queue")

    def view(params):
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url, params).context["page"]
        counted = any("COUNT(*)" in query["sql"] for query in captured.captured_queries)
        return page.count, page.count_exact, counted

    assert view({}) == (3, False, True)
    # The same list again, and its next page: "more than 3" without counting.
    assert view({}) == (3, False, False)
    assert view({"page": 2, "page_size": 2})[1:] == (False, False)
    # A list of up to FRESH_COUNT_LIMIT rows is counted on every view.
    assert view({"view": "deficient"}) == (0, True, True)
    assert view({"view": "deficient"}) == (0, True, True)
    # Above it and up to the threshold: exact, then kept.
    monkeypatch.setattr(pagination, "COUNT_THRESHOLD", 10)
    assert view({}) == (4, True, True)
    assert view({}) == (4, True, False)
    # Forgotten once the cache entry expires: counted again.
    cache.clear()
    assert view({}) == (4, True, True)


def test_htmx_search_returns_only_the_results(client, people, register):
    req = register()
    client.force_login(people["desk"])
    response = client.get(reverse("requests:queue"), {"q": "张三"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert req.number in html and "<html" not in html


def test_queue_runs_a_constant_number_of_queries(client, people, desk_requests, rows_cost_constant_queries):
    client.force_login(people["desk"])
    desk_requests(5, "in_progress")
    rows_cost_constant_queries(reverse("requests:queue"), lambda: desk_requests(55, "accepted"))


@pytest.mark.parametrize(
    ("who", "sees_register"), [("desk", True), ("leader", True), ("supervisor", False), ("dept_user", False)]
)
def test_navigation_offers_the_request_pages(client, people, who, sees_register):
    client.force_login(people[who])
    html = client.get(reverse("home")).content.decode()
    for name in ["requests:queue", "requests:consultations", "requests:ledger", "requests:matter-list"]:
        assert f'href="{reverse(name)}"' in html
    assert (f'href="{reverse("requests:register")}"' in html) is sees_register


@pytest.mark.parametrize("params", [{}, {"view": "overdue"}, {"view": "mine", "status": ["accepted"]}])
def test_queue_and_api_list_stay_within_twelve_queries(client, people, desk_requests, params):
    from tests.conftest import api_as

    desk_requests(30, "accepted")
    client.force_login(people["desk"])
    client.get(reverse("requests:queue"), params)  # the first view of a session also stores its language
    with CaptureQueriesContext(connection) as page:
        assert client.get(reverse("requests:queue"), params).status_code == 200
    with CaptureQueriesContext(connection) as api:
        assert api_as(people["desk"]).get("/api/v1/requests/", params).status_code == 200
    assert len(page) <= 12 and len(api) <= 12, [q["sql"][:90] for q in page.captured_queries]


def test_queue_and_api_list_read_no_encrypted_column(client, people, desk_requests):
    from hallservice.core.crypto import EncryptedCharField
    from requests.models import ServiceRequest
    from staff.models import StaffMember
    from tests.conftest import api_as

    encrypted = [
        f'"{model._meta.db_table}"."{field.column}"'
        for model in (ServiceRequest, StaffMember)
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedCharField)
    ]
    desk_requests(3, "accepted")
    client.force_login(people["desk"])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("requests:queue")).status_code == 200
        assert api_as(people["desk"]).get("/api/v1/requests/").status_code == 200
    # The requests' queries (with their joined helpers); the signed-in user's own staff row is another matter.
    read = " ".join(q["sql"] for q in queries.captured_queries if 'FROM "requests_servicerequest"' in q["sql"])
    assert len(encrypted) >= 6
    assert [column for column in encrypted if column in read] == []


def test_the_filter_choices_read_in_one_query_keep_each_list_in_its_order(people):
    from requests.views import _choice_lists
    from staff.models import Department, StaffMember
    from tests.factories import DepartmentFactory, StaffMemberFactory

    centre = people["desk"].staff_member.centre
    for name in ("王五", "Anna", "张三", "Bob"):
        StaffMemberFactory(centre=centre, name=name)
    for code in ("Z9", "A1", "M5"):
        DepartmentFactory(code=code)
    helpers = StaffMember.objects.restrict(people["desk"]).only("pk", "name").order_by("name")
    departments = Department.objects.all()
    with CaptureQueriesContext(connection) as captured:
        lists = _choice_lists(helpers, departments)
    assert len(captured.captured_queries) == 1
    assert lists == [list(helpers.values_list("pk", "name")), list(departments.values_list("pk", "name"))]
    assert len(lists[0]) >= 4 and len(lists[1]) >= 3
