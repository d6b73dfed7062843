"""One 满意率: the statistics dashboard and the complaint dashboard count the same valid evaluations by the same
final rating (the follow-up rating after rectification when given), and each page says so.

November 2026, district XH: ★5, ★4, ★2 rated ★4 again after rectification, ★1 not yet rectified, and a ★1
invalidated on appeal → 3 satisfied of 4 valid = 75.0 % on both pages (the statistics used to say 50.0 %,
ignoring the follow-up rating, while the complaint dashboard said 75.0 %)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from requests.models import Evaluation
from requests.satisfaction import satisfaction
from tests.factories import ServiceRequestFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
PERIOD = {"date_from": "2026-11-01", "date_to": "2026-11-30"}


def rate(helper, rating, *, follow_up=None, invalid=False, day=10):
    req = ServiceRequestFactory(centre=helper.centre, helper=helper, status="archived")
    evaluation = Evaluation.objects.create(request=req, rating=rating, is_invalid=invalid)
    Evaluation.objects.filter(pk=evaluation.pk).update(at=datetime(2026, 11, day, 10, tzinfo=TZ))
    if rating <= 2:  # a poor rating opens the rectification case
        Evaluation.objects.filter(pk=evaluation.pk).update(
            needs_follow_up=True,
            followed_up_at=datetime(2026, 11, day + 1, 10, tzinfo=TZ),
            rectified_at=datetime(2026, 11, day + 3, 10, tzinfo=TZ),
        )
    if follow_up is not None:
        Evaluation.objects.filter(pk=evaluation.pk).update(follow_up_rating=follow_up)
    return evaluation


@pytest.fixture
def ratings(hall):
    helper = StaffMemberFactory(centre=hall["district"], name="甲帮办")
    return {
        "five": rate(helper, 5),
        "four": rate(helper, 4),
        "rectified": rate(helper, 2, follow_up=4),
        "poor": rate(helper, 1, day=12),
        "appealed": rate(helper, 1, invalid=True),
    }


def test_both_dashboards_show_the_same_rate_counting_the_follow_up_rating(client, ratings, supervisor_user):
    client.force_login(supervisor_user)
    statistics = client.get(reverse("supervision:statistics"), PERIOD, HTTP_ACCEPT_LANGUAGE="zh-hans")
    dashboard = client.get(reverse("complaints:dashboard"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert statistics.status_code == 200 and dashboard.status_code == 200
    stats, rates = statistics.context["stats"], dashboard.context["rates"]
    assert (stats.satisfied, stats.evaluations, stats.satisfaction_rate) == (3, 4, 75.0)
    assert (rates["satisfied"], rates["total"], rates["satisfied_rate"]) == (3, 4, 75.0)
    assert satisfaction(Evaluation.objects.all()) == {"total": 4, "satisfied": 3, "rate": 75.0}
    # Each page says what it counts.
    assert "以重新评价为准" in statistics.content.decode() and "投诉看板使用同一口径" in statistics.content.decode()
    assert "以重新评价为准" in dashboard.content.decode() and "统计看板使用同一口径" in dashboard.content.decode()


def test_a_follow_up_rating_given_later_moves_the_statistics(client, ratings, supervisor_user):
    client.force_login(supervisor_user)
    before = client.get(reverse("supervision:statistics"), PERIOD).context["stats"]
    assert before.satisfaction_rate == 75.0
    # The ★1 applicant, visited again after the rectification, is now basically satisfied.
    Evaluation.objects.filter(pk=ratings["poor"].pk).update(follow_up_rating=3)
    after = client.get(reverse("supervision:statistics"), PERIOD).context["stats"]
    assert (after.satisfied, after.evaluations, after.satisfaction_rate) == (4, 4, 100.0)
