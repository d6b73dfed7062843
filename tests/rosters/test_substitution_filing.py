"""Filing a substitution (替岗备案), the default: "替岗情况向督查指导科进行备案" (seed 000 二.3).

A filed substitution is in effect at once — the day's duty leader, help-area turn or window post, the duty
dashboard and a helper's desk of the day follow it — the supervision section is e-mailed, and they may reverse it
with a reason until its day is over, which puts the person the plan named back on the duty.
"""

from datetime import date

import pytest
from django.urls import reverse

from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from requests.models import Notification
from requests.services.public import window_label
from rosters.desks import todays_desk
from rosters.models import Duty, RosterEvent, Substitution, SubstitutionStatus
from rosters.selectors import day_roster
from rosters.services import substitution_request, substitution_reverse
from tests.conftest import api_as

from .conftest import at, file_substitution, own_day_and_free_leader
from .test_substitutions import file_for_leader

pytestmark = pytest.mark.django_db
DAY = date(2026, 12, 9)
BASE = "/api/v1/rosters"


def verbs(sub):
    return list(RosterEvent.objects.filter(substitution=sub).order_by("pk").values_list("verb", flat=True))


def test_a_filed_substitution_is_in_effect_at_once_and_the_section_is_emailed(
    roster_hall, published, django_capture_on_commit_callbacks
):
    h = roster_hall
    h["supervisor"].email = "qian@hall.example.cn"
    h["supervisor"].save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        sub = file_for_leader(h, published)
    assert sub.status == SubstitutionStatus.FILED
    duty_day = published.duty_days.get(day=sub.day)
    assert duty_day.leader == sub.substitute and duty_day.planned_leader == sub.absent and duty_day.is_substituted
    roster = day_roster(h["centre"], sub.day)
    assert roster.duty_day.leader == sub.substitute
    assert sub.substitute.pk in roster.expected and sub.absent.pk not in roster.expected
    event = RosterEvent.objects.get(substitution=sub)
    assert event.verb == "substitution_filed" and event.actor == h["leader_user"]
    message = Notification.objects.get(template="substitution_filed")
    assert message.recipient == "qian@hall.example.cn"
    assert sub.absent.name in message.body and sub.substitute.name in message.body and "到省厅开会" in message.body
    assert "/rosters/substitutions/?status=filed" in message.body


def test_with_approval_on_a_filing_changes_nothing_until_approved(roster_hall, published, needs_approval):
    h = roster_hall
    sub = file_for_leader(h, published)
    assert sub.status == SubstitutionStatus.REQUESTED
    assert published.duty_days.get(day=sub.day).leader == sub.absent
    assert not Notification.objects.filter(template="substitution_filed").exists()


def test_reversing_puts_the_planned_duty_leader_back_with_an_event(roster_hall, published):
    h = roster_hall
    sub = file_for_leader(h, published)
    with at(2026, 11, 30):
        reversed_ = substitution_reverse(actor=h["supervisor"], substitution_id=sub.pk, note="替岗人另有任务")
    assert reversed_.status == SubstitutionStatus.REVERSED
    assert reversed_.decided_by == h["supervisor"] and reversed_.decision_note == "替岗人另有任务"
    duty_day = published.duty_days.get(day=sub.day)
    assert duty_day.leader == sub.absent and not duty_day.is_substituted
    assert verbs(sub) == ["substitution_filed", "substitution_reversed"]
    event = RosterEvent.objects.filter(substitution=sub).latest("pk")
    assert event.actor == h["supervisor"] and event.note == "替岗人另有任务"
    # Reversed, the duty is free to be covered again.
    assert file_for_leader(h, published, day=sub.day).status == SubstitutionStatus.FILED


def test_a_window_filing_moves_todays_desk_at_once_and_reversing_moves_it_back(roster_hall, published):
    h = roster_hall
    assignment = published.assignments.select_related("helper", "window").first()
    helper, stand_in = assignment.helper, h["window_helpers"][0]
    desk = window_label(assignment.window)
    with at(2026, 12, 9, 8):
        sub = file_substitution(h["supervisor"], helper.pk, stand_in.pk, DAY, Duty.WINDOW, "参加培训会议")
        # The citizens' status page shows the helper's desk of the day from here.
        assert todays_desk(helper=stand_in, day=DAY) == desk
        assert todays_desk(helper=helper, day=DAY) != desk
        post = next(p for p in day_roster(h["centre"], DAY).posts if p.window.pk == assignment.window_id)
        assert {m.name: how for m, how in post.staff}[stand_in.name] == "substitute"
        substitution_reverse(actor=h["supervisor"], substitution_id=sub.pk, note="会议取消")
        assert todays_desk(helper=helper, day=DAY) == desk
        post = next(p for p in day_roster(h["centre"], DAY).posts if p.window.pk == assignment.window_id)
        names = {m.name for m, _how in post.staff}
        assert helper.name in names and stand_in.name not in names


