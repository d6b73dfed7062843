"""Complaints and poor ratings feed training (issue 19 item 7): the cause of an upheld complaint or a poor rating
proposes a topic and draft questions to the supervision section, which accepts them into the bank or dismisses
them; nothing personal is copied into a proposal."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from complaints import services as complaint_svc
from complaints.models import ComplaintStatus
from hallservice.core.actors import CITIZEN
from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from requests import causes
from requests import services as req_svc
from requests.causes import FailureCause
from requests.models import Evaluation, RequestEvent
from staff.roles import Role
from tests.conftest import api_as, make_staff_user
from tests.factories import VALID_ID_NUMBERS, DepartmentFactory, records_query_matter, registration_input
from training import services as svc
from training.models import Question, QuestionKind, Topic, TrainingEvent, TrainingProposal

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
PHONE = "13812345678"
ADDRESS = "新华区建设路 1 号"


def at(y, m, d, hh=10):
    return time_machine.travel(datetime(y, m, d, hh, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def staff(hall):
    district = hall["district"]
    return {
        "desk": make_staff_user(role=Role.FRONT_DESK, centre=district, username="p-desk", name="王帮办"),
        "sup": make_staff_user(role=Role.SUPERVISOR, centre=district, username="p-sup", name="钱督查"),
        "other": make_staff_user(role=Role.SUPERVISOR, centre=hall["town"], username="p-town", name="周督查"),
    }


@pytest.fixture
def delivered(staff):
    """张三's records query, handed over on the spot by 王帮办."""
    matter = records_query_matter(DepartmentFactory(code="BDC", name="不动产登记中心"))
    desk = staff["desk"]
    with at(2026, 11, 23):
        req = req_svc.request_register(
            actor=desk,
            data=registration_input(
                matter,
                applicant_address=ADDRESS,
                helper_id=desk.staff_member.pk,
                provided_material_ids=[m.pk for m in matter.materials.all()],
            ),
        )
        req_svc.request_accept(actor=desk, request_id=req.pk)
        req_svc.request_deliver(actor=desk, request_id=req.pk, method="on_the_spot", signer="张三", result="查询结果")
    return req


@pytest.fixture
def poor(delivered):
    with at(2026, 11, 23, 11):
        req_svc.request_evaluate(actor=CITIZEN, request_id=delivered.pk, rating=1, comment="态度差")
    return Evaluation.objects.get(request=delivered)


@pytest.fixture
def investigated(staff, delivered):
    """A complaint by 张三 about the request, taken at the window and being investigated."""
    sup = staff["sup"]
    with at(2026, 11, 24):
        complaint = complaint_svc.complaint_register(
            actor=sup,
            source="window",
            category="process",
            content="窗口说不清流程",
            name="张三",
            contact=PHONE,
            request_number=delivered.number,
        )
        complaint_svc.complaint_accept(actor=sup, complaint_id=complaint.pk)
        complaint_svc.complaint_investigate(actor=sup, complaint_id=complaint.pk)
    return complaint


def uphold(staff, complaint, *, cause="policy", substantiated=True):
    findings = f"张三（{PHONE}，身份证{VALID_ID_NUMBERS[0]}，住{ADDRESS}）反映属实：帮办不熟悉查询政策"
    with at(2026, 11, 25):
        return complaint_svc.complaint_respond(
            actor=staff["sup"],
            complaint_id=complaint.pk,
            response="已核实，向您致歉",
            findings=findings,
            substantiated=substantiated,
            cause=cause,
        )


def assert_nothing_personal(proposal: TrainingProposal) -> None:
    text = " ".join([proposal.case, proposal.topic_name, *proposal.questions])
    for secret in ("张三", PHONE, VALID_ID_NUMBERS[0], "建设路"):
        assert secret not in text, secret


# --- Proposed when a cause is recorded ------------------------------------------------------------------------


