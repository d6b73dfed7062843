"""The queue and the API list return the same rows in the same order for every tab, filter and role (issue 17).

The expected lists come from a plain reference written in Python over every row of the table: who sees which
centre (own centre; a supervisor also the centres one and two levels below; an admin everything), a request is
visible through its centre or the centre that registered it, the filters as the filter form describes them, and
the order newest first with the higher id first on a tie. The pages are walked through their "next" links, so
whatever the pagination is (page numbers or cursors), every row must come exactly once and in that order.
"""

from __future__ import annotations

import html
import random
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from requests.models import Category, Channel, KeyProject, ServiceRequest, Status
from staff.models import ServiceCentre, StaffMember
from staff.roles import Role, user_has_role
from tests.conftest import api_as, make_staff_user
from tests.factories import DistrictFactory, ServiceRequestFactory, TownFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 23)
PAGE_SIZE = 12
ROLES = ["desk", "leader", "dept_user", "supervisor", "admin", "town_desk", "village_desk"]
OVERDUE_STATUSES = {Status.ACCEPTED, Status.IN_PROGRESS}


@pytest.fixture
def today():
    with time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=SHANGHAI), tick=False):
        yield TODAY


@pytest.fixture
def users(people, hall, admin_user_role, village_desk):
    return {**people, "admin": admin_user_role, "village_desk": village_desk}


@pytest.fixture
def varied_requests(today, hall, people, users, matter):
    """About 150 requests over five centres, every status, forwarded ones (upwards and once sideways), overdue
    ones, several helpers, two departments, key projects, both kinds, and applied_at ties."""
    rng = random.Random(17)
    other = DistrictFactory(code="QT", name="其他区政务服务中心")
    other_town = TownFactory(code="QTZ", name="其他镇便民服务中心", parent=other)
    make_staff_user(role=Role.FRONT_DESK, centre=other, username="otherdesk", name="外区帮办")
    make_staff_user(role=Role.FRONT_DESK, centre=other_town, username="othertown", name="外镇帮办")
    district, town, village = hall["district"], hall["town"], hall["village"]
    centres = [district, district, district, town, town, village, other, other_town]
    forwarded = [(village, town), (town, district), (village, district), (other_town, other), (other_town, district)]
    helpers = {c.pk: list(StaffMember.objects.filter(centre=c)) for c in ServiceCentre.objects.all()}
    agent = people["leader"].staff_member
    projects = [KeyProject.objects.create(name=f"重点项目{i}", centre=district, agent=agent) for i in range(2)]
    departments = [people["dept"], people["other_dept"]]
    applied = datetime(2026, 11, 22, 17, tzinfo=SHANGHAI)
    made = []
    for i in range(150):
        if i % 9 == 4:
            origin, centre = forwarded[i % len(forwarded)]
        else:
            centre = origin = rng.choice(centres)
        status = list(Status)[i % len(Status)]
        open_ = status in (Status.ACCEPTED, Status.IN_PROGRESS, Status.SUSPENDED)
        deadline = today + timedelta(days=rng.randint(-12, 12)) if open_ or rng.random() < 0.4 else None
        req = ServiceRequestFactory(
            number=f"XH-2026{i:04d}",
            applicant_name=f"申请人{i}",
            applicant_phone=f"139{rng.randint(0, 99_999_999):08d}",
            kind=rng.choice(["assist", "agency"]),
            channel=rng.choice(Channel.values),
            category=rng.choice(Category.values),
            status=status,
            deadline=deadline,
            centre=centre,
            origin_centre=origin,
            helper=rng.choice(helpers[centre.pk]),
            matter=matter,
            lead_department=rng.choice(departments),
            key_project=projects[i % 2] if i % 5 == 0 else None,
        )
        # Ties on applied_at (one in six) check the second sort key; the steps cross a few local dates.
        if i % 6:
            applied -= timedelta(hours=rng.randint(1, 9), seconds=rng.randint(0, 59))
        made.append(req.pk)
        ServiceRequest.objects.filter(pk=req.pk).update(applied_at=applied)
    return made


# --- The reference ------------------------------------------------------------------------------------------


def visible_centres(user) -> set[int] | None:
    """The centres ``user`` sees; None for every centre."""
    if user.is_superuser or user_has_role(user, Role.ADMIN):
        return None
    member = user.staff_member
    own = {member.centre_id}
    if not user_has_role(user, Role.SUPERVISOR):
        return own
    children = set(ServiceCentre.objects.filter(parent_id=member.centre_id).values_list("pk", flat=True))
    grandchildren = set(ServiceCentre.objects.filter(parent_id__in=children).values_list("pk", flat=True))
    return own | children | grandchildren


