"""Duty oversight through the pages and the API: patrols, the missing-patrol warning, the party badge at check-in,
the duty record written, edited and reviewed."""

from datetime import date

import pytest
from django.urls import reverse

from rosters.models import CheckIn, DutyDay, DutyRecord, DutyRecordStatus, PatrolRecord
from rosters.services import duty_record_review, duty_record_write
from tests.conftest import api_as

from .conftest import at, own_day_and_free_leader

pytestmark = pytest.mark.django_db
BASE = "/api/v1/rosters"


@pytest.fixture
def duty(roster_hall, published):
    _leader, day, _substitute = own_day_and_free_leader(roster_hall, published)
    return DutyDay.objects.get(plan=published, day=day)


# --- Pages ------------------------------------------------------------------------------------------------


def test_the_bureau_leader_records_a_patrol_on_the_page(client, roster_hall, bureau_user):
    client.force_login(bureau_user)
    with at(2026, 12, 9, 16):
        form = client.get(reverse("rosters:patrols"))
        assert form.status_code == 200 and "patrol-form" in form.content.decode()
        response = client.post(
            reverse("rosters:patrols"),
            {
                "centre": roster_hall["centre"].pk,
                "patrolled_at": "2026-12-09T15:00",
                "checked": "二楼帮办代办区",
                "findings": "",
                "follow_up": "",
            },
        )
    assert response.status_code == 302
    assert PatrolRecord.objects.get().week_start == date(2026, 12, 7)


def test_the_supervisor_reads_patrols_and_sees_the_missing_week_at_home(client, roster_hall, published):
    client.force_login(roster_hall["supervisor"])
    with at(2026, 12, 14, 9):
        patrols = client.get(reverse("rosters:patrols"))
        home = client.get(reverse("home"))
        dashboard = client.get(reverse("rosters:dashboard"))
    assert patrols.status_code == 200 and "patrol-form" not in patrols.content.decode()
    for response in (patrols, home, dashboard):
        assert f'data-gap="{roster_hall["centre"].pk}-2026-12-07"' in response.content.decode()
    # The supervision section reads patrols but does not record them.
    with at(2026, 12, 14, 9):
        refused = client.post(reverse("rosters:patrols"), {"checked": "x"})
    assert refused.status_code == 403 and not PatrolRecord.objects.exists()


def test_nav_shows_patrols_to_bureau_leaders_and_duty_records_to_helpers(client, roster_hall, bureau_user):
    client.force_login(bureau_user)
    assert reverse("rosters:patrols") in client.get(reverse("home")).content.decode()
    client.force_login(roster_hall["helper_user"])
    body = client.get(reverse("home")).content.decode()
    assert reverse("rosters:duty-records") in body and reverse("rosters:patrols") not in body


def test_a_party_member_checks_in_without_the_party_badge_and_the_dashboard_shows_it(client, roster_hall, published):
    h = roster_hall
    member = h["helpers"][0]
    client.force_login(h["leader_user"])
    with at(2026, 12, 1, 8, 40):
        form = client.get(reverse("rosters:dashboard"))
        assert 'name="party_badge_worn"' in form.content.decode()
        client.post(
            reverse("rosters:record-check-in"), {"staff": member.pk, "badge_worn": "1", "centre": h["centre"].pk}
        )
        dashboard = client.get(reverse("rosters:dashboard")).content.decode()
    assert CheckIn.objects.get(staff=member).party_badge_worn is False
    assert "party-badge-missing" in dashboard and member.name in dashboard


def test_the_check_in_page_asks_party_members_only(client, roster_hall, published):
    h = roster_hall
    client.force_login(h["helper_user"])
    with at(2026, 12, 1, 8, 30):
        page = client.get(reverse("rosters:check-in")).content.decode()
        client.post(reverse("rosters:check-in"), {"badge_worn": "1", "party_badge_worn": "1"})
    assert 'name="party_badge_worn"' not in page
    assert CheckIn.objects.get(staff=h["helper_user"].staff_member).party_badge_worn is None


def test_a_helper_writes_and_edits_the_record_and_the_leader_signs_it_off(client, roster_hall, duty):
    h = roster_hall
    url = reverse("rosters:duty-record", args=[duty.pk])
    client.force_login(h["helper_user"])
    with at(2026, 12, 1, 17):
        assert "duty-record-form" in client.get(url).content.decode()
        assert client.post(url, {"content": "初稿"}).status_code == 302
        assert client.post(url, {"content": "修改稿"}).status_code == 302
    record = DutyRecord.objects.get()
    assert record.content == "修改稿" and record.revisions.count() == 2
    client.force_login(h["leader_user"])
    with at(2026, 12, 1, 18):
        page = client.get(url).content.decode()
        assert "duty-record-review" in page and "duty-record-form" not in page
        latest = record.revisions.order_by("-pk").first().pk
        assert f'name="seen_revision" value="{latest}"' in page  # the version the leader reads
        review = reverse("rosters:duty-record-review", args=[duty.pk])
        stale = client.post(review, {"comment": "已阅", "seen_revision": latest - 1})
        assert stale.status_code == 409
        signed = client.post(review, {"comment": "已阅", "seen_revision": latest})
    assert signed.status_code == 302
    client.force_login(h["helper_user"])
    with at(2026, 12, 2, 9):
        page = client.get(url).content.decode()
        late_edit = client.post(url, {"content": "改"})
    assert "duty-record-form" not in page and "已阅" in page
    assert late_edit.status_code == 409
    record.refresh_from_db()
    assert record.status == DutyRecordStatus.REVIEWED and record.content == "修改稿"


