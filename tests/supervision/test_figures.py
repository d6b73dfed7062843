"""The daily figures the dashboard sums stay equal to the ledger, whatever path changes it.

The strongest check: after a run of arbitrary changes (queryset updates, deletes, forwarding, evaluations
invalidated, consultations linked), the figures refreshed incrementally from the stale days equal figures
rebuilt from scratch. The hand-computed figures of the dashboard are in test_statistics.py.
"""

import random
from datetime import date

import pytest
from django.db import connection
from django.db.models import F

from hallservice.core.models import CalendarOverride
from requests.models import Consultation, Evaluation, ServiceRequest
from supervision.choices import FigureMeasure
from supervision.figures import (
    COUNTERS,
    expected_trigger_names,
    install_triggers,
    mark_all_days_stale,
    refresh_figures,
    trigger_names,
)
from supervision.models import DailyFigure, LedgerGap, MonthlyFigure, StaleDay, StaleRequest
from supervision.scope import build_scope
from supervision.statistics import compute_statistics, whole_months

from .conftest import TODAY, at, drop_trigger, run_at_once

NOVEMBER = {"date_from": date(2026, 11, 1), "date_to": date(2026, 11, 30)}


def snapshot() -> list[tuple]:
    """Every daily and monthly figure row, in a stable order."""
    rows = [
        ("day", *row) for row in DailyFigure.objects.values_list("day", "centre_id", "measure", "key", *COUNTERS)
    ] + [
        ("month", *row) for row in MonthlyFigure.objects.values_list("month", "centre_id", "measure", "key", *COUNTERS)
    ]
    return sorted(rows, key=str)


def rebuilt_from_scratch() -> list[tuple]:
    DailyFigure.objects.all().delete()
    MonthlyFigure.objects.all().delete()
    StaleDay.objects.all().delete()
    mark_all_days_stale()
    refresh_figures()
    return snapshot()


def stats(user):
    return compute_statistics(build_scope(user, centre_id=None, **NOVEMBER), today=TODAY)


def test_every_trigger_is_installed_by_migrate(db):
    assert expected_trigger_names() <= trigger_names()


def test_a_queryset_update_shows_on_the_next_view(november, supervisor_user):
    before = stats(supervisor_user)
    assert (before.refused, before.accepted) == (1, 3)
    r4 = november["requests"]["r4"]
    # No service, no signal: a bulk fix in code or the shell.
    ServiceRequest.objects.filter(pk=r4.pk).update(status="refused", accepted_at=None)

    after = stats(supervisor_user)

    assert (after.refused, after.accepted) == (2, 2)


def test_forwarding_moves_the_request_and_its_evaluation_to_the_other_centre(november, supervisor_user, hall):
    r1 = november["requests"]["r1"]
    before = stats(supervisor_user)
    assert (before.registered, before.completed, before.evaluations) == (5, 3, 2)

    ServiceRequest.objects.filter(pk=r1.pk).update(centre=november["other"])

    after = stats(supervisor_user)
    assert (after.registered, after.completed, after.evaluations) == (4, 2, 1)
    assert [h.name for h in after.helpers if h.evaluations] == ["甲帮办"]  # r2's ★2 only
    assert next(h for h in after.helpers if h.name == "甲帮办").average_rating == 2


def test_a_new_helper_for_a_request_moves_its_evaluation(november, supervisor_user):
    r2 = november["requests"]["r2"]
    ServiceRequest.objects.filter(pk=r2.pk).update(helper=november["helpers"]["h2"])

    by_name = {h.name: h for h in stats(supervisor_user).helpers}

    assert (by_name["乙帮办"].evaluations, by_name["乙帮办"].poor) == (1, 1)
    assert (by_name["甲帮办"].evaluations, by_name["甲帮办"].average_rating) == (1, 5)


def test_deleting_a_request_removes_it_and_its_evaluation(november, supervisor_user):
    stats(supervisor_user)
    november["requests"]["r2"].delete()

    after = stats(supervisor_user)

    assert (after.registered, after.completed, after.evaluations, after.satisfied) == (4, 2, 1, 1)


def test_an_invalidated_evaluation_and_a_linked_consultation_show(november, supervisor_user):
    stats(supervisor_user)
    Evaluation.objects.filter(request=november["requests"]["r2"]).update(is_invalid=True)
    Consultation.objects.filter(request__isnull=True, centre=november["requests"]["r1"].centre).update(
        request=november["requests"]["r3"]
    )

    after = stats(supervisor_user)

    assert (after.evaluations, after.satisfied) == (1, 1)
    assert (after.consultations, after.consultations_converted) == (2, 2)


