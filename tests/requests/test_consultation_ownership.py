"""Issue 18 item 3: consultations under 首问负责 (seed 001 七.1, seed 004 精准到位).

The first person asked owns the question until it is answered or handed over with a record; a question not answered
at once is due in working days, its owner is reminded before the deadline and the duty leader on duty, then the
supervision section, are told after it — each step once, however often the timer runs.
"""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from requests import services as svc
from requests.models import Consultation, ConsultationOutcome, ConsultationVerb, Notification
from requests.services import consultations
from requests.tasks import consultation_timers
from tests.clock import at
from tests.conftest import api_as
from tests.requests.conftest import migrate_through_on_day

pytestmark = pytest.mark.django_db
PHONE = "13812345678"


@pytest.fixture(autouse=True)
def _rules(settings):
    settings.CONSULTATION_ANSWER_WORKING_DAYS = 2
    settings.CONSULTATION_REMINDER_WORKING_DAYS = 1
    settings.CONSULTATION_SUPERVISION_AFTER_WORKING_DAYS = 1


@pytest.fixture
def emails(people):
    for key in ("desk", "desk2", "leader", "supervisor"):
        people[key].email = f"{key}@hall.example.cn"
        people[key].save(update_fields=["email"])
    return people


def ask(actor, **fields):
    data = {"channel": "phone", "name": "张三", "contact": PHONE, "question": "首次登记要带什么？", **fields}
    return svc.consultation_create(actor=actor, **data)


@pytest.fixture
def before_national_day(people, matter):
    """A question taken on Wednesday 30 September 2026, the last working day before the National Day week."""
    with at(2026, 9, 30):
        return ask(people["desk"], matter_id=matter.pk)


def verbs(consultation) -> list[str]:
    return list(consultation.events.order_by("at", "pk").values_list("verb", flat=True))


# --- Deadline --------------------------------------------------------------------------------------------


def test_a_question_not_answered_at_once_is_due_in_working_days_across_the_holiday(before_national_day):
    # 1–7 October are the holiday: the two working days are Thursday 8 and Friday 9 October.
    assert before_national_day.answer_due == date(2026, 10, 9)
    assert before_national_day.outcome == ConsultationOutcome.OPEN
    assert verbs(before_national_day) == [ConsultationVerb.RECORDED]


def test_a_question_answered_at_once_has_no_deadline(people):
    consultation = ask(people["desk"], answer="带身份证和不动产权证书")
    assert consultation.answer_due is None and consultation.outcome == ConsultationOutcome.ANSWERED
    assert verbs(consultation) == [ConsultationVerb.RECORDED, ConsultationVerb.ANSWERED]


# --- Ownership ---------------------------------------------------------------------------------------------


def test_only_the_owner_or_a_duty_leader_or_supervisor_answers(people):
    consultation = ask(people["desk"])
    with pytest.raises(PermissionDenied, match="王帮办"):
        svc.consultation_answer(actor=people["desk2"], consultation_id=consultation.pk, answer="不归我答")
    svc.consultation_answer(actor=people["leader"], consultation_id=consultation.pk, answer="带班人员答复")
    consultation.refresh_from_db()
    assert consultation.outcome == ConsultationOutcome.ANSWERED and consultation.answered_at is not None
    event = consultation.events.get(verb=ConsultationVerb.ANSWERED)
    assert event.actor == people["leader"]


def test_a_supervisor_may_hand_over_an_escalated_question(people):
    consultation = ask(people["desk"])
    svc.consultation_hand_over(
        actor=people["supervisor"],
        consultation_id=consultation.pk,
        to_id=people["desk2"].staff_member.pk,
        reason="督办",
    )
    assert Consultation.objects.get(pk=consultation.pk).owner == people["desk2"].staff_member
    with pytest.raises(PermissionDenied):
        svc.consultation_answer(actor=people["dept_user"], consultation_id=consultation.pk, answer="x")


def test_a_colleague_may_not_hand_over_someone_elses_question(people):
    consultation = ask(people["desk"])
    with pytest.raises(PermissionDenied):
        svc.consultation_hand_over(
            actor=people["desk2"], consultation_id=consultation.pk, to_id=people["desk2"].staff_member.pk, reason="x"
        )
    assert Consultation.objects.get(pk=consultation.pk).owner == people["desk"].staff_member


