"""The state tables walked: monthly tests (publish, close) and recommendations (sent); the admin renders."""

import pytest
from django.urls import reverse

from hallservice.core.errors import TransitionNotAllowed
from training import services as svc
from training.models import (
    MONTHLY_TEST_TRANSITIONS,
    RECOMMENDATION_TRANSITIONS,
    MonthlyTestStatus,
    Recommendation,
    RecommendationStatus,
)

from .conftest import at

pytestmark = pytest.mark.django_db

TEST_ACTIONS = {
    MonthlyTestStatus.PUBLISHED: lambda actor, test: svc.monthly_test_publish(actor=actor, test_id=test.pk),
    MonthlyTestStatus.CLOSED: lambda actor, test: svc.monthly_test_close(actor=actor, test_id=test.pk),
}


@pytest.mark.parametrize(("start", "target"), [(s, t) for s in MonthlyTestStatus.values for t in TEST_ACTIONS])
def test_the_monthly_test_table(people, published_test, start, target):
    published_test.status = start
    published_test.save(update_fields=["status"])
    with at(2026, 11, 25):
        if target in MONTHLY_TEST_TRANSITIONS[start]:
            assert TEST_ACTIONS[target](people["supervisor"], published_test).status == target
        else:
            with pytest.raises(TransitionNotAllowed):
                TEST_ACTIONS[target](people["supervisor"], published_test)


@pytest.mark.parametrize("start", RecommendationStatus.values)
def test_the_recommendation_table(people, published_test, start):
    rec = Recommendation.objects.create(
        staff=people["helpers"][0].staff_member, test=published_test, company="某公司", status=start
    )
    if RecommendationStatus.SENT in RECOMMENDATION_TRANSITIONS[start]:
        assert svc.recommendation_mark_sent(actor=people["supervisor"], recommendation_id=rec.pk).status == "sent"
    else:
        with pytest.raises(TransitionNotAllowed):
            svc.recommendation_mark_sent(actor=people["supervisor"], recommendation_id=rec.pk)


def test_the_admin_shows_the_training_records_read_only(admin_client, people, published_test):
    for name in ["topic", "trainingsession", "question", "monthlytest", "attempt", "studyday", "recommendation"]:
        assert admin_client.get(reverse(f"admin:training_{name}_changelist")).status_code == 200, name
    question = published_test.centre.training_questions.first()
    assert admin_client.get(reverse("admin:training_question_change", args=[question.pk])).status_code == 200
    assert admin_client.get(reverse("admin:training_question_add")).status_code == 403