def test_upheld_complaint_with_a_cause_proposes_a_topic_and_draft_questions(staff, investigated, delivered):
    complaint = uphold(staff, investigated)
    assert complaint.cause == "policy" and complaint.status == ComplaintStatus.RESPONDED
    proposal = TrainingProposal.objects.get(complaint=complaint)
    assert proposal.status == "proposed" and proposal.cause == "policy"
    assert proposal.centre_id == complaint.centre_id
    assert proposal.topic_name == "不动产登记资料查询" and proposal.topic is None  # the matter's topic, new
    assert any("不动产登记资料查询" in q for q in proposal.questions)
    assert any(complaint.number in q for q in proposal.questions)
    assert complaint.number in proposal.case and "经查属实" in proposal.case and "帮办不熟悉查询政策" in proposal.case
    assert_nothing_personal(proposal)
    event = TrainingEvent.objects.get(proposal=proposal)
    assert event.verb == "proposal_made" and event.actor == staff["sup"] and "政策不熟" in event.note
    cause_note = complaint.events.filter(verb="noted", public=False).latest("pk").note
    assert str(FailureCause.POLICY.label) in cause_note


def test_an_existing_topic_is_proposed_by_name(staff, investigated):
    topic = Topic.objects.create(name="服务礼仪与沟通")
    complaint = uphold(staff, investigated, cause="attitude")
    assert TrainingProposal.objects.get(complaint=complaint).topic == topic


def test_cause_on_a_complaint_not_substantiated_is_refused_and_nothing_changes(staff, investigated):
    with pytest.raises(DomainError) as refused:
        uphold(staff, investigated, substantiated=False)
    assert refused.value.field == "cause"
    investigated.refresh_from_db()
    assert investigated.status == ComplaintStatus.INVESTIGATING and investigated.cause == ""
    assert not TrainingProposal.objects.exists()


def test_complaint_upheld_without_a_cause_proposes_nothing(staff, investigated):
    uphold(staff, investigated, cause="")
    assert not TrainingProposal.objects.exists()


def test_the_proposal_is_written_in_the_taggings_transaction(staff, investigated, monkeypatch):
    def broken(**_kwargs):
        raise RuntimeError("training is down")

    monkeypatch.setattr(causes, "_hooks", [*causes._hooks, broken])
    with pytest.raises(RuntimeError):
        uphold(staff, investigated)
    investigated.refresh_from_db()
    assert investigated.status == ComplaintStatus.INVESTIGATING and investigated.cause == ""
    assert not TrainingProposal.objects.exists()


def test_reopened_complaint_answered_again_keeps_one_proposal(staff, investigated):
    complaint = uphold(staff, investigated)
    with at(2026, 11, 26):
        complaint_svc.complaint_feedback(actor=CITIZEN, complaint_id=complaint.pk, satisfied=False, comment="不满意")
        complaint_svc.complaint_investigate(actor=staff["sup"], complaint_id=complaint.pk)
    uphold(staff, complaint, cause="process")
    assert TrainingProposal.objects.filter(complaint=complaint).count() == 1
    assert TrainingEvent.objects.filter(verb="proposal_made").count() == 1


def test_poor_rating_cause_at_the_return_visit_proposes_once(staff, poor):
    sup, req = staff["sup"], poor.request
    with at(2026, 11, 24):
        req_svc.evaluation_follow_up(
            actor=sup, request_id=req.pk, note=f"已致电张三 {PHONE}，态度生硬", cause="attitude"
        )
    poor.refresh_from_db()
    assert poor.cause == "attitude"
    proposal = TrainingProposal.objects.get(evaluation=poor)
    assert proposal.topic_name == "服务礼仪与沟通" and proposal.centre_id == req.centre_id
    assert req.number in proposal.case and "非常不满意" in proposal.case
    assert_nothing_personal(proposal)
    cause_event = RequestEvent.objects.get(request=req, verb="cause_recorded")
    assert cause_event.actor == sup and not cause_event.public
    assert cause_event.note == str(FailureCause.ATTITUDE.label)
    with at(2026, 11, 25):
        req_svc.evaluation_rectify(actor=sup, request_id=req.pk, note="已培训", cause="attitude")
    assert TrainingProposal.objects.count() == 1
    assert RequestEvent.objects.filter(request=req, verb="cause_recorded").count() == 1


