"""The queue's main query walks indexes, not the table (issue 17): EXPLAIN on PostgreSQL and on SQLite.

SQLite's plan is read on the SQLite database beside the test database (tests/sqlite_plans.py), so both run on
CI's PostgreSQL; PostgreSQL's needs the test database to be PostgreSQL.

A few thousand requests over several centres, ANALYZE for realistic statistics, and the planner left to choose
(no ``enable_seqscan = off``): the query that finds a page of ids must not read the whole requests table, for the
plain queue, each tab, a filter, the next page by cursor, and for an admin, who sees every centre.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from hallservice.core.pagination import Cursor, count_sql, pinned_sql, seek_sql
from requests.models import URGENT_PENDING, ServiceRequest, Status
from requests.selectors import URGENT_FIRST_ORDER, request_filter, urgent_pending, visibility_branches
from tests.factories import DistrictFactory, ServiceRequestFactory, StaffMemberFactory, TownFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
ROWS = 6000
TABS = [
    {},
    {"urgent": "true"},
    {"priority_group": "elderly"},
    {"view": "mine"},
    {"view": "centre"},
    {"view": "overdue"},
    {"view": "deficient"},
    {"status": ["applied"]},
    {"kind": "agency", "view": "centre"},
]


@pytest.fixture
def many_requests(hall, people, matter):
    """ROWS requests over eight centres (the district a sixth of them), a few forwarded, then ANALYZE."""
    district, town = hall["district"], hall["town"]
    centres = [district, town, hall["village"]] + [
        TownFactory(code=f"Z{i}", parent=DistrictFactory(code=f"Q{i}")) for i in range(5)
    ]
    helpers = [people["desk"].staff_member] + [StaffMemberFactory(centre=c) for c in centres[1:]]
    template = ServiceRequestFactory(centre=district, helper=helpers[0], matter=matter)
    statuses = [Status.APPLIED, Status.ACCEPTED, Status.IN_PROGRESS, Status.COMPLETED, Status.DELIVERED]
    start = datetime(2024, 1, 1, 9, tzinfo=SHANGHAI)
    rows = []
    for n in range(ROWS):
        at = n % len(centres)
        centre = centres[at]
        status = statuses[n % len(statuses)]
        rows.append(
            ServiceRequest(
                number=f"PL-{n:06d}",
                kind="agency" if n % 3 == 0 else "assist",
                status=status,
                applicant_name=f"申请人{n}",
                applicant_phone_tail=f"{n % 10000:04d}",
                matter=matter,
                centre=district if at == 1 and n % 50 == 1 else centre,  # a few forwarded from the town
                origin_centre=centre,
                helper=helpers[at],
                lead_department=template.lead_department,
                lookup_code="PLAN2345",
                created_by=template.created_by,
                commission_signed=True,
                deadline=None if status == Status.APPLIED else date(2026, 11, 1) + timedelta(days=n % 60),
                # A few urgent ones (issue 18), listed first by the queue.
                **(
                    {"urgent": True, "urgent_reason": "急", "urgent_target": date(2026, 10, 20)} if n % 97 == 5 else {}
                ),
            )
        )
    made = ServiceRequest.objects.bulk_create(rows, batch_size=2000)
    for n, req in enumerate(made):
        req.applied_at = start + timedelta(minutes=17 * n)
    ServiceRequest.objects.bulk_update(made, ["applied_at"], batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return made


def filtered(user, params: dict, using: str | None):
    filter_set = request_filter(user=user, filters=params, restricted=False)
    if using:
        filter_set.queryset = filter_set.queryset.using(using)  # before .qs: the filters follow its database
    return filter_set


def main_query(user, params: dict, *, cursor: Cursor | None = None, using: str | None = None) -> tuple[str, tuple]:
    # As the queue reads it: the urgent requests still to be worked on are listed above it (issue 18), not in it.
    branches = visibility_branches(filtered(user, params, using).qs.exclude(URGENT_PENDING), user=user)
    return seek_sql(branches, key="applied_at", cursor=cursor, limit=26)


def count_query(user, params: dict, *, using: str | None = None) -> tuple[str, tuple]:
    """The queue's bounded count: of the list with its urgent requests, branch by branch (requests.selectors).

    Not checked for an admin's unfiltered list: counting the first 10,001 rows of the whole table is read from
    wherever is cheapest, the table itself included, and stops there whatever the table's size."""
    return count_sql(visibility_branches(filtered(user, params, using).qs, user=user), threshold=10_000)


def urgent_query(user, params: dict, *, using: str | None = None) -> tuple[str, tuple]:
    """The query of the urgent requests the queue lists first (requests.selectors.urgent_pending)."""
    branches = urgent_pending(user=user, filter_set=filtered(user, params, using))
    return pinned_sql(branches, order=URGENT_FIRST_ORDER, limit=101)


def postgresql_plan(sql: str, params: tuple) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(" ".join(str(col) for col in row) for row in cursor.fetchall())


def cases(people, admin):
    middle = Cursor(datetime(2025, 6, 1, tzinfo=SHANGHAI), 10**9)
    for who in ("desk", "supervisor", "town_desk"):
        for params in TABS:
            yield who, people[who], params, None
        yield who, people[who], {}, middle
    yield "admin", admin, {}, None
    yield "admin", admin, {}, middle


@pytest.mark.django_db(transaction=True)
def test_postgresql_plans_the_queue_with_indexes_only(require_postgres, many_requests, people, admin_user_role):
    # Earlier tests in this worker's database inserted rows and rolled them back; no autovacuum runs between tests,
    # so the table's file can be several times the size of its 6,000 live rows, which makes reading it whole look
    # cheap (CI once chose a sequential scan for the forwarded branch on a file of 1,645 pages). A live database
    # has autovacuum: VACUUM here gives the planner the same footing (outside a transaction, hence transaction=True).
    # FULL, because a plain VACUUM leaves the file its size: after a few runs on a reused test database the
    # 6,000 rows sat in 2,300 pages and the forwarded branch was read whole again.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM FULL ANALYZE requests_servicerequest")
    for who, user, params, cursor in cases(people, admin_user_role):
        for text in (
            postgresql_plan(*main_query(user, params, cursor=cursor)),
            postgresql_plan(*urgent_query(user, params)),
            *([postgresql_plan(*count_query(user, params))] if who != "admin" else []),
        ):
            # A branch that contradicts the filter (another centre's, under "my centre") is a one-time false whose
            # plan may name a scan that is never executed; any other scan reads the table.
            scans = [line for line in text.splitlines() if "Seq Scan on requests_servicerequest" in line]
            assert not [line for line in scans if "(never executed)" not in line], (who, params, cursor, text)


def test_sqlite_plans_the_queue_with_indexes_only(sqlite_plans, many_requests, people, admin_user_role):
    sqlite_plans.load(ServiceRequest, ServiceRequest.objects.all())
    for who, user, params, cursor in cases(people, admin_user_role):
        for text in (
            sqlite_plans.explain(*main_query(user, params, cursor=cursor, using=sqlite_plans.ALIAS)),
            sqlite_plans.explain(*urgent_query(user, params, using=sqlite_plans.ALIAS)),
            *([sqlite_plans.explain(*count_query(user, params, using=sqlite_plans.ALIAS))] if who != "admin" else []),
        ):
            scans = [line for line in text.splitlines() if "SCAN" in line and "requests_servicerequest" in line]
            assert not [line for line in scans if "USING" not in line], (who, params, cursor, text)
