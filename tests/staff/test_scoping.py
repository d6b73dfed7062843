"""A user sees their own centre; supervisors also see the centres below theirs."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from hallservice.core import scoping
from requests.models import ServiceRequest
from staff.models import ServiceCentre, StaffMember, Window
from staff.roles import Role
from tests.conftest import make_staff_user
from tests.factories import ServiceRequestFactory, UserFactory, WindowFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def windows(hall):
    return {key: WindowFactory(centre=centre, number=f"{key}-1") for key, centre in hall.items()}


def visible_codes(user):
    return set(ServiceCentre.objects.restrict(user).values_list("code", flat=True))


def test_front_desk_sees_only_its_own_centre(hall, windows):
    clerk = make_staff_user(role=Role.FRONT_DESK, centre=hall["town"], username="town-clerk")
    assert visible_codes(clerk) == {"JD"}
    assert set(Window.objects.restrict(clerk)) == {windows["town"]}


def test_district_supervisor_sees_towns_and_villages(hall, windows):
    supervisor = make_staff_user(role=Role.SUPERVISOR, centre=hall["district"], username="sup")
    assert visible_codes(supervisor) == {"XH", "JD", "JDC"}
    assert set(Window.objects.restrict(supervisor)) == set(windows.values())


def test_town_supervisor_does_not_see_the_district(hall, windows):
    supervisor = make_staff_user(role=Role.SUPERVISOR, centre=hall["town"], username="town-sup")
    assert visible_codes(supervisor) == {"JD", "JDC"}
    assert StaffMember.objects.restrict(supervisor).filter(centre=hall["district"]).count() == 0


def test_admin_sees_everything_and_a_login_without_staff_record_nothing(hall, windows, admin_user_role):
    assert visible_codes(admin_user_role) == {"XH", "JD", "JDC"}
    stranger = UserFactory(username="stranger")
    assert visible_codes(stranger) == set()
    assert not Window.objects.restrict(stranger).exists()


# --- The kernel's scoped queryset: paths declared per model --------------------------------------------------


def test_a_request_is_visible_through_either_of_its_paths_but_acted_on_only_through_its_centre(hall):
    forwarded = ServiceRequestFactory(centre=hall["district"], origin_centre=hall["town"])
    town_clerk = make_staff_user(role=Role.FRONT_DESK, centre=hall["town"], username="town-clerk")
    assert list(ServiceRequest.objects.restrict(town_clerk)) == [forwarded]
    assert not ServiceRequest.objects.restrict(town_clerk, via="centre").exists()


def test_admin_sees_every_request_however_many_paths_are_ored(hall, admin_user_role):
    ServiceRequestFactory(centre=hall["village"], origin_centre=hall["village"])
    ServiceRequestFactory(centre=hall["district"], origin_centre=hall["town"])
    assert ServiceRequest.objects.restrict(admin_user_role).count() == 2


def test_a_path_the_model_does_not_declare_is_refused(hall):
    clerk = make_staff_user(role=Role.FRONT_DESK, centre=hall["town"], username="town-clerk")
    with pytest.raises(ValueError, match="not a centre path"):
        ServiceRequest.objects.restrict(clerk, via="helper__centre")


def test_without_a_registered_rule_the_kernel_refuses_rather_than_showing_everything(hall, monkeypatch):
    monkeypatch.setattr(scoping, "_centre_filter", None)
    with pytest.raises(ImproperlyConfigured):
        list(Window.objects.restrict(UserFactory(username="anyone")))
