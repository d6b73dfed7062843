"""The ledger audit flags an archived request without an issued document only where a form is required: every
agency request and every assist for a pending (待办) matter; an assist for an immediate (即办) matter, settled
on the spot at the window, needs none. A matter whose handling type changes moves its archived requests."""

from __future__ import annotations

import pytest
import time_machine

from requests.models import HandlingType, Matter
from supervision import audit
from supervision.figures import trigger_names
from supervision.ledger_gaps import expected_trigger_names
from tests.factories import MatterFactory

from .conftest import deliver, finished, moment, summarise

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _friday():
    with time_machine.travel(moment(11, 20), tick=False):
        yield


def district_ids(hall):
    return [hall["district"].pk, hall["town"].pk, hall["village"].pk]


def flagged(ids) -> dict[str, list[str]]:
    return {
        gap.request.number: [key for key, _label in audit.problem_labels(gap)]
        for gap in audit.audit_list(centre_ids=ids)
    }


def archived(helper, matter, number, kind="assist"):
    req = finished(helper, "archived", kind=kind, matter=matter, lead_department=matter.department, number=number)
    summarise(req)
    deliver(req)  # on the spot
    return req


@pytest.fixture
def immediate_matter():
    return MatterFactory(main_item="居民身份证挂失", handling_type=HandlingType.IMMEDIATE, time_limit_days=0)


def test_an_archived_immediate_assist_without_a_form_is_not_flagged(ledger, immediate_matter):
    archived(ledger["helper"], immediate_matter, "XH-JIBAN")
    rows = flagged(district_ids(ledger))
    assert "XH-JIBAN" not in rows
    assert rows["XH-NODOC"] == ["no_documents"]  # an assist for a pending matter still needs its completion form
    assert audit.problem_counts(centre_ids=district_ids(ledger))["no_documents"] == 1


def test_an_archived_agency_request_without_a_form_is_flagged_even_for_an_immediate_matter(ledger, immediate_matter):
    req = archived(ledger["helper"], immediate_matter, "XH-DAIBAN", kind="agency")
    assert req.commission_signed
    assert flagged(district_ids(ledger))["XH-DAIBAN"] == ["no_documents"]


def test_a_matter_turned_pending_flags_its_archived_assists_and_back(ledger, immediate_matter):
    archived(ledger["helper"], immediate_matter, "XH-JIBAN")
    assert "XH-JIBAN" not in flagged(district_ids(ledger))
    Matter.objects.filter(pk=immediate_matter.pk).update(handling_type=HandlingType.PENDING, time_limit_days=5)
    assert flagged(district_ids(ledger))["XH-JIBAN"] == ["no_documents"]
    Matter.objects.filter(pk=immediate_matter.pk).update(handling_type=HandlingType.IMMEDIATE, time_limit_days=0)
    assert "XH-JIBAN" not in flagged(district_ids(ledger))


def test_the_matter_trigger_is_installed_by_migrate(db):
    names = expected_trigger_names()
    assert "hall_stale_matter_ledger_update" in names
    assert names <= trigger_names()