def test_poor_rating_cause_may_be_named_at_rectification_but_not_changed(staff, poor):
    sup, req = staff["sup"], poor.request
    with at(2026, 11, 24):
        req_svc.evaluation_follow_up(actor=sup, request_id=req.pk, note="已回访")
    assert not TrainingProposal.objects.exists()
    with at(2026, 11, 25):
        req_svc.evaluation_rectify(actor=sup, request_id=req.pk, note="已整改", cause="overtime")
    assert TrainingProposal.objects.get(evaluation=poor).topic_name == "办理时限与进度跟踪"


def test_a_different_cause_later_is_refused_and_nothing_changes(staff, poor):
    sup, req = staff["sup"], poor.request
    with at(2026, 11, 24):
        req_svc.evaluation_follow_up(actor=sup, request_id=req.pk, note="已回访", cause="attitude")
    with at(2026, 11, 25), pytest.raises(DomainError) as refused:
        req_svc.evaluation_rectify(actor=sup, request_id=req.pk, note="已整改", cause="policy")
    assert refused.value.field == "cause"
    poor.refresh_from_db()
    assert poor.cause == "attitude" and poor.rectified_at is None
    with pytest.raises(DomainError):
        req_svc.evaluation_rectify(actor=sup, request_id=req.pk, note="已整改", cause="nonsense")


# --- Accepted or dismissed by the supervision section -----------------------------------------------------------


@pytest.fixture
def proposal(staff, investigated):
    uphold(staff, investigated)
    return TrainingProposal.objects.get()


def test_accepting_creates_the_topic_and_inactive_draft_questions(staff, proposal):
    with at(2026, 11, 26):
        svc.training_proposal_accept(
            actor=staff["sup"],
            proposal_id=proposal.pk,
            topic_name="资料查询政策",
            questions=["查询不动产登记资料须提交身份证明。", "  ", "利害关系人可以查询登记结果。"],
        )
    proposal.refresh_from_db()
    topic = Topic.objects.get(name="资料查询政策")
    assert proposal.status == "accepted" and proposal.topic == topic and proposal.decided_by == staff["sup"]
    questions = list(Question.objects.filter(topic=topic).order_by("pk"))
    assert [q.text for q in questions] == ["查询不动产登记资料须提交身份证明。", "利害关系人可以查询登记结果。"]
    assert all(not q.is_active and q.kind == QuestionKind.TRUE_FALSE for q in questions)
    assert all(q.centre_id == proposal.centre_id for q in questions)
    assert TrainingEvent.objects.filter(proposal=proposal, verb="proposal_accepted", actor=staff["sup"]).exists()
    with pytest.raises(TransitionNotAllowed):
        svc.training_proposal_dismiss(actor=staff["sup"], proposal_id=proposal.pk, reason="重复")


def test_accepting_an_existing_topic_adds_no_topic(staff, proposal):
    Topic.objects.create(name="不动产登记资料查询")
    count = Topic.objects.count()
    svc.training_proposal_accept(
        actor=staff["sup"], proposal_id=proposal.pk, topic_name="不动产登记资料查询", questions=["题干"]
    )
    assert Topic.objects.count() == count


@pytest.mark.parametrize(
    ("topic_name", "questions", "field"),
    [
        ("", ["题干"], "topic_name"),
        ("专题", [], "questions"),
        ("专题", ["  "], "questions"),
        ("专题", ["题"] * 11, "questions"),
    ],
)
def test_bad_acceptance_is_refused_and_nothing_changes(staff, proposal, topic_name, questions, field):
    with pytest.raises(DomainError) as refused:
        svc.training_proposal_accept(
            actor=staff["sup"], proposal_id=proposal.pk, topic_name=topic_name, questions=questions
        )
    assert refused.value.field == field
    proposal.refresh_from_db()
    assert proposal.status == "proposed" and not Question.objects.exists()


def test_dismissing_needs_a_reason(staff, proposal):
    with pytest.raises(DomainError):
        svc.training_proposal_dismiss(actor=staff["sup"], proposal_id=proposal.pk, reason=" ")
    svc.training_proposal_dismiss(actor=staff["sup"], proposal_id=proposal.pk, reason="已在本月培训中讲过")
    proposal.refresh_from_db()
    assert proposal.status == "dismissed" and proposal.dismiss_reason == "已在本月培训中讲过"
    assert TrainingEvent.objects.filter(proposal=proposal, verb="proposal_dismissed").exists()


