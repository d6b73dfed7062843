"""Department parts have a deadline in working days, may wait for an earlier part, are reminded of before the
deadline and escalated after it: helper → duty leader → supervision section → bureau leader.

Seed 003 (帮办代办人员职责): "督促相关部门按承诺时限办结". National Day 2026 is 1–7 October off and Saturday
10 October a working day; 21–22 November 2026 is an ordinary weekend.
"""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from hallservice.core.errors import DomainError, TransitionNotAllowed
from requests import services as svc
from requests.models import DepartmentTask, EscalationLevel, Notification, RequestVerb, TaskStatus
from requests.services.department_parts import escalate_department_tasks, remind_department_tasks
from requests.tasks import department_task_timers
from staff.roles import Role
from tests.clock import at
from tests.conftest import api_as, make_department_worker, make_staff_user
from tests.factories import DepartmentFactory
from tests.requests.conftest import migrate_through_on_day

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.DEPARTMENT_TASK_WORKING_DAYS = 5
    settings.DEPARTMENT_TASK_REMINDER_WORKING_DAYS = 1
    settings.DEPARTMENT_TASK_ESCALATION_WORKING_DAYS = 2


@pytest.fixture
def handling(in_handling):
    """A request in handling since Friday 20 November 2026."""
    with at(2026, 11, 20):
        return in_handling()


def add_part(req, people, *, department=None, day=(2026, 11, 20), **fields):
    with at(*day):
        return svc.request_add_department_task(
            actor=people["desk"],
            request_id=req.pk,
            department_id=(department or people["other_dept"]).pk,
            description="核定契税",
            **fields,
        )


def escalations(req):
    return list(req.events.filter(verb=RequestVerb.DEPARTMENT_TASK_ESCALATED).order_by("pk"))


# --- Deadlines ------------------------------------------------------------------------------------------------


def test_deadline_counts_working_days_across_the_weekend(handling, people):
    part = add_part(handling, people, working_days=3)
    # Friday 20 November: Monday 23, Tuesday 24, Wednesday 25 are the three working days.
    assert part.status == TaskStatus.OPEN and part.opened_on == date(2026, 11, 20)
    assert part.deadline == date(2026, 11, 25)
    event = handling.events.get(verb=RequestVerb.DEPARTMENT_TASK_ADDED)
    assert "2026-11-25" in event.note and event.actor == people["desk"]


def test_deadline_skips_the_national_day_holiday_and_counts_the_working_saturday(register, people):
    desk = people["desk"]
    with at(2026, 9, 30):
        req = register()
        svc.request_accept(actor=desk, request_id=req.pk)
    part = add_part(req, people, day=(2026, 9, 30), working_days=3)
    assert part.deadline == date(2026, 10, 10)  # 8, 9 and Saturday 10 October


def test_time_limit_defaults_to_the_setting_and_is_checked(handling, people, settings):
    settings.DEPARTMENT_TASK_WORKING_DAYS = 4
    part = add_part(handling, people)
    assert part.working_days == 4 and part.deadline == date(2026, 11, 26)
    for days in (0, 61):
        with pytest.raises(DomainError):
            add_part(handling, people, department=people["dept"], working_days=days)


# --- Sequence -------------------------------------------------------------------------------------------------


def test_part_in_sequence_opens_and_starts_its_clock_only_when_the_earlier_one_is_done(handling, people):
    dept_user = people["dept_user"]  # of other_dept
    land_user = make_department_worker(
        centre=people["desk"].staff_member.centre, username="land", department=people["dept"]
    )
    first = add_part(handling, people, working_days=2)
    second = add_part(handling, people, department=people["dept"], working_days=3, after_id=first.pk)
    assert second.status == TaskStatus.WAITING and second.deadline is None and second.opened_on is None
    with pytest.raises(TransitionNotAllowed):
        svc.department_task_claim(actor=land_user, task_id=second.pk)
    with at(2026, 11, 23):
        svc.department_task_claim(actor=dept_user, task_id=first.pk)
        svc.department_task_finish(actor=dept_user, task_id=first.pk, done=False, note="缺评估报告")
    second.refresh_from_db()
    assert second.status == TaskStatus.WAITING  # blocked is not done
    with at(2026, 11, 27):  # Friday
        svc.department_task_finish(actor=dept_user, task_id=first.pk, done=True)
    second.refresh_from_db()
    assert second.status == TaskStatus.OPEN and second.opened_on == date(2026, 11, 27)
    assert second.deadline == date(2026, 12, 2)  # Monday 30, Tuesday 1, Wednesday 2
    opened = handling.events.get(verb=RequestVerb.DEPARTMENT_TASK_OPENED)
    assert opened.actor == dept_user and "2026-12-02" in opened.note
    with at(2026, 11, 30):
        svc.department_task_claim(actor=land_user, task_id=second.pk)


