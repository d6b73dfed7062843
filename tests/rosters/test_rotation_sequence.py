"""Issue 14 item 18: a month drafted after a draft month continues the rotation from that draft, a plan with
notes never shows "every rule holds", and repeats are published only when the supervisor confirms them."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from hallservice.core.errors import DomainError
from rosters.models import PlanStatus, RosterEvent, RotationPlan
from rosters.selectors import plan_check
from rosters.services import rotation_assignment_set, rotation_plan_generate, rotation_plan_publish

from .conftest import at

pytestmark = pytest.mark.django_db
JANUARY = date(2027, 1, 1)
FEBRUARY = date(2027, 2, 1)


def generate(h, month):
    with at(2026, 12, 20):
        return rotation_plan_generate(actor=h["supervisor"], centre_id=h["centre"].pk, month=month)


def windows_of(plan):
    return dict(plan.assignments.values_list("helper_id", "window_id"))


def plan_with_a_repeat(h):
    """January published; February's draft sends 帮办1 back to their January window."""
    january = generate(h, JANUARY)
    with at(2026, 12, 20):
        rotation_plan_publish(actor=h["supervisor"], plan_id=january.pk)
    february = generate(h, FEBRUARY)
    helper = h["helpers"][0]
    with at(2026, 12, 21):
        rotation_assignment_set(
            actor=h["supervisor"], plan_id=february.pk, helper_id=helper.pk, window_id=windows_of(january)[helper.pk]
        )
    return february


def test_february_generated_while_january_is_a_draft_continues_the_rotation(roster_hall):
    h = roster_hall
    january = generate(h, JANUARY)
    february = generate(h, FEBRUARY)

    assert january.status == PlanStatus.DRAFT
    assert february.continued_from == january
    jan, feb = windows_of(january), windows_of(february)
    assert set(jan) == set(feb) == {helper.pk for helper in h["helpers"]}
    # Every helper moves on: nobody stands at January's window again, so nothing is flagged as a repeat.
    assert all(feb[helper] != jan[helper] for helper in jan)
    assert not february.assignments.filter(is_repeat=True).exists()
    problems, _covers, _inputs = plan_check(february)
    assert not [p for p in problems if p.code == "repeat"]


def test_regenerating_february_after_january_is_published_records_what_it_continues(roster_hall):
    h = roster_hall
    february = generate(h, FEBRUARY)
    assert february.continued_from is None  # nothing before it: a first rotation
    january = generate(h, JANUARY)
    with at(2026, 12, 20):
        rotation_plan_publish(actor=h["supervisor"], plan_id=january.pk)
        from rosters.services import rotation_plan_regenerate

        rotation_plan_regenerate(actor=h["supervisor"], plan_id=february.pk)
    february.refresh_from_db()
    assert february.continued_from == january
    jan, feb = windows_of(january), windows_of(february)
    assert all(feb[helper] != jan[helper] for helper in jan)


def test_a_draft_older_than_a_published_month_is_not_continued(roster_hall):
    h = roster_hall
    december = generate(h, date(2026, 12, 1))  # drafted, then abandoned
    january = generate(h, JANUARY)
    with at(2026, 12, 20):
        rotation_plan_publish(actor=h["supervisor"], plan_id=january.pk)
    february = generate(h, FEBRUARY)
    assert december.status == PlanStatus.DRAFT
    assert february.continued_from == january


def test_a_plan_with_repeat_notes_never_shows_every_rule_holds(client, roster_hall):
    h = roster_hall
    february = plan_with_a_repeat(h)
    client.force_login(h["supervisor"])
    with translation.override("zh-hans"):
        response = client.get(february.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = response.content.decode()
    assert response.status_code == 200
    assert "尚未轮完所有窗口即回到" in body
    assert "Every rule holds" not in body and "符合全部规则" not in body
    assert "无阻止发布的问题" in body and "确认发布含 1 处重复轮岗" in body
    assert 'name="confirm_repeats"' in body


def test_a_plan_without_problems_shows_every_rule_holds(client, roster_hall):
    h = roster_hall
    january = generate(h, JANUARY)
    problems, _covers, _inputs = plan_check(january)
    assert not problems
    client.force_login(h["supervisor"])
    body = client.get(january.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'class="status plan-ok"' in body
    assert 'name="confirm_repeats"' not in body


def test_publishing_a_plan_with_repeats_is_refused_without_confirmation(roster_hall):
    h = roster_hall
    february = plan_with_a_repeat(h)
    with at(2026, 12, 22), pytest.raises(DomainError) as refused:
        rotation_plan_publish(actor=h["supervisor"], plan_id=february.pk)
    assert refused.value.field == "confirm_repeats"
    assert RotationPlan.objects.get(pk=february.pk).status == PlanStatus.DRAFT
    assert not RosterEvent.objects.filter(plan=february, verb="plan_published").exists()

    with at(2026, 12, 22):
        rotation_plan_publish(actor=h["supervisor"], plan_id=february.pk, confirm_repeats=True)
    assert RotationPlan.objects.get(pk=february.pk).status == PlanStatus.PUBLISHED
    event = RosterEvent.objects.get(plan=february, verb="plan_published")
    assert event.actor == h["supervisor"]
    assert "1 处重复轮岗" in event.note or "1 confirmed repeat" in event.note


def test_the_publish_page_and_the_api_ask_for_the_repeat_confirmation(client, roster_hall):
    h = roster_hall
    february = plan_with_a_repeat(h)
    client.force_login(h["supervisor"])
    with at(2026, 12, 22):
        refused = client.post(reverse("rosters:plan-publish", args=[february.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 400
    assert RotationPlan.objects.get(pk=february.pk).status == PlanStatus.DRAFT

    api = APIClient()
    api.force_authenticate(h["supervisor"])
    with at(2026, 12, 22):
        answer = api.post(f"/api/v1/rosters/plans/{february.pk}/publish/", {}, format="json")
        assert answer.status_code == 400
        assert RotationPlan.objects.get(pk=february.pk).status == PlanStatus.DRAFT
        answer = api.post(f"/api/v1/rosters/plans/{february.pk}/publish/", {"confirm_repeats": True}, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["continued_from"] == february.continued_from_id
    assert RotationPlan.objects.get(pk=february.pk).status == PlanStatus.PUBLISHED


def test_the_publish_form_with_the_box_ticked_publishes_the_repeats(client, roster_hall):
    h = roster_hall
    february = plan_with_a_repeat(h)
    client.force_login(h["supervisor"])
    with at(2026, 12, 22):
        response = client.post(reverse("rosters:plan-publish", args=[february.pk]), {"confirm_repeats": "1"})
    assert response.status_code == 302
    assert RotationPlan.objects.get(pk=february.pk).status == PlanStatus.PUBLISHED
