"""Issue 15 item 6: a request is linked only to a key project of its own centre or a centre above it, in its
district tree, that the actor can see — the link form offers only those, and the service and API refuse others."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from hallservice.core.errors import DomainError
from requests import services as svc
from requests.forms import KeyProjectForm
from requests.models import RequestEvent
from staff.models import StaffKind
from staff.roles import Role
from tests.conftest import make_staff_user
from tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other(people):
    """Another district with its own front desk, supervisor and key project."""
    district = DistrictFactory(code="OT", name="另一区政务服务中心")
    leader = make_staff_user(
        role=Role.DUTY_LEADER, centre=district, username="ot-leader", name="外区带班", kind=StaffKind.DUTY_LEADER
    )
    return {
        "desk": make_staff_user(role=Role.FRONT_DESK, centre=district, username="ot-desk", name="外区帮办"),
        "supervisor": make_staff_user(role=Role.SUPERVISOR, centre=district, username="ot-sup", name="外区督查"),
        "project": svc.key_project_create(actor=leader, name="外区物流园"),
    }


@pytest.fixture
def xh_project(people):
    leader = people["leader"]
    return svc.key_project_create(actor=leader, name="新华产业园重点项目")


def _unlinked(req):
    req.refresh_from_db()
    return req.key_project_id is None and not RequestEvent.objects.filter(request=req, verb="key_project_linked")


def test_another_districts_key_project_is_not_offered_in_the_link_form(register, other, xh_project, client):
    req = register(other["desk"])
    form = KeyProjectForm(req=req, user=other["supervisor"])
    assert [name for _pk, name in form.fields["key_project_id"].choices] == ["外区物流园"]
    client.force_login(other["supervisor"])
    page = client.get(reverse("requests:detail", args=[req.pk])).content.decode()
    assert "新华产业园重点项目" not in page


def test_the_html_form_refuses_another_districts_key_project(register, other, xh_project, client):
    req = register(other["desk"])
    client.force_login(other["supervisor"])
    response = client.post(
        reverse("requests:act", args=[req.pk, "link_key_project"]), {"key_project_id": xh_project.pk}
    )
    assert response.status_code == 400
    assert "新华产业园重点项目" not in response.content.decode()
    assert _unlinked(req)


def test_the_api_refuses_another_districts_key_project_and_changes_nothing(register, other, xh_project):
    req = register(other["desk"])
    api = APIClient()
    api.force_authenticate(other["supervisor"])
    response = api.post(
        f"/api/v1/requests/{req.pk}/link_key_project/", {"key_project_id": xh_project.pk}, format="json"
    )
    assert response.status_code == 400
    assert "key_project_id" in response.json()
    assert _unlinked(req)
    assert xh_project.requests.count() == 0  # the other district's counts are untouched


def test_the_service_refuses_another_districts_key_project_with_a_field_error(register, other, xh_project):
    req = register(other["desk"])
    with pytest.raises(DomainError) as refused:
        svc.request_link_key_project(actor=other["supervisor"], request_id=req.pk, key_project_id=xh_project.pk)
    assert refused.value.field == "key_project_id"
    assert _unlinked(req)


def test_its_own_districts_project_links(register, other, xh_project):
    req = register(other["desk"])
    svc.request_link_key_project(actor=other["supervisor"], request_id=req.pk, key_project_id=other["project"].pk)
    req.refresh_from_db()
    assert req.key_project == other["project"]


def test_a_town_request_may_use_the_district_halls_project_but_not_the_other_way_round(register, people, hall):
    town_leader = make_staff_user(
        role=Role.DUTY_LEADER, centre=hall["town"], username="town-leader", name="镇带班", kind=StaffKind.DUTY_LEADER
    )
    town_project = svc.key_project_create(actor=town_leader, name="焦店镇项目")
    district_project = svc.key_project_create(actor=people["leader"], name="新华区项目")
    town_request = register(people["town_desk"])
    district_request = register()
    supervisor = people["supervisor"]  # of the district hall: sees the town too
    offered = KeyProjectForm(req=town_request, user=supervisor).fields["key_project_id"].choices
    assert sorted(name for _pk, name in offered) == sorted(["焦店镇项目", "新华区项目"])
    offered = KeyProjectForm(req=district_request, user=supervisor).fields["key_project_id"].choices
    assert [name for _pk, name in offered] == ["新华区项目"]
    with pytest.raises(DomainError):
        svc.request_link_key_project(actor=supervisor, request_id=district_request.pk, key_project_id=town_project.pk)
    svc.request_link_key_project(actor=supervisor, request_id=town_request.pk, key_project_id=district_project.pk)
    town_request.refresh_from_db()
    assert town_request.key_project == district_project


def test_registration_refuses_another_districts_key_project(register, other, xh_project):
    with pytest.raises(DomainError):
        register(other["desk"], key_project_id=xh_project.pk)
    assert xh_project.requests.count() == 0
