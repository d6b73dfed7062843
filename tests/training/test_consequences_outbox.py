"""Closing a monthly test while Redis is down (issue 15, item 1): the close is kept, not a 500, and the
five-minute tick applies the study days and recommendations once the queue is back."""

from unittest import mock

import pytest
from kombu.exceptions import OperationalError

from training import services as svc
from training.models import MonthlyTestStatus
from training.tasks import training_apply_consequences, training_tests_tick

from .conftest import at

pytestmark = pytest.mark.django_db

REDIS_DOWN = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_a_test_closed_while_redis_is_down_stays_closed_and_the_tick_applies_its_consequences(
    people, published_test, django_capture_on_commit_callbacks
):
    with (
        at(2026, 11, 27, 18, 1),
        mock.patch.object(training_apply_consequences, "apply_async", side_effect=REDIS_DOWN),
        django_capture_on_commit_callbacks(execute=True),
    ):
        svc.monthly_test_close(actor=people["supervisor"], test_id=published_test.pk)

    published_test.refresh_from_db()
    assert published_test.status == MonthlyTestStatus.CLOSED and published_test.consequences_applied_at is None

    with at(2026, 11, 27, 18, 5):
        training_tests_tick()

    published_test.refresh_from_db()
    assert published_test.consequences_applied_at is not None