def test_part_after_one_already_done_opens_at_once(handling, people):
    first = add_part(handling, people, working_days=2)
    with at(2026, 11, 23):
        svc.department_task_claim(actor=people["dept_user"], task_id=first.pk)
        svc.department_task_finish(actor=people["dept_user"], task_id=first.pk, done=True)
    second = add_part(
        handling, people, department=people["dept"], day=(2026, 11, 24), working_days=1, after_id=first.pk
    )
    assert second.status == TaskStatus.OPEN and second.deadline == date(2026, 11, 25)


def test_earlier_part_must_belong_to_the_same_request(handling, register, people):
    with at(2026, 11, 20):
        other = register()
        svc.request_accept(actor=people["desk"], request_id=other.pk)
    foreign = add_part(other, people)
    with pytest.raises(DomainError) as refused:
        add_part(handling, people, after_id=foreign.pk)
    assert refused.value.field == "after_id"
    assert not handling.department_tasks.exists()


# --- Reminder and escalation -------------------------------------------------------------------------------------


def test_escalation_goes_up_one_step_per_n_working_days_overdue_and_never_twice(handling, people):
    part = add_part(handling, people, working_days=3)  # due Wednesday 25 November
    assert escalate_department_tasks(date(2026, 11, 25)) == []  # the deadline day itself
    assert escalate_department_tasks(date(2026, 11, 26)) == [(part.pk, EscalationLevel.HELPER)]
    assert escalate_department_tasks(date(2026, 11, 26)) == []  # run twice: nothing new
    assert escalate_department_tasks(date(2026, 11, 27)) == []  # 2 working days overdue: still the helper's
    assert escalate_department_tasks(date(2026, 11, 29)) == []  # Sunday: no working day more
    assert escalate_department_tasks(date(2026, 11, 30)) == [(part.pk, EscalationLevel.DUTY_LEADER)]
    assert escalate_department_tasks(date(2026, 12, 2)) == [(part.pk, EscalationLevel.SUPERVISION)]
    assert escalate_department_tasks(date(2026, 12, 4)) == [(part.pk, EscalationLevel.BUREAU_LEADER)]
    assert escalate_department_tasks(date(2026, 12, 31)) == []  # the top of the chain
    part.refresh_from_db()
    assert part.escalation_level == EscalationLevel.BUREAU_LEADER
    events = escalations(handling)
    assert [e.note.rsplit("：", 1)[-1] for e in events] == [
        "督办至帮办代办员。",
        "督办至带班人员。",
        "督办至督查指导科。",
        "督办至局领导。",
    ]
    assert all(e.actor is None and e.actor_kind == "system" and not e.public for e in events)


def test_a_sweep_that_missed_days_records_every_step_in_order(handling, people):
    part = add_part(handling, people, working_days=3)
    steps = escalate_department_tasks(date(2026, 12, 7))  # 8 working days overdue
    assert steps == [(part.pk, level) for level in (1, 2, 3, 4)]
    assert len(escalations(handling)) == 4


def test_done_waiting_or_suspended_parts_are_not_escalated(handling, people):
    done = add_part(handling, people, working_days=1)
    waiting = add_part(handling, people, department=people["dept"], working_days=1, after_id=done.pk)
    with at(2026, 11, 23):
        svc.department_task_claim(actor=people["dept_user"], task_id=done.pk)
    with at(2026, 11, 25):
        svc.request_suspend(
            actor=people["desk"], request_id=handling.pk, reason="applicant_asked", resume_by=date(2026, 12, 10)
        )
    assert escalate_department_tasks(date(2026, 11, 30)) == []  # the request, and so the clock, is paused
    with at(2026, 11, 30):  # Monday: 26, 27 and 30 November were paused
        svc.request_resume(actor=people["desk"], request_id=handling.pk)
    done.refresh_from_db()
    assert done.deadline == date(2026, 11, 26)  # Monday 23 + 3 paused working days
    waiting.refresh_from_db()
    assert waiting.deadline is None
    with at(2026, 11, 30):
        svc.department_task_finish(actor=people["dept_user"], task_id=done.pk, done=True)
    assert escalate_department_tasks(date(2026, 11, 30)) == []  # done; the next part has just opened


