"""The skills matrix (issue 19 item 5): the rule's boundaries, the figures against the November fixture counted by
hand, the page's permissions and scope, its query count, the nightly task, and the gaps that propose training.

On the November fixture (conftest), from 1 December 2026 back twelve months, in XH:

- 甲帮办 (h1), department A: r1 (completed 11-05, deadline 11-06: on time), r2 (11-13 past 11-10: late), r5 (11-03,
  deadline 11-04: on time) → handled 3, on time 2; r2's ★2 is poor, r5's ★1 was made invalid → 1 poor rating. A
  November test on A's topic (the topic of a training A held): 3 of 4 right → 75.00. On-time rate 2/3 < 80 % →
  learning. December's rotation puts h1 at A's window → a gap proposing A's topic.
- 乙帮办 (h2), department B: October and November at B's window, nothing completed → 2 months → qualified.
- 丁帮办 (h4) is in another district and never shows.
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rosters.models import PlanStatus, RotationAssignment, RotationPlan
from staff.models import Qualification, QualificationLevel, StaffKind
from staff.roles import Role
from supervision import skills
from supervision.models import SkillGap
from supervision.skills import Figures, qualification_level
from tests.conftest import make_department_worker, make_staff_user
from tests.factories import StaffMemberFactory, WindowFactory
from training.models import (
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    MonthlyTest,
    Question,
    QuestionKind,
    SessionKind,
    Topic,
    TrainingEvent,
    TrainingSession,
    TrainingVerb,
)

from .conftest import TODAY

TZ = ZoneInfo("Asia/Shanghai")
L = QualificationLevel

# --- The rule ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("figures", "level"),
    [
        (Figures(), L.NONE),
        (Figures(test_score=Decimal(95)), L.LEARNING),
        (Figures(windows=1), L.QUALIFIED),
        (Figures(handled=2, on_time=2), L.LEARNING),
        (Figures(handled=3, on_time=3), L.QUALIFIED),
        (Figures(handled=5, on_time=4), L.QUALIFIED),  # 80 % on time: just enough
        (Figures(handled=5, on_time=3), L.LEARNING),
        (Figures(windows=1, poor=2), L.QUALIFIED),
        (Figures(windows=1, poor=3), L.LEARNING),
        (Figures(windows=1, test_score=Decimal(85)), L.QUALIFIED),
        (Figures(windows=1, test_score=Decimal("84.99")), L.LEARNING),
        (Figures(windows=2, handled=10, on_time=10, test_score=Decimal(90)), L.EXPERT),
        (Figures(windows=2, handled=20, on_time=19, test_score=Decimal(90)), L.EXPERT),  # 95 % on time
        (Figures(windows=2, handled=10, on_time=9, test_score=Decimal(90)), L.QUALIFIED),
        (Figures(windows=2, handled=10, on_time=10, test_score=None), L.QUALIFIED),  # an expert was tested
        (Figures(windows=2, handled=10, on_time=10, test_score=Decimal("89.99")), L.QUALIFIED),
        (Figures(windows=1, handled=10, on_time=10, test_score=Decimal(90)), L.QUALIFIED),
        (Figures(windows=2, handled=9, on_time=9, test_score=Decimal(90)), L.QUALIFIED),
        (Figures(windows=2, handled=10, on_time=10, poor=1, test_score=Decimal(90)), L.QUALIFIED),
    ],
)
def test_rule_boundaries(figures, level):
    assert qualification_level(figures) == level


def test_the_rule_text_names_every_level_and_the_thresholds():
    text = skills.rule_text()
    assert [label for label, _t in text] == [level.label for level in QualificationLevel]
    joined = " ".join(t for _l, t in text)
    for number in ("80%", "95%", "85", "90"):
        assert number in joined


# --- The November fixture --------------------------------------------------------------------------------------


def plan(centre, month, status=PlanStatus.PUBLISHED):
    published_at = datetime(2026, 8, 25, 9, tzinfo=TZ) if status == PlanStatus.PUBLISHED else None
    return RotationPlan.objects.create(centre=centre, month=month, status=status, published_at=published_at)


@pytest.fixture
def skills_world(november, hall):
    district = hall["district"]
    h1, h2 = november["helpers"]["h1"], november["helpers"]["h2"]
    dept_a, dept_b = november["departments"]
    window_a = WindowFactory(centre=district, number="A1", department=dept_a)
    window_b = WindowFactory(centre=district, number="B1", department=dept_b)
    for month in (date(2026, 10, 1), date(2026, 11, 1)):
        RotationAssignment.objects.create(plan=plan(district, month), helper=h2, window=window_b)
    december = plan(district, date(2026, 12, 1), PlanStatus.DRAFT)
    RotationAssignment.objects.create(plan=december, helper=h1, window=window_a)
    RotationAssignment.objects.create(plan=december, helper=h2, window=window_b)
    # A draft month is not yet practice at a window.
    RotationAssignment.objects.create(
        plan=plan(district, date(2026, 9, 1), PlanStatus.DRAFT), helper=h1, window=window_a
    )

    topic_a = Topic.objects.create(name="不动产登记业务")
    etiquette = Topic.objects.create(name="服务礼仪")
    TrainingSession.objects.create(
        centre=district,
        kind=SessionKind.DEPARTMENT,
        topic=topic_a,
        title="部门短训",
        starts_at=datetime(2026, 11, 3, 15, tzinfo=TZ),
        trainer_name="讲师",
        department=dept_a,
    )
    test = MonthlyTest.objects.create(
        centre=district,
        month=date(2026, 11, 1),
        title="11月测试",
        question_count=6,
        time_limit_minutes=30,
        opens_at=datetime(2026, 11, 25, 9, tzinfo=TZ),
        closes_at=datetime(2026, 11, 28, 17, tzinfo=TZ),
    )
    attempt = Attempt.objects.create(
        test=test, staff=h1, status=AttemptStatus.SUBMITTED, score=Decimal("83.33"), passed=False
    )
    answers = [
        (topic_a, True),
        (topic_a, True),
        (topic_a, True),
        (topic_a, False),
        (etiquette, True),
        (etiquette, True),
    ]
    for position, (topic, right) in enumerate(answers, start=1):
        question = Question.objects.create(
            centre=district, kind=QuestionKind.TRUE_FALSE, topic=topic, text=f"题{position}"
        )
        AttemptQuestion.objects.create(attempt=attempt, question=question, position=position, is_correct=right)
    return {**november, "windows": (window_a, window_b), "topics": (topic_a, etiquette)}


def cells(centre_ids):
    return {
        (q.staff_id, q.department_id, q.matter_id): q
        for q in Qualification.objects.filter(staff__centre_id__in=centre_ids)
    }


def test_figures_against_the_hand_count(skills_world, hall):
    h1, h2 = skills_world["helpers"]["h1"], skills_world["helpers"]["h2"]
    dept_a, dept_b = skills_world["departments"]
    matter_a = skills_world["requests"]["r1"].matter
    ids = [hall["district"].pk, hall["town"].pk, hall["village"].pk]
    result = skills.recompute(centre_ids=ids, today=TODAY)
    got = cells(ids)
    a = got[(h1.pk, dept_a.pk, None)]
    assert (a.windows_covered, a.handled, a.on_time, a.poor_ratings, a.test_score) == (0, 3, 2, 1, Decimal("75.00"))
    assert a.level == L.LEARNING
    m = got[(h1.pk, dept_a.pk, matter_a.pk)]
    assert (m.handled, m.on_time, m.poor_ratings, m.test_score) == (3, 2, 1, Decimal("75.00"))
    b = got[(h2.pk, dept_b.pk, None)]
    assert (b.windows_covered, b.handled, b.poor_ratings, b.test_score) == (2, 0, 0, None)
    assert b.level == L.QUALIFIED
    # Nobody of the other district was graded, and only rows with a figure exist.
    assert set(got) == {(h1.pk, dept_a.pk, None), (h1.pk, dept_a.pk, matter_a.pk), (h2.pk, dept_b.pk, None)}
    assert result["qualifications"] == 3


def test_a_gap_proposes_the_departments_topics_once(skills_world, hall):
    h1 = skills_world["helpers"]["h1"]
    dept_a, _dept_b = skills_world["departments"]
    topic_a, _etiquette = skills_world["topics"]
    ids = [hall["district"].pk]
    first = skills.recompute(centre_ids=ids, today=TODAY)
    assert first["gaps_opened"] == 1
    gap = SkillGap.objects.get()
    assert (gap.staff_id, gap.department_id, gap.level, gap.closed_at) == (h1.pk, dept_a.pk, L.LEARNING, None)
    assert gap.topics == [{"id": topic_a.pk, "name": "不动产登记业务", "score": "75.00"}]
    # Again: nothing new, nothing duplicated.
    again = skills.recompute(centre_ids=ids, today=TODAY)
    assert (again["gaps_opened"], again["gaps_updated"], again["gaps_closed"]) == (0, 0, 0)
    assert SkillGap.objects.count() == 1
    # h1 leaves A's window: the gap closes, and coming back reopens the same row.
    RotationAssignment.objects.filter(helper=h1, plan__month=date(2026, 12, 1)).delete()
    assert skills.recompute(centre_ids=ids, today=TODAY)["gaps_closed"] == 1
    assert SkillGap.objects.get().closed_at is not None
    december = RotationPlan.objects.get(centre=hall["district"], month=date(2026, 12, 1))
    RotationAssignment.objects.create(plan=december, helper=h1, window=skills_world["windows"][0])
    assert skills.recompute(centre_ids=ids, today=TODAY)["gaps_opened"] == 1
    assert SkillGap.objects.count() == 1
    assert SkillGap.objects.get().closed_at is None


def test_recompute_costs_the_same_queries_for_more_helpers(skills_world, hall):
    ids = [hall["district"].pk]
    skills.recompute(centre_ids=ids, today=TODAY)
    with CaptureQueriesContext(connection) as few:
        skills.recompute(centre_ids=ids, today=TODAY)
    for i in range(6):
        StaffMemberFactory(centre=hall["district"], name=f"新帮办{i}", kind=StaffKind.FULL_TIME_HELPER)
    with CaptureQueriesContext(connection) as many:
        skills.recompute(centre_ids=ids, today=TODAY)
    assert len(many) == len(few)
    assert len(few) <= 16


# --- The pages -------------------------------------------------------------------------------------------------


@pytest.fixture
def people(hall, skills_world):
    district = hall["district"]
    other = skills_world["other"]
    return {
        "supervisor": make_staff_user(role=Role.SUPERVISOR, centre=district, username="sup", name="钱督查"),
        "other_supervisor": make_staff_user(role=Role.SUPERVISOR, centre=other, username="otsup", name="外督查"),
        "desk": make_staff_user(role=Role.FRONT_DESK, centre=district, username="desk", name="王帮办"),
        "leader": make_staff_user(
            role=Role.DUTY_LEADER, centre=district, username="leader", name="赵带班", kind=StaffKind.DUTY_LEADER
        ),
        "dept_user": make_department_worker(
            centre=district, username="dept", department=skills_world["departments"][0]
        ),
    }


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_supervisor_sees_the_heat_map_of_their_centres_only(people, skills_world, hall):
    skills.recompute(centre_ids=[hall["district"].pk, skills_world["other"].pk], today=TODAY)
    page = client_of(people["supervisor"]).get(reverse("supervision:skills"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "甲帮办" in body and "乙帮办" in body
    assert "丁帮办" not in body  # another district's helper
    assert 'class="skill skill-1"' in body and 'class="skill skill-2"' in body
    for _label, text in skills.rule_text():
        assert str(text)[:20] in body
    # The department filter narrows the columns.
    dept_b = skills_world["departments"][1]
    narrowed = client_of(people["supervisor"]).get(reverse("supervision:skills"), {"department": dept_b.pk})
    assert narrowed.status_code == 200
    assert narrowed.context["departments"] == [dept_b]


def test_another_centre_is_refused_and_its_helper_is_not_found(people, skills_world):
    supervisor = client_of(people["supervisor"])
    assert supervisor.get(reverse("supervision:skills"), {"centre": skills_world["other"].pk}).status_code == 400
    h4 = skills_world["helpers"]["h4"]
    assert supervisor.get(reverse("supervision:skills-person", args=[h4.pk])).status_code == 404
    h1 = skills_world["helpers"]["h1"]
    other = client_of(people["other_supervisor"])
    assert other.get(reverse("supervision:skills-person", args=[h1.pk])).status_code == 404
    assert "甲帮办" not in other.get(reverse("supervision:skills")).content.decode()


@pytest.mark.parametrize("who", ["desk", "leader", "dept_user"])
def test_only_the_supervision_section_sees_the_pages(people, skills_world, who):
    client = client_of(people[who])
    h1 = skills_world["helpers"]["h1"]
    assert client.get(reverse("supervision:skills")).status_code == 403
    assert client.get(reverse("supervision:skills-person", args=[h1.pk])).status_code == 403
    assert client.post(reverse("supervision:skills-recompute")).status_code == 403
    assert not Qualification.objects.exists()


def test_recompute_now_and_the_helper_page(people, skills_world, hall):
    client = client_of(people["supervisor"])
    response = client.post(reverse("supervision:skills-recompute"), {"centre": hall["district"].pk})
    assert response.status_code == 302
    assert Qualification.objects.filter(staff__centre=hall["district"]).exists()
    h1 = skills_world["helpers"]["h1"]
    page = client.get(reverse("supervision:skills-person", args=[h1.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "不动产登记业务" in body and "服务礼仪" in body  # the gap's topic and every topic tested
    assert [t["score"] for t in page.context["topics"]] == [Decimal("75.00"), Decimal("100.00")]
    assert len(page.context["gaps"]) == 1


def test_the_page_costs_the_same_queries_for_more_helpers(people, skills_world, hall):
    client = client_of(people["supervisor"])
    skills.recompute(centre_ids=[hall["district"].pk], today=TODAY)
    client.get(reverse("supervision:skills"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("supervision:skills")).status_code == 200
    for i in range(5):
        StaffMemberFactory(centre=hall["district"], name=f"新帮办{i}", kind=StaffKind.FULL_TIME_HELPER)
    skills.recompute(centre_ids=[hall["district"].pk], today=TODAY)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("supervision:skills")).status_code == 200
    assert len(many) == len(few)


# --- The nightly task ------------------------------------------------------------------------------------------


def test_the_nightly_task_grades_every_centre(skills_world):
    from hallservice.celery import app
    from supervision.tasks import skills_matrix_recompute

    assert "supervision.tasks.skills_matrix_recompute" in {e["task"] for e in app.conf.beat_schedule.values()}
    result = skills_matrix_recompute.delay().get()
    assert result["qualifications"] == Qualification.objects.count() > 0
    h4 = skills_world["helpers"]["h4"]
    # The other district's helper is graded too (r7: completed late).
    assert Qualification.objects.get(staff=h4, matter__isnull=True).on_time == 0


def test_the_admin_shows_only_the_users_centres(people, skills_world, hall, rf):
    from django.contrib import admin

    skills.recompute(centre_ids=[hall["district"].pk, skills_world["other"].pk], today=TODAY)
    h4 = skills_world["helpers"]["h4"]
    for model in (Qualification, SkillGap):
        model_admin = admin.site._registry[model]
        request = rf.get("/")
        request.user = people["supervisor"]
        shown = model_admin.get_queryset(request)
        assert not shown.filter(staff=h4).exists()
        assert not model_admin.has_change_permission(request) and not model_admin.has_add_permission(request)
    request.user = people["other_supervisor"]
    assert set(admin.site._registry[Qualification].get_queryset(request).values_list("staff_id", flat=True)) == {h4.pk}


# --- The gaps on the training proposals page ------------------------------------------------------------------


@pytest.fixture
def gaps(people, skills_world, hall):
    """h1's gap in XH from the recomputation, and a gap of 丁帮办 (h4) in the other district made by hand."""
    skills.recompute(centre_ids=[hall["district"].pk], today=TODAY)
    dept_a, dept_b = skills_world["departments"]
    other = SkillGap.objects.create(
        staff=skills_world["helpers"]["h4"],
        department=dept_b,
        topics=[{"id": None, "name": "外区课题", "score": None}],
    )
    return {"h1": SkillGap.objects.get(staff=skills_world["helpers"]["h1"]), "h4": other}


