"""The daily timer task, and two clerks accepting one request at the same moment on PostgreSQL."""

from datetime import date

import pytest

from requests import services as svc
from requests.models import ServiceRequest, Status
from requests.tasks import request_deadline_timers
from tests.clock import at
from tests.conftest import race


@pytest.mark.django_db
def test_daily_task_runs_every_timer_and_is_idempotent(in_handling, people):
    desk = people["desk"]
    with at(2026, 11, 23):
        req = in_handling()
        svc.request_suspend(actor=desk, request_id=req.pk, reason="applicant_asked", resume_by=date(2026, 11, 25))
    first = request_deadline_timers.delay("2026-11-26").get()
    assert first["expired_suspensions"] == [req.pk]
    second = request_deadline_timers.delay("2026-11-26").get()
    assert all(value == [] for value in second.values())
    req.refresh_from_db()
    assert req.status == Status.TERMINATED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_accepts_exactly_one_succeeds(require_postgres, register, people):
    req = register()
    outcomes = race(
        [
            lambda clerk=clerk: svc.request_accept(actor=clerk, request_id=req.pk).status
            for clerk in (people["desk"], people["desk2"])
        ]
    )
    assert sorted(outcomes) == ["accepted", "refused"], outcomes
    req.refresh_from_db()
    assert req.status == Status.ACCEPTED
    assert req.events.filter(verb="accepted").count() == 1
    assert ServiceRequest.objects.count() == 1
