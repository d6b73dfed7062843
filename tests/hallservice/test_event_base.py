"""The abstract event base (hallservice/core/events.py): how one history row reads wherever it is shown."""

from datetime import datetime

import pytest
from django.apps import apps
from django.db import models

from complaints.models import ComplaintEvent
from hallservice.core.events import Event
from requests.models import RequestEvent
from rosters.models import RosterEvent

EVENT_MODELS = [model for model in apps.get_models() if issubclass(model, Event)]


@pytest.mark.parametrize("model", EVENT_MODELS, ids=lambda model: model.__name__)
def test_an_event_subject_is_a_foreign_key_of_its_table(model):
    if model.subject_field:
        assert isinstance(model._meta.get_field(model.subject_field), models.ForeignKey)


def test_an_event_with_a_subject_reads_as_the_record_and_the_verb():
    assert str(RequestEvent(request_id=12, verb="accepted")) == "12 accepted"
    assert str(ComplaintEvent(complaint_id=7, verb="closed")) == "7 closed"


def test_an_event_without_a_subject_reads_as_its_time_and_the_verb():
    event = RosterEvent(centre_id=1, verb="plan_published", at=datetime(2026, 11, 2, 9, 30))
    assert str(event) == "2026-11-02 09:30 plan_published"