def test_a_help_area_filing_changes_the_turn_and_reversing_restores_it(roster_hall, published):
    h = roster_hall
    turn = published.help_area_turns.get(day=DAY)
    planned = turn.helper
    other = next(w for w in h["window_helpers"] if w.pk != turn.helper_id)
    with at(2026, 11, 30):
        sub = file_substitution(h["supervisor"], planned.pk, other.pk, DAY, Duty.HELP_AREA, "病假")
        turn.refresh_from_db()
        assert turn.helper == other and turn.planned_helper == planned
        substitution_reverse(actor=h["supervisor"], substitution_id=sub.pk, note="病假已销")
    turn.refresh_from_db()
    assert turn.helper == planned


def test_reversing_is_refused_to_others_without_a_reason_and_once_the_day_has_passed(roster_hall, published):
    h = roster_hall
    sub = file_for_leader(h, published)
    with at(2026, 11, 30):
        for actor in (h["leader_user"], h["desk"], h["town_supervisor"]):
            with pytest.raises(PermissionDenied):
                substitution_reverse(actor=actor, substitution_id=sub.pk, note="不同意")
        with pytest.raises(DomainError) as no_reason:
            substitution_reverse(actor=h["supervisor"], substitution_id=sub.pk, note=" ")
        assert no_reason.value.field == "note"
    next_day = date.fromordinal(sub.day.toordinal() + 1)
    with at(next_day.year, next_day.month, next_day.day), pytest.raises(TransitionNotAllowed) as passed:
        substitution_reverse(actor=h["supervisor"], substitution_id=sub.pk, note="补撤销")
    assert "已过" in str(passed.value) or str(sub.day) in str(passed.value)
    # Nothing changed by the refusals.
    assert Substitution.objects.get(pk=sub.pk).status == SubstitutionStatus.FILED
    assert published.duty_days.get(day=sub.day).leader == sub.substitute
    assert verbs(sub) == ["substitution_filed"]


def test_reversing_on_the_day_itself_is_allowed(roster_hall, published):
    h = roster_hall
    sub = file_for_leader(h, published)
    with at(sub.day.year, sub.day.month, sub.day.day, 16):
        assert substitution_reverse(actor=h["supervisor"], substitution_id=sub.pk, note="本人已返岗").status == (
            SubstitutionStatus.REVERSED
        )


def test_a_duty_handed_on_is_reversed_from_the_last_substitution_back(roster_hall, published):
    h = roster_hall
    first = file_for_leader(h, published)
    third = next(p for p in h["leaders"] if p.pk not in (first.absent_id, first.substitute_id))
    with at(2026, 11, 30):
        second = substitution_request(
            actor=h["supervisor"],
            absent_id=first.substitute_id,
            substitute_id=third.pk,
            day=first.day,
            duty=Duty.DUTY_LEADER,
            reason="临时出差",
        )
        assert published.duty_days.get(day=first.day).leader == third
        with pytest.raises(TransitionNotAllowed):
            substitution_reverse(actor=h["supervisor"], substitution_id=first.pk, note="撤销")
        substitution_reverse(actor=h["supervisor"], substitution_id=second.pk, note="撤销")
        assert published.duty_days.get(day=first.day).leader == first.substitute
        substitution_reverse(actor=h["supervisor"], substitution_id=first.pk, note="撤销")
    assert published.duty_days.get(day=first.day).leader == first.absent


# --- Pages, API, admin -----------------------------------------------------------------------------------


def test_filed_on_the_page_in_effect_and_reversed_from_the_list(client, roster_hall, published):
    h = roster_hall
    leader, day, substitute = own_day_and_free_leader(h, published)
    client.force_login(h["leader_user"])
    data = {"absent": leader.pk, "day": day, "duty": Duty.DUTY_LEADER, "substitute": substitute.pk, "reason": "外出"}
    with at(2026, 11, 30):
        form = client.get(reverse("rosters:substitution-create")).content.decode()
        assert "提交即生效" in form
        filed = client.post(reverse("rosters:substitution-create"), data, follow=True)
    assert "已生效" in filed.content.decode()
    assert published.duty_days.get(day=day).leader == substitute
    sub = Substitution.objects.get()
    client.force_login(h["supervisor"])
    with at(2026, 11, 30):
        html = client.get(reverse("rosters:substitutions"), {"status": "filed"}).content.decode()
        url = reverse("rosters:substitution-act", args=[sub.pk, "reverse"])
        assert f'data-substitution="{sub.pk}"' in html and f'action="{url}"' in html
        assert "备案" in html
        empty = client.post(url, {"note": ""})
        assert empty.status_code == 400 and "请说明撤销替岗的理由" in empty.content.decode()
        assert published.duty_days.get(day=day).leader == substitute
        done = client.post(url, {"note": "替岗人另有任务"})
        assert done.status_code == 302
        assert client.post(url, {"note": "再次撤销"}).status_code == 409
    assert published.duty_days.get(day=day).leader == leader
    html = client.get(reverse("rosters:substitutions")).content.decode()
    assert "已撤销" in html and "替岗人另有任务" in html


