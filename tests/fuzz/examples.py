"""Valid input for each API operation, from the live fuzz database: what a clerk of the demo hall would send.

`tests/fuzz/prepare.py` puts these bodies into the fuzz run's copy of the schema as examples (the examples phase
sends each once) and narrows the fields whose valid values are few (ids, dates, ID numbers) to those values, so
that most generated requests get past validation to the service behind it. Each builder takes the world of the
demo hall and the object the path names (None for a route without `{id}`) and returns the body; None when the
world has nothing that fits (the operation is then fuzzed without an example, and the table says so).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.utils import timezone


def _pad_signature() -> str:
    """A drawing from the signature pad, as the pad page sends it (issue 18)."""
    from tests.signed_forms import pad_data_url

    return pad_data_url()


class World:
    """The demo hall's reference data, read once with the ORM (the fuzz database only)."""

    def __init__(self, centre):
        from django.db.models import Count

        from requests.models import KeyProject, Matter
        from staff.models import Department, StaffKind, StaffMember, Window
        from training.models import Question, Topic

        self.centre = centre
        self.today = timezone.localdate()
        staff = StaffMember.objects.filter(centre=centre, is_active=True).order_by("pk")
        self.helpers = list(staff.filter(kind=StaffKind.FULL_TIME_HELPER).values_list("pk", flat=True))
        self.leaders = list(staff.filter(kind=StaffKind.DUTY_LEADER).values_list("pk", flat=True))
        self.staff = list(staff.values_list("pk", flat=True))
        self.windows = list(Window.objects.filter(centre=centre, is_active=True).values_list("pk", flat=True))
        self.departments = list(Department.objects.order_by("pk").values_list("pk", flat=True))
        matter = Matter.objects.filter(materials__isnull=False).order_by("pk").first()
        self.matter = matter.pk
        self.materials = list(matter.materials.values_list("pk", flat=True))
        self.key_projects = list(KeyProject.objects.filter(centre=centre).values_list("pk", flat=True))
        self.topics = list(Topic.objects.filter(is_active=True).values_list("pk", flat=True))
        # The topic the bank holds most questions on: a month trained on it can draw a test paper.
        bank = Question.objects.filter(centre=centre, is_active=True, topic__isnull=False)
        most = bank.values("topic").annotate(n=Count("pk")).order_by("-n", "topic").first()
        self.bank_topic = most["topic"] if most else (self.topics[0] if self.topics else None)
        # The department whose parts a department user of the hall claims (add_department_task, claim_task).
        specialist = staff.filter(kind=StaffKind.SPECIALIST, user__groups__name="department_user").first()
        self.task_department = specialist.department_id if specialist else None

    def working_day(self, after: int = 1) -> date:
        """The ``after``-th working day from today (Monday to Friday; good enough for dates in range)."""
        day, left = self.today, after
        while left:
            day += timedelta(days=1)
            if day.weekday() < 5:
                left -= 1
        return day

    def month(self, ahead: int) -> date:
        first = self.today.replace(day=1)
        for _ in range(ahead):
            first = (first + timedelta(days=32)).replace(day=1)
        return first

    def moment(self, day: date, hour: int) -> str:
        return timezone.make_aware(datetime.combine(day, time(hour))).isoformat()


def _request(pk):
    from requests.models import ServiceRequest

    return ServiceRequest.objects.get(pk=pk)


def _registration(w: World, _pk):
    return {
        "matter_id": w.matter,
        "kind": "assist",
        "channel": "hall",
        "category": "other",
        "applicant_type": "person",
        "applicant_name": "张三",
        "applicant_id_type": "resident_id",
        "applicant_id_number": "11010519491231002X",
        "applicant_phone": "13812345678",
        "applicant_address": "新华区建设路 1 号",
        "provided_material_ids": w.materials,
    }


def _review_materials(w: World, pk):
    checks = _request(pk).material_checks.values_list("pk", flat=True)
    return {"reviews": [{"check_id": check, "status": "provided"} for check in checks]}


def _supply_materials(w: World, pk):
    missing = _request(pk).material_checks.exclude(status="provided").values_list("pk", flat=True)
    return {"check_ids": list(missing)} if missing else None


def _correction(w: World, pk):
    check = _request(pk).material_checks.filter(status="provided").order_by("pk").first()
    if check is None:
        return None
    return {"check_id": check.pk, "what": "身份证复印件不清晰，请重新提供", "due": str(w.working_day(3))}


