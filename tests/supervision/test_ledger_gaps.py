"""The ledger gaps the audit reads stay equal to the ledger, whatever path changes it.

As for the daily figures: after a run of arbitrary changes to requests, summaries, deliveries and documents,
the gaps refreshed from the stale requests equal gaps recomputed from scratch. The audit's own behaviour (each
problem, grace period, scoping, page) is tested in test_audit.py.
"""

from __future__ import annotations

import random

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from requests.models import Delivery, IssuedDocument, ServiceRequest, Summary
from supervision import ledger_gaps
from supervision.figures import trigger_names
from supervision.ledger_gaps import (
    expected_trigger_names,
    install_triggers,
    rebuild_all_gaps,
    refresh_gaps,
)
from supervision.models import LedgerGap, StaleRequest

from .conftest import deliver, drop_trigger, finished, issue, keep, moment, run_at_once, summarise

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _friday():
    # The day of the ledger fixture (see test_audit.py).
    with time_machine.travel(moment(11, 20), tick=False):
        yield


def gaps() -> list[tuple]:
    return sorted(
        LedgerGap.objects.values_list("request_id", "centre_id", "applied_at", "completed_at", *ledger_gaps.FLAGS)
    )


def from_scratch() -> list[tuple]:
    StaleRequest.objects.all().delete()
    rebuild_all_gaps()
    return gaps()


def test_every_ledger_trigger_is_installed_by_migrate(db):
    assert expected_trigger_names() <= trigger_names()


def test_the_gaps_are_those_of_the_fixture(ledger):
    refresh_gaps()
    flagged = {
        ServiceRequest.objects.get(pk=pk).number: {
            flag for flag, on in zip(ledger_gaps.FLAGS, flags, strict=True) if on
        }
        for pk, _centre, _applied, _completed, *flags in gaps()
    }

    assert flagged == {
        "XH-NOSUM": {"no_summary"},
        "XH-RECENT": {"no_summary"},  # stored; the audit adds the grace period when it reads
        "XH-NODEL": {"no_delivery_proof"},
        "XH-POST": {"no_delivery_proof"},
        "XH-NODOC": {"no_documents"},
        "XH-NOCOM": {"no_commission"},
        "JD-NOSUM": {"no_summary"},
        "OT-BAD": {"no_summary", "no_delivery_proof", "no_documents"},
    }


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda r: summarise(r), id="summary written"),
        pytest.param(lambda r: deliver(r), id="delivery recorded"),
        pytest.param(lambda r: issue(r), id="document issued"),
        pytest.param(lambda r: keep(r, "completion_form"), id="signed form kept"),
        pytest.param(lambda r: ServiceRequest.objects.filter(pk=r.pk).update(status="delivered"), id="status"),
        pytest.param(
            lambda r: ServiceRequest.objects.filter(pk=r.pk).update(commission_signed=False), id="commission"
        ),
    ],
)
def test_each_kind_of_change_marks_its_request(ledger, change):
    refresh_gaps()
    req = ledger["late_summary"]  # completed, nothing on file yet

    change(req)

    assert set(StaleRequest.objects.values_list("request_id", flat=True)) == {req.pk}


def test_a_change_the_audit_does_not_read_marks_nothing(ledger):
    refresh_gaps()
    ServiceRequest.objects.filter(pk=ledger["good"].pk).update(result="证照已领取", summary_flagged_on=None)

    assert not StaleRequest.objects.exists()


