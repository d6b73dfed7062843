"""Evaluation (好差评) through the link: once, after delivery, five levels and the four indicators; a poor rating
opens a rectification case (return visit, rectification, the applicant's follow-up rating); only an appeal
review with reasons voids a rating; the dashboard's rates count poor ratings before and after rectification."""

import re

import pytest

from hallservice.core.actors import CITIZEN
from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from requests import services as svc
from requests.models import AppealDecision, Evaluation, Rating
from requests.satisfaction import evaluation_rates
from requests.services.public import request_status_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

ALL_FIVE = {"rating": 5, "efficiency": 5, "service_level": 4, "attitude": 5, "comment": "很快"}


def evaluate_url(req):
    return request_status_url(req) + "evaluate/"


def offers_rating(page: str) -> bool:
    # The status page links it relative to its own address (its cached body holds no link token); the QR
    # document page links it in full, signed with a timestamp, so its token differs from one made here.
    return re.search(r'href="(/track/r/[^"/]+|\.)/evaluate/"', page) is not None


def test_applicant_rates_once_after_delivery_with_four_indicators(client, delivered_query):
    page = client.get(request_status_url(delivered_query)).content.decode()
    assert offers_rating(page)
    response = client.post(evaluate_url(delivered_query), ALL_FIVE)
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(request=delivered_query)
    assert (evaluation.rating, evaluation.efficiency, evaluation.service_level, evaluation.attitude) == (5, 5, 4, 5)
    assert evaluation.recorded_by is None and not evaluation.needs_follow_up
    again = client.post(evaluate_url(delivered_query), {**ALL_FIVE, "rating": 1})
    assert again.status_code == 409 and "已经评价" in again.content.decode() or again.status_code == 409
    assert Evaluation.objects.get(request=delivered_query).rating == 5


def test_a_request_not_yet_delivered_cannot_be_rated(client, register):
    req = register()
    response = client.post(evaluate_url(req), ALL_FIVE)
    assert response.status_code == 409
    assert not Evaluation.objects.exists()
    assert "送达" in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {**ALL_FIVE, "attitude": ""},
        {**ALL_FIVE, "rating": 6},
        {**ALL_FIVE, "efficiency": "x"},
        {**ALL_FIVE, "comment": "长" * 1001},
    ],
)
def test_incomplete_or_malformed_ratings_store_nothing(client, delivered_query, data):
    assert client.post(evaluate_url(delivered_query), data).status_code == 400
    assert not Evaluation.objects.exists()