def _task(pk, **filters):
    task = _request(pk).department_tasks.filter(**filters).order_by("pk").first()
    return task.pk if task else None


def _extension(pk):
    extension = _request(pk).extensions.filter(status="pending").first()
    return {"extension_id": extension.pk, "approve": "true", "note": "同意延期"} if extension else None


def _search(w: World, _pk):
    from requests.models import ServiceRequest

    req = ServiceRequest.objects.filter(centre=w.centre).exclude(applicant_id_number="").order_by("pk").first()
    return {"value": req.applicant_id_number}


def _paper_answer(w: World, pk):
    from training.models import Attempt

    row = Attempt.objects.get(pk=pk).questions.select_related("question").order_by("position").first()
    option = row.question.options.order_by("position").first()
    return {"question": row.question_id, "options": [option.pk]}


def _attendance(w: World, pk):
    from training.models import Attendance

    rows = Attendance.objects.filter(session_id=pk).values_list("staff_id", flat=True)
    return {"marks": {str(staff): "present" for staff in rows}} if rows else None


def _substitution(w: World, _pk):
    from rosters.models import DutyDay, Substitution

    filed = Substitution.objects.filter(centre=w.centre, duty="duty_leader").values_list("day", flat=True)
    days = DutyDay.objects.filter(centre=w.centre, day__gt=w.today, plan__status="published").exclude(day__in=filed)
    day = days.order_by("day").first()
    if day is None:
        return None
    substitute = next(pk for pk in w.leaders if pk != day.leader_id)
    return {
        "absent": day.leader_id,
        "substitute": substitute,
        "day": str(day.day),
        "duty": "duty_leader",
        "reason": "病假",
    }


def _duty_day(w: World, _pk):
    from rosters.models import DutyDay, RotationPlan

    for plan in RotationPlan.objects.filter(centre=w.centre, status="draft").order_by("month"):
        taken = set(DutyDay.objects.filter(plan=plan).values_list("day", flat=True))
        day = plan.month
        while day.month == plan.month.month:  # a plan covers its working days: a weekend duty is added by hand
            if day not in taken:
                return {"plan": plan.pk, "day": str(day), "leader": w.leaders[0]}
            day += timedelta(days=1)
    return None


def _plan(w: World, _pk):
    from rosters.models import RotationPlan

    taken = set(RotationPlan.objects.filter(centre=w.centre).values_list("month", flat=True))
    month = next(w.month(ahead) for ahead in range(1, 24) if w.month(ahead) not in taken)
    return {"centre": w.centre.pk, "month": str(month)}


def free_test_month(w: World) -> date:
    """The next month without a test of the centre."""
    from training.models import MonthlyTest

    taken = set(MonthlyTest.objects.filter(centre=w.centre).values_list("month", flat=True))
    return next(w.month(ahead) for ahead in range(1, 36) if w.month(ahead) not in taken)


def _monthly_test(w: World, _pk):
    # A paper is drawn from the topics trained that month: tests/fuzz/stage.py plans a training on the bank's
    # fullest topic in the coming months.
    month = free_test_month(w)
    return {
        "centre": w.centre.pk,
        "month": str(month),
        "title": f"{month:%Y年%m月}业务测试",
        "question_count": 5,
        "time_limit_minutes": 30,
        "opens_at": w.moment(month + timedelta(days=14), 9),
        "closes_at": w.moment(month + timedelta(days=20), 17),
    }


def _question(w: World, _pk):
    return {
        "centre": w.centre.pk,
        "kind": "single",
        "topic": w.bank_topic,
        "text": "即办类事项应在何时办结？",
        "options": ["当场办结", "三个工作日内", "七个工作日内"],
        "correct": [0],
        "difficulty": 2,
    }


TEXT = {"text": "陪同申请人递交材料，窗口已受理。"}

# Operations whose body names parts of the object in the path (its material checks, tasks, extensions, drawn
# questions, attendance rows, current helper): sent for one object only.
OBJECT_BOUND = {
    ("POST", "/api/v1/requests/{id}/review_materials/"),
    ("POST", "/api/v1/requests/{id}/supply_materials/"),
    ("POST", "/api/v1/requests/{id}/ask_correction/"),
    ("POST", "/api/v1/requests/{id}/claim_task/"),
    ("POST", "/api/v1/requests/{id}/finish_task/"),
    ("POST", "/api/v1/requests/{id}/decide_extension/"),
    ("POST", "/api/v1/training/papers/{id}/answer/"),
    ("POST", "/api/v1/training/sessions/{id}/attendance/"),
}