def test_the_proposals_page_lists_the_open_gaps_of_the_users_centres_only(people, gaps):
    page = client_of(people["supervisor"]).get(reverse("training:proposals"))
    assert page.status_code == 200
    assert [row["id"] for row in page.context["gaps"]] == [gaps["h1"].pk]
    body = page.content.decode()
    assert 'id="skill-gaps"' in body and f'id="gap-{gaps["h1"].pk}"' in body
    assert "不动产登记业务" in body
    assert "丁帮办" not in body and "外区课题" not in body
    assert reverse("supervision:skill-gap-plan", args=[gaps["h1"].pk]) in body
    # The other district's supervisor sees their own gap and not XH's.
    other = client_of(people["other_supervisor"]).get(reverse("training:proposals"))
    assert [row["id"] for row in other.context["gaps"]] == [gaps["h4"].pk]
    assert "甲帮办" not in other.content.decode()
    # A closed gap is gone from the list.
    SkillGap.objects.filter(pk=gaps["h1"].pk).update(closed_at=datetime(2026, 12, 1, 9, tzinfo=TZ))
    assert client_of(people["supervisor"]).get(reverse("training:proposals")).context["gaps"] == []


def test_planning_a_gap_records_an_event_and_opens_the_prefilled_training_form(people, gaps, skills_world, hall):
    topic_a, _etiquette = skills_world["topics"]
    dept_a, _dept_b = skills_world["departments"]
    client = client_of(people["supervisor"])
    response = client.post(reverse("supervision:skill-gap-plan", args=[gaps["h1"].pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("training:sessions") + "?")
    event = TrainingEvent.objects.get(verb=TrainingVerb.SKILL_GAP_PLANNED)
    assert event.actor == people["supervisor"]
    assert event.centre == hall["district"]
    assert "甲帮办" in event.note and "不动产登记业务" in event.note
    form_page = client.get(response["Location"])
    assert form_page.status_code == 200
    form = form_page.context["form"]
    assert form.initial["topic"] == topic_a.pk
    assert form.initial["department"] == dept_a.pk
    assert form.initial["kind"] == SessionKind.DEPARTMENT
    assert "不动产登记业务" in form.initial["title"]
    assert form_page.context["prefilled"]
    # Nothing is planned until the form is sent: the decision is only recorded.
    assert not TrainingSession.objects.filter(title=form.initial["title"]).exists()


@pytest.mark.parametrize("who", ["desk", "leader", "dept_user"])
def test_only_the_training_section_plans_a_gap(people, gaps, who):
    client = client_of(people[who])
    assert client.post(reverse("supervision:skill-gap-plan", args=[gaps["h1"].pk])).status_code == 403
    assert not TrainingEvent.objects.exists()


def test_another_centres_gap_and_a_closed_gap_are_not_found(people, gaps):
    supervisor = client_of(people["supervisor"])
    assert supervisor.post(reverse("supervision:skill-gap-plan", args=[gaps["h4"].pk])).status_code == 404
    other = client_of(people["other_supervisor"])
    assert other.post(reverse("supervision:skill-gap-plan", args=[gaps["h1"].pk])).status_code == 404
    SkillGap.objects.filter(pk=gaps["h1"].pk).update(closed_at=datetime(2026, 12, 1, 9, tzinfo=TZ))
    assert supervisor.post(reverse("supervision:skill-gap-plan", args=[gaps["h1"].pk])).status_code == 404
    assert not TrainingEvent.objects.exists()
