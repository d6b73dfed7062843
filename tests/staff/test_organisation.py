"""The centre tree, staff assignments, the two-specialists rule and role groups."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from hallservice.core.errors import PermissionDenied
from staff.models import CentreLevel, ServiceCentre, SpecialistRole, StaffKind, StaffMember
from staff.roles import ROLE_PERMISSIONS, Role
from staff.selectors import departments_short_of_specialists
from staff.services import centre_move, staff_assign_window
from tests.factories import DepartmentFactory, StaffMemberFactory, WindowFactory

pytestmark = pytest.mark.django_db


def test_a_centre_cannot_become_its_own_ancestor(hall, admin_user_role):
    town = hall["town"]
    with pytest.raises(ValidationError) as err:
        centre_move(actor=admin_user_role, centre_id=town.pk, parent_id=hall["village"].pk)
    assert "parent" in err.value.message_dict
    assert "own sub-centres" in err.value.message_dict["parent"][0] or "下级" in err.value.message_dict["parent"][0]
    town.refresh_from_db()
    assert town.parent_id == hall["district"].pk


def test_a_centre_cannot_be_its_own_parent(hall):
    district = hall["district"]
    district.parent = district
    with pytest.raises(ValidationError):
        district.full_clean()


@pytest.mark.parametrize(
    ("level", "parent_key"),
    [(CentreLevel.VILLAGE, "district"), (CentreLevel.TOWN, "town"), (CentreLevel.DISTRICT, "district")],
)
def test_parent_level_must_match(hall, level, parent_key):
    centre = ServiceCentre(code="NEW", name="新中心", level=level, parent=hall[parent_key])
    with pytest.raises(ValidationError) as err:
        centre.full_clean()
    assert "parent" in err.value.message_dict
    assert not ServiceCentre.objects.filter(code="NEW").exists()


def test_valid_village_under_town_passes(hall):
    ServiceCentre(code="NEWV", name="新村站", level=CentreLevel.VILLAGE, parent=hall["town"]).full_clean()


def test_moving_a_town_needs_an_administrator(hall, front_desk_user):
    with pytest.raises(PermissionDenied):
        centre_move(actor=front_desk_user, centre_id=hall["town"].pk, parent_id=hall["district"].pk)


def test_staff_cannot_be_assigned_a_window_of_another_centre(hall, admin_user_role):
    member = StaffMemberFactory(centre=hall["town"])
    foreign_window = WindowFactory(centre=hall["district"], number="A01")
    with pytest.raises(ValidationError) as err:
        staff_assign_window(actor=admin_user_role, staff_id=member.pk, window_id=foreign_window.pk)
    assert "window" in err.value.message_dict
    member.refresh_from_db()
    assert member.window_id is None

    own_window = WindowFactory(centre=hall["town"], number="T01")
    staff_assign_window(actor=admin_user_role, staff_id=member.pk, window_id=own_window.pk)
    member.refresh_from_db()
    assert member.window_id == own_window.pk


def test_staff_clean_refuses_foreign_window(hall):
    member = StaffMemberFactory.build(
        centre=hall["town"], window=WindowFactory(centre=hall["district"]), user=StaffMemberFactory().user
    )
    with pytest.raises(ValidationError) as err:
        member.full_clean(exclude=["user"])
    assert "window" in err.value.message_dict


def test_specialist_needs_department_and_role(hall):
    member = StaffMember(name="甲", kind=StaffKind.SPECIALIST, centre=hall["district"])
    with pytest.raises(ValidationError) as err:
        member.clean()
    assert {"department", "specialist_role"} <= set(err.value.message_dict)


def test_departments_short_of_specialists_are_reported(hall):
    complete = DepartmentFactory(name="不动产登记中心")
    half = DepartmentFactory(name="住房公积金管理中心")
    empty = DepartmentFactory(name="民政局")
    for role in (SpecialistRole.COORDINATOR, SpecialistRole.WORKER):
        StaffMemberFactory(
            centre=hall["district"], kind=StaffKind.SPECIALIST, department=complete, specialist_role=role
        )
    StaffMemberFactory(
        centre=hall["district"], kind=StaffKind.SPECIALIST, department=half, specialist_role=SpecialistRole.WORKER
    )
    StaffMemberFactory(
        centre=hall["district"], kind=StaffKind.SPECIALIST, department=half, specialist_role=SpecialistRole.WORKER
    )
    short = set(departments_short_of_specialists().values_list("name", flat=True))
    assert short == {half.name, empty.name}


def test_every_role_is_a_group_with_its_permissions():
    for role in Role:
        group = Group.objects.get(name=role.value)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert held == set(ROLE_PERMISSIONS[role])


def test_admin_group_may_manage_reference_data_and_front_desk_may_not(front_desk_user, admin_user_role):
    assert admin_user_role.has_perm("requests.change_matter")
    assert admin_user_role.has_perm("staff.add_window")
    assert front_desk_user.has_perm("requests.view_matter")
    assert not front_desk_user.has_perm("requests.change_matter")