def test_comment_with_html_is_stored_as_text_and_escaped(client, delivered_query, people):
    client.post(evaluate_url(delivered_query), {**ALL_FIVE, "comment": "<script>alert(1)</script>"})
    assert Evaluation.objects.get().comment == "<script>alert(1)</script>"
    client.force_login(people["desk"])
    page = client.get(delivered_query.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_poor_rating_runs_the_rectification_case(client, delivered_query, people):
    supervisor = people["supervisor"]
    client.post(evaluate_url(delivered_query), {**ALL_FIVE, "rating": Rating.DISSATISFIED, "attitude": 1})
    evaluation = Evaluation.objects.get()
    assert evaluation.needs_follow_up and evaluation.rectification_stage == "return_visit"
    assert evaluation.return_visit_due and evaluation.rectify_due > evaluation.return_visit_due
    with pytest.raises(TransitionNotAllowed):  # rectification follows the return visit
        svc.evaluation_rectify(actor=supervisor, request_id=delivered_query.pk, note="x")
    with pytest.raises(PermissionDenied):
        svc.evaluation_rectify(actor=people["desk"], request_id=delivered_query.pk, note="x")
    svc.evaluation_follow_up(actor=supervisor, request_id=delivered_query.pk, note="电话回访并致歉")
    svc.evaluation_rectify(actor=supervisor, request_id=delivered_query.pk, note="窗口增设叫号提醒，对当事人批评教育")
    status_page = client.get(request_status_url(delivered_query)).content.decode()
    assert offers_rating(status_page)  # the applicant may now rate again
    response = client.post(evaluate_url(delivered_query), {"rating": 4, "comment": "改进了"})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.rating == 2 and evaluation.follow_up_rating == 4 and evaluation.rectification_stage == "closed"
    assert client.post(evaluate_url(delivered_query), {"rating": 5}).status_code == 409  # once
    verbs = list(delivered_query.events.values_list("verb", flat=True))
    assert {"evaluated", "follow_up_opened", "followed_up", "rectified", "re_evaluated"} <= set(verbs)


def test_archive_waits_for_the_rectification(delivered_query, people):
    desk, supervisor = people["desk"], people["supervisor"]
    svc.request_evaluate(actor=CITIZEN, request_id=delivered_query.pk, rating=1)
    svc.request_write_summary(actor=desk, request_id=delivered_query.pk, text="已办结")
    with pytest.raises(DomainError):
        svc.request_archive(actor=desk, request_id=delivered_query.pk)
    svc.evaluation_follow_up(actor=supervisor, request_id=delivered_query.pk, note="回访")
    svc.evaluation_rectify(actor=supervisor, request_id=delivered_query.pk, note="整改")
    svc.request_archive(actor=desk, request_id=delivered_query.pk)
    # Archived means read-only (issue 14 item 7): the follow-up rating is taken before archiving or not at all.
    with pytest.raises(TransitionNotAllowed):
        svc.evaluation_rate_again(request_id=delivered_query.pk, rating=3)


def test_only_an_appeal_review_with_reasons_voids_a_rating(delivered_query, people):
    desk, supervisor = people["desk"], people["supervisor"]
    svc.request_evaluate(actor=CITIZEN, request_id=delivered_query.pk, rating=1, comment="与本事项无关的差评")
    with pytest.raises(TransitionNotAllowed):  # no appeal yet: nothing to review
        svc.evaluation_appeal_decide(actor=supervisor, request_id=delivered_query.pk, invalid=True, reasons="x")
    appeal = svc.evaluation_appeal(actor=desk, request_id=delivered_query.pk, reasons="评价内容与所办事项无关")
    with pytest.raises(PermissionDenied):
        svc.evaluation_appeal_decide(actor=desk, request_id=delivered_query.pk, invalid=True, reasons="x")
    with pytest.raises(DomainError):
        svc.evaluation_appeal_decide(actor=supervisor, request_id=delivered_query.pk, invalid=True, reasons=" ")
    svc.evaluation_appeal_decide(actor=supervisor, request_id=delivered_query.pk, invalid=True, reasons="经核实为误评")
    appeal.refresh_from_db()
    assert appeal.decision == AppealDecision.INVALID and appeal.decided_by == supervisor
    assert Evaluation.objects.get().is_invalid
    with pytest.raises(TransitionNotAllowed):
        svc.evaluation_appeal(actor=desk, request_id=delivered_query.pk, reasons="again")


def test_the_appellant_cannot_review_their_own_appeal(delivered_query, people):
    supervisor = people["supervisor"]
    svc.request_evaluate(actor=CITIZEN, request_id=delivered_query.pk, rating=2)
    from django.contrib.auth.models import Permission

    supervisor.user_permissions.add(Permission.objects.get(codename="appeal_evaluation"))
    supervisor = type(supervisor).objects.get(pk=supervisor.pk)
    svc.evaluation_appeal(actor=supervisor, request_id=delivered_query.pk, reasons="恶意差评")
    with pytest.raises(PermissionDenied):
        svc.evaluation_appeal_decide(actor=supervisor, request_id=delivered_query.pk, invalid=True, reasons="x")


def test_rates_count_poor_before_and_after_rectification_and_leave_out_invalid(deliver_query, people):
    desk, supervisor = people["desk"], people["supervisor"]
    good, fixed, still_poor, voided = (deliver_query() for _ in range(4))
    svc.request_evaluate(actor=CITIZEN, request_id=good.pk, rating=5)
    for req in (fixed, still_poor, voided):
        svc.request_evaluate(actor=CITIZEN, request_id=req.pk, rating=1)
    for req, again in ((fixed, 4), (still_poor, 2)):
        svc.evaluation_follow_up(actor=supervisor, request_id=req.pk, note="回访")
        svc.evaluation_rectify(actor=supervisor, request_id=req.pk, note="整改")
        svc.evaluation_rate_again(request_id=req.pk, rating=again)
    svc.evaluation_appeal(actor=desk, request_id=voided.pk, reasons="误评")
    svc.evaluation_appeal_decide(actor=supervisor, request_id=voided.pk, invalid=True, reasons="核实为误评")
    rates = evaluation_rates(Evaluation.objects.all())
    assert rates["total"] == 3 and rates["invalid"] == 1
    assert rates["poor_before"] == 2 and rates["poor_after"] == 1
    assert rates["poor_before_rate"] == 66.7 and rates["poor_after_rate"] == 33.3
    assert rates["satisfied"] == 2 and rates["rated_again"] == 2
