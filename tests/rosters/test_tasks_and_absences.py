"""The beat tasks (next month's draft, absentees at opening) and the unavailability service other apps use."""

from datetime import date

import pytest

from hallservice.celery import app as celery_app
from hallservice.core.actors import SYSTEM
from hallservice.core.errors import DomainError, PermissionDenied
from rosters.models import RotationPlan, Unavailability
from rosters.selectors import unavailable_staff_ids
from rosters.services import unavailability_cancel, unavailability_record
from rosters.tasks import rosters_draft_next_month

from .conftest import at

pytestmark = pytest.mark.django_db


def test_the_beat_schedule_runs_the_rosters_tasks():
    tasks = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert {"rosters.tasks.rosters_draft_next_month", "rosters.tasks.rosters_mark_absentees"} <= tasks
    assert {"rosters.tasks.rosters_draft_next_month", "rosters.tasks.rosters_mark_absentees"} <= set(celery_app.tasks)


def test_next_months_draft_is_made_on_the_configured_day_once(roster_hall, settings):
    settings.ROSTERS_DRAFT_DAY = 25
    with at(2026, 11, 24, 2, 10):
        assert rosters_draft_next_month.delay().get() == []
    with at(2026, 11, 25, 2, 10):
        assert rosters_draft_next_month.delay().get() == [roster_hall["centre"].code]
    with at(2026, 11, 26, 2, 10):
        assert rosters_draft_next_month.delay().get() == []  # idempotent
    plan = RotationPlan.objects.get()
    assert plan.month == date(2026, 12, 1) and plan.is_draft
    event = plan.events.get(verb="plan_generated")
    assert event.actor is None and event.actor_kind == "system" and event.actor_name == "系统"


def test_a_supervisors_draft_is_left_alone(roster_hall, settings):
    from rosters.services import rotation_plan_generate

    settings.ROSTERS_DRAFT_DAY = 31  # November has 30 days: the task runs on the 30th
    with at(2026, 11, 20):
        rotation_plan_generate(
            actor=roster_hall["supervisor"], centre_id=roster_hall["centre"].pk, month=date(2026, 12, 1)
        )
    with at(2026, 11, 30, 2, 10):
        assert rosters_draft_next_month.delay().get() == []
    assert RotationPlan.objects.count() == 1


def test_the_training_app_records_study_days_idempotently_as_the_system(roster_hall):
    helper = roster_hall["helpers"][0]
    args = {"staff_id": helper.pk, "start": date(2026, 12, 10), "end": date(2026, 12, 10), "kind": "study"}
    first = unavailability_record(actor=SYSTEM, source="training:2026-11", note="月考未达85分", **args)
    again = unavailability_record(actor=SYSTEM, source="training:2026-11", note="月考未达85分", **args)
    assert first.pk == again.pk and Unavailability.objects.count() == 1
    assert unavailable_staff_ids(roster_hall["centre"], date(2026, 12, 10)) == {helper.pk}
    assert unavailable_staff_ids(roster_hall["centre"], date(2026, 12, 11)) == set()
    # The same day from another source is another record; cancelling is idempotent too.
    other = unavailability_record(actor=roster_hall["supervisor"], **args)
    assert other.pk != first.pk
    unavailability_cancel(actor=SYSTEM, unavailability_id=first.pk)
    unavailability_cancel(actor=SYSTEM, unavailability_id=first.pk)
    assert list(Unavailability.objects.values_list("pk", flat=True)) == [other.pk]


def test_unavailability_rules(roster_hall):
    h = roster_hall
    args = {"staff_id": h["helpers"][0].pk, "start": date(2026, 12, 10), "end": date(2026, 12, 12), "kind": "leave"}
    with pytest.raises(PermissionDenied):
        unavailability_record(actor=h["desk"], **args)
    with pytest.raises(DomainError) as bad:
        unavailability_record(actor=h["supervisor"], **{**args, "end": date(2026, 12, 9)})
    assert bad.value.field == "end"
    with pytest.raises(DomainError) as bad:
        unavailability_record(actor=h["supervisor"], **{**args, "kind": "nap"})
    assert bad.value.field == "kind"
    with pytest.raises(DomainError) as bad:
        unavailability_record(actor=h["town_supervisor"], **args)
    assert bad.value.field == "staff"