def test_a_change_no_figure_reads_marks_no_day_stale(november, supervisor_user):
    stats(supervisor_user)
    assert not StaleDay.objects.exists()

    ServiceRequest.objects.filter(pk=november["requests"]["r1"].pk).update(result="已办结，证照已寄出")
    ServiceRequest.objects.filter(pk=november["requests"]["r4"].pk).update(overdue_flagged_on=TODAY)

    assert not StaleDay.objects.exists()


def test_a_change_marks_its_old_and_new_days(november):
    refresh_figures()
    r2 = november["requests"]["r2"]  # registered 3 Nov, accepted 4 Nov, completed 13 Nov
    ServiceRequest.objects.filter(pk=r2.pk).update(completed_at=at(11, 16))

    assert set(StaleDay.objects.values_list("day", flat=True)) == {
        date(2026, 11, 3),
        date(2026, 11, 4),
        date(2026, 11, 13),
        date(2026, 11, 16),
    }


def test_the_day_is_the_local_date(november):
    refresh_figures()
    # r8 was registered at 00:10 on 1 December in Beijing, still 30 November in UTC.
    ServiceRequest.objects.filter(pk=november["requests"]["r8"].pk).update(kind="agency")

    assert set(StaleDay.objects.values_list("day", flat=True)) == {date(2026, 12, 1)}


def test_a_lost_trigger_is_put_back_and_every_day_rebuilt(november):
    refresh_figures()
    expected = snapshot()
    drop_trigger("hall_stale_request_days_update", "requests_servicerequest")
    # A change while the trigger was missing (as during a migration that rebuilt the table on SQLite).
    ServiceRequest.objects.filter(pk=november["requests"]["r3"].pk).update(channel="online")
    assert not StaleDay.objects.exists()

    assert install_triggers() is True
    refresh_figures()

    assert expected_trigger_names() <= trigger_names()
    changed = snapshot()
    assert changed != expected and changed == rebuilt_from_scratch()
    assert install_triggers() is False  # nothing missing now: nothing marked


def test_incremental_refresh_equals_a_rebuild_from_scratch_after_random_changes(november):
    reqs = list(november["requests"].values())
    helpers = list(november["helpers"].values())
    centres = sorted({r.centre for r in reqs}, key=lambda c: c.pk)
    rnd = random.Random(20261201)
    moments = [at(10, 30, 12), at(11, 1, 0, 5), at(11, 15, 16), at(11, 30, 23, 59), at(12, 1, 8)]

    def change() -> None:
        req = rnd.choice(reqs)
        rows = ServiceRequest.objects.filter(pk=req.pk)
        match rnd.randrange(9):
            case 0:
                rows.update(status=rnd.choice(["refused", "delivered", "in_progress", "archived"]))
            case 1:
                rows.update(centre=rnd.choice(centres))
            case 2:
                rows.update(helper=rnd.choice(helpers))
            case 3:
                rows.update(deficiency_notices=F("deficiency_notices") + 1)
            case 4:
                rows.update(completed_at=rnd.choice([None, *moments]))
            case 5:
                rows.update(applied_at=rnd.choice(moments), accepted_at=rnd.choice([None, *moments]))
            case 6:
                Evaluation.objects.update_or_create(
                    request=req, defaults={"rating": rnd.randint(1, 5), "is_invalid": rnd.random() < 0.2}
                )
            case 7:
                # Unlink the request's consultation, or link a free one to it, at another moment.
                if Consultation.objects.filter(request=req).update(request=None):
                    return
                free = Consultation.objects.filter(request__isnull=True).order_by("pk").first()
                if free:
                    Consultation.objects.filter(pk=free.pk).update(request=req, created_at=rnd.choice(moments))
            case 8:
                rows.update(deadline=rnd.choice([None, date(2026, 11, 3), date(2026, 11, 14), date(2026, 12, 2)]))

    refresh_figures()
    for step in range(40):
        change()
        if step % 5 == 4:
            refresh_figures()
            incremental = snapshot()
            assert incremental == rebuilt_from_scratch(), f"after step {step}"
    reqs[0].delete()
    refresh_figures()
    assert snapshot() == rebuilt_from_scratch()


def test_refreshing_twice_changes_nothing(november):
    assert refresh_figures() > 0
    first = snapshot()

    assert refresh_figures() == 0
    assert snapshot() == first


