"""A department's chief representative is a registered member of its own active staff (seed 003 二(一))."""

from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from staff.models import Department, StaffKind
from staff.selectors import departments_without_chief_representative
from tests.factories import DepartmentFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

migration = import_module("staff.migrations.0010_chief_representative_contact")


def member_of(department, centre, **fields):
    return StaffMemberFactory(centre=centre, kind=StaffKind.WINDOW_HELPER, department=department, **fields)


def test_an_active_member_of_the_department_may_be_its_chief_representative(hall):
    department = DepartmentFactory()
    department.chief_representative = member_of(department, hall["district"], name="李卫民")
    department.full_clean()
    department.save()
    assert not departments_without_chief_representative().filter(pk=department.pk).exists()


def test_a_member_of_another_department_is_refused(hall):
    department, other = DepartmentFactory(name="民政局"), DepartmentFactory()
    department.chief_representative = member_of(other, hall["district"], name="张书勤")
    with pytest.raises(ValidationError) as err:
        department.full_clean()
    assert "张书勤" in err.value.message_dict["chief_representative"][0]
    assert "民政局" in err.value.message_dict["chief_representative"][0]


def test_a_member_with_no_department_is_refused(hall):
    department = DepartmentFactory()
    department.chief_representative = StaffMemberFactory(centre=hall["district"], kind=StaffKind.DUTY_LEADER)
    with pytest.raises(ValidationError) as err:
        department.full_clean()
    assert "chief_representative" in err.value.message_dict


def test_an_inactive_member_is_refused_and_reported(hall):
    department = DepartmentFactory()
    member = member_of(department, hall["district"])
    department.chief_representative = member
    department.save()
    member.is_active = False
    member.save(update_fields=["is_active"])
    with pytest.raises(ValidationError) as err:
        department.full_clean()
    assert "chief_representative" in err.value.message_dict
    assert departments_without_chief_representative().filter(pk=department.pk).exists()


def test_deleting_the_member_leaves_the_department_without_one(hall):
    department = DepartmentFactory()
    member = member_of(department, hall["district"])
    department.chief_representative = member
    department.save()
    member.user.delete()
    department.refresh_from_db()
    assert department.chief_representative is None


@pytest.mark.parametrize(
    ("typed", "members", "linked"),
    [
        ("李卫民", [("李卫民", True)], "李卫民"),
        (" 李卫民 ", [("李卫民", True), ("王海涛", True)], "李卫民"),
        ("李卫民", [], None),  # no one of that name
        ("李卫民", [("李卫民", True), ("李卫民", True)], None),  # two of that name: which one is not guessed
        ("李卫民", [("李卫民", False)], None),  # only an inactive one
    ],
    ids=["matched", "matched-among-others", "unmatched", "ambiguous", "inactive"],
)
def test_the_migration_links_a_typed_name_to_the_one_member_bearing_it(hall, typed, members, linked):
    department = DepartmentFactory(chief_representative_note=typed)
    for name, active in members:
        member_of(department, hall["district"], name=name, is_active=active)
    member_of(DepartmentFactory(), hall["district"], name="李卫民")  # another department's namesake never counts

    migration.link_by_name(apps, None)

    department.refresh_from_db()
    if linked:
        assert (department.chief_representative.name, department.chief_representative_note) == (linked, "")
    else:
        assert (department.chief_representative, department.chief_representative_note) == (None, typed)


def test_going_back_writes_the_members_name_into_the_note(hall):
    department = DepartmentFactory()
    department.chief_representative = member_of(department, hall["district"], name="赵慧芳")
    department.save()
    unmatched = DepartmentFactory(chief_representative_note="孙国栋")

    migration.unlink_to_name(apps, None)

    assert Department.objects.get(pk=department.pk).chief_representative_note == "赵慧芳"
    assert Department.objects.get(pk=unmatched.pk).chief_representative_note == "孙国栋"


def test_the_admin_offers_only_the_departments_active_staff_and_refuses_others(client, hall, admin_user_role):
    department = DepartmentFactory(code="BDC", name="不动产登记中心")
    own = member_of(department, hall["district"], name="李卫民")
    member_of(department, hall["town"], name="王海涛", is_active=False)
    outsider = member_of(DepartmentFactory(), hall["district"], name="张书勤")
    client.force_login(admin_user_role)
    url = reverse("admin:staff_department_change", args=[department.pk])

    form = client.get(url).context["adminform"].form
    assert list(form.fields["chief_representative"].queryset) == [own]

    data = {"code": "BDC", "name": "不动产登记中心", "short_name": "", "chief_representative_note": ""}
    response = client.post(url, {**data, "chief_representative": outsider.pk})
    assert response.status_code == 200 and "chief_representative" in response.context["adminform"].form.errors
    response = client.post(url, {**data, "chief_representative": own.pk})
    assert response.status_code == 302
    department.refresh_from_db()
    assert department.chief_representative == own


def test_the_admin_list_shows_the_representative_and_warns_of_unregistered_ones(client, hall, admin_user_role):
    registered = DepartmentFactory(name="不动产登记中心")
    registered.chief_representative = member_of(registered, hall["district"], name="李卫民")
    registered.save()
    DepartmentFactory(name="交通运输局", chief_representative_note="吴红军")
    left = DepartmentFactory(name="民政局")
    left.chief_representative = member_of(left, hall["district"], name="周爱华", is_active=False)
    left.save()
    client.force_login(admin_user_role)

    response = client.get(reverse("admin:staff_department_changelist"))

    html = response.content.decode()
    assert "李卫民" in html and "⚠ 吴红军（未登记）" in html and "⚠ 周爱华" in html and "⚠ 李卫民" not in html
    warnings = [str(m) for m in response.context["messages"]]
    assert any("交通运输局" in m and "不动产登记中心" not in m for m in warnings if "首席代表" in m)