def _duty_record(w: World, _pk):
    """Today's (or the latest past) published duty day without a record: the demo front desk is on its roster."""
    from rosters.models import DutyDay

    day = (
        DutyDay.objects.filter(centre=w.centre, plan__status="published", day__lte=w.today, record__isnull=True)
        .order_by("-day")
        .first()
    )
    return {"duty_day": day.pk, "content": "受理帮办事项 3 件，均已陪同到窗口递交。"} if day else None


# (method, path) → builder(world, object id) → body. Operations without input are absent: they need none.
EXAMPLES: dict[tuple[str, str], Callable] = {
    ("POST", "/api/v1/consultations/"): lambda w, _pk: {
        "channel": "desk",
        "name": "李四",
        "contact": "13912345678",
        "question": "不动产登记需要带哪些材料？",
        "matter_id": w.matter,
    },
    ("POST", "/api/v1/consultations/{id}/answer/"): lambda w, _pk: {"answer": "身份证和购房合同原件。"},
    ("POST", "/api/v1/consultations/{id}/hand_over/"): lambda w, _pk: {
        "to_id": w.leaders[-1],
        "reason": "转带班人员答复",
    },
    ("POST", "/api/v1/key-projects/{id}/designate/"): lambda w, _pk: {"agent": w.leaders[-1], "reason": "轮换代办人"},
    ("POST", "/api/v1/requests/"): _registration,
    ("POST", "/api/v1/requests/search/"): _search,
    ("POST", "/api/v1/requests/{id}/accept/"): lambda w, _pk: {
        "handover_items": "身份证原件",
        "commission_signed": True,
    },
    ("POST", "/api/v1/requests/{id}/add_department_task/"): lambda w, _pk: {
        "department_id": w.task_department or w.departments[0],
        "description": "核验不动产权属",
    },
    ("POST", "/api/v1/requests/{id}/claim_task/"): lambda w, pk: (
        {"task_id": task} if (task := _task(pk, status="open")) else None
    ),
    ("POST", "/api/v1/requests/{id}/finish_task/"): lambda w, pk: (
        {"task_id": task, "done": "true", "note": "已办结"} if (task := _task(pk, status="claimed")) else None
    ),
    ("POST", "/api/v1/requests/{id}/ask_correction/"): _correction,
    ("POST", "/api/v1/requests/{id}/complete/"): lambda w, _pk: {"result": "不动产权证书一本"},
    ("POST", "/api/v1/requests/{id}/convert_to_agency/"): lambda w, _pk: {
        "reason": "申请人行动不便",
        "handover_items": "身份证原件",
        "commission_signed": True,
    },
    ("POST", "/api/v1/requests/{id}/decide_extension/"): lambda w, pk: _extension(pk),
    ("POST", "/api/v1/requests/{id}/deliver/"): lambda w, _pk: {"method": "in_person", "signer": "张三"},
    ("POST", "/api/v1/requests/{id}/signatures/sign/"): lambda w, _pk: {
        "kind": "completion_form",
        "signature": _pad_signature(),
    },
    ("POST", "/api/v1/requests/{id}/evaluate/"): lambda w, _pk: {"rating": 5, "comment": "满意"},
    ("POST", "/api/v1/requests/{id}/follow_up/"): lambda w, _pk: {"note": "电话回访，已说明原因"},
    ("POST", "/api/v1/requests/{id}/record_follow_up/"): lambda w, _pk: {
        "outcome": "satisfied",
        "note": "电话回访，申请人对结果满意",
    },
    ("POST", "/api/v1/requests/{id}/link_key_project/"): lambda w, _pk: (
        {"key_project_id": w.key_projects[0]} if w.key_projects else None
    ),
    ("POST", "/api/v1/requests/{id}/log_work/"): lambda w, _pk: TEXT,
    ("POST", "/api/v1/requests/{id}/mark_urgent/"): lambda w, _pk: {"urgent_reason": "企业开工在即"},
    ("POST", "/api/v1/requests/{id}/unmark_urgent/"): lambda w, _pk: {"note": "申请人已不急"},
    ("POST", "/api/v1/requests/{id}/set_priority_groups/"): lambda w, _pk: {"military": True, "note": "核实军人证"},
    ("POST", "/api/v1/requests/{id}/reassign/"): lambda w, pk: {
        "helper_id": next(h for h in w.helpers if h != _request(pk).helper_id),
        "reason": "原帮办员请假",
    },
    ("POST", "/api/v1/requests/{id}/record_handover/"): lambda w, _pk: {"items": "身份证原件、购房合同"},
    ("POST", "/api/v1/requests/{id}/record_joint_meeting/"): lambda w, _pk: {
        "held_on": str(w.today),
        "attendees": "不动产登记中心、税务局",
        "minutes": "会商确定办理路径",
    },
    ("POST", "/api/v1/requests/{id}/refuse/"): lambda w, _pk: {"reason": "不属于本中心受理范围"},
    ("POST", "/api/v1/requests/{id}/report_progress/"): lambda w, _pk: TEXT,
    ("POST", "/api/v1/requests/{id}/request_extension/"): lambda w, _pk: {"working_days": 3, "reason": "需现场核查"},
    ("POST", "/api/v1/requests/{id}/review_materials/"): _review_materials,
    ("POST", "/api/v1/requests/{id}/supply_materials/"): _supply_materials,
    ("POST", "/api/v1/requests/{id}/suspend/"): lambda w, _pk: {
        "reason": "fees_unpaid",
        "resume_by": str(w.working_day(5)),
    },
    ("POST", "/api/v1/requests/{id}/terminate/"): lambda w, _pk: {"reason": "withdrawn", "note": "申请人撤回"},
    ("POST", "/api/v1/requests/{id}/write_summary/"): lambda w, _pk: {"text": "三个工作日办结，申请人满意。"},
    ("POST", "/api/v1/requests/{id}/documents/{kind}/"): lambda w, _pk: {},
    ("POST", "/api/v1/supervision/inspections/"): lambda w, _pk: {
        "centre": w.centre.pk,
        "inspected_on": str(w.today),
        "staff": w.helpers[0],
        "findings": "帮办代办台账记录不全",
        "rectify_by": str(w.working_day(10)),
    },
    ("POST", "/api/v1/supervision/inspections/{id}/rectify/"): lambda w, _pk: {
        "result": "已补齐台账记录",
        "rectified_on": str(w.today),
    },
    ("POST", "/api/v1/supervision/notices/"): lambda w, _pk: {
        "centre": w.centre.pk,
        "title": "关于帮办代办台账记录不全的通报",
        "body": "经督查，发现台账记录不全，现予通报。",
    },
    ("POST", "/api/v1/supervision/difficult-points/"): lambda w, _pk: {
        "centre": w.centre.pk,
        "title": "跨部门材料互认难",
        "description": "申请人需向多个部门重复提交相同材料",
        "departments": w.departments[:2],
    },
    ("POST", "/api/v1/supervision/difficult-points/{id}/meetings/"): lambda w, _pk: {
        "held_on": str(w.today),
        "attendees": "不动产登记中心、税务局",
        "outcome": "约定材料共享",
    },
    ("POST", "/api/v1/supervision/difficult-points/{id}/resolve/"): lambda w, _pk: {"outcome": "已实现材料互认"},
    ("POST", "/api/v1/rosters/check-ins/"): lambda w, _pk: {"badge_worn": True, "party_badge_worn": True},
    ("POST", "/api/v1/rosters/duty-days/"): _duty_day,
    ("POST", "/api/v1/rosters/duty-days/{id}/set-leader/"): lambda w, _pk: {"leader": w.leaders[1]},
    ("POST", "/api/v1/rosters/duty-records/"): _duty_record,
    ("POST", "/api/v1/rosters/duty-records/{id}/edit/"): lambda w, _pk: {"content": "补充：代办事项 1 件已交接。"},
    ("POST", "/api/v1/rosters/duty-records/{id}/review/"): lambda w, _pk: {"comment": "记录完整。"},
    ("POST", "/api/v1/rosters/patrols/"): lambda w, _pk: {
        "centre": w.centre.pk,
        "patrolled_at": w.moment(w.today - timedelta(days=1), 10),
        "checked": "一至三楼帮办代办区、带班人员在岗情况",
        "findings": "",
        "follow_up": "",
    },
    ("POST", "/api/v1/rosters/plans/"): _plan,
    ("POST", "/api/v1/rosters/plans/{id}/assign/"): lambda w, _pk: {"helper": w.helpers[0], "window": w.windows[0]},
    ("POST", "/api/v1/rosters/plans/{id}/publish/"): lambda w, _pk: {"confirm_repeats": True},
    ("POST", "/api/v1/rosters/substitutions/"): _substitution,
    ("POST", "/api/v1/rosters/substitutions/{id}/approve/"): lambda w, _pk: {"note": "同意"},
    ("POST", "/api/v1/rosters/substitutions/{id}/reject/"): lambda w, _pk: {"note": "人手不足"},
    ("POST", "/api/v1/rosters/substitutions/{id}/reverse/"): lambda w, _pk: {"note": "替岗人当日另有任务"},
    ("POST", "/api/v1/rosters/unavailability/"): lambda w, _pk: {
        "staff": w.helpers[-1],
        "start": str(w.working_day(10)),
        "end": str(w.working_day(11)),
        "kind": "leave",
        "note": "年假",
    },
    ("POST", "/api/v1/training/papers/{id}/answer/"): _paper_answer,
    ("POST", "/api/v1/training/papers/{id}/submit/"): lambda w, _pk: {"answers": {}},
    ("POST", "/api/v1/training/questions/"): _question,
    ("PUT", "/api/v1/training/questions/{id}/"): _question,
    ("POST", "/api/v1/training/sessions/"): lambda w, _pk: {
        "centre": w.centre.pk,
        "kind": "weekly",
        "topic": w.topics[0],
        "title": "窗口服务礼仪",
        "starts_at": w.moment(w.working_day(3), 15),
        "duration_minutes": 60,
        "trainer_name": "王老师",
    },
    ("POST", "/api/v1/training/sessions/{id}/attendance/"): _attendance,
    ("POST", "/api/v1/training/sessions/{id}/cancel/"): lambda w, _pk: {"reason": "讲师临时有事"},
    ("POST", "/api/v1/training/tests/"): _monthly_test,
    ("POST", "/api/v1/training/proposals/{id}/accept/"): lambda w, _pk: {
        "topic_name": "一次性告知",
        "questions": ["材料不全时应一次性告知申请人需补正的全部材料。"],
    },
    ("POST", "/api/v1/training/proposals/{id}/dismiss/"): lambda w, _pk: {"reason": "已在本月培训中讲过"},
    ("POST", "/api/v1/appointments/{id}/check-in/"): lambda w, _pk: {"priority_groups": []},
}