def reference(user, params: dict) -> list[int]:
    """The pks the queue must list for ``params``, in order, computed over every row in Python."""
    centres = visible_centres(user)
    member = user.staff_member
    rows = [
        r
        for r in ServiceRequest.objects.all()
        if centres is None or r.centre_id in centres or r.origin_centre_id in centres
    ]

    def overdue(r) -> bool:
        return r.status in OVERDUE_STATUSES and r.deadline is not None and r.deadline < TODAY

    def local_date(r) -> date:
        return timezone.localtime(r.applied_at).date()

    def q_matches(r, value: str) -> bool:
        value = value.strip()
        found = value.lower() in r.number.lower() or value.lower() in r.applicant_name.lower()
        return found or (len(value) == 4 and value.isdigit() and r.applicant_phone_tail == value)

    checks = {
        "view": lambda r, v: {
            "mine": r.helper_id == member.pk,
            "centre": r.centre_id == member.centre_id,
            "overdue": overdue(r),
            "deficient": r.status == Status.DEFICIENT,
        }[v],
        "status": lambda r, v: r.status in (v if isinstance(v, list) else [v]),
        "kind": lambda r, v: r.kind == v,
        "department": lambda r, v: r.lead_department_id == v,
        "channel": lambda r, v: r.channel == v,
        "category": lambda r, v: r.category == v,
        "helper": lambda r, v: r.helper_id == v,
        "applied_from": lambda r, v: local_date(r) >= date.fromisoformat(v),
        "applied_to": lambda r, v: local_date(r) <= date.fromisoformat(v),
        "overdue": lambda r, v: overdue(r) == (v == "true"),
        "q": q_matches,
    }
    kept = [r for r in rows if all(checks[name](r, value) for name, value in params.items())]
    kept.sort(key=lambda r: (r.applied_at, r.pk), reverse=True)
    return [r.pk for r in kept]


def filter_cases(user, people) -> list[dict]:
    """Every tab, every filter alone, and a few together."""
    me = user.staff_member.pk
    other_dept = people["other_dept"].pk
    return [
        {},
        {"view": "mine"},
        {"view": "centre"},
        {"view": "overdue"},
        {"view": "deficient"},
        {"status": ["accepted"]},
        {"status": ["in_progress", "suspended", "applied"]},
        {"status": ["archived"]},
        {"kind": "agency"},
        {"department": other_dept},
        {"channel": "online"},
        {"category": "special_care"},
        {"helper": me},
        {"applied_from": "2026-11-10"},
        {"applied_to": "2026-11-05"},
        {"applied_from": "2026-11-01", "applied_to": "2026-11-12"},
        {"overdue": "true"},
        {"overdue": "false"},
        {"q": "申请人1"},
        {"q": "XH-20260"},
        {"view": "mine", "status": ["accepted", "in_progress"]},
        {"view": "overdue", "kind": "agency"},
        {"view": "centre", "department": other_dept, "applied_from": "2026-11-05"},
        {"view": "deficient", "channel": "hall"},
    ]


# --- Walking the pages --------------------------------------------------------------------------------------

NEXT_LINK = re.compile(r'<a [^>]*rel="next"[^>]*href="([^"]*)"|<a [^>]*href="([^"]*)"[^>]*rel="next"')


def queue_pks(client, params: dict) -> list[int]:
    """Every row the queue lists for ``params``, following the pager's "next" link from page to page."""
    url = reverse("requests:queue")
    response = client.get(url, {**params, "page_size": PAGE_SIZE})
    pks: list[int] = []
    for _ in range(100):
        assert response.status_code == 200, (params, response.status_code)
        pks += [row.req.pk for row in response.context["rows"]]
        found = NEXT_LINK.search(response.content.decode())
        if not found:
            return pks
        href = html.unescape(found.group(1) or found.group(2))
        response = client.get(href if href.startswith("/") else url + href)
    raise AssertionError("the queue's pages do not end")


def api_pks(api, params: dict) -> tuple[list[int], int]:
    """Every row the API list returns for ``params`` following ``next``, and the count of the first page."""
    response = api.get("/api/v1/requests/", {**params, "page_size": PAGE_SIZE})
    count = response.json()["count"]
    pks: list[int] = []
    for _ in range(100):
        assert response.status_code == 200, (params, response.status_code, response.content[:300])
        body = response.json()
        pks += [row["id"] for row in body["results"]]
        if not body["next"]:
            return pks, count
        response = api.get(body["next"])
    raise AssertionError("the API list's pages do not end")


@pytest.mark.parametrize("role", ROLES)
def test_queue_and_api_list_return_the_reference_rows_in_order(client, users, people, varied_requests, role):
    assert_same_as_reference(client, users[role], people, role)


def test_a_supervisor_of_many_centres_reads_them_as_one_branch_with_the_same_rows(
    client, users, people, varied_requests, monkeypatch
):
    from requests import selectors

    monkeypatch.setattr(selectors, "MAX_CENTRE_BRANCHES", 1)
    assert_same_as_reference(client, users["supervisor"], people, "supervisor")


def assert_same_as_reference(client, user, people, role):
    client.force_login(user)
    api = api_as(user)
    seen_any = False
    for params in filter_cases(user, people):
        expected = reference(user, params)
        seen_any = seen_any or bool(expected)
        assert queue_pks(client, params) == expected, (role, params)
        pks, count = api_pks(api, params)
        assert pks == expected, (role, params)
        assert count == len(expected), (role, params)
    assert seen_any


def test_the_data_set_covers_what_the_queue_distinguishes(varied_requests, today):
    rows = ServiceRequest.objects.all()
    assert {r.status for r in rows} == set(Status.values)
    assert any(r.centre_id != r.origin_centre_id for r in rows)
    assert any(r.status in OVERDUE_STATUSES and r.deadline < today for r in rows)
    assert len({r.applied_at for r in rows}) < len(rows)  # ties on applied_at
    assert {r.kind for r in rows} == {"assist", "agency"}
    assert any(r.key_project_id for r in rows)