def test_only_the_supervision_section_of_the_centre_decides(staff, proposal):
    with pytest.raises(PermissionDenied):
        svc.training_proposal_dismiss(actor=staff["desk"], proposal_id=proposal.pk, reason="不需要")
    with pytest.raises(DomainError):  # the town's supervisor does not see the district's proposal
        svc.training_proposal_dismiss(actor=staff["other"], proposal_id=proposal.pk, reason="不需要")
    proposal.refresh_from_db()
    assert proposal.status == "proposed"


# --- Pages ---------------------------------------------------------------------------------------------------------


def test_proposals_page_lists_filters_and_refuses_others(client, staff, proposal):
    client.force_login(staff["sup"])
    page = client.get(reverse("training:proposals"))
    html = page.content.decode()
    assert page.status_code == 200
    assert proposal.complaint.number in html and "政策不熟" in html and "不动产登记资料查询" in html
    assert "采纳并放入题库" in html and 'name="reason"' in html and "张三" not in html and PHONE not in html
    assert client.get(reverse("training:proposals"), {"cause": "attitude"}).context["page"].paginator.count == 0
    assert (
        client.get(reverse("training:proposals"), {"status": "proposed", "month": "2026-11"})
        .context["page"]
        .paginator.count
        == 1
    )
    assert client.get(reverse("training:proposals"), {"month": "2026-12"}).context["page"].paginator.count == 0
    assert client.get(reverse("training:proposals"), {"month": "later"}).status_code == 400
    client.force_login(staff["desk"])
    assert client.get(reverse("training:proposals")).status_code == 403


def test_accept_and_dismiss_through_the_page(client, staff, proposal):
    client.force_login(staff["sup"])
    refused = client.post(reverse("training:proposal-dismiss", args=[proposal.pk]), {"reason": ""})
    assert refused.status_code == 400 and "fielderror" in refused.content.decode()
    accepted = client.post(
        reverse("training:proposal-accept", args=[proposal.pk]),
        {"topic_name": "资料查询政策", "questions": "第一题\n\n第二题"},
    )
    assert accepted.status_code == 302 and accepted.url == reverse("training:bank") + "?active=0"
    assert Question.objects.filter(topic__name="资料查询政策", is_active=False).count() == 2
    again = client.post(reverse("training:proposal-dismiss", args=[proposal.pk]), {"reason": "重复"})
    assert again.status_code == 409
    client.force_login(staff["other"])
    assert client.post(reverse("training:proposal-dismiss", args=[proposal.pk]), {"reason": "x"}).status_code == 404


def test_cause_is_chosen_on_the_complaint_and_evaluation_forms(client, staff, investigated, poor):
    client.force_login(staff["sup"])
    evaluations = client.get(reverse("requests:evaluations")).content.decode()
    assert 'name="cause"' in evaluations and "告知不全" in evaluations
    posted = client.post(
        reverse("complaints:act", args=[investigated.pk, "respond"]),
        {"response": "已核实", "substantiated": "yes", "cause": "incomplete_notice"},
    )
    assert posted.status_code == 302
    assert TrainingProposal.objects.get(complaint=investigated).cause == "incomplete_notice"
    assert "告知不全" in client.get(investigated.get_absolute_url()).content.decode()
    visited = client.post(
        reverse("requests:evaluation-act", args=[poor.pk, "return_visit"]), {"note": "已回访", "cause": "overtime"}
    )
    assert visited.status_code == 302
    assert TrainingProposal.objects.get(evaluation=poor).cause == "overtime"
    assert "原因（用于培训）</strong> 超时" in client.get(poor.request.get_absolute_url()).content.decode()


# --- API ---------------------------------------------------------------------------------------------------------


