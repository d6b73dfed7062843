"""On PostgreSQL, with real row locks and threads released together: different actions on one request at the same
moment (they run as if one after the other, those the new state no longer allows are refused; two changes of
different fields both stay), and request numbers handed out to many clerks at once (distinct and consecutive,
also on a sequence's first use)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hallservice.core.sequences import sequence_next
from requests import services as svc
from requests.models import Status
from requests.services.transitions import transition_allowed
from tests.conftest import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def in_progress(in_handling):
    return in_handling()


def test_complete_suspend_and_terminate_at_once_run_as_if_one_after_the_other(require_postgres, people, in_progress):
    desk, desk2, leader = people["desk"], people["desk2"], people["leader"]
    resume_by = timezone.localdate() + timedelta(days=10)
    outcomes = race(
        [
            lambda: svc.request_complete(actor=desk, request_id=in_progress.pk, result="已发证").status,
            lambda: (
                svc.request_suspend(
                    actor=desk2, request_id=in_progress.pk, reason="applicant_asked", resume_by=resume_by
                ).status
            ),
            lambda: svc.request_terminate(actor=leader, request_id=in_progress.pk, reason="withdrawn").status,
        ]
    )
    assert all(o in ("refused", Status.COMPLETED, Status.SUSPENDED, Status.TERMINATED) for o in outcomes), outcomes
    # Whatever the order the locks gave them, the actions that went through form a path the table allows
    # (completed alone, suspended alone, terminated alone, or suspended then terminated), one event each.
    events = in_progress.events.filter(verb__in=["completed", "suspended", "terminated"]).order_by("pk")
    path = [Status.IN_PROGRESS] + [Status(e.to_status) for e in events]
    assert sorted(path[1:]) == sorted(o for o in outcomes if o != "refused"), (outcomes, path)
    assert all(transition_allowed(a, b) for a, b in zip(path, path[1:], strict=False)), path
    assert "refused" in outcomes  # completing excludes both others: never all three
    in_progress.refresh_from_db()
    assert in_progress.status == path[-1]
    assert in_progress.suspensions.count() == (1 if Status.SUSPENDED in path else 0)


def test_an_extension_approved_while_the_helper_changes_loses_neither(require_postgres, people, in_progress):
    extension = svc.request_request_extension(
        actor=people["desk"], request_id=in_progress.pk, working_days=5, reason="等待部门出具意见"
    )
    in_progress.refresh_from_db()
    deadline = in_progress.deadline
    new_helper = people["desk2"].staff_member
    outcomes = race(
        [
            lambda: svc.extension_decide(actor=people["supervisor"], extension_id=extension.pk, approve=True).status,
            lambda: (
                svc.request_reassign(
                    actor=people["supervisor"], request_id=in_progress.pk, helper_id=new_helper.pk, reason="人员调整"
                ).helper_id
            ),
        ]
    )
    assert outcomes == ["approved", new_helper.pk], outcomes
    in_progress.refresh_from_db()
    assert in_progress.helper_id == new_helper.pk
    assert in_progress.extension_working_days == 5 and in_progress.deadline > deadline


def test_two_decisions_on_one_extension_at_once_only_one_counts(require_postgres, people, in_progress):
    extension = svc.request_request_extension(
        actor=people["desk"], request_id=in_progress.pk, working_days=3, reason="等待部门出具意见"
    )
    outcomes = race(
        [
            lambda: svc.extension_decide(actor=people["supervisor"], extension_id=extension.pk, approve=True).status,
            lambda: svc.extension_decide(actor=people["supervisor"], extension_id=extension.pk, approve=True).status,
        ]
    )
    assert sorted(outcomes) == ["approved", "refused"], outcomes
    in_progress.refresh_from_db()
    assert in_progress.extension_working_days == 3
    assert in_progress.events.filter(verb="extension_approved").count() == 1


def test_eight_clerks_registering_at_once_get_distinct_consecutive_numbers(require_postgres, register, people):
    clerks = [people["desk"], people["desk2"]] * 4
    outcomes = race([lambda clerk=clerk: register(clerk).number for clerk in clerks])
    assert all(isinstance(o, str) and o.startswith("XH-") for o in outcomes), outcomes
    assert sorted(int(o.rsplit("-", 1)[1]) for o in outcomes) == list(range(1, 9))


def test_a_new_sequence_used_by_eight_at_once_counts_one_to_eight(require_postgres):
    outcomes = race([lambda: sequence_next(key="race:first-use")] * 8)
    assert sorted(outcomes) == list(range(1, 9)), outcomes