def test_someone_off_duty_may_not_write_the_record_on_the_page(client, roster_hall, duty):
    client.force_login(roster_hall["desk"])
    url = reverse("rosters:duty-record", args=[duty.pk])
    with at(2026, 12, 1, 17):
        page = client.get(url)
        refused = client.post(url, {"content": "我不在班"})
    assert page.status_code == 200 and "duty-record-form" not in page.content.decode()
    assert refused.status_code == 403 and not DutyRecord.objects.exists()


def test_the_duty_record_list_shows_each_days_state(client, roster_hall, duty):
    with at(2026, 12, 1, 17):
        duty_record_write(actor=roster_hall["helper_user"], duty_day_id=duty.pk, content="记录")
    client.force_login(roster_hall["supervisor"])
    with at(2026, 12, 2, 9):
        body = client.get(reverse("rosters:duty-records"), {"month": "2026-12"}).content.decode()
    assert f'data-duty-day="{duty.pk}"' in body and "record-written" in body


# --- API --------------------------------------------------------------------------------------------------


def test_patrols_through_the_api(roster_hall, published, bureau_user):
    api = api_as(bureau_user)
    body = {"centre": roster_hall["centre"].pk, "patrolled_at": "2026-12-13T21:00:00+08:00", "checked": "一楼"}
    with at(2026, 12, 14, 9):
        missing_before = api.get(f"{BASE}/patrols/missing/").json()
        created = api.post(f"{BASE}/patrols/", body, format="json")
        missing_after = api.get(f"{BASE}/patrols/missing/").json()
    assert created.status_code == 201, created.json()
    assert created.json()["week_start"] == "2026-12-07"
    assert "2026-12-07" in {g["week_start"] for g in missing_before}
    assert "2026-12-07" not in {g["week_start"] for g in missing_after}
    listed = api_as(roster_hall["supervisor"]).get(f"{BASE}/patrols/", {"week": "2026-12-07"}).json()
    assert [p["id"] for p in listed["results"]] == [created.json()["id"]]


def test_only_bureau_leaders_post_patrols_and_clerks_do_not_read_them(roster_hall):
    with at(2026, 12, 9, 16):
        refused = api_as(roster_hall["supervisor"]).post(f"{BASE}/patrols/", {}, format="json")
    assert refused.status_code == 403
    assert api_as(roster_hall["desk"]).get(f"{BASE}/patrols/").status_code == 403


def test_the_duty_record_through_the_api(roster_hall, duty):
    h = roster_hall
    helper, leader = api_as(h["helper_user"]), api_as(h["leader_user"])
    with at(2026, 12, 1, 17):
        created = helper.post(f"{BASE}/duty-records/", {"duty_day": duty.pk, "content": "初稿"}, format="json")
        assert created.status_code == 201, created.json()
        rid = created.json()["id"]
        twice = helper.post(f"{BASE}/duty-records/", {"duty_day": duty.pk, "content": "再写"}, format="json")
        edited = helper.post(f"{BASE}/duty-records/{rid}/edit/", {"content": "修改稿"}, format="json")
        not_leader = helper.post(f"{BASE}/duty-records/{rid}/review/", {}, format="json")
        reviewed = leader.post(f"{BASE}/duty-records/{rid}/review/", {"comment": "好"}, format="json")
        after = helper.post(f"{BASE}/duty-records/{rid}/edit/", {"content": "改"}, format="json")
    assert twice.status_code == 409
    assert edited.status_code == 200 and len(edited.json()["revisions"]) == 2
    assert not_leader.status_code == 403
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "reviewed"
    assert after.status_code == 409


def test_an_off_duty_clerk_cannot_write_through_the_api(roster_hall, duty):
    with at(2026, 12, 1, 17):
        refused = api_as(roster_hall["desk"]).post(
            f"{BASE}/duty-records/", {"duty_day": duty.pk, "content": "x"}, format="json"
        )
    assert refused.status_code == 403 and not DutyRecord.objects.exists()


def test_check_in_api_takes_the_party_badge_of_party_members(roster_hall, published):
    h = roster_hall
    with at(2026, 12, 1, 8, 40):
        answer = api_as(h["leader_user"]).post(
            f"{BASE}/check-ins/", {"staff": h["helpers"][0].pk, "party_badge_worn": False}, format="json"
        )
    assert answer.status_code == 201 and answer.json()["party_badge_worn"] is False


def test_other_centres_duty_records_are_hidden(roster_hall, duty):
    with at(2026, 12, 1, 17):
        record = duty_record_write(actor=roster_hall["helper_user"], duty_day_id=duty.pk, content="记录")
        duty_record_review(actor=roster_hall["leader_user"], record_id=record.pk)
    api = api_as(roster_hall["town_supervisor"])
    assert api.get(f"{BASE}/duty-records/{record.pk}/").status_code == 404


def test_a_helper_on_duty_reaches_the_days_record_from_the_check_in_page(client, roster_hall, duty):
    client.force_login(roster_hall["helper_user"])
    with at(2026, 12, 1, 8, 30):
        page = client.get(reverse("rosters:check-in")).content.decode()
    assert reverse("rosters:duty-record", args=[duty.pk]) in page
