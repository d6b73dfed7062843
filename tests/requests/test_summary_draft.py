"""The summary starts from a draft built from the request's history (issue 19 item 6): what was done, when, by
whom and the problems met, with no personal data; the helper edits it and nothing is saved by itself."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from requests import services as svc
from requests.models import RequestEvent, Summary
from requests.summary_draft import summary_draft, summary_draft_for
from tests.conftest import api_as
from tests.factories import VALID_ID_NUMBERS, online_complaint

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
PHONE = "13812345678"


def at(y, m, d, hh=10, mm=0):
    return time_machine.travel(datetime(y, m, d, hh, mm, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def completed(people, register, hall):
    """张三's land registration: accepted, started with a note naming him and his phone, suspended and resumed,
    completed; a complaint about it was filed online."""
    desk = people["desk"]
    with at(2026, 11, 23, 9, 30):
        req = register()
        svc.request_accept(actor=desk, request_id=req.pk)
    with at(2026, 11, 23, 10, 5):
        svc.request_start(
            actor=desk, request_id=req.pk, note=f"已电话联系张三（{PHONE}），身份证{VALID_ID_NUMBERS[0]}"
        )
        svc.request_log_work(actor=desk, request_id=req.pk, text="到新华区建设路 1 号取件，陪同递交窗口")
    with at(2026, 11, 24, 14):
        svc.request_suspend(
            actor=people["leader"],
            request_id=req.pk,
            reason="fees_unpaid",
            resume_by=date(2026, 11, 30),
            note="税费未缴",
        )
    with at(2026, 11, 25, 9):
        svc.request_resume(actor=desk, request_id=req.pk, note="税费已缴")
        svc.request_complete(actor=desk, request_id=req.pk, result="不动产权证书 1 本")
        online_complaint(hall["district"], content="办得太慢", name="张三", contact=PHONE, request_number=req.number)
    req.refresh_from_db()
    return req


def test_draft_lists_the_events_in_order_with_actor_and_time(completed):
    draft = summary_draft_for(completed)
    lines = draft.splitlines()
    assert lines[0].startswith(completed.number) and "办理小结" in lines[0]
    assert "王帮办" in lines[1]
    steps = [
        "2026-11-23 09:30 王帮办：已登记",
        "2026-11-23 09:30 王帮办：已受理",
        "2026-11-23 10:05 王帮办：开始办理",
        "2026-11-23 10:05 王帮办：工作日志",
        "2026-11-24 14:00 赵带班：已中止",
        "2026-11-25 09:00 王帮办：已续办",
        "2026-11-25 09:00 王帮办：已办结",
    ]
    positions = [next(i for i, line in enumerate(lines) if step in line) for step in steps]
    assert positions == sorted(positions)
    assert lines[positions[0]].startswith("1. ")
    # The problems met: the suspension with its note, and the complaint about the request.
    problems = lines[lines.index("遇到的问题") :]
    assert any("赵带班：已中止" in line and "税费未缴" in line for line in problems)
    assert any(line.startswith("- 投诉 TS-") and "尚未认定是否属实" in line for line in problems)
    assert "结果：不动产权证书 1 本" in draft


def test_draft_copies_no_personal_data(completed):
    draft = summary_draft_for(completed)
    assert PHONE not in draft and VALID_ID_NUMBERS[0] not in draft
    assert "建设路" not in draft and "张三" not in draft
    assert "张*" in draft  # the name in a note, masked


def test_draft_is_a_pure_function_of_the_request_and_its_events(completed):
    events = list(RequestEvent.objects.filter(request=completed).order_by("at", "pk"))
    no_complaints = summary_draft(completed, events)
    assert "投诉" not in no_complaints.split("遇到的问题")[1]
    only_registered = summary_draft(completed, events[:1])
    assert "1. 2026-11-23 09:30 王帮办：已登记" in only_registered and "2. " not in only_registered
    assert "未记录。" in only_registered


def test_long_history_keeps_changes_and_problems_within_the_summary_limit(completed, people):
    many = list(RequestEvent.objects.filter(request=completed).order_by("at", "pk"))
    log = next(e for e in many if e.verb == "work_logged")
    events = many + [log] * 40
    draft = summary_draft(completed, events)
    assert len(draft) <= Summary._meta.get_field("text").max_length
    assert "赵带班：已中止" in draft and "条日常记录未列出" in draft


def test_summary_form_starts_from_the_draft_and_saves_only_when_sent(client, completed, people):
    client.force_login(people["desk"])
    page = client.get(completed.get_absolute_url())
    summary_form = next(f for a, f in page.context["action_forms"] if a.name == "write_summary")
    assert summary_form["text"].initial == summary_draft_for(completed)
    html = page.content.decode()
    assert "2026-11-24 14:00 赵带班：已中止" in html
    assert "从办理记录重新生成草稿" not in html  # nothing written yet: the form is the draft
    assert not Summary.objects.filter(request=completed).exists()
    sent = client.post(
        reverse("requests:act", args=[completed.pk, "write_summary"]), {"text": "材料齐全，中止一次后办结。"}
    )
    assert sent.status_code == 302
    assert Summary.objects.get(request=completed).text == "材料齐全，中止一次后办结。"


def test_written_summary_is_shown_as_is_and_the_draft_loads_without_saving(client, completed, people):
    svc.request_write_summary(actor=people["desk"], request_id=completed.pk, text="我写的小结")
    client.force_login(people["desk"])
    page = client.get(completed.get_absolute_url())
    summary_form = next(f for a, f in page.context["action_forms"] if a.name == "write_summary")
    assert summary_form["text"].initial == "我写的小结"
    html = page.content.decode()
    assert "从办理记录重新生成草稿" in html and 'href="?summary_draft=1#action-write_summary"' in html
    redrafted = client.get(completed.get_absolute_url() + "?summary_draft=1")
    summary_form = next(f for a, f in redrafted.context["action_forms"] if a.name == "write_summary")
    assert summary_form["text"].initial == summary_draft_for(completed)
    assert redrafted.context["open_action"] == "write_summary"
    assert Summary.objects.get(request=completed).text == "我写的小结"
    assert not completed.events.filter(verb="summary_revised").exists()


def test_api_offers_the_draft_to_those_who_may_write_the_summary(completed, people):
    url = f"/api/v1/requests/{completed.pk}/summary-draft/"
    answer = api_as(people["desk"]).get(url)
    assert answer.status_code == 200
    assert answer.json() == {"text": summary_draft_for(completed)}
    assert not Summary.objects.filter(request=completed).exists()
    # The same refusals as writing the summary: no permission 403, another centre's request 404.
    assert api_as(people["supervisor"]).get(url).status_code == 403
    assert (
        api_as(people["supervisor"])
        .post(f"/api/v1/requests/{completed.pk}/write_summary/", {"text": "x"}, format="json")
        .status_code
        == 403
    )
    assert api_as(people["town_desk"]).get(url).status_code == 404


def test_api_draft_refused_before_the_request_is_finished(people, register):
    with at(2026, 11, 23):
        req = register()
        svc.request_accept(actor=people["desk"], request_id=req.pk)
    assert api_as(people["desk"]).get(f"/api/v1/requests/{req.pk}/summary-draft/").status_code == 409
