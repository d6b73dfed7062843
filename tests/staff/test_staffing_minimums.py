"""The staffing minimums: two full-time helpers per centre, one or two window helpers per window department."""

import pytest
from django.urls import reverse

from staff.models import ServiceCentre, StaffKind
from staff.roles import Role
from staff.selectors import staffing_shortfalls
from tests.conftest import make_staff_user
from tests.factories import DepartmentFactory, StaffMemberFactory, WindowFactory

pytestmark = pytest.mark.django_db


def helpers(centre, n, **fields):
    return [StaffMemberFactory(centre=centre, kind=StaffKind.FULL_TIME_HELPER, **fields) for _ in range(n)]


def window_helpers(centre, department, n, **fields):
    return [
        StaffMemberFactory(centre=centre, kind=StaffKind.WINDOW_HELPER, department=department, **fields)
        for _ in range(n)
    ]


def centre_counts(shortfalls):
    return {s.centre_id: s.count for s in shortfalls if s.department_id is None}


def department_counts(shortfalls):
    return {(s.centre_id, s.department_id): s.count for s in shortfalls if s.department_id is not None}


@pytest.mark.parametrize(("count", "short"), [(0, True), (1, True), (2, False), (3, False)])
def test_a_centre_needs_two_active_full_time_helpers(hall, count, short):
    district = hall["district"]
    helpers(district, count)
    assert centre_counts(staffing_shortfalls([district])) == ({district.pk: count} if short else {})


def test_only_active_full_time_helpers_count_towards_the_centres_two(hall):
    district = hall["district"]
    helpers(district, 1)
    helpers(district, 2, is_active=False)
    StaffMemberFactory(centre=district, kind=StaffKind.DUTY_LEADER)
    StaffMemberFactory(
        centre=district, kind=StaffKind.SPECIALIST, department=DepartmentFactory(), specialist_role="worker"
    )
    window_helpers(district, DepartmentFactory(), 1)
    assert centre_counts(staffing_shortfalls([district])) == {district.pk: 1}


@pytest.mark.parametrize(("count", "wrong"), [(0, True), (1, False), (2, False), (3, True)])
def test_a_window_department_names_one_or_two_window_helpers(hall, count, wrong):
    district = hall["district"]
    helpers(district, 2)
    department = DepartmentFactory(name="不动产登记中心")
    WindowFactory(centre=district, department=department)
    window_helpers(district, department, count)
    shortfalls = staffing_shortfalls([district])
    assert department_counts(shortfalls) == ({(district.pk, department.pk): count} if wrong else {})
    if wrong:
        assert "不动产登记中心" in shortfalls[0].message


def test_inactive_window_helpers_and_inactive_windows_are_not_counted(hall):
    district = hall["district"]
    helpers(district, 2)
    staffed = DepartmentFactory()
    WindowFactory(centre=district, department=staffed)
    window_helpers(district, staffed, 1, is_active=False)
    closed = DepartmentFactory()
    WindowFactory(centre=district, department=closed, is_active=False)
    assert department_counts(staffing_shortfalls([district])) == {(district.pk, staffed.pk): 0}


def test_three_window_helpers_without_a_window_are_too_many(hall):
    district = hall["district"]
    helpers(district, 2)
    department = DepartmentFactory()
    window_helpers(district, department, 3)
    assert department_counts(staffing_shortfalls([district])) == {(district.pk, department.pk): 3}


def test_centres_are_counted_apart(hall):
    district, town = hall["district"], hall["town"]
    department = DepartmentFactory()
    helpers(district, 1)
    helpers(town, 1)
    WindowFactory(centre=district, department=department)
    WindowFactory(centre=town, department=department)
    window_helpers(district, department, 2)
    window_helpers(town, department, 1)
    window_helpers(hall["village"], department, 3)  # not asked about
    shortfalls = staffing_shortfalls([district, town])
    assert centre_counts(shortfalls) == {district.pk: 1, town.pk: 1}
    assert department_counts(shortfalls) == {}


def test_the_shortfalls_take_the_same_queries_for_one_centre_or_many(hall, django_assert_num_queries):
    for centre in hall.values():
        for _ in range(3):
            department = DepartmentFactory()
            WindowFactory(centre=centre, department=department)
            window_helpers(centre, department, 3)
        helpers(centre, 1)
    with django_assert_num_queries(3):
        few = staffing_shortfalls(ServiceCentre.objects.filter(pk=hall["village"].pk))
    with django_assert_num_queries(3):
        many = staffing_shortfalls(ServiceCentre.objects.all())
    assert len(few) == 4 and len(many) == 12


def test_a_supervisor_home_shows_the_shortfalls_of_the_centres_they_see(client, hall):
    supervisor = make_staff_user(role=Role.SUPERVISOR, centre=hall["town"], username="town-sup")
    department = DepartmentFactory(name="民政局")
    WindowFactory(centre=hall["town"], department=department)
    helpers(hall["district"], 1)
    client.force_login(supervisor)
    html = client.get("/").content.decode()
    assert "焦店镇便民服务中心" in html and "焦店村便民服务站" in html and "民政局" in html
    assert "新华区政务服务中心" not in html.split("<h1>")[1]  # a centre above theirs is not theirs to watch


def test_a_front_desk_home_shows_no_shortfalls(client, hall, front_desk_user):
    client.force_login(front_desk_user)
    assert "帮办代办人员配备" not in client.get("/").content.decode()


def warnings_on(client, url) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return [str(m) for m in response.context["messages"]]


def test_the_admin_warns_of_the_shortfalls_on_the_centre_and_department_pages(client, hall, admin_user_role):
    department = DepartmentFactory(name="民政局")
    WindowFactory(centre=hall["town"], department=department)
    helpers(hall["town"], 2)
    client.force_login(admin_user_role)

    centres = warnings_on(client, reverse("admin:staff_servicecentre_changelist"))
    assert any("焦店村便民服务站" in m for m in centres) and any("民政局" in m for m in centres)
    town = warnings_on(client, reverse("admin:staff_servicecentre_change", args=[hall["town"].pk]))
    assert len(town) == 1 and "民政局" in town[0] and "焦店镇便民服务中心" in town[0]
    departments = warnings_on(client, reverse("admin:staff_department_changelist"))
    assert any("民政局在焦店镇便民服务中心" in m for m in departments)
    assert not any("焦店村便民服务站" in m for m in departments)
    page = warnings_on(client, reverse("admin:staff_department_change", args=[department.pk]))
    assert len(page) == 1 and "焦店镇便民服务中心" in page[0]
