"""The roster pages: grid editor, coverage, duty dashboard, check-in, substitutions, absences, reports, exports."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from rosters.models import CheckIn, CheckInStatus, Duty, DutySummary, PlanStatus, RotationPlan, Substitution
from rosters.services import (
    checkin_record,
    rotation_plan_generate,
    rotation_plan_publish,
)
from staff.models import StaffKind
from tests.factories import StaffMemberFactory, WindowFactory

from .conftest import MONTH, approved_substitution, at, file_substitution, own_day_and_free_leader

pytestmark = pytest.mark.django_db
DAY = date(2026, 12, 9)


def page(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


# --- Plans and the grid editor --------------------------------------------------------------------------


def test_supervisor_drafts_a_plan_from_the_list_page(client, roster_hall):
    h = roster_hall
    client.force_login(h["supervisor"])
    with at(2026, 11, 25):
        response = client.post(reverse("rosters:plans"), {"centre": h["centre"].pk, "month": "2026-12"})
    plan = RotationPlan.objects.get()
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert plan.month == MONTH
    html = client.get(reverse("rosters:plans")).content.decode()
    assert plan.get_absolute_url() in html
    with at(2026, 11, 25):
        again = client.post(reverse("rosters:plans"), {"centre": h["centre"].pk, "month": "2026-12"})
    assert again.status_code == 409


def test_grid_shows_helpers_windows_counts_and_reasons(client, roster_hall):
    h = roster_hall
    with at(2026, 11, 25):
        plan = rotation_plan_generate(actor=h["supervisor"], centre_id=h["centre"].pk, month=MONTH)
    response = page(client, h["supervisor"], plan.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for helper in h["helpers"]:
        assert helper.name in html
    for window in h["windows"]:
        assert f"{window.number}<small>1–2</small>" in html
    assert html.count('aria-pressed="true"') == len(h["helpers"])
    first = plan.assignments.first()
    assert first.reason in html
    assert 'hx-post="' + reverse("rosters:plan-assign", args=[plan.pk]) in html
    assert 'class="party-badge"' in html  # 帮办1 is a party member


def test_a_cell_click_moves_the_helper_and_shows_the_problem_at_once(client, roster_hall):
    h = roster_hall
    with at(2026, 11, 25):
        plan = rotation_plan_generate(actor=h["supervisor"], centre_id=h["centre"].pk, month=MONTH)
    window = h["windows"][3]
    client.force_login(h["supervisor"])
    url = reverse("rosters:plan-assign", args=[plan.pk])
    # Take everyone off the last window: the htmx answer is the refreshed plan body with the error.
    response = None
    for a in plan.assignments.filter(window=window):
        response = client.post(url, {"cell": f"{a.helper_id}:"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="plan-body">')
    assert 'data-code="understaffed"' in html and window.number in html
    # Without JavaScript the same form posts and comes back to the page.
    helper = plan.assignments.exclude(window=window).first().helper
    plain = client.post(url, {"cell": f"{helper.pk}:{window.pk}"})
    assert plain.status_code == 302
    assert plan.assignments.get(helper=helper).window == window
    # Publishing from the page works now and the grid is read-only afterwards.
    published = client.post(reverse("rosters:plan-publish", args=[plan.pk]))
    assert published.status_code == 302
    assert RotationPlan.objects.get(pk=plan.pk).status == PlanStatus.PUBLISHED
    html = client.get(plan.get_absolute_url()).content.decode()
    assert 'name="cell"' not in html
    assert client.post(url, {"cell": f"{helper.pk}:"}).status_code == 302
    assert plan.assignments.filter(helper=helper).exists()  # 409 in the messages, nothing changed


def test_publishing_a_plan_with_an_empty_window_is_refused_on_the_page(client, roster_hall):
    h = roster_hall
    with at(2026, 11, 25):
        plan = rotation_plan_generate(actor=h["supervisor"], centre_id=h["centre"].pk, month=MONTH)
    plan.assignments.filter(window=h["windows"][0]).delete()
    client.force_login(h["supervisor"])
    response = client.post(reverse("rosters:plan-publish", args=[plan.pk]))
    assert response.status_code == 400
    assert h["windows"][0].number in response.content.decode()
    assert RotationPlan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT


def test_duty_leader_and_turn_selects_edit_the_draft(client, roster_hall):
    h = roster_hall
    with at(2026, 11, 25):
        plan = rotation_plan_generate(actor=h["supervisor"], centre_id=h["centre"].pk, month=MONTH)
    client.force_login(h["supervisor"])
    day = plan.duty_days.get(day=DAY)
    other = next(p for p in h["leaders"] if p.pk != day.leader_id)
    r = client.post(
        reverse("rosters:plan-duty-leader", args=[plan.pk, day.pk]), {"leader": other.pk}, HTTP_HX_REQUEST="true"
    )
    assert r.status_code == 200 and plan.duty_days.get(day=DAY).leader == other
    turn = plan.help_area_turns.get(day=DAY)
    swap = next(w for w in h["window_helpers"] if w.pk != turn.helper_id)
    r = client.post(reverse("rosters:plan-turn", args=[plan.pk, turn.pk]), {"helper": swap.pk}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and plan.help_area_turns.get(day=DAY).helper == swap
    r = client.post(reverse("rosters:plan-week-leader", args=[plan.pk]), {"week": "2026-12-07", "leader": ""})
    assert r.status_code == 302 and plan.duty_days.filter(week_leader__isnull=True).count() == 5


def test_drafts_are_hidden_from_clerks_and_other_centres_get_404(client, roster_hall, published):
    h = roster_hall
    with at(2026, 11, 25):
        draft = rotation_plan_generate(actor=h["supervisor"], centre_id=h["centre"].pk, month=date(2027, 1, 1))
    assert page(client, h["desk"], published.get_absolute_url()).status_code == 200
    assert page(client, h["desk"], draft.get_absolute_url()).status_code == 404
    assert page(client, h["town_supervisor"], published.get_absolute_url()).status_code == 404
    client.force_login(h["town_supervisor"])
    assert client.post(reverse("rosters:plan-publish", args=[draft.pk])).status_code == 404


def _bigger_hall(h, n_windows, n_helpers):
    for i in range(n_windows):
        WindowFactory(centre=h["centre"], number=f"Z{i:02d}", min_staff=0, max_staff=3)
    for i in range(n_helpers):
        StaffMemberFactory(centre=h["centre"], kind=StaffKind.FULL_TIME_HELPER, name=f"新帮办{i}")


def test_grid_runs_a_constant_number_of_queries(client, roster_hall, django_assert_max_num_queries):
    h = roster_hall
    client.force_login(h["supervisor"])
    with at(2026, 11, 25):
        small = rotation_plan_generate(actor=h["supervisor"], centre_id=h["centre"].pk, month=MONTH)
        rotation_plan_publish(actor=h["supervisor"], plan_id=small.pk)
    with django_assert_max_num_queries(40) as few:
        assert client.get(small.get_absolute_url()).status_code == 200
    _bigger_hall(h, 8, 20)
    with at(2026, 11, 25):
        big = rotation_plan_generate(actor=h["supervisor"], centre_id=h["centre"].pk, month=date(2027, 1, 1))
    with django_assert_max_num_queries(len(few)):
        assert client.get(big.get_absolute_url()).status_code == 200


def test_coverage_shows_the_windows_worked(client, roster_hall, published):
    h = roster_hall
    response = page(client, h["desk"], reverse("rosters:coverage"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("26.12") == len(h["helpers"])  # each helper worked one window in December 2026
    assert f"1/{len(h['windows'])}" in html


# --- Duty dashboard ---------------------------------------------------------------------------------------


def test_dashboard_shows_the_days_duty(client, roster_hall, published):
    h = roster_hall
    duty_day = published.duty_days.get(day=DAY)
    turn = published.help_area_turns.get(day=DAY)
    with at(2026, 12, 9, 8, 45):
        checkin_record(actor=h["helper_user"], badge_worn=True)
    with at(2026, 12, 9, 9, 10):
        client.force_login(h["supervisor"])
        response = client.get(reverse("rosters:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-duty-leader="{duty_day.leader_id}"' in html
    assert h["chief"].name in html  # the week's leading bureau leader
    assert turn.helper.name in html
    for a in published.assignments.select_related("helper", "window"):
        assert a.window.number in html and a.helper.name in html
    me = h["helper_user"].staff_member
    assert f'data-staff="{me.pk}" data-status="on_time"' in html
    assert 'data-status="pending"' in html
    assert 'class="party-badge"' in html  # party members are marked
    assert 'hx-trigger="every 30s"' in html  # auto-refresh
    assert 'class="calendar"' in html and duty_day.leader.name in html


def test_dashboard_polling_returns_the_live_part_only(client, roster_hall, published):
    client.force_login(roster_hall["leader_user"])
    with at(2026, 12, 9, 9, 10):
        response = client.get(reverse("rosters:dashboard"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="duty-live"') and 'class="calendar"' not in html


def test_dashboard_shows_an_approved_substitution(client, roster_hall, published):
    h = roster_hall
    duty_day = published.duty_days.get(day=DAY)
    substitute = next(p for p in h["leaders"] if p.pk != duty_day.leader_id)
    with at(2026, 12, 1):
        sub = approved_substitution(h["supervisor"], duty_day.leader_id, substitute.pk, DAY, Duty.DUTY_LEADER, "出差")
    with at(2026, 12, 9, 9, 10):
        html = page(client, h["supervisor"], reverse("rosters:dashboard")).content.decode()
    assert f'data-duty-leader="{substitute.pk}"' in html
    assert f'data-substitution="{sub.pk}"' in html and "出差" in html


def test_dashboard_runs_a_constant_number_of_queries(client, roster_hall, published, django_assert_max_num_queries):
    h = roster_hall
    client.force_login(h["supervisor"])
    with at(2026, 12, 9, 9, 10), django_assert_max_num_queries(40) as few:
        assert client.get(reverse("rosters:dashboard")).status_code == 200
    _bigger_hall(h, 8, 20)
    RotationPlan.objects.all().delete()
    with at(2026, 11, 25):
        plan = rotation_plan_generate(actor=h["supervisor"], centre_id=h["centre"].pk, month=MONTH)
        rotation_plan_publish(actor=h["supervisor"], plan_id=plan.pk)
    with at(2026, 12, 9, 9, 1):
        from rosters.services import checkin_mark_absentees

        assert checkin_mark_absentees(centre_id=h["centre"].pk) > 20
    with at(2026, 12, 9, 9, 10), django_assert_max_num_queries(len(few)):
        assert client.get(reverse("rosters:dashboard")).status_code == 200


def test_duty_leader_records_an_arrival_from_the_dashboard(client, roster_hall, published):
    h = roster_hall
    someone = published.assignments.first().helper
    client.force_login(h["leader_user"])
    with at(2026, 12, 9, 8, 40):
        html = client.get(reverse("rosters:dashboard")).content.decode()
        assert reverse("rosters:record-check-in") in html
        response = client.post(reverse("rosters:record-check-in"), {"staff": someone.pk, "badge_worn": "1"})
    assert response.status_code == 302
    check_in = CheckIn.objects.get(staff=someone)
    assert check_in.status == CheckInStatus.ON_TIME and check_in.recorded_by == h["leader_user"]


def test_clerks_have_no_dashboard(client, roster_hall, published):
    assert page(client, roster_hall["desk"], reverse("rosters:dashboard")).status_code == 403


# --- My check-in ----------------------------------------------------------------------------------------


def test_my_check_in_page_on_a_phone(client, roster_hall, published):
    h = roster_hall
    me = h["helper_user"].staff_member
    window = published.assignments.select_related("window").get(helper=me).window
    client.force_login(h["helper_user"])
    with at(2026, 12, 9, 8, 30):
        html = client.get(reverse("rosters:check-in")).content.decode()
        assert 'name="viewport"' in html and "checkin-button" in html
        assert str(window) in html and "08:50" in html
        response = client.post(reverse("rosters:check-in"), {"badge_worn": "1"})
        assert response.status_code == 302
        html = client.get(reverse("rosters:check-in")).content.decode()
    assert "checkin-button" not in html and "08:30" in html
    assert CheckIn.objects.get(staff=me).badge_worn
    with at(2026, 12, 9, 8, 31):
        assert client.post(reverse("rosters:check-in"), {}).status_code == 409


# --- Substitutions, absences, reports, duty summary ------------------------------------------------------


def test_substitution_filed_and_decided_through_the_pages_when_approval_is_on(
    client, roster_hall, published, needs_approval
):
    h = roster_hall
    leader, day, substitute = own_day_and_free_leader(h, published)
    client.force_login(h["leader_user"])
    data = {
        "absent": leader.pk,
        "day": day,
        "duty": Duty.DUTY_LEADER,
        "substitute": substitute.pk,
        "reason": "到市里开会",
    }
    with at(2026, 11, 30):
        assert client.get(reverse("rosters:substitution-create")).status_code == 200
        response = client.post(reverse("rosters:substitution-create"), data)
        assert response.status_code == 302
        # A substitute on leave is refused on the form, with the reason on the field.
        again = client.post(reverse("rosters:substitution-create"), {**data, "substitute": h["chief"].pk})
    assert again.status_code in (400, 409)
    sub = Substitution.objects.get()
    client.force_login(h["supervisor"])
    html = client.get(reverse("rosters:substitutions"), {"status": "requested"}).content.decode()
    assert f'data-substitution="{sub.pk}"' in html and "到市里开会" in html
    with at(2026, 11, 30):
        approved = client.post(reverse("rosters:substitution-act", args=[sub.pk, "approve"]))
        assert approved.status_code == 302
        twice = client.post(reverse("rosters:substitution-act", args=[sub.pk, "approve"]))
    assert twice.status_code == 409
    assert published.duty_days.get(day=day).leader == substitute


def test_absences_page_records_leave(client, roster_hall):
    h = roster_hall
    client.force_login(h["supervisor"])
    helper = h["helpers"][2]
    data = {"staff": helper.pk, "kind": "travel", "start": "2026-12-07", "end": "2026-12-08", "note": "省厅培训"}
    response = client.post(f"{reverse('rosters:unavailability')}?month=2026-12", data)
    assert response.status_code == 302
    html = client.get(reverse("rosters:unavailability"), {"month": "2026-12"}).content.decode()
    assert helper.name in html and "省厅培训" in html
    bad = client.post(reverse("rosters:unavailability"), {**data, "end": "2026-12-01"})
    assert bad.status_code == 400
    assert page(client, h["desk"], reverse("rosters:unavailability")).status_code == 403


def test_attendance_report_and_its_export(client, roster_hall, published):
    h = roster_hall
    with at(2026, 12, 9, 9, 5):
        checkin_record(actor=h["helper_user"], badge_worn=True)
    client.force_login(h["supervisor"])
    html = client.get(reverse("rosters:attendance"), {"month": "2026-12"}).content.decode()
    assert h["helper_user"].staff_member.name in html
    export = client.get(reverse("rosters:attendance"), {"month": "2026-12", "format": "xlsx"})
    sheet = load_workbook(BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert rows[0][0] == h["helper_user"].staff_member.name and rows[0][2] == 1


def test_plan_and_duty_schedule_exports(client, roster_hall, published):
    h = roster_hall
    client.force_login(h["desk"])
    response = client.get(reverse("rosters:plan-export", args=[published.pk]))
    assert response.status_code == 200
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert len(book.worksheets) == 4
    rotation = list(book.worksheets[0].iter_rows(min_row=3, values_only=True))
    assert {r[0] for r in rotation} == {m.name for m in h["helpers"]}
    duty = list(book.worksheets[3].iter_rows(min_row=3, values_only=True))
    assert len(duty) == 23
    schedule = client.get(reverse("rosters:duty-schedule-export"), {"month": "2026-12"})
    sheet = load_workbook(BytesIO(b"".join(schedule.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 23 and rows[0][2] == published.duty_days.get(day=date(2026, 12, 1)).leader.name


def test_duty_summary_page(client, roster_hall, published):
    h = roster_hall
    duty_day = published.duty_days.filter(leader=h["leader_user"].staff_member).order_by("day").first()
    client.force_login(h["leader_user"])
    url = reverse("rosters:duty-summary", args=[duty_day.pk])
    moment = duty_day.day
    with at(moment.year, moment.month, moment.day, 17, 30):
        assert client.get(url).status_code == 200
        assert client.post(url, {"notes": "巡查正常"}).status_code == 302
    assert DutySummary.objects.get().notes == "巡查正常"
    assert "巡查正常" in client.get(url).content.decode()


def test_going_back_after_a_decision_stays_on_this_site(client, roster_hall, published, needs_approval):
    h = roster_hall
    leader, day, substitute = own_day_and_free_leader(h, published)
    with at(2026, 11, 30):
        sub = file_substitution(h["leader_user"], leader.pk, substitute.pk, day, Duty.DUTY_LEADER, "会")
        client.force_login(h["supervisor"])
        url = reverse("rosters:substitution-act", args=[sub.pk, "approve"])
        response = client.post(url, {"next": "https://evil.example/phish"})
    assert response.status_code == 302 and response.url == reverse("rosters:substitutions")
