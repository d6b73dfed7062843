"""Ledger audit (台账记录不实): each problem is flagged, a fixed request drops off by itself, other centres stay
hidden, the page links to a prefilled integrity record, and the query count does not grow with the rows.

Today is Friday 20 November 2026: a summary is overdue for requests completed on Tuesday 17 November or earlier
(due the 2nd working day after completion, Thursday 19th), not yet for Wednesday's.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hallservice.supervision import audit
from requests.models import Delivery, IssuedDocument, ServiceRequest, Summary
from staff.roles import Role
from tests.conftest import make_staff_user
from tests.factories import DistrictFactory, ServiceRequestFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 20)


def moment(m, d, hh=10, mm=0) -> datetime:
    return datetime(2026, m, d, hh, mm, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _friday(settings):
    settings.SESSION_COOKIE_AGE = 60 * 60 * 24 * 366 * 3
    with time_machine.travel(moment(11, 20), tick=False):
        yield


def finished(helper, status, *, completed=None, kind="assist", commission=True, number=None, **extra):
    """A finished request (completed on 10 November unless told) of the helper's centre."""
    req = ServiceRequestFactory(
        centre=helper.centre,
        helper=helper,
        status=status,
        kind=kind,
        commission_signed=commission,
        **({"number": number} if number else {}),
        **extra,
    )
    ServiceRequest.objects.filter(pk=req.pk).update(
        accepted_at=moment(11, 2), completed_at=completed or moment(11, 10)
    )
    return ServiceRequest.objects.get(pk=req.pk)


def summarise(req):
    Summary.objects.create(request=req, text="已办结，材料齐全。", author=req.helper.user)


def deliver(req, method="on_the_spot", **fields):
    Delivery.objects.create(request=req, method=method, by=req.helper.user, **fields)


def issue(req):
    IssuedDocument.objects.create(
        request=req,
        kind="completion_form",
        version=1,
        code="BJ-1",
        file=f"documents/{req.number}/completion_form-v1.pdf",
        sha256="0" * 64,
        size=1000,
        issued_by=req.helper.user,
    )


def complete_record(req):
    """Everything on file for a delivered or archived request."""
    summarise(req)
    deliver(req, "in_person", signer="张三")
    issue(req)


@pytest.fixture
def ledger(hall):
    helper = StaffMemberFactory(centre=hall["district"], name="甲帮办")
    town_helper = StaffMemberFactory(centre=hall["town"], name="丙帮办")
    other = DistrictFactory(code="OT", name="另一区政务服务中心")
    stranger = StaffMemberFactory(centre=other, name="丁帮办")

    good = finished(helper, "archived", number="XH-GOOD")
    complete_record(good)
    late_summary = finished(helper, "completed", completed=moment(11, 17, 17), number="XH-NOSUM")
    recent = finished(helper, "completed", completed=moment(11, 18, 9), number="XH-RECENT")
    no_delivery = finished(helper, "delivered", number="XH-NODEL")
    summarise(no_delivery)
    posted = finished(helper, "delivered", number="XH-POST")
    summarise(posted)
    deliver(posted, "post", carrier="EMS", tracking_number="1234567890")  # receipt never confirmed
    archived_bare = finished(helper, "archived", number="XH-NODOC")
    summarise(archived_bare)
    deliver(archived_bare)
    agency = finished(helper, "completed", kind="agency", commission=False, number="XH-NOCOM")
    summarise(agency)
    town_bad = finished(town_helper, "completed", completed=moment(11, 2), number="JD-NOSUM")
    other_bad = finished(stranger, "archived", completed=moment(11, 2), number="OT-BAD")
    return {
        "helper": helper,
        "good": good,
        "late_summary": late_summary,
        "recent": recent,
        "no_delivery": no_delivery,
        "posted": posted,
        "archived_bare": archived_bare,
        "agency": agency,
        "town_bad": town_bad,
        "other_bad": other_bad,
        "other": other,
        **hall,
    }


def district_ids(hall):
    return [hall["district"].pk, hall["town"].pk, hall["village"].pk]


def flagged(ids, **kwargs) -> dict[str, list[str]]:
    return {
        r.number: [key for key, _label in audit.problem_labels(r)] for r in audit.audit_list(centre_ids=ids, **kwargs)
    }


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_summary_cutoff_counts_two_working_days():
    assert audit.summary_cutoff(date(2026, 11, 20)) == date(2026, 11, 17)
    # On Monday a Thursday completion is not yet overdue (due Monday), a Wednesday one is.
    assert audit.summary_cutoff(date(2026, 11, 23)) == date(2026, 11, 18)
    # Across the National Day holiday (1–7 October 2026): a 30 September completion is due on 9 October.
    assert audit.summary_cutoff(date(2026, 10, 9)) == date(2026, 9, 29)
    # Saturday 10 October 2026 is an adjusted working day: an 8 October completion is due that Saturday.
    assert audit.summary_cutoff(date(2026, 10, 12)) == date(2026, 10, 8)


