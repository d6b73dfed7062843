"""A user sees their own centre; supervisors also see the centres below theirs."""

import pytest

from staff.models import ServiceCentre, StaffMember, Window
from staff.roles import Role
from tests.conftest import make_staff_user
from tests.factories import UserFactory, WindowFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def windows(hall):
    return {key: WindowFactory(centre=centre, number=f"{key}-1") for key, centre in hall.items()}


def visible_codes(user):
    return set(ServiceCentre.objects.visible_to(user).values_list("code", flat=True))


def test_front_desk_sees_only_its_own_centre(hall, windows):
    clerk = make_staff_user(role=Role.FRONT_DESK, centre=hall["town"], username="town-clerk")
    assert visible_codes(clerk) == {"JD"}
    assert set(Window.objects.visible_to(clerk)) == {windows["town"]}


def test_district_supervisor_sees_towns_and_villages(hall, windows):
    supervisor = make_staff_user(role=Role.SUPERVISOR, centre=hall["district"], username="sup")
    assert visible_codes(supervisor) == {"XH", "JD", "JDC"}
    assert set(Window.objects.visible_to(supervisor)) == set(windows.values())


def test_town_supervisor_does_not_see_the_district(hall, windows):
    supervisor = make_staff_user(role=Role.SUPERVISOR, centre=hall["town"], username="town-sup")
    assert visible_codes(supervisor) == {"JD", "JDC"}
    assert StaffMember.objects.visible_to(supervisor).filter(centre=hall["district"]).count() == 0


def test_admin_sees_everything_and_a_login_without_staff_record_nothing(hall, windows, admin_user_role):
    assert visible_codes(admin_user_role) == {"XH", "JD", "JDC"}
    stranger = UserFactory(username="stranger")
    assert visible_codes(stranger) == set()
    assert not Window.objects.visible_to(stranger).exists()