def test_reminder_and_each_step_reach_the_right_people_once(handling, people, django_capture_on_commit_callbacks):
    centre = people["desk"].staff_member.centre
    emails = {
        "desk": "helper@hall.example.cn",
        "dept_user": "tax@hall.example.cn",
        "leader": "leader@hall.example.cn",
        "supervisor": "sup@hall.example.cn",
    }
    for name, email in emails.items():
        people[name].email = email
        people[name].save(update_fields=["email"])
    bureau = make_staff_user(role=Role.BUREAU_LEADER, centre=centre, username="bureau", name="孙局长")
    bureau.email = "bureau@hall.example.cn"
    bureau.save(update_fields=["email"])
    # Another department's user hears nothing of the tax bureau's part.
    land = make_department_worker(centre=centre, username="land", department=people["dept"])
    land.email = "land@hall.example.cn"
    land.save(update_fields=["email"])
    add_part(handling, people, working_days=3)  # due Wednesday 25 November

    def run(day):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            result = department_task_timers.delay(day).get()
        return result, sorted(address for message in mail.outbox for address in message.to)

    result, sent = run("2026-11-24")  # one working day left
    assert len(result["reminders"]) == 1 and sent == ["helper@hall.example.cn", "tax@hall.example.cn"]
    assert run("2026-11-24")[1] == []  # a second run sends nothing
    assert run("2026-11-26")[1] == ["helper@hall.example.cn", "tax@hall.example.cn"]  # overdue: the helper
    assert run("2026-11-30")[1] == ["leader@hall.example.cn"]
    assert run("2026-11-30")[1] == []
    assert run("2026-12-02")[1] == ["sup@hall.example.cn"]
    assert run("2026-12-04")[1] == ["bureau@hall.example.cn"]
    assert Notification.objects.filter(template="department_task_escalated").count() == 5
    message = Notification.objects.filter(template="department_task_escalated").last()
    assert handling.number in message.subject and "2026-11-25" in message.body
    assert "13812345678" not in message.body  # no personal data in the message
    assert handling.events.filter(verb=RequestVerb.DEPARTMENT_TASK_REMINDER).count() == 1


def test_reminder_is_not_sent_early(handling, people):
    add_part(handling, people, working_days=3)
    assert remind_department_tasks(date(2026, 11, 23)) == []  # two working days left


def test_the_beat_schedule_runs_the_department_timers():
    from hallservice.celery import app

    assert "requests.tasks.department_task_timers" in {e["task"] for e in app.conf.beat_schedule.values()}


# --- API --------------------------------------------------------------------------------------------------------


def test_api_adds_parts_in_sequence_and_shows_their_clocks(handling, people):
    api = api_as(people["desk"])
    url = f"/api/v1/requests/{handling.pk}/add_department_task/"
    with at(2026, 11, 20):
        first = api.post(
            url,
            {"department_id": people["other_dept"].pk, "description": "核定契税", "working_days": 3},
            format="json",
        )
        assert first.status_code == 200, first.json()
        first_id = first.json()["department_tasks"][0]["id"]
        bad = api.post(
            url,
            {"department_id": people["dept"].pk, "description": "登簿", "after_id": 999999},
            format="json",
        )
        assert bad.status_code == 400 and "after_id" in str(bad.json())
        second = api.post(
            url,
            {"department_id": people["dept"].pk, "description": "登簿", "after_id": first_id},
            format="json",
        )
        assert second.status_code == 200, second.json()
    escalate_department_tasks(date(2026, 11, 26))
    with at(2026, 11, 26):
        parts = {p["id"]: p for p in api.get(f"/api/v1/requests/{handling.pk}/").json()["department_tasks"]}
    one, two = parts[first_id], next(p for pk, p in parts.items() if pk != first_id)
    assert one["deadline"] == "2026-11-25" and one["working_days"] == 3 and one["after"] is None
    assert one["working_days_left"] == -1 and one["escalation_level"] == 1 and one["opened_on"] == "2026-11-20"
    assert two["after"] == first_id and two["status"] == "waiting" and two["deadline"] is None
    assert two["working_days"] == 5 and two["working_days_left"] is None and two["escalation_level"] == 0


