"""Each dashboard figure equals the value computed by hand on the November fixture (see conftest.py)."""

from datetime import date

import pytest
from django.utils import translation

from hallservice.core.errors import DomainError
from requests import services as svc
from requests.models import MaterialStatus
from supervision.scope import build_scope
from supervision.statistics import chart_tables, compute_statistics, headline, weighted_median_working_days

from .conftest import TODAY

pytestmark = pytest.mark.django_db

NOVEMBER = {"date_from": date(2026, 11, 1), "date_to": date(2026, 11, 30)}


def _stats(user, centre_id=None):
    return compute_statistics(build_scope(user, centre_id=centre_id, **NOVEMBER), today=TODAY)


def _rows(rows):
    return {r.label: (r.total, r.accepted, r.refused) for r in rows}


def test_volumes_count_requests_registered_in_the_period_in_beijing_time(november, supervisor_user):
    stats = _stats(supervisor_user)

    # r1 r2 r3 r4 r6; not r5 (October), r8 (1 December 00:10 in Beijing), r7 r9 (another district).
    assert (stats.registered, stats.accepted, stats.refused) == (5, 3, 1)
    assert stats.accepted_rate == 60.0 and stats.refused_rate == 20.0
    assert _rows(stats.by_department) == {"不动产登记中心": (2, 2, 0), "市场监管局": (3, 1, 1)}
    assert {r.key: r.total for r in stats.by_kind} == {"assist": 4, "agency": 1}
    assert {r.key: r.total for r in stats.by_channel} == {
        "hall": 2,
        "window": 1,
        "online": 1,
        "phone": 1,
        "door_to_door": 0,
    }
    category = {r.key: r.total for r in stats.by_category}
    assert category["other"] == 3 and category["special_care"] == 1 and category["key_project"] == 1
    assert category["military"] == 0


def test_completion_figures_count_requests_completed_in_the_period(november, supervisor_user):
    stats = _stats(supervisor_user)

    # r1 (on time, no notice, 3 working days), r2 (late, one notice, 7), r5 (on time, two notices, 4).
    assert (stats.completed, stats.completed_late) == (3, 1)
    assert stats.overdue_rate == 33.3
    assert (stats.completed_without_notice, stats.completed_with_at_most_one_notice) == (1, 2)
    assert stats.one_visit_rate == 33.3 and stats.at_most_one_notice_rate == 66.7
    assert stats.median_working_days == 4
    # r4 is past its deadline today; r9 is too, but in another district.
    assert stats.open_overdue_now == 1


def test_satisfaction_leaves_out_invalidated_ratings_and_other_districts(november, supervisor_user):
    stats = _stats(supervisor_user)

    assert stats.evaluations == 2 and stats.satisfied == 1 and stats.satisfaction_rate == 50.0
    assert {value: n for value, _label, n in stats.ratings} == {5: 1, 4: 0, 3: 0, 2: 1, 1: 0}


def test_consultations_and_their_conversion(november, supervisor_user):
    stats = _stats(supervisor_user)

    assert (stats.consultations, stats.consultations_converted, stats.conversion_rate) == (2, 1, 50.0)


def test_helper_workload(november, supervisor_user):
    stats = _stats(supervisor_user)
    helpers = {h.name: h for h in stats.helpers}

    assert set(helpers) == {"甲帮办", "乙帮办", "丙帮办"}
    first = helpers["甲帮办"]
    assert (first.registered, first.completed, first.late, first.evaluations, first.poor) == (2, 3, 1, 2, 1)
    assert first.average_rating == 3.5 and first.on_time_rate == 66.7
    second = helpers["乙帮办"]
    assert (second.registered, second.open_now, second.completed) == (2, 1, 0)
    assert second.on_time_rate is None


def test_weekly_and_monthly_trends(november, supervisor_user):
    stats = _stats(supervisor_user)

    assert [(f"{w:%m-%d}", reg, done) for w, reg, done in stats.weekly] == [
        ("10-26", 0, 0),
        ("11-02", 2, 2),
        ("11-09", 1, 1),
        ("11-16", 1, 0),
        ("11-23", 0, 0),
        ("11-30", 1, 0),
    ]
    assert stats.monthly == [(date(2026, 11, 1), 5, 3)]


