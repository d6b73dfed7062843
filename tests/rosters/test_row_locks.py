"""On PostgreSQL, with real row locks: filing a substitution and checking in lock the person's row only, never the
centre's, so two filings for different people of one centre cannot deadlock (the API fuzzer's 500: each filing
locked its person and the shared centre row in the same statement, in no fixed order)."""

import threading
from contextlib import contextmanager

import pytest
from django.db import connection, connections, transaction

from rosters.models import Duty, SubstitutionStatus
from rosters.services import checkin_record
from staff.models import ServiceCentre

from .conftest import at, file_substitution, own_day_and_free_leader

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@contextmanager
def centre_row_shared_elsewhere(centre_id: int):
    """Another transaction holds a share lock on the centre's row, which the foreign-key checks of other writes
    coexist with but a FOR UPDATE of the centre waits for; the body runs with a short lock timeout, so such a wait
    fails at once instead of hanging."""
    locked, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                table = ServiceCentre._meta.db_table
                cursor.execute(f'SELECT 1 FROM "{table}" WHERE id = %s FOR SHARE', [centre_id])  # noqa: S608
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


def test_filing_a_substitution_does_not_wait_for_the_centre_row(require_postgres, roster_hall, published):
    h = roster_hall
    leader, day, substitute = own_day_and_free_leader(h, published)
    with at(2026, 11, 30), centre_row_shared_elsewhere(h["centre"].pk):
        sub = file_substitution(h["leader_user"], leader.pk, substitute.pk, day, Duty.DUTY_LEADER, "外出开会")
    assert sub.status == SubstitutionStatus.FILED and published.duty_days.get(day=day).leader == substitute


def test_checking_in_does_not_wait_for_the_centre_row(require_postgres, roster_hall, published):
    h = roster_hall
    with at(2026, 12, 1, 8, 20), centre_row_shared_elsewhere(h["centre"].pk):
        check_in = checkin_record(actor=h["leader_user"], badge_worn=True)
    assert check_in.staff == h["leader_user"].staff_member and check_in.badge_worn