def test_the_measures_cover_the_fixture(november):
    refresh_figures()

    assert set(DailyFigure.objects.values_list("measure", flat=True)) == set(FigureMeasure.values)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_refreshes_racing_on_postgresql_rebuild_each_day_once(require_postgres, november):
    expected = rebuilt_from_scratch()
    mark_all_days_stale()
    errors = run_at_once(refresh_figures)

    assert not errors
    assert snapshot() == expected
    assert not StaleDay.objects.exists()


def test_the_beat_task_rebuilds_the_stale_days(november):
    from hallservice.celery import app
    from supervision.tasks import statistics_figures_refresh

    assert "supervision.tasks.statistics_figures_refresh" in {e["task"] for e in app.conf.beat_schedule.values()}
    days = StaleDay.objects.values("day").distinct().count()
    requests = StaleRequest.objects.values("request_id").distinct().count()

    assert statistics_figures_refresh.delay().get() == {"days": days, "requests": requests}
    assert not StaleDay.objects.exists() and DailyFigure.objects.exists()
    assert not StaleRequest.objects.exists() and LedgerGap.objects.exists()


def test_the_command_rebuilds_every_day_with_all(november):
    from io import StringIO

    from django.core.management import call_command

    refresh_figures()
    expected = snapshot()
    DailyFigure.objects.all().delete()  # e.g. figures lost in a partial restore
    LedgerGap.objects.all().delete()
    out = StringIO()

    call_command("refresh_statistics", "--all", stdout=out)

    assert snapshot() == expected
    assert LedgerGap.objects.filter(request=november["requests"]["r2"], no_summary=True).exists()
    assert "Rebuilt the daily figures of" in out.getvalue() and "Rebuilt every ledger gap." in out.getvalue()


def test_a_refresh_costs_the_same_statements_for_two_days_or_twenty(november):
    from django.test.utils import CaptureQueriesContext

    refresh_figures()
    r1, r2 = november["requests"]["r1"], november["requests"]["r2"]

    def statements_to_refresh(days: int) -> int:
        for day in range(1, days + 1):
            # Registered and completed on `day` days of November: 1 to 2 * days stale days.
            ServiceRequest.objects.filter(pk=r1.pk).update(applied_at=at(11, day), completed_at=at(11, 30 - day))
        ServiceRequest.objects.filter(pk=r2.pk).update(channel="phone")
        with CaptureQueriesContext(connection) as queries:
            refresh_figures()
        return len(queries)

    assert statements_to_refresh(1) == statements_to_refresh(10)


def test_monthly_figures_are_the_sums_of_the_daily_ones(november):
    refresh_figures()
    by_day = {}
    for row in DailyFigure.objects.values("centre_id", "measure", "key", *COUNTERS):
        key = (row.pop("centre_id"), row.pop("measure"), row.pop("key"))
        by_day[key] = {c: by_day.get(key, {}).get(c, 0) + row[c] for c in COUNTERS}
    # The fixture's figures lie in October, November and December: compare the three months together.
    by_month = {}
    for row in MonthlyFigure.objects.values("centre_id", "measure", "key", *COUNTERS):
        key = (row.pop("centre_id"), row.pop("measure"), row.pop("key"))
        by_month[key] = {c: by_month.get(key, {}).get(c, 0) + row[c] for c in COUNTERS}

    assert by_month == by_day
    assert set(MonthlyFigure.objects.values_list("month", flat=True)) == {
        date(2026, 10, 1),
        date(2026, 11, 1),
        date(2026, 12, 1),
    }


@pytest.mark.parametrize(
    ("date_from", "date_to", "expected"),
    [
        (date(2026, 11, 1), date(2026, 11, 30), (date(2026, 11, 1), date(2026, 11, 1))),
        (date(2026, 10, 15), date(2026, 12, 10), (date(2026, 11, 1), date(2026, 11, 1))),
        (date(2026, 11, 2), date(2026, 11, 30), None),
        (date(2026, 11, 1), date(2026, 11, 29), None),
        (date(2026, 1, 1), date(2026, 12, 31), (date(2026, 1, 1), date(2026, 12, 1))),
        (date(2026, 2, 1), date(2026, 2, 28), (date(2026, 2, 1), date(2026, 2, 1))),
    ],
)
def test_whole_months_of_a_period(date_from, date_to, expected):
    assert whole_months(date_from, date_to) == expected


