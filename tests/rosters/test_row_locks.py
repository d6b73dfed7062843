"""On PostgreSQL, with real row locks: filing a substitution, checking in and generating a plan never wait for a write
that merely points at the rows they lock (the centre, the person).

Every insert of a row pointing at a centre or a person holds a key-share lock on it until commit (the foreign-key
check). The API fuzzer found two deadlocks (500s) where such writes met: two filings for different people of one
centre (each also locked the centre FOR UPDATE), and a plan being generated (centre locked FOR UPDATE, then inserting
assignments pointing at people) against a check-in or a filing (person locked FOR UPDATE, then inserting a row
pointing at the centre). The services now lock only their own row, with a no-key lock, which key-share locks pass.
"""

import threading
from contextlib import contextmanager

import pytest
from django.db import connection, connections, transaction

from rosters.models import Duty, RotationPlan, SubstitutionStatus
from rosters.services import checkin_record, rotation_plan_generate
from staff.models import ServiceCentre, StaffMember

from .conftest import MONTH, at, file_substitution, own_day_and_free_leader

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@contextmanager
def pointed_at_elsewhere(model, pk: int):
    """Another transaction holds the key-share lock that a write pointing at the row holds until it commits; the
    body runs with a short lock timeout, so waiting for that row fails at once instead of hanging."""
    locked, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                table = model._meta.db_table
                cursor.execute(f'SELECT 1 FROM "{table}" WHERE id = %s FOR KEY SHARE', [pk])  # noqa: S608
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(10)
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '2s'")
    try:
        yield
    finally:
        release.set()
        holder.join()
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")


def test_filing_a_substitution_does_not_wait_for_writes_pointing_at_the_centre_or_the_person(
    require_postgres, roster_hall, published
):
    h = roster_hall
    leader, day, substitute = own_day_and_free_leader(h, published)
    with (
        at(2026, 11, 30),
        pointed_at_elsewhere(ServiceCentre, h["centre"].pk),
        pointed_at_elsewhere(StaffMember, leader.pk),
    ):
        sub = file_substitution(h["leader_user"], leader.pk, substitute.pk, day, Duty.DUTY_LEADER, "外出开会")
    assert sub.status == SubstitutionStatus.FILED and published.duty_days.get(day=day).leader == substitute


def test_checking_in_does_not_wait_for_writes_pointing_at_the_centre_or_the_person(
    require_postgres, roster_hall, published
):
    h = roster_hall
    member = h["leader_user"].staff_member
    with (
        at(2026, 12, 1, 8, 20),
        pointed_at_elsewhere(ServiceCentre, h["centre"].pk),
        pointed_at_elsewhere(StaffMember, member.pk),
    ):
        check_in = checkin_record(actor=h["leader_user"], badge_worn=True)
    assert check_in.staff == member and check_in.badge_worn


def test_generating_a_plan_does_not_wait_for_writes_pointing_at_the_centre(require_postgres, roster_hall):
    h = roster_hall
    with at(2026, 11, 25), pointed_at_elsewhere(ServiceCentre, h["centre"].pk):
        plan = rotation_plan_generate(actor=h["supervisor"], centre_id=h["centre"].pk, month=MONTH)
    assert RotationPlan.objects.get(pk=plan.pk).assignments.exists()
