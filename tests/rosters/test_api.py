"""The rosters API: plans, duty days, substitutions, check-ins and unavailability, with the error answers."""

import pytest

from rosters.models import CheckIn, PlanStatus, RotationPlan
from tests.conftest import api_as

from .conftest import at

pytestmark = pytest.mark.django_db
BASE = "/api/v1/rosters"


def test_plan_lifecycle_through_the_api(roster_hall):
    h = roster_hall
    api = api_as(h["supervisor"])
    with at(2026, 11, 25):
        created = api.post(f"{BASE}/plans/", {"centre": h["centre"].pk, "month": "2026-12-17"}, format="json")
        assert created.status_code == 201, created.json()
        body = created.json()
        assert body["month"] == "2026-12-01" and body["status"] == "draft"
        assert len(body["assignments"]) == 7 and all(a["reason"] for a in body["assignments"])
        pid = body["id"]
        again = api.post(f"{BASE}/plans/", {"centre": h["centre"].pk, "month": "2026-12-01"}, format="json")
        assert again.status_code == 409
        problems = api.get(f"{BASE}/plans/{pid}/problems/").json()
        assert not [p for p in problems if p["level"] == "error"]
        published = api.post(f"{BASE}/plans/{pid}/publish/")
        assert published.status_code == 200 and published.json()["status"] == "published"
        assert api.post(f"{BASE}/plans/{pid}/publish/").status_code == 409
        moved = api.post(
            f"{BASE}/plans/{pid}/assign/", {"helper": h["helpers"][0].pk, "window": h["windows"][0].pk}, format="json"
        )
        assert moved.status_code == 409
    listed = api.get(f"{BASE}/plans/", {"month": "2026-12-05", "status": "published"}).json()
    assert [p["id"] for p in listed["results"]] == [pid]


def test_publishing_an_empty_window_is_a_400_naming_it(roster_hall):
    h = roster_hall
    api = api_as(h["supervisor"])
    with at(2026, 11, 25):
        pid = api.post(f"{BASE}/plans/", {"centre": h["centre"].pk, "month": "2026-12-01"}, format="json").json()["id"]
        window = h["windows"][2]
        for a in RotationPlan.objects.get(pk=pid).assignments.filter(window=window):
            r = api.post(f"{BASE}/plans/{pid}/assign/", {"helper": a.helper_id, "window": None}, format="json")
            assert r.status_code == 200
        refused = api.post(f"{BASE}/plans/{pid}/publish/")
    assert refused.status_code == 400 and window.number in refused.json()["detail"]
    bad = api.post(f"{BASE}/plans/{pid}/assign/", {"helper": h["leaders"][0].pk, "window": window.pk}, format="json")
    assert bad.status_code == 400 and "helper" in bad.json()


def test_roles_and_centres(roster_hall, published):
    h = roster_hall
    # A clerk sees published plans but may not draft one; another centre's supervisor gets 404s.
    desk = api_as(h["desk"])
    assert desk.get(f"{BASE}/plans/{published.pk}/").status_code == 200
    refused = desk.post(f"{BASE}/plans/", {"centre": h["centre"].pk, "month": "2027-01-01"}, format="json")
    assert refused.status_code == 403
    town = api_as(h["town_supervisor"])
    assert town.get(f"{BASE}/plans/{published.pk}/").status_code == 404
    assert town.post(f"{BASE}/plans/{published.pk}/publish/").status_code == 404
    assert town.get(f"{BASE}/plans/").json()["count"] == 0
    other = town.post(f"{BASE}/plans/", {"centre": h["centre"].pk, "month": "2027-01-01"}, format="json")
    assert other.status_code == 400 and "centre" in other.json()
    # Drafts are the supervision section's.
    with at(2026, 11, 25):
        draft = api_as(h["supervisor"]).post(
            f"{BASE}/plans/", {"centre": h["centre"].pk, "month": "2027-01-01"}, format="json"
        )
    assert desk.get(f"{BASE}/plans/{draft.json()['id']}/").status_code == 404
    assert RotationPlan.objects.filter(status=PlanStatus.DRAFT).count() == 1


def test_duty_days_filter_and_refuse_a_second_leader(roster_hall, published):
    h = roster_hall
    api = api_as(h["leader_user"])
    week = api.get(f"{BASE}/duty-days/", {"day_from": "2026-12-07", "day_to": "2026-12-11"}).json()
    assert [d["day"] for d in week["results"]] == [f"2026-12-{d:02d}" for d in range(7, 12)]
    assert {d["week_leader_name"] for d in week["results"]} == {"局长甲"}
    mine = api.get(f"{BASE}/duty-days/", {"leader": h["leader_user"].staff_member.pk}).json()
    assert mine["count"] in (7, 8)
    with at(2026, 11, 25):
        draft = (
            api_as(h["supervisor"])
            .post(f"{BASE}/plans/", {"centre": h["centre"].pk, "month": "2027-01-01"}, format="json")
            .json()
        )
    second = api_as(h["supervisor"]).post(
        f"{BASE}/duty-days/", {"plan": draft["id"], "day": "2027-01-04", "leader": h["leaders"][0].pk}, format="json"
    )
    assert second.status_code == 400 and "day" in second.json()
    published_day = published.duty_days.first()
    changed = api_as(h["supervisor"]).post(
        f"{BASE}/duty-days/{published_day.pk}/set-leader/", {"leader": h["leaders"][0].pk}, format="json"
    )
    assert changed.status_code == 409


