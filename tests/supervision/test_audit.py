"""Ledger audit (台账记录不实): each problem is flagged, a fixed request drops off by itself, other centres stay
hidden, the page links to a prefilled integrity record, and the query count does not grow with the rows.

Today is Friday 20 November 2026: a summary is overdue for requests completed on Tuesday 17 November or earlier
(due the 2nd working day after completion, Thursday 19th), not yet for Wednesday's.
"""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests.models import Delivery, ServiceRequest
from staff.roles import Role
from supervision import audit
from tests.conftest import make_staff_user
from tests.factories import StaffMemberFactory

from .conftest import deliver, finished, issue, keep, moment, summarise

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _friday(settings):
    settings.SESSION_COOKIE_AGE = 60 * 60 * 24 * 366 * 3
    with time_machine.travel(moment(11, 20), tick=False):
        yield


def district_ids(hall):
    return [hall["district"].pk, hall["town"].pk, hall["village"].pk]


def flagged(ids, **kwargs) -> dict[str, list[str]]:
    return {
        gap.request.number: [key for key, _label in audit.problem_labels(gap)]
        for gap in audit.audit_list(centre_ids=ids, **kwargs)
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
        ("no_delivery", lambda req: (keep(req, "completion_form"), deliver(req, "in_person", signer="李四"))),
        (
            "posted",
            lambda req: (
                keep(req, "post_receipt"),
                Delivery.objects.filter(request=req).update(receipt_confirmed_at=moment(11, 19)),
            ),
        ),
        ("archived_bare", issue),
        (
            "agency",
            lambda req: (
                keep(req, "commission_letter"),
                ServiceRequest.objects.filter(pk=req.pk).update(commission_signed=True),
            ),
        ),
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
    assert reverse("requests:detail", args=[req.pk]) in html
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
    client.get(url)  # brings the ledger gaps of the new requests up to date (a fixed cost, see test_ledger_gaps)
    with CaptureQueriesContext(connection) as twenty:
        response = client.get(url)
    assert response.context["page"].paginator.count == 20
    assert len(twenty) == len(one)