def test_hand_over_moves_ownership_with_a_record_and_tells_the_new_owner(
    emails, people, django_capture_on_commit_callbacks
):
    consultation = ask(people["desk"])
    with django_capture_on_commit_callbacks(execute=True):
        svc.consultation_hand_over(
            actor=people["desk"],
            consultation_id=consultation.pk,
            to_id=people["desk2"].staff_member.pk,
            reason="涉及税务，转税务窗口帮办",
        )
    consultation.refresh_from_db()
    assert consultation.owner == people["desk2"].staff_member
    event = consultation.events.get(verb=ConsultationVerb.HANDED_OVER)
    assert event.previous_owner == people["desk"].staff_member and event.owner == people["desk2"].staff_member
    assert event.actor == people["desk"] and event.note == "涉及税务，转税务窗口帮办"
    notification = Notification.objects.get(template="consultation_handed_over")
    assert notification.recipient == "desk2@hall.example.cn"
    assert "王帮办" in notification.body and PHONE not in notification.body
    # The old owner may no longer answer; the new one may.
    with pytest.raises(PermissionDenied):
        svc.consultation_answer(actor=people["desk"], consultation_id=consultation.pk, answer="x")
    svc.consultation_answer(actor=people["desk2"], consultation_id=consultation.pk, answer="已答复")


@pytest.mark.parametrize(
    ("to", "reason", "error"),
    [("desk2", "", DomainError), ("desk", "再交给自己", DomainError), ("town_desk", "别的中心", DomainError)],
)
def test_hand_over_needs_a_reason_and_a_colleague_of_the_centre(people, to, reason, error):
    consultation = ask(people["desk"])
    with pytest.raises(error):
        svc.consultation_hand_over(
            actor=people["desk"], consultation_id=consultation.pk, to_id=people[to].staff_member.pk, reason=reason
        )


def test_an_answered_question_is_not_handed_over(people):
    consultation = ask(people["desk"], answer="已当场答复")
    with pytest.raises(TransitionNotAllowed):
        svc.consultation_hand_over(
            actor=people["desk"], consultation_id=consultation.pk, to_id=people["desk2"].staff_member.pk, reason="x"
        )


# --- Timers --------------------------------------------------------------------------------------------


def test_reminder_and_escalations_each_happen_once_however_often_the_timer_runs(
    before_national_day, emails, people, django_capture_on_commit_callbacks
):
    c = before_national_day

    def run(day: date) -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            return consultation_timers(day.isoformat())

    assert run(date(2026, 9, 30)) == {"reminded": [], "escalated_duty_leader": [], "escalated_supervision": []}
    # Thursday 8 October: one working day before the deadline, the owner is reminded; twice run, once sent.
    assert run(date(2026, 10, 8))["reminded"] == [c.pk]
    assert run(date(2026, 10, 8))["reminded"] == []
    # Saturday 10 October is a working day (made up for the holiday): overdue, the duty leader hears of it.
    assert run(date(2026, 10, 10))["escalated_duty_leader"] == [c.pk]
    assert run(date(2026, 10, 10)) == {"reminded": [], "escalated_duty_leader": [], "escalated_supervision": []}
    # The duty leader had one working day (Monday 12): then the supervision section, once.
    assert run(date(2026, 10, 11))["escalated_supervision"] == []
    assert run(date(2026, 10, 12))["escalated_supervision"] == [c.pk]
    assert run(date(2026, 10, 13))["escalated_supervision"] == []

    assert verbs(c) == [
        ConsultationVerb.RECORDED,
        ConsultationVerb.ANSWER_REMINDED,
        ConsultationVerb.ESCALATED_TO_DUTY_LEADER,
        ConsultationVerb.ESCALATED_TO_SUPERVISION,
    ]
    sent = dict(Notification.objects.values_list("template", "recipient"))
    assert sent == {
        "consultation_answer_due": "desk@hall.example.cn",
        "consultation_overdue": "leader@hall.example.cn",
        "consultation_overdue_supervision": "supervisor@hall.example.cn",
    }
    assert Notification.objects.count() == 3


def test_the_escalation_goes_to_the_duty_leader_on_duty(before_national_day, emails, people, monkeypatch):
    # The roster (rosters.selectors.duty_leader_on_duty) says who leads the desk that day.
    monkeypatch.setattr(consultations, "_duty_leader_on_duty", [lambda centre, day: people["desk2"].staff_member])
    consultations.escalate_overdue_consultations(date(2026, 10, 10))
    event = before_national_day.events.get(verb=ConsultationVerb.ESCALATED_TO_DUTY_LEADER)
    assert event.owner == people["desk2"].staff_member and "李帮办" in event.note


def test_an_answered_question_is_neither_reminded_nor_escalated(before_national_day, people):
    svc.consultation_answer(actor=people["desk"], consultation_id=before_national_day.pk, answer="已答复")
    for day in (date(2026, 10, 8), date(2026, 10, 10), date(2026, 10, 12)):
        assert consultation_timers(day.isoformat()) == {
            "reminded": [],
            "escalated_duty_leader": [],
            "escalated_supervision": [],
        }