def test_api_lists_accepts_and_dismisses(staff, proposal, poor):
    api = api_as(staff["sup"])
    listed = api.get("/api/v1/training/proposals/", {"status": "proposed", "cause": "policy", "month": "2026-11"})
    assert listed.status_code == 200
    rows = listed.json()["results"] if isinstance(listed.json(), dict) else listed.json()
    assert [r["id"] for r in rows] == [proposal.pk]
    assert rows[0]["source"] == "complaint" and rows[0]["source_number"] == proposal.complaint.number
    assert api.get("/api/v1/training/proposals/", {"month": "someday"}).status_code == 400
    bad = api.post(f"/api/v1/training/proposals/{proposal.pk}/accept/", {"topic_name": "专题"}, format="json")
    assert bad.status_code == 400 and "questions" in bad.json()
    done = api.post(
        f"/api/v1/training/proposals/{proposal.pk}/accept/",
        {"topic_name": "专题", "questions": ["题干一"]},
        format="json",
    )
    assert done.status_code == 200 and done.json()["status"] == "accepted"
    assert api.post(f"/api/v1/training/proposals/{proposal.pk}/dismiss/", {"reason": "x"}).status_code == 409
    assert api_as(staff["desk"]).get("/api/v1/training/proposals/").status_code == 403
    assert api_as(staff["other"]).get(f"/api/v1/training/proposals/{proposal.pk}/").status_code == 404


# --- One proposal's page, refusals and a second decision ----------------------------------------------------------

FORM_TOKEN = re.compile(r'name="form_token" value="([0-9a-f]{32})"')


def test_the_proposal_has_a_page_of_its_own_with_the_case_and_both_decisions(client, staff, proposal):
    url = reverse("training:proposal", args=[proposal.pk])
    client.force_login(staff["sup"])
    listed = client.get(reverse("training:proposals")).content.decode()
    assert f'href="{url}"' in listed

    page = client.get(url)

    html = page.content.decode()
    assert page.status_code == 200 and proposal.case in html and proposal.complaint.number in html
    assert 'id="id_accept_topic_name"' in html and 'id="id_dismiss_reason"' in html
    assert f'href="{proposal.complaint.get_absolute_url()}"' in html
    assert "由投诉或差评提出培训建议" in html  # its history
    assert "张三" not in html and PHONE not in html
    client.force_login(staff["other"])
    assert client.get(url).status_code == 404
    client.force_login(staff["desk"])
    assert client.get(url).status_code == 403


def test_a_refused_decision_comes_back_on_the_proposals_page_with_its_input(client, staff, proposal):
    client.force_login(staff["sup"])
    too_many = "\n".join(f"草稿题{n}" for n in range(12))

    refused = client.post(
        reverse("training:proposal-accept", args=[proposal.pk]), {"topic_name": "资料查询", "questions": too_many}
    )

    html = refused.content.decode()
    assert refused.status_code == 400
    assert [t.name for t in refused.templates][0] == "training/proposal_detail.html"
    assert "草稿题最多 10 道。" in html and "草稿题11" in html and 'value="资料查询"' in html
    proposal.refresh_from_db()
    assert proposal.status == "proposed" and not Question.objects.exists()


def test_a_decision_sent_twice_is_done_once_and_a_second_one_says_who_decided(client, staff, proposal):
    client.force_login(staff["sup"])
    url = reverse("training:proposal", args=[proposal.pk])
    token = FORM_TOKEN.search(client.get(url).content.decode()).group(1)
    data = {"topic_name": "资料查询政策", "questions": "第一题\n第二题", "form_token": token}
    accept = reverse("training:proposal-accept", args=[proposal.pk])

    first, second = client.post(accept, data), client.post(accept, data)  # a double click

    assert first.status_code == 302 and second.status_code in (200, 302)
    assert Question.objects.filter(topic__name="资料查询政策").count() == 2
    # The back button, then the other decision with the page's new form: refused, saying who decided and when.
    token = FORM_TOKEN.search(client.get(reverse("training:proposals")).content.decode()).group(1)
    again = client.post(
        reverse("training:proposal-dismiss", args=[proposal.pk]), {"reason": "重复", "form_token": token}
    )
    html = again.content.decode()
    assert again.status_code == 409
    assert "该建议已处理（已采纳" in html and "钱督查" in html
    assert 'id="id_dismiss_reason"' not in html  # the page no longer offers a decision
    proposal.refresh_from_db()
    assert proposal.status == "accepted" and proposal.dismiss_reason == ""