def test_town_supervisor_sees_only_the_town_and_below(november, town_supervisor):
    stats = _stats(town_supervisor)

    assert stats.registered == 1 and stats.completed == 0 and stats.evaluations == 0
    assert [h.name for h in stats.helpers] == ["丙帮办"]


def test_choosing_a_centre_narrows_to_its_subtree(november, supervisor_user, hall):
    town = _stats(supervisor_user, centre_id=hall["town"].pk)

    assert town.registered == 1


def test_a_centre_outside_the_users_view_is_refused(november, town_supervisor, hall):
    with translation.override("en"), pytest.raises(DomainError, match="cannot see"):
        build_scope(town_supervisor, centre_id=hall["district"].pk, **NOVEMBER)


def test_a_period_that_ends_before_it_starts_is_refused(supervisor_user):
    with translation.override("en"), pytest.raises(DomainError, match="ends before"):
        build_scope(supervisor_user, centre_id=None, date_from=date(2026, 11, 30), date_to=date(2026, 11, 1))


def test_empty_period_gives_no_rates_instead_of_zero_division(supervisor_user):
    stats = compute_statistics(build_scope(supervisor_user, centre_id=None, **NOVEMBER), today=TODAY)

    assert stats.registered == 0 and stats.overdue_rate is None and stats.median_working_days is None


def test_the_figures_take_a_constant_number_of_queries(november, supervisor_user, django_assert_max_num_queries):
    scope = build_scope(supervisor_user, centre_id=None, **NOVEMBER)
    # The first call rebuilds every day the fixture touched: a fixed set of grouped statements, however many days
    # (issue 18 added two: urgent requests registered and completed; the priority groups are one UNION ALL).
    with django_assert_max_num_queries(32):
        compute_statistics(scope, today=TODAY)
    # Nothing changed since: (lock,) claim no stale day, sum the daily figures, count what is open now, names.
    with django_assert_max_num_queries(11):
        compute_statistics(scope, today=TODAY)


def test_weighted_median_follows_the_statutory_calendar():
    # National Day 2026: 1–7 October off, Saturday 10 October a working day.
    pairs = [(date(2026, 9, 30), date(2026, 10, 9), 1), (date(2026, 10, 9), date(2026, 10, 12), 3)]

    # 30 Sep → 9 Oct: 8 and 9 October = 2 working days; 9 → 12 Oct: 10 (adjusted) and 12 = 2.
    assert weighted_median_working_days(pairs) == 2
    assert weighted_median_working_days([(date(2026, 11, 2), date(2026, 11, 2), 2)]) == 0
    assert weighted_median_working_days([]) is None


def test_each_deficiency_notice_is_counted_on_the_request(front_desk_user, hall):
    from tests.factories import MatterFactory, RequiredMaterialFactory, registration_input

    matter = MatterFactory()
    RequiredMaterialFactory(matter=matter, name="身份证")
    req = svc.request_register(
        actor=front_desk_user,
        data=registration_input(matter),
    )
    check = req.material_checks.get()
    svc.request_review_materials(
        actor=front_desk_user, request_id=req.pk, reviews=[{"check_id": check.pk, "status": MaterialStatus.MISSING}]
    )

    svc.request_issue_deficiency_notice(actor=front_desk_user, request_id=req.pk)

    req.refresh_from_db()
    assert req.deficiency_notices == 1


def test_urgent_requests_and_priority_groups_are_counted(november, supervisor_user):
    stats = _stats(supervisor_user)

    # Registered in November at XH or JD: r1, r2, r4 urgent; r7 is another district's.
    assert stats.urgent_registered == 3
    # Completed in November: r1 by its target, r2 after it (r5 was not urgent).
    assert (stats.urgent_completed, stats.urgent_met_target, stats.urgent_met_target_rate) == (2, 1, 50.0)
    assert {r.key: r.total for r in stats.by_priority_group} == {
        "elderly": 1,
        "disabled": 1,
        "pregnant": 0,  # r7, in another district
        "military": 1,
        "key_project": 1,
    }
    with translation.override("zh-hans"):
        table = chart_tables(stats)["priority"]
        figures = dict(headline(stats))
    assert table["title"] == "优先群体" and ["老年人", 1, 1, 0] in table["rows"]
    assert figures["登记的急办件"] == 3 and figures["内部目标达成率（%）"] == 50.0