def test_openapi_documents_the_new_fields(client, people):
    client.force_login(people["supervisor"])
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    inputs = schema["components"]["schemas"]["AddDepartmentTaskInput"]["properties"]
    assert {"working_days", "after_id"} <= set(inputs)
    assert "串联办理" in inputs["after_id"]["description"]  # the form's help text after its label
    output = schema["components"]["schemas"]["DepartmentTaskOutput"]["properties"]
    assert {"deadline", "after", "opened_on", "working_days_left", "escalation_level"} <= set(output)


# --- Pages ------------------------------------------------------------------------------------------------------


def test_request_page_shows_each_parts_deadline_and_escalation(client, handling, people):
    first = add_part(handling, people, working_days=3)
    add_part(handling, people, department=people["dept"], working_days=2, after_id=first.pk)
    escalate_department_tasks(date(2026, 11, 27))
    client.force_login(people["desk"])
    with at(2026, 11, 27):
        page = client.get(reverse("requests:detail", args=[handling.pk])).content.decode()
    assert "2026-11-25" in page and "超期 2 个工作日" in page  # 26 and 27 November
    assert "帮办代办员" in page and "待税务局办结后开始" in page and "开始后2个工作日" in page


def test_add_part_form_offers_time_limit_and_earlier_parts(client, handling, people):
    first = add_part(handling, people, working_days=3)
    client.force_login(people["desk"])
    with at(2026, 11, 23):
        page = client.get(reverse("requests:detail", args=[handling.pk])).content.decode()
        assert 'name="working_days"' in page and f'<option value="{first.pk}">' in page
        response = client.post(
            reverse("requests:act", args=[handling.pk, "add_department_task"]),
            {"department_id": people["dept"].pk, "description": "登簿", "working_days": "2", "after_id": first.pk},
        )
    assert response.status_code == 302
    second = DepartmentTask.objects.get(request=handling, department=people["dept"])
    assert second.after == first and second.status == TaskStatus.WAITING and second.working_days == 2


def test_duty_dashboard_and_supervisor_home_list_overdue_parts(client, handling, people):
    part = add_part(handling, people, working_days=3)
    escalate_department_tasks(date(2026, 12, 1))
    centre = people["desk"].staff_member.centre
    with at(2026, 12, 1):
        client.force_login(people["leader"])
        dashboard = client.get(reverse("rosters:dashboard"), {"centre": centre.pk}).content.decode()
        client.force_login(people["supervisor"])
        home = client.get(reverse("home")).content.decode()
        client.force_login(people["dept_user"])
        department_home = client.get(reverse("home")).content.decode()
    for page in (dashboard, home):
        assert 'id="overdue-parts"' in page and f'data-task="{part.pk}"' in page
        assert handling.number in page and "超期 4 个工作日" in page and "带班人员" in page
        assert "13812345678" not in page
    assert 'id="overdue-parts"' not in department_home


def test_overdue_panel_is_empty_for_another_district(client, handling, people, hall):
    from tests.factories import DistrictFactory

    add_part(handling, people, working_days=3)
    other = DistrictFactory(code="OT", name="其他区政务服务中心")
    outsider = make_staff_user(role=Role.SUPERVISOR, centre=other, username="outsider", name="外区督查")
    client.force_login(outsider)
    with at(2026, 12, 1):
        home = client.get(reverse("home")).content.decode()
    assert "没有超期的部门任务。" in home and handling.number not in home


def test_admin_lists_parts_with_their_clocks(admin_client, handling, people):
    part = add_part(handling, people, working_days=3)
    page = admin_client.get(reverse("admin:requests_departmenttask_changelist")).content.decode()
    assert "税务局" in page and "2026年11月25日" in page
    assert admin_client.get(reverse("admin:requests_departmenttask_change", args=[part.pk])).status_code == 200


# --- Migration ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_parts_added_before_deadlines_get_a_clock_from_the_migration_day_not_from_their_past():
    from tests.factories import ServiceRequestFactory

    req = ServiceRequestFactory(status="in_progress")
    running = DepartmentTask.objects.create(request=req, department=req.lead_department, description="核定契税")
    done = DepartmentTask.objects.create(
        request=req, department=DepartmentFactory(), description="登簿", status=TaskStatus.DONE
    )

    migrate_through_on_day("0025_department_deadlines", (2026, 11, 20))  # a Friday
    running.refresh_from_db()
    done.refresh_from_db()
    assert running.opened_on == date(2026, 11, 20) and running.deadline == date(2026, 11, 27)
    assert running.escalation_level == EscalationLevel.NONE
    assert done.deadline is None and done.opened_on is None
