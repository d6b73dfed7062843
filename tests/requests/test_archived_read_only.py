"""Issue 14 item 7: archived means read-only everywhere, evaluation, appeal and follow-up paths included.

The real-world case: 张三 rated the on-the-spot query 不满意; the return visit and rectification were done, the
request was summarised and archived — and then an appeal could still be filed and decided on it (the rating
was marked invalid and two events were added to the archived file).
"""

import pytest

from hallservice.core.actors import CITIZEN
from hallservice.core.errors import TransitionNotAllowed
from requests import services as svc
from requests.models import Evaluation, EvaluationAppeal, Status
from requests.services.public import request_status_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def summarise_and_archive(desk, req):
    svc.request_write_summary(actor=desk, request_id=req.pk, text="当场查询并出具结果。")
    svc.request_archive(actor=desk, request_id=req.pk)


@pytest.fixture
def archived(delivered_query, people):
    """An archived query whose poor rating was visited and rectified; the applicant has not rated again."""
    desk, supervisor = people["desk"], people["supervisor"]
    req = delivered_query
    svc.request_evaluate(actor=CITIZEN, request_id=req.pk, rating=2, comment="排队太久")
    svc.evaluation_follow_up(actor=supervisor, request_id=req.pk, note="电话回访，已致歉并说明原因")
    svc.evaluation_rectify(actor=supervisor, request_id=req.pk, note="高峰时段增开一个窗口")
    summarise_and_archive(desk, req)
    req.refresh_from_db()
    assert req.status == Status.ARCHIVED
    return req


def test_an_appeal_against_the_rating_of_an_archived_request_is_refused(archived, people):
    events = archived.events.count()
    with pytest.raises(TransitionNotAllowed, match="归档|archived"):
        svc.evaluation_appeal(actor=people["desk"], request_id=archived.pk, reasons="评价针对的是其他事项")
    assert not EvaluationAppeal.objects.exists()
    assert archived.events.count() == events


def test_an_appeal_filed_before_archiving_cannot_be_decided_after(delivered_query, people):
    desk, supervisor = people["desk"], people["supervisor"]
    req = delivered_query
    svc.request_evaluate(actor=CITIZEN, request_id=req.pk, rating=3, comment="一般")
    svc.evaluation_appeal(actor=desk, request_id=req.pk, reasons="评价针对的是其他事项")
    summarise_and_archive(desk, req)
    events = req.events.count()

    with pytest.raises(TransitionNotAllowed):
        svc.evaluation_appeal_decide(actor=supervisor, request_id=req.pk, invalid=True, reasons="经核实属实")

    assert Evaluation.objects.get(request=req).is_invalid is False
    assert req.events.count() == events


def test_the_follow_up_rating_of_an_archived_request_is_refused(archived):
    with pytest.raises(TransitionNotAllowed):
        svc.evaluation_rate_again(request_id=archived.pk, rating=5, comment="满意")
    assert Evaluation.objects.get(request=archived).follow_up_rating is None


def test_the_public_page_of_an_archived_request_offers_no_rating(client, archived):
    page = client.get(request_status_url(archived)).content.decode()
    assert "/evaluate/" not in page
    response = client.post(request_status_url(archived) + "evaluate/", {"rating": 5, "comment": "满意"})
    assert response.status_code == 409
    assert Evaluation.objects.get(request=archived).follow_up_rating is None


def test_the_evaluation_page_offers_nothing_on_an_archived_request_and_refuses_with_409(client, archived, people):
    evaluation = Evaluation.objects.get(request=archived)
    client.force_login(people["desk"])
    page = client.get("/evaluations/?show=all").content.decode()
    assert f"/evaluations/{evaluation.pk}/act/appeal/" not in page
    response = client.post(f"/evaluations/{evaluation.pk}/act/appeal/", {"reasons": "评价针对的是其他事项"})
    assert response.status_code == 409
    assert not EvaluationAppeal.objects.exists()


def test_the_request_page_refuses_log_work_on_an_archived_request_with_409(client, archived, people):
    client.force_login(people["desk"])
    response = client.post(f"{archived.get_absolute_url()}act/log_work/", {"text": "补记一条"})
    assert response.status_code == 409
    assert archived.work_log.count() == 0