def _free_days(w: World, _pk) -> dict:
    body = _duty_day(w, None)
    if body is None:
        return {}
    from rosters.models import DutyDay

    taken = {str(d) for d in DutyDay.objects.filter(plan_id=body["plan"]).values_list("day", flat=True)}
    month = date.fromisoformat(body["day"]).replace(day=1)
    days = [month + timedelta(days=n) for n in range(31)]
    return {"day": [str(d) for d in days if d.month == month.month and str(d) not in taken]}


def _test_months(w: World, _pk) -> dict:
    from training.models import MonthlyTest, TrainingSession

    taken = set(MonthlyTest.objects.filter(centre=w.centre).values_list("month", flat=True))
    trained = {
        s.replace(day=1)
        for s in TrainingSession.objects.filter(centre=w.centre, topic_id=w.bank_topic).values_list(
            "starts_at__date", flat=True
        )
    }
    return {"month": [str(m) for m in sorted(trained - taken) if m > w.today]}


# Several valid values for a field, where one success would use up the example's (a second department's part, another
# agent, another free day or month): operation → builder(world, object id) → field → values.
CHOICES: dict[tuple[str, str], Callable] = {
    ("POST", "/api/v1/key-projects/{id}/designate/"): lambda w, _pk: {"agent": w.leaders},
    ("POST", "/api/v1/requests/{id}/add_department_task/"): lambda w, _pk: {"department_id": w.departments},
    ("POST", "/api/v1/requests/{id}/request_extension/"): lambda w, _pk: {"working_days": [1, 2, 3, 5]},
    ("POST", "/api/v1/rosters/duty-days/"): _free_days,
    ("POST", "/api/v1/training/tests/"): _test_months,
}
