"""The rosters' admin lists only the rows of the user's centres, as the pages do.

A supervisor is staff in the admin (for the display board's notices) and holds the rosters' view permissions, so an
unscoped changelist showed another district's absences, check-ins and roster history.
"""

from datetime import date

import pytest
from django.urls import reverse

from rosters.models import RosterEvent, RosterVerb, Unavailability, UnavailabilityKind
from staff.roles import Role
from tests.conftest import make_staff_user
from tests.factories import DistrictFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_districts(hall):
    other = DistrictFactory(code="OT", name="另一区政务服务中心")
    for centre, name in ((hall["district"], "本区帮办"), (other, "外区帮办")):
        member = StaffMemberFactory(centre=centre, name=name)
        Unavailability.objects.create(
            staff=member, start=date(2026, 12, 1), end=date(2026, 12, 2), kind=UnavailabilityKind.LEAVE, note=name
        )
        RosterEvent.objects.create(centre=centre, verb=RosterVerb.PLAN_GENERATED, note=f"{name}的排班")
    supervisors = {}
    for centre, username in ((hall["district"], "sup-xh"), (other, "sup-ot")):
        user = make_staff_user(role=Role.SUPERVISOR, centre=centre, username=username)
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        supervisors[username] = user
    return supervisors


@pytest.mark.parametrize(
    ("username", "shown", "hidden"), [("sup-xh", "本区帮办", "外区帮办"), ("sup-ot", "外区帮办", "本区帮办")]
)
def test_a_supervisor_sees_only_the_own_districts_absences(client, two_districts, username, shown, hidden):
    client.force_login(two_districts[username])
    body = client.get(reverse("admin:rosters_unavailability_changelist")).content.decode()
    assert shown in body and hidden not in body


def test_the_roster_history_in_the_admin_is_scoped_like_the_pages_and_whole_for_the_admin(rf, two_districts):
    from django.contrib import admin

    history = admin.site._registry[RosterEvent]
    for username, shown in (("sup-xh", "本区帮办的排班"), ("sup-ot", "外区帮办的排班")):
        request = rf.get("/")
        request.user = two_districts[username]
        assert [e.note for e in history.get_queryset(request)] == [shown]
    request = rf.get("/")
    request.user = make_staff_user(role=Role.ADMIN, centre=two_districts["sup-xh"].staff_member.centre, username="it")
    assert sorted(e.note for e in history.get_queryset(request)) == ["外区帮办的排班", "本区帮办的排班"]