# --- One-time notice ---------------------------------------------------------------------------------------


def test_the_one_time_notice_lists_the_matters_materials_and_is_recorded(client, before_national_day, people):
    from pypdf import PdfReader

    client.force_login(people["desk"])
    response = client.post(reverse("requests:consultation-notice", args=[before_national_day.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "一次性告知单" in text and "张三" in text
    for material in before_national_day.matter.materials.all():
        assert material.name in text.replace("\n", "")
    event = before_national_day.events.get(verb=ConsultationVerb.NOTICE_ISSUED)
    assert event.actor == people["desk"] and event.note.startswith("ZXGZ-")


def test_no_notice_without_a_matter(people):
    consultation = ask(people["desk"])
    with pytest.raises(TransitionNotAllowed):
        svc.consultation_issue_notice(actor=people["desk"], consultation_id=consultation.pk)


# --- The consultation record -------------------------------------------------------------------------------


def test_the_record_exports_the_seeds_columns_in_the_range_with_phones_masked(client, people, matter):
    with at(2026, 11, 2):
        ask(people["desk"], name="早于范围")
    with at(2026, 11, 10):
        ask(people["desk"], name="李四", matter_id=matter.pk)
        ask(people["desk"], name="王五", answer="带身份证")
    ask(people["town_desk"], name="别的中心")
    client.force_login(people["desk"])
    response = client.get(
        reverse("requests:consultation-record"), {"date_from": "2026-11-05", "date_to": "2026-11-30", "format": "xlsx"}
    )
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == (
        "序号",
        "接待时间",
        "咨询方式",
        "服务对象名称",
        "联系方式",
        "咨询内容",
        "涉及事项",
        "处理结果",
        "首问负责人",
    )
    assert [r[3] for r in rows[2:]] == ["李四", "王五"]
    assert rows[2][4] == "138****5678" and rows[2][6] == matter.name and rows[2][8] == "王帮办"
    assert rows[2][7].startswith("待答复") and rows[3][7] == "已答复：带身份证"
    assert PHONE not in str(rows)


def test_the_record_as_pdf(client, people):
    from pypdf import PdfReader

    with at(2026, 11, 10):
        ask(people["desk"], name="李四")
    client.force_login(people["desk"])
    response = client.get(
        reverse("requests:consultation-record"), {"date_from": "2026-11-01", "date_to": "2026-11-30", "format": "pdf"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = PdfReader(BytesIO(response.content)).pages[0].extract_text()
    assert "接待咨询记录" in text and "李四" in text and "138****5678" in text and PHONE not in text


def test_a_reversed_range_is_refused_on_the_page(client, people):
    client.force_login(people["desk"])
    response = client.get(
        reverse("requests:consultation-record"), {"date_from": "2026-11-30", "date_to": "2026-11-01"}
    )
    assert response.status_code == 400
    assert response.context["record_form"].errors


# --- Pages -------------------------------------------------------------------------------------------------


def test_the_pages_show_owner_deadline_and_overdue_badge(client, before_national_day, people):
    client.force_login(people["desk"])
    with at(2026, 10, 12):
        listing = client.get(reverse("requests:consultations")).content.decode()
        page = client.get(before_national_day.get_absolute_url()).content.decode()
    assert "2026-10-09" in listing and "overdue" in listing
    assert before_national_day.get_absolute_url() in listing
    for html in (page,):
        assert "王帮办" in html and "2026-10-09" in html and "overdue" in html
        assert reverse("requests:consultation-handover", args=[before_national_day.pk]) in html
        assert reverse("requests:consultation-notice", args=[before_national_day.pk]) in html
    assert PHONE not in page


def test_the_hand_over_form_offers_only_colleagues_who_answer_consultations(client, people):
    consultation = ask(people["desk"])
    client.force_login(people["desk"])
    choices = dict(client.get(consultation.get_absolute_url()).context["handover_form"].fields["to_id"].choices)
    assert set(choices) == {"", people["desk2"].staff_member.pk, people["leader"].staff_member.pk}


def test_a_colleague_sees_the_pages_without_the_owners_actions(client, people):
    consultation = ask(people["desk"])
    client.force_login(people["desk2"])
    html = client.get(consultation.get_absolute_url()).content.decode()
    assert reverse("requests:consultation-handover", args=[consultation.pk]) not in html
    assert reverse("requests:consultation-answer", args=[consultation.pk]) not in html
    listing = client.get(reverse("requests:consultations")).content.decode()
    assert reverse("requests:consultation-answer", args=[consultation.pk]) not in listing
    response = client.post(
        reverse("requests:consultation-handover", args=[consultation.pk]),
        {"to_id": people["desk2"].staff_member.pk, "reason": "我来"},
    )
    assert response.status_code == 403
    assert Consultation.objects.get(pk=consultation.pk).owner == people["desk"].staff_member


def test_hand_over_on_the_page(client, people):
    consultation = ask(people["desk"])
    client.force_login(people["desk"])
    url = reverse("requests:consultation-handover", args=[consultation.pk])
    assert client.post(url, {"to_id": people["desk2"].staff_member.pk, "reason": ""}).status_code == 400
    response = client.post(url, {"to_id": people["desk2"].staff_member.pk, "reason": "转李帮办"})
    assert response.status_code == 302 and response.url == consultation.get_absolute_url()
    assert Consultation.objects.get(pk=consultation.pk).owner == people["desk2"].staff_member


def test_answer_from_the_consultation_page_comes_back_to_it(client, people):
    consultation = ask(people["desk"])
    client.force_login(people["desk"])
    url = reverse("requests:consultation-answer", args=[consultation.pk])
    response = client.post(url, {"answer": "带身份证", "on": "detail"})
    assert response.status_code == 302 and response.url == consultation.get_absolute_url()


# --- API ---------------------------------------------------------------------------------------------------


def test_api_hand_over_notice_and_record(people, matter):
    consultation = ask(people["desk"], matter_id=matter.pk)
    other = api_as(people["desk2"])
    url = reverse("api:consultation-hand-over", args=[consultation.pk])
    refused = other.post(url, {"to_id": people["desk2"].staff_member.pk, "reason": "我来"}, format="json")
    assert refused.status_code == 403

    api = api_as(people["desk"])
    assert api.post(url, {"to_id": people["desk2"].staff_member.pk}, format="json").status_code == 400
    done = api.post(url, {"to_id": people["desk2"].staff_member.pk, "reason": "转李帮办"}, format="json")
    assert done.status_code == 200 and done.json()["owner_name"] == "李帮办"
    assert done.json()["answer_due"] and done.json()["overdue"] is False

    notice = api.post(reverse("api:consultation-notice", args=[consultation.pk]))
    assert notice.status_code == 200 and notice["Content-Type"] == "application/pdf"

    record = api.get(reverse("api:consultation-record"), {"file_type": "xlsx"})
    assert record.status_code == 200
    rows = list(load_workbook(BytesIO(record.content)).active.iter_rows(values_only=True))
    assert rows[2][3] == "张三"
    assert api.get(reverse("api:consultation-record"), {"file_type": "csv"}).status_code == 400
    reversed_range = api.get(reverse("api:consultation-record"), {"date_from": "2026-12-31", "date_to": "2026-01-01"})
    assert reversed_range.status_code == 400


def test_api_notice_without_a_matter_is_a_conflict(people):
    consultation = ask(people["desk"])
    response = api_as(people["desk"]).post(reverse("api:consultation-notice", args=[consultation.pk]))
    assert response.status_code == 409


def test_a_range_from_year_one_is_a_400_not_a_500(client, people):
    """Found in review: year 1 in the hall's zone is before year 1 in UTC, so the bound could not be compared."""
    client.force_login(people["desk"])
    page = client.get(reverse("requests:consultation-record"), {"date_from": "0001-01-01", "date_to": "0001-01-05"})
    assert page.status_code == 400 and "date_from" in page.context["record_form"].errors
    api = api_as(people["desk"])
    answer = api.get(reverse("api:consultation-record"), {"date_from": "0001-01-01", "date_to": "0001-01-05"})
    assert answer.status_code == 400 and "date_from" in answer.json()


def test_an_answer_given_is_not_overwritten(people, matter):
    """Found in review: a second answer replaced the first in the consultation record."""
    consultation = ask(people["desk"], matter_id=matter.pk)
    svc.consultation_answer(actor=people["desk"], consultation_id=consultation.pk, answer="带身份证原件。")
    with pytest.raises(TransitionNotAllowed):
        svc.consultation_answer(actor=people["desk"], consultation_id=consultation.pk, answer="改口")
    consultation.refresh_from_db()
    assert consultation.answer == "带身份证原件。"


@pytest.mark.django_db(transaction=True)
def test_questions_waiting_before_deadlines_existed_get_one_from_the_migration_day(people):
    """Found in review: without a deadline, questions already waiting on the day of the upgrade were never reminded."""
    waiting = ask(people["desk"])
    answered = ask(people["desk"])
    svc.consultation_answer(actor=people["desk"], consultation_id=answered.pk, answer="带身份证原件。")

    migrate_through_on_day("0025_consultation_ownership", (2026, 11, 20))  # a Friday
    waiting.refresh_from_db()
    answered.refresh_from_db()
    assert waiting.answer_due == date(2026, 11, 24)  # two working days after Friday
    assert answered.answer_due is None
