"""Issue 14 item 14: a poor mark on ANY indicator (the 好差评 rule counts each one) opens the rectification case
the evaluation page promises — e.g. 办事效率 不满意 with 总体 满意."""

import pytest

from requests import services as svc
from requests.models import Evaluation, Rating, RequestEvent
from requests.services.public import request_status_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def rated_at_desk(req, people, **marks):
    """The applicant's marks recorded by the desk: 基本满意 overall and on every indicator unless told otherwise."""
    basically = Rating.BASICALLY_SATISFIED
    marks = {"rating": basically, "efficiency": basically, "service_level": basically, "attitude": basically, **marks}
    return svc.request_evaluate(actor=people["desk"], request_id=req.pk, **marks)


def test_efficiency_dissatisfied_with_overall_satisfied_opens_the_rectification_case(client, delivered_query):
    response = client.post(
        request_status_url(delivered_query) + "evaluate/",
        {
            "rating": Rating.SATISFIED,
            "efficiency": Rating.DISSATISFIED,
            "service_level": Rating.SATISFIED,
            "attitude": Rating.SATISFIED,
        },
    )
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(request=delivered_query)
    assert evaluation.needs_follow_up and evaluation.is_poor
    assert evaluation.rectification_stage == "return_visit"
    assert evaluation.return_visit_due is not None and evaluation.rectify_due is not None
    opened = RequestEvent.objects.get(request=delivered_query, verb="follow_up_opened")
    assert "办事效率" in opened.note and "总体满意度" not in opened.note


def test_attitude_very_dissatisfied_recorded_at_the_desk_opens_the_case(delivered_query, people):
    evaluation = rated_at_desk(
        delivered_query,
        people,
        efficiency=Rating.SATISFIED,
        service_level=Rating.SATISFIED,
        attitude=Rating.VERY_DISSATISFIED,
    )
    assert evaluation.needs_follow_up and "服务态度" in evaluation.request.events.get(verb="follow_up_opened").note


def test_basically_satisfied_on_every_indicator_opens_no_case(delivered_query, people):
    evaluation = rated_at_desk(delivered_query, people)
    assert not evaluation.needs_follow_up and not evaluation.is_poor
    assert not RequestEvent.objects.filter(request=delivered_query, verb="follow_up_opened").exists()


def test_the_evaluation_page_promises_the_call_back_for_a_poor_mark_on_any_item(client, delivered_query):
    page = client.get(request_status_url(delivered_query) + "evaluate/").content.decode()
    assert "任何一项" in page