def test_incremental_refresh_equals_recomputing_every_gap_after_random_changes(ledger):
    rnd = random.Random(20261202)
    helper = ledger["helper"]
    reqs = [r for r in ServiceRequest.objects.filter(centre=helper.centre)]

    def change() -> None:
        req = rnd.choice(reqs)
        rows = ServiceRequest.objects.filter(pk=req.pk)
        match rnd.randrange(10):
            case 0:
                rows.update(status=rnd.choice(["completed", "delivered", "archived", "in_progress", "terminated"]))
            case 1:
                rows.update(kind=rnd.choice(["assist", "agency"]), commission_signed=rnd.random() < 0.5)
            case 2:
                if not Summary.objects.filter(request=req).delete()[0]:
                    summarise(req)
            case 3:
                Delivery.objects.filter(request=req).delete()
                method = rnd.choice(["on_the_spot", "in_person", "post"])
                fields = {
                    "in_person": {"signer": rnd.choice(["", "李四"])},
                    "post": {"carrier": "EMS", "tracking_number": "SF1"},
                }
                deliver(req, method, **fields.get(method, {}))
            case 4:
                if not IssuedDocument.objects.filter(request=req).delete()[0]:
                    issue(req)
            case 5:
                rows.update(accepted_at=None)
            case 6:
                extra = finished(helper, rnd.choice(["completed", "archived"]), kind=rnd.choice(["assist", "agency"]))
                reqs.append(extra)
            case 7:
                Delivery.objects.filter(request=req, method="post").update(receipt_confirmed_at=req.completed_at)
            case 8:
                rows.update(centre=rnd.choice([ledger["district"], ledger["town"]]))
            case 9:
                rows.update(applied_at=moment(11, rnd.randint(1, 19)), completed_at=moment(11, rnd.randint(1, 20)))

    refresh_gaps()
    for step in range(40):
        change()
        if step % 5 == 4:
            refresh_gaps()
            assert gaps() == from_scratch(), f"after step {step}"


def test_deleting_a_request_removes_its_gap(ledger):
    refresh_gaps()
    req = ledger["late_summary"]
    assert LedgerGap.objects.filter(request=req).exists()

    req.delete()
    refresh_gaps()

    assert not LedgerGap.objects.filter(request_id=req.pk).exists()


def test_a_refresh_costs_the_same_statements_for_one_or_thirty_requests(ledger):
    refresh_gaps()
    helper = ledger["helper"]

    def statements_after(n: int) -> int:
        for _ in range(n):
            finished(helper, "completed")
        with CaptureQueriesContext(connection) as queries:
            assert refresh_gaps() == n
        return len(queries)

    assert statements_after(1) == statements_after(30)


def test_many_stale_requests_are_recomputed_in_one_pass(ledger, monkeypatch):
    monkeypatch.setattr(ledger_gaps, "REBUILD_ALL_ABOVE", 2)
    expected = from_scratch()
    LedgerGap.objects.all().delete()
    StaleRequest.objects.bulk_create(
        [StaleRequest(request_id=pk) for pk in ServiceRequest.objects.values_list("pk", flat=True)]
    )

    refresh_gaps()

    assert gaps() == expected


def test_an_outdated_or_lost_trigger_is_put_back_and_every_gap_recomputed(ledger):
    refresh_gaps()
    expected = gaps()
    drop_trigger("hall_stale_summary_ledger_insert", "requests_summary")
    summarise(ledger["late_summary"])  # unseen: the trigger is missing
    assert not StaleRequest.objects.exists()

    assert install_triggers() is True

    assert expected_trigger_names() <= trigger_names()
    assert gaps() != expected and gaps() == from_scratch()
    assert not LedgerGap.objects.filter(request=ledger["late_summary"]).exists()
    assert install_triggers() is False


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_refreshes_racing_on_postgresql_compute_each_gap_once(require_postgres, ledger):
    expected = from_scratch()
    StaleRequest.objects.bulk_create(
        [StaleRequest(request_id=pk) for pk in ServiceRequest.objects.values_list("pk", flat=True)]
    )
    errors = run_at_once(refresh_gaps)

    assert not errors
    assert gaps() == expected
    assert not StaleRequest.objects.exists()


def test_a_forwarded_request_takes_its_gap_to_the_new_centre(ledger):
    from supervision import audit

    refresh_gaps()
    town = [ledger["town"].pk]
    assert audit.problem_counts(centre_ids=town)["total"] == 1  # JD-NOSUM
    ServiceRequest.objects.filter(pk=ledger["late_summary"].pk).update(centre=ledger["town"])

    counts = audit.problem_counts(centre_ids=town)

    assert (counts["total"], counts["no_summary"]) == (2, 2)