def test_substitution_approved_through_the_api_when_approval_is_on(roster_hall, published, needs_approval):
    h = roster_hall
    leader = h["leader_user"].staff_member
    day = published.duty_days.filter(leader=leader).order_by("day").first().day
    substitute = next(
        p for p in h["leaders"] if p.pk != leader.pk and not published.duty_days.filter(day=day, leader=p)
    )
    body = {"absent": leader.pk, "substitute": substitute.pk, "day": str(day), "duty": "duty_leader", "reason": "开会"}
    with at(2026, 11, 30):
        filed = api_as(h["leader_user"]).post(f"{BASE}/substitutions/", body, format="json")
        assert filed.status_code == 201, filed.json()
        sid = filed.json()["id"]
        assert api_as(h["leader_user"]).post(f"{BASE}/substitutions/{sid}/approve/").status_code == 403
        assert api_as(h["town_supervisor"]).post(f"{BASE}/substitutions/{sid}/approve/").status_code == 404
        approved = api_as(h["supervisor"]).post(
            f"{BASE}/substitutions/{sid}/approve/", {"note": "同意"}, format="json"
        )
        assert approved.status_code == 200 and approved.json()["status"] == "approved"
        assert api_as(h["supervisor"]).post(f"{BASE}/substitutions/{sid}/reject/", {"note": "x"}).status_code == 409
        on_leave = api_as(h["desk"]).post(
            f"{BASE}/substitutions/", {**body, "absent": h["helpers"][0].pk}, format="json"
        )
        assert on_leave.status_code == 403
    day_row = api_as(h["leader_user"]).get(f"{BASE}/duty-days/", {"day": str(day)}).json()["results"][0]
    assert day_row["leader"] == substitute.pk and day_row["substituted"] is True
    assert api_as(h["supervisor"]).get(f"{BASE}/substitutions/", {"status": "approved"}).json()["count"] == 1


def test_check_in_through_the_api(roster_hall, published):
    h = roster_hall
    with at(2026, 12, 9, 8, 50, 0):
        mine = api_as(h["helper_user"]).post(f"{BASE}/check-ins/", {"badge_worn": True}, format="json")
        assert mine.status_code == 201 and mine.json()["status"] == "on_time"
        assert api_as(h["helper_user"]).post(f"{BASE}/check-ins/", {}, format="json").status_code == 409
        other = api_as(h["desk"]).post(f"{BASE}/check-ins/", {"staff": h["helpers"][0].pk}, format="json")
        assert other.status_code == 403
    with at(2026, 12, 9, 8, 52):
        recorded = api_as(h["leader_user"]).post(
            f"{BASE}/check-ins/", {"staff": h["helpers"][0].pk, "badge_worn": True}, format="json"
        )
        assert recorded.status_code == 201 and recorded.json()["status"] == "late"
    # Clerks see their own check-ins, duty leaders the centre's.
    assert api_as(h["helper_user"]).get(f"{BASE}/check-ins/").json()["count"] == 1
    late = api_as(h["leader_user"]).get(f"{BASE}/check-ins/", {"day": "2026-12-09", "status": "late"}).json()
    assert [c["staff"] for c in late["results"]] == [h["helpers"][0].pk]
    assert CheckIn.objects.count() == 2


def test_unavailability_through_the_api(roster_hall):
    h = roster_hall
    body = {"staff": h["helpers"][0].pk, "start": "2026-12-07", "end": "2026-12-09", "kind": "leave", "note": "年假"}
    api = api_as(h["supervisor"])
    created = api.post(f"{BASE}/unavailability/", body, format="json")
    assert created.status_code == 201
    assert api.post(f"{BASE}/unavailability/", body, format="json").json()["id"] == created.json()["id"]
    backwards = api.post(f"{BASE}/unavailability/", {**body, "end": "2026-12-01"}, format="json")
    assert backwards.status_code == 400 and "end" in backwards.json()
    assert api.get(f"{BASE}/unavailability/", {"on": "2026-12-08"}).json()["count"] == 1
    assert api_as(h["desk"]).post(f"{BASE}/unavailability/", body, format="json").status_code == 403
    assert api_as(h["town_supervisor"]).delete(f"{BASE}/unavailability/{created.json()['id']}/").status_code == 404
    assert api.delete(f"{BASE}/unavailability/{created.json()['id']}/").status_code == 204


def test_the_schema_documents_the_rosters_endpoints(roster_hall, client):
    client.force_login(roster_hall["supervisor"])
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in ("/api/v1/rosters/plans/{id}/publish/", "/api/v1/rosters/substitutions/{id}/approve/"):
        assert path in text