def test_each_problem_is_flagged(ledger):
    rows = flagged(district_ids(ledger))
    assert rows == {
        "XH-NOSUM": ["no_summary"],
        "XH-NODEL": ["no_delivery_proof"],
        "XH-POST": ["no_delivery_proof"],
        "XH-NODOC": ["no_documents"],
        "XH-NOCOM": ["no_commission"],
        "JD-NOSUM": ["no_summary"],
    }


def test_a_request_with_several_problems_shows_each(ledger):
    # Given an archived request with nothing on file at all
    bare = finished(ledger["helper"], "archived", kind="agency", commission=False, number="XH-BARE")
    # Then every problem is listed for it
    assert flagged(district_ids(ledger))["XH-BARE"] == [
        "no_summary",
        "no_delivery_proof",
        "no_documents",
        "no_commission",
    ]
    assert bare.pk


def test_counts_per_problem(ledger):
    counts = audit.problem_counts(centre_ids=district_ids(ledger))
    assert counts == {"total": 6, "no_summary": 2, "no_delivery_proof": 2, "no_documents": 1, "no_commission": 1}


@pytest.mark.parametrize(
    ("key", "fix"),
    [
        ("late_summary", summarise),
        ("no_delivery", lambda req: deliver(req, "in_person", signer="李四")),
        ("posted", lambda req: Delivery.objects.filter(request=req).update(receipt_confirmed_at=moment(11, 19))),
        ("archived_bare", issue),
        ("agency", lambda req: ServiceRequest.objects.filter(pk=req.pk).update(commission_signed=True)),
    ],
)
def test_a_fixed_request_drops_off_the_list(ledger, key, fix):
    number = ledger[key].number
    assert number in flagged(district_ids(ledger))
    fix(ledger[key])
    assert number not in flagged(district_ids(ledger))


def test_filter_by_problem(ledger):
    assert set(flagged(district_ids(ledger), problem="no_delivery_proof")) == {"XH-NODEL", "XH-POST"}


def test_page_shows_counts_rows_and_a_prefilled_integrity_link(client, ledger, supervisor_user):
    english(client).force_login(supervisor_user)
    response = client.get(reverse("supervision:audit"))
    assert response.status_code == 200
    html = response.content.decode()
    req = ledger["late_summary"]
    assert reverse("request-detail", args=[req.pk]) in html
    assert "No summary 2 working days after completion" in html and "甲帮办" in html
    link = f"?new-staff_id={ledger['helper'].pk}&amp;new-request_id=XH-NOSUM&amp;new-kind=ledger#new-record"
    assert reverse("supervision:integrity") + link in html
    assert "XH-GOOD" not in html and "XH-RECENT" not in html and "OT-BAD" not in html
    html = client.get(reverse("supervision:audit"), {"problem": "no_documents"}).content.decode()
    assert "XH-NODOC" in html and "XH-NOSUM" not in html


def test_a_fixed_request_leaves_the_page(client, ledger, supervisor_user):
    english(client).force_login(supervisor_user)
    assert "XH-NOSUM" in client.get(reverse("supervision:audit")).content.decode()
    summarise(ledger["late_summary"])
    assert "XH-NOSUM" not in client.get(reverse("supervision:audit")).content.decode()


def test_scoping_hides_other_centres(client, ledger):
    town_sup = make_staff_user(role=Role.SUPERVISOR, centre=ledger["town"], username="jd-sup")
    english(client).force_login(town_sup)
    html = client.get(reverse("supervision:audit")).content.decode()
    assert "JD-NOSUM" in html and "XH-NOSUM" not in html and "OT-BAD" not in html
    response = client.get(reverse("supervision:audit"), {"centre": ledger["district"].pk})
    assert response.status_code == 400 and "XH-NOSUM" not in response.content.decode()


def test_the_page_costs_the_same_queries_for_1_or_20_rows(client, hall, supervisor_user):
    helper = StaffMemberFactory(centre=hall["district"], name="甲帮办")
    client.force_login(supervisor_user)
    url = reverse("supervision:audit")
    finished(helper, "archived")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _i in range(19):
        finished(helper, "archived")
    with CaptureQueriesContext(connection) as twenty:
        response = client.get(url)
    assert response.context["page"].paginator.count == 20
    assert len(twenty) == len(one)
