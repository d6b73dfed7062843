"""Fixtures for training: a district hall with full-time helpers (logins, a dispatch company), a supervisor, a
department user; November 2026's trainings on three topics and a question bank drawn from them; helpers to
answer a paper right or wrong."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from hallservice.core.months import month_start
from staff.models import StaffKind
from staff.roles import Role
from tests.conftest import make_staff_user
from tests.factories import DepartmentFactory
from training import services as svc
from training.models import Attempt, Option, QuestionKind, SessionKind

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONTH = date(2026, 11, 1)
COMPANY = "平顶山市鹰城人力资源服务有限公司"


def moment(y, m, d, hh=10, mm=0, ss=0):
    return datetime(y, m, d, hh, mm, ss, tzinfo=SHANGHAI)


def at(y, m, d, hh=10, mm=0, ss=0):
    """Freeze the clock at a moment in the hall's time zone."""
    return time_machine.travel(moment(y, m, d, hh, mm, ss), tick=False)


@pytest.fixture(autouse=True)
def _sessions_survive_time_travel(settings, tmp_path):
    # Logins happen at the real time and requests at frozen times: keep the sessions valid.
    settings.SESSION_COOKIE_AGE = 60 * 60 * 24 * 366 * 3
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def people(hall):
    district = hall["district"]
    department = DepartmentFactory(code="BDC", name="不动产登记中心")
    other = DepartmentFactory(code="MZJ", name="民政局")

    def staff(username, name, role, kind, centre=district, **fields):
        return make_staff_user(role=role, centre=centre, username=username, name=name, kind=kind, **fields)

    supervisor = staff("sup", "钱督查", Role.SUPERVISOR, StaffKind.WINDOW_HELPER, department=other)
    helpers = [
        staff(f"helper{i}", f"帮办{i}", Role.FRONT_DESK, StaffKind.FULL_TIME_HELPER, dispatch_company=COMPANY)
        for i in (1, 2, 3)
    ]
    dept_user = staff("dept", "范专员", Role.DEPARTMENT_USER, StaffKind.SPECIALIST, department=department)
    window_helper = staff("wh", "窗口帮办", Role.FRONT_DESK, StaffKind.WINDOW_HELPER, department=department)
    town_helper = staff("townhelper", "镇帮办", Role.FRONT_DESK, StaffKind.FULL_TIME_HELPER, centre=hall["town"])
    return {
        "centre": district,
        "supervisor": supervisor,
        "helpers": helpers,
        "dept_user": dept_user,
        "department": department,
        "window_helper": window_helper,
        "town_helper": town_helper,
        **hall,
    }


def add_question(actor, centre, *, topic=None, session=None, kind=QuestionKind.SINGLE, text=None, n=None):
    """A question whose correct option(s) are the first (and second, for multiple choice)."""
    n = n if n is not None else add_question.counter
    add_question.counter += 1
    options = {
        QuestionKind.SINGLE: [f"选项甲{n}", f"选项乙{n}", f"选项丙{n}", f"选项丁{n}"],
        QuestionKind.MULTIPLE: [f"多选甲{n}", f"多选乙{n}", f"多选丙{n}", f"多选丁{n}"],
        QuestionKind.TRUE_FALSE: [],
    }[kind]
    correct = [0, 1] if kind == QuestionKind.MULTIPLE else [0]
    return svc.question_create(
        actor=actor,
        centre_id=centre.pk,
        kind=kind,
        text=text or f"第{n}题：题干",
        options=options,
        correct=correct,
        topic_id=topic.pk if topic else None,
        session_id=session.pk if session else None,
        explanation=f"解析{n}",
    )


add_question.counter = 1


@pytest.fixture
def topics(people):
    sup = people["supervisor"]
    return [svc.topic_create(actor=sup, name=name) for name in ("不动产登记", "公积金提取", "服务礼仪")]


@pytest.fixture
def sessions(people, topics):
    """Three weekly trainings in November 2026, one per topic, planned beforehand."""
    sup = people["supervisor"]
    made = []
    with at(2026, 10, 28):
        for i, topic in enumerate(topics):
            made.append(
                svc.session_create(
                    actor=sup,
                    centre_id=people["centre"].pk,
                    kind=SessionKind.WEEKLY,
                    topic_id=topic.pk,
                    title=f"{topic.name}业务培训",
                    starts_at=moment(2026, 11, 3 + 7 * i, 14, 0),
                    trainer_name="李卫民",
                    location="三楼培训室",
                    content=f"{topic.name}的办理流程与材料要求。",
                )
            )
    return made