def test_a_period_across_months_adds_months_and_days(november, supervisor_user):
    scope = build_scope(supervisor_user, centre_id=None, date_from=date(2026, 10, 28), date_to=date(2026, 12, 1))

    figures = compute_statistics(scope, today=TODAY)

    # r5 (28 Oct) and r8 (00:10 on 1 Dec) by day, November (r1–r4, r6) by month.
    assert (figures.registered, figures.accepted, figures.refused) == (7, 4, 1)
    assert figures.completed == 3 and figures.median_working_days == 4
    assert [(m, reg) for m, reg, _done in figures.monthly] == [
        (date(2026, 10, 1), 1),
        (date(2026, 11, 1), 5),
        (date(2026, 12, 1), 1),
    ]


def test_a_calendar_override_recounts_the_working_days_it_spans(november, supervisor_user):
    refresh_figures()
    r2 = november["requests"]["r2"]  # accepted Wednesday 4 Nov, completed Friday 13 Nov: 7 working days

    def r2_days() -> set[str]:
        return set(
            DailyFigure.objects.filter(
                day=date(2026, 11, 13), centre=r2.centre, measure=FigureMeasure.COMPLETED_BY_WORKING_DAYS
            ).values_list("key", flat=True)
        )

    assert r2_days() == {"7"}
    CalendarOverride.objects.create(date=date(2026, 11, 10), is_working_day=False, note="临时调休")

    # Completions accepted before 10 Nov and completed on or after it: r2 (13 Nov) and r7 (12 Nov).
    assert set(StaleDay.objects.values_list("day", flat=True)) == {date(2026, 11, 12), date(2026, 11, 13)}
    refresh_figures()
    assert r2_days() == {"6"}
    CalendarOverride.objects.filter(date=date(2026, 11, 10)).delete()
    refresh_figures()
    assert r2_days() == {"7"}


def test_after_migrate_a_lost_trigger_is_put_back_and_the_figures_rebuilt_at_once(november):
    from supervision.apps import _install_supervision_triggers

    refresh_figures()
    drop_trigger("hall_stale_evaluation_days_update", "requests_evaluation")
    Evaluation.objects.filter(request=november["requests"]["r1"]).update(rating=3)

    _install_supervision_triggers(sender=None, using="default")

    assert expected_trigger_names() <= trigger_names()
    assert not StaleDay.objects.exists()
    rows = dict(
        DailyFigure.objects.filter(measure=FigureMeasure.EVALUATED_BY_RATING, day=date(2026, 11, 6)).values_list(
            "key", "total"
        )
    )
    assert rows == {"3": 1}


def test_a_trigger_defined_otherwise_is_replaced_by_this_codes_definition(november):
    # As after an upgrade whose triggers read another column, or a database moved to another TIME_ZONE.
    refresh_figures()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE OR REPLACE FUNCTION hall_stale_request_days() RETURNS trigger LANGUAGE plpgsql "
                "AS $body$ BEGIN RETURN NULL; END $body$"
            )
        else:
            cursor.execute("DROP TRIGGER hall_stale_request_days_update")
            cursor.execute(
                "CREATE TRIGGER hall_stale_request_days_update AFTER UPDATE ON requests_servicerequest "
                "BEGIN SELECT 1; END"
            )
    ServiceRequest.objects.filter(pk=november["requests"]["r3"].pk).update(channel="online")
    assert not StaleDay.objects.exists()

    assert install_triggers() is True
    refresh_figures()
    assert install_triggers() is False
    ServiceRequest.objects.filter(pk=november["requests"]["r3"].pk).update(channel="phone")

    assert set(StaleDay.objects.values_list("day", flat=True)) == {date(2026, 11, 10)}


def test_a_poor_efficiency_rating_with_a_satisfied_overall_counts_as_a_poor_rating(november, supervisor_user):
    r1 = november["requests"]["r1"]  # ★5 overall, evaluated 11-06 for 甲帮办
    before = next(h for h in stats(supervisor_user).helpers if h.name == "甲帮办")
    # 办事效率 不满意 with overall 满意: the evaluation that opens a rectification case is a poor rating here too.
    Evaluation.objects.filter(request=r1).update(efficiency=2)

    after = next(h for h in stats(supervisor_user).helpers if h.name == "甲帮办")

    assert after.poor == before.poor + 1
    assert after.average_rating == before.average_rating  # the average stays the overall rating's
    assert snapshot() == rebuilt_from_scratch()