def test_a_clerk_sees_no_reverse_button(client, roster_hall, published):
    h = roster_hall
    sub = file_for_leader(h, published)
    client.force_login(h["leader_user"])
    with at(2026, 11, 30):
        html = client.get(reverse("rosters:substitutions")).content.decode()
        assert f'data-substitution="{sub.pk}"' in html
        url = reverse("rosters:substitution-act", args=[sub.pk, "reverse"])
        assert url not in html
        assert client.post(url, {"note": "x"}).status_code == 403


def test_dashboard_counts_the_days_filed_substitutions(client, roster_hall, published):
    h = roster_hall
    duty_day = published.duty_days.get(day=DAY)
    substitute = next(p for p in h["leaders"] if p.pk != duty_day.leader_id)
    with at(2026, 12, 9, 8):
        file_substitution(h["supervisor"], duty_day.leader_id, substitute.pk, DAY, Duty.DUTY_LEADER, "出差")
        client.force_login(h["supervisor"])
        html = client.get(reverse("rosters:dashboard")).content.decode()
    assert f'data-duty-leader="{substitute.pk}"' in html and "?status=filed" in html


def test_filed_and_reversed_through_the_api(roster_hall, published):
    h = roster_hall
    leader, day, substitute = own_day_and_free_leader(h, published)
    body = {"absent": leader.pk, "substitute": substitute.pk, "day": str(day), "duty": "duty_leader", "reason": "开会"}
    with at(2026, 11, 30):
        filed = api_as(h["leader_user"]).post(f"{BASE}/substitutions/", body, format="json")
        assert filed.status_code == 201 and filed.json()["status"] == "filed"
        assert filed.json()["allowed_statuses"] == ["reversed"]
        sid = filed.json()["id"]
        day_row = api_as(h["leader_user"]).get(f"{BASE}/duty-days/", {"day": str(day)}).json()["results"][0]
        assert day_row["leader"] == substitute.pk and day_row["substituted"] is True
        url = f"{BASE}/substitutions/{sid}/reverse/"
        assert api_as(h["leader_user"]).post(url, {"note": "x"}, format="json").status_code == 403
        assert api_as(h["town_supervisor"]).post(url, {"note": "x"}, format="json").status_code == 404
        no_reason = api_as(h["supervisor"]).post(url, {}, format="json")
        assert no_reason.status_code == 400 and "note" in no_reason.json()
        assert api_as(h["supervisor"]).post(f"{BASE}/substitutions/{sid}/approve/").status_code == 409
        done = api_as(h["supervisor"]).post(url, {"note": "不符合规定"}, format="json")
        assert done.status_code == 200 and done.json()["status"] == "reversed"
        assert api_as(h["supervisor"]).post(url, {"note": "again"}, format="json").status_code == 409
    day_row = api_as(h["leader_user"]).get(f"{BASE}/duty-days/", {"day": str(day)}).json()["results"][0]
    assert day_row["leader"] == leader.pk and day_row["substituted"] is False


def test_the_api_refuses_to_reverse_after_the_day(roster_hall, published):
    h = roster_hall
    sub = file_for_leader(h, published)
    next_day = date.fromordinal(sub.day.toordinal() + 1)
    with at(next_day.year, next_day.month, next_day.day):
        late = api_as(h["supervisor"]).post(f"{BASE}/substitutions/{sub.pk}/reverse/", {"note": "x"}, format="json")
    assert late.status_code == 409
    assert Substitution.objects.get(pk=sub.pk).status == SubstitutionStatus.FILED


def test_the_admin_lists_filed_and_reversed_substitutions(client, roster_hall, published, django_user_model):
    h = roster_hall
    sub = file_for_leader(h, published)
    with at(2026, 11, 30):
        substitution_reverse(actor=h["supervisor"], substitution_id=sub.pk, note="撤销")
    file_for_leader(h, published, day=sub.day)
    admin = django_user_model.objects.create_superuser("root", "root@hall.example.cn", "pass-word-123")
    client.force_login(admin)
    html = client.get("/admin/rosters/substitution/").content.decode()
    assert "已撤销" in html and "已备案，已生效" in html
    detail = client.get(f"/admin/rosters/substitution/{sub.pk}/change/").content.decode()
    assert "撤销" in detail