@pytest.fixture
def bank(people, topics, sessions):
    """Six questions per topic (4 single, 1 multiple, 1 true/false), tied to the training that taught them."""
    sup = people["supervisor"]
    questions = {}
    for session in sessions:
        qs = [add_question(sup, people["centre"], session=session) for _ in range(4)]
        qs.append(add_question(sup, people["centre"], session=session, kind=QuestionKind.MULTIPLE))
        qs.append(add_question(sup, people["centre"], session=session, kind=QuestionKind.TRUE_FALSE))
        questions[session.topic_id] = qs
    return questions


def november_test(people, *, question_count, time_limit_minutes=30, opens_at=None, **fields):
    """November's test drafted by the supervisor, open ``opens_at`` (25 Nov 09:00 unless told) to 27 Nov 18:00."""
    return svc.monthly_test_create(
        actor=people["supervisor"],
        centre_id=people["centre"].pk,
        month=MONTH,
        question_count=question_count,
        time_limit_minutes=time_limit_minutes,
        opens_at=opens_at or moment(2026, 11, 25, 9),
        closes_at=moment(2026, 11, 27, 18),
        **fields,
    )


@pytest.fixture
def published_test(people, topics, bank):
    """November's test: 10 questions, 3 of the first topic, 3 of the second, the rest of the third; open
    25 Nov 09:00 to 27 Nov 18:00 (a Friday), 30 minutes."""
    sup = people["supervisor"]
    with at(2026, 11, 20):
        test = november_test(people, question_count=10, quotas={topics[0].pk: 3, topics[1].pk: 3})
        svc.monthly_test_publish(actor=sup, test_id=test.pk)
    test.refresh_from_db()
    return test


def answer_key(attempt) -> dict[int, list[int]]:
    rows = attempt.questions.all()
    key = {}
    for row in rows:
        key[row.question_id] = list(
            Option.objects.filter(question_id=row.question_id, is_correct=True).values_list("pk", flat=True)
        )
    return key


def wrong_answer(row) -> list[int]:
    correct = set(Option.objects.filter(question_id=row.question_id, is_correct=True).values_list("pk", flat=True))
    return [next(o for o in row.option_order if o not in correct)]


def answers_with(attempt, n_right: int) -> dict[int, list[int]]:
    """Answers to the whole paper: the first ``n_right`` questions right, the others wrong."""
    key = answer_key(attempt)
    answers = {}
    for i, row in enumerate(attempt.questions.order_by("position")):
        answers[row.question_id] = key[row.question_id] if i < n_right else wrong_answer(row)
    return answers


def take_test(user, test, n_right: int, when=(2026, 11, 25, 10)):
    """Start and submit a paper with ``n_right`` right answers."""
    with at(*when):
        attempt = svc.attempt_start(actor=user, test_id=test.pk)
        return svc.attempt_submit(actor=user, attempt_id=attempt.pk, answers=answers_with(attempt, n_right))


def open_monthly_test(
    centre, *, helper_name, topic, title, questions, trained_ago=timedelta(0), open_for=timedelta(hours=2)
):
    """This month's test of ``centre``, open since an hour ago, published by the duty leader ``sup`` with
    ``questions`` (each question_create's kind, text, options, correct and explanation) from one training; and
    ``helper``, the full-time helper who is to take it; ``supervisor`` is ``sup``."""
    sup = make_staff_user(role=Role.SUPERVISOR, centre=centre, username="sup", kind=StaffKind.DUTY_LEADER)
    helper = make_staff_user(
        role=Role.FRONT_DESK, centre=centre, username="helper", name=helper_name, kind=StaffKind.FULL_TIME_HELPER
    )
    now = timezone.now()
    training = svc.session_create(
        actor=sup,
        centre_id=centre.pk,
        kind=SessionKind.WEEKLY,
        topic_id=svc.topic_create(actor=sup, name=topic).pk,
        title=title,
        starts_at=now - trained_ago,
        trainer_name="李卫民",
    )
    for question in questions:
        svc.question_create(actor=sup, centre_id=centre.pk, session_id=training.pk, **question)
    test = svc.monthly_test_create(
        actor=sup,
        centre_id=centre.pk,
        month=month_start(timezone.localdate()),
        question_count=len(questions),
        time_limit_minutes=30,
        opens_at=now - timedelta(hours=1),
        closes_at=now + open_for,
    )
    svc.monthly_test_publish(actor=sup, test_id=test.pk)
    return {"test": test, "helper": helper, "supervisor": sup}


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests name the English source of the messages they expect; the catalogue would give Chinese."""
    from django.utils import translation

    with translation.override("en"):
        yield


def start_through_the_page(client, helper, test):
    """``helper`` logs in and starts ``test`` on its page at 10:00 on 25 November; the paper drawn."""
    client.force_login(helper)
    with at(2026, 11, 25, 10):
        client.post(reverse("training:test-start", args=[test.pk]))
    return Attempt.objects.get(staff=helper.staff_member)
