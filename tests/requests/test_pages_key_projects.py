"""Key projects (重点项目代办, seed 000 三.4): "由市行政审批服务局根据业务类别，从带班人员中为每个项目指定一名代办员，
负责该项目全程代办". A duty leader records a project; a bureau leader (局领导) designates its agent among the duty
leaders, and designates a new one the same way; the agent is the dedicated helper of the project's requests."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from rest_framework.test import APIClient

from hallservice.core.errors import DomainError, PermissionDenied
from requests import services as svc
from requests.models import Assignment, KeyProject, KeyProjectEvent, KeyProjectVerb, ServiceRequest, Status
from staff.models import StaffKind
from staff.roles import Role
from tests.conftest import make_staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau(people, hall):
    """A bureau leader (局领导) and a second duty leader of the district hall, both on the duty leaders' list."""
    return {
        key: make_staff_user(
            role=role, centre=hall["district"], username=username, name=name, kind=StaffKind.DUTY_LEADER
        )
        for key, role, username, name in [
            ("leader", Role.BUREAU_LEADER, "bureau", "孙局长"),
            ("second", Role.DUTY_LEADER, "leader2", "钱带班"),
        ]
    }


@pytest.fixture
def project(people):
    return svc.key_project_create(actor=people["leader"], name="平顶山新能源产业园", enterprise="某某新能源有限公司")


def _accepted(register, people):
    req = register()
    return svc.request_accept(actor=people["desk"], request_id=req.pk)


def test_the_bureau_leader_role_holds_the_permission_to_designate_and_no_other_role_does():
    """局领导指定: only the bureau leader's group may designate an agent."""
    holders = Group.objects.filter(permissions__codename="designate_key_project_agent")
    assert list(holders.values_list("name", flat=True)) == [Role.BUREAU_LEADER]


def test_a_duty_leader_records_a_project_without_an_agent(client, people):
    client.force_login(people["leader"])
    response = client.post(
        reverse("requests:key-projects"), {"name": "平顶山新能源产业园", "enterprise": "某公司", "level": "municipal"}
    )
    project = KeyProject.objects.get()
    assert response.status_code == 302 and project.agent is None
    assert list(project.events.values_list("verb", "actor")) == [(KeyProjectVerb.CREATED, people["leader"].pk)]
    page = client.get(reverse("requests:key-project-detail", args=[project.pk])).content.decode()
    assert reverse("requests:key-project-designate", args=[project.pk]) not in page  # a duty leader does not
    client.force_login(people["desk"])
    assert client.post(reverse("requests:key-projects"), {"name": "x", "level": "municipal"}).status_code == 403


def test_the_bureau_leader_designates_the_agent_and_the_projects_open_requests_follow(
    client, register, people, bureau, project
):
    """ "为每个项目指定一名代办员，负责该项目全程代办": the designation is its own action and event; the project's
    requests not yet handed over get the agent as their dedicated helper, and each applicant's timeline says so."""
    open_req = _accepted(register, people)
    svc.request_link_key_project(actor=people["leader"], request_id=open_req.pk, key_project_id=project.pk)
    assert ServiceRequest.objects.get(pk=open_req.pk).helper == people["desk"].staff_member  # no agent yet
    client.force_login(bureau["leader"])
    page = client.get(reverse("requests:key-project-detail", args=[project.pk])).content.decode()
    assert reverse("requests:key-project-designate", args=[project.pk]) in page
    response = client.post(
        reverse("requests:key-project-designate", args=[project.pk]), {"agent_id": people["leader"].staff_member.pk}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.agent == people["leader"].staff_member
    event = project.events.get(verb=KeyProjectVerb.AGENT_DESIGNATED)
    assert (event.actor, event.agent, event.previous_agent, event.requests_moved) == (
        bureau["leader"],
        people["leader"].staff_member,
        None,
        1,
    )
    open_req.refresh_from_db()
    assert open_req.helper == people["leader"].staff_member
    assignment = Assignment.objects.get(request=open_req)
    assert assignment.previous_helper == people["desk"].staff_member and assignment.by == bureau["leader"]
    told = open_req.events.get(verb="reassigned")
    assert told.public and "赵带班" in told.note and told.actor == bureau["leader"]
    page = client.get(reverse("requests:key-project-detail", args=[project.pk])).content.decode()
    assert "孙局长" in page and "赵带班" in page


def test_designating_a_new_agent_needs_a_reason_and_moves_only_requests_not_yet_handed_over(
    register, people, bureau, project, immediate_matter
):
    """Changing the agent is the same action (re-designation): the open requests follow the new agent."""
    svc.key_project_designate_agent(
        actor=bureau["leader"], project_id=project.pk, agent_id=people["leader"].staff_member.pk
    )
    open_req = register(key_project_id=project.pk)
    assert open_req.helper == people["leader"].staff_member  # registered for the project: the agent helps
    done = register(matter=immediate_matter, key_project_id=project.pk)
    svc.request_accept(actor=people["leader"], request_id=done.pk)
    svc.request_deliver(actor=people["leader"], request_id=done.pk, method="on_the_spot", signer="张三", result="x")
    second = bureau["second"].staff_member
    with pytest.raises(DomainError) as refused:
        svc.key_project_designate_agent(actor=bureau["leader"], project_id=project.pk, agent_id=second.pk)
    assert refused.value.field == "reason"
    assert KeyProject.objects.get(pk=project.pk).agent == people["leader"].staff_member

    svc.key_project_designate_agent(
        actor=bureau["leader"], project_id=project.pk, agent_id=second.pk, reason="赵带班调任"
    )
    event = project.events.get(verb=KeyProjectVerb.AGENT_REDESIGNATED)
    assert (event.agent, event.previous_agent, event.note, event.requests_moved) == (
        second,
        people["leader"].staff_member,
        "赵带班调任",
        1,
    )
    assert ServiceRequest.objects.get(pk=open_req.pk).helper == second
    done = ServiceRequest.objects.get(pk=done.pk)
    assert done.status == Status.DELIVERED and done.helper == people["leader"].staff_member


def test_linking_a_request_makes_the_agent_its_dedicated_helper(register, people, bureau, project):
    svc.key_project_designate_agent(
        actor=bureau["leader"], project_id=project.pk, agent_id=bureau["second"].staff_member.pk
    )
    req = register()
    svc.request_link_key_project(actor=people["leader"], request_id=req.pk, key_project_id=project.pk)
    req.refresh_from_db()
    assert req.helper == bureau["second"].staff_member
    assert list(req.events.values_list("verb", flat=True))[-2:] == ["key_project_linked", "reassigned"]


@pytest.mark.parametrize("role", ["leader", "supervisor", "desk"])
def test_only_a_bureau_leader_designates(client, people, bureau, project, role):
    """局领导指定, not the duty leader nor the supervision section: refused on the page, the API and the service."""
    actor = people[role]
    agent = people["leader"].staff_member.pk
    client.force_login(actor)
    url = reverse("requests:key-project-designate", args=[project.pk])
    assert client.post(url, {"agent_id": agent}).status_code == 403
    api = APIClient()
    api.force_authenticate(actor)
    assert api.post(f"/api/v1/key-projects/{project.pk}/designate/", {"agent": agent}).status_code == 403
    with pytest.raises(PermissionDenied):
        svc.key_project_designate_agent(actor=actor, project_id=project.pk, agent_id=agent)
    assert KeyProject.objects.get(pk=project.pk).agent is None
    assert not KeyProjectEvent.objects.filter(verb=KeyProjectVerb.AGENT_DESIGNATED).exists()


def test_the_agent_must_be_a_duty_leader_of_the_projects_centre(client, people, bureau, project, hall):
    """ "从带班人员中…指定": a front-desk clerk or another centre's duty leader is refused with a field error."""
    town_leader = make_staff_user(
        role=Role.DUTY_LEADER, centre=hall["town"], username="town-leader", name="镇带班", kind=StaffKind.DUTY_LEADER
    )
    api = APIClient()
    api.force_authenticate(bureau["leader"])
    for agent in (people["desk"].staff_member.pk, town_leader.staff_member.pk, 999999):
        response = api.post(f"/api/v1/key-projects/{project.pk}/designate/", {"agent": agent})
        assert response.status_code == 400 and "agent" in response.json()
    assert api.post(f"/api/v1/key-projects/{project.pk}/designate/", {}).json().keys() == {"agent"}
    client.force_login(bureau["leader"])
    page = client.post(
        reverse("requests:key-project-designate", args=[project.pk]), {"agent_id": people["desk"].staff_member.pk}
    )
    assert page.status_code == 400
    assert KeyProject.objects.get(pk=project.pk).agent is None


def test_the_api_designates_and_shows_the_history(people, bureau, project):
    api = APIClient()
    api.force_authenticate(bureau["leader"])
    response = api.post(
        f"/api/v1/key-projects/{project.pk}/designate/", {"agent": people["leader"].staff_member.pk}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["agent"] == people["leader"].staff_member.pk and body["agent_name"] == "赵带班"
    assert [e["verb"] for e in body["events"]] == ["created", "agent_designated"]
    assert body["events"][1]["actor_name"] == "孙局长"
    again = api.post(f"/api/v1/key-projects/{project.pk}/designate/", {"agent": people["leader"].staff_member.pk})
    assert again.status_code == 400 and "agent" in again.json()
    listing = api.get("/api/v1/key-projects/").json()
    assert [p["name"] for p in listing["results"]] == ["平顶山新能源产业园"]


def test_other_centre_cannot_see_the_project(client, people, project):
    client.force_login(people["town_desk"])
    assert client.get(reverse("requests:key-project-detail", args=[project.pk])).status_code == 404


def test_the_admin_shows_the_history_and_keeps_the_agent_read_only(client, people, bureau, project, hall):
    svc.key_project_designate_agent(
        actor=bureau["leader"], project_id=project.pk, agent_id=people["leader"].staff_member.pk
    )
    admin = make_staff_user(role=Role.ADMIN, centre=hall["district"], username="hall-admin2")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    page = client.get(reverse("admin:requests_keyproject_change", args=[project.pk])).content.decode()
    assert "孙局长" in page or "bureau" in page
    assert 'name="agent"' not in page


def test_a_bureau_leader_who_is_also_a_supervisor_designates(people, bureau, project):
    """The supervisor's scope joins the centre's parent with an outer join; the project is locked by key alone, so
    PostgreSQL does not refuse FOR UPDATE on the join's nullable side (this ran into a 500 there)."""
    leader = bureau["leader"]
    leader.groups.add(Group.objects.get(name=Role.SUPERVISOR))
    svc.key_project_designate_agent(actor=leader, project_id=project.pk, agent_id=bureau["second"].staff_member.pk)
    assert KeyProject.objects.get(pk=project.pk).agent == bureau["second"].staff_member


@pytest.mark.parametrize("ending", ["refused", "terminated", "delivered"])
def test_linking_a_request_already_handed_over_or_ended_keeps_its_helper(
    register, people, bureau, project, immediate_matter, ending
):
    """Only requests not yet handed over follow the agent, whether the link or the designation comes first: a closed
    request keeps the helper who carried it and its applicant is not told of a new one."""
    svc.key_project_designate_agent(
        actor=bureau["leader"], project_id=project.pk, agent_id=bureau["second"].staff_member.pk
    )
    if ending == "refused":
        req = register()
        svc.request_refuse(actor=people["desk"], request_id=req.pk, reason="不属于帮办代办范围")
    elif ending == "terminated":
        req = _accepted(register, people)
        svc.request_terminate(actor=people["leader"], request_id=req.pk, reason="withdrawn")
    else:
        req = register(matter=immediate_matter)
        svc.request_accept(actor=people["desk"], request_id=req.pk)
        svc.request_deliver(actor=people["desk"], request_id=req.pk, method="on_the_spot", signer="张三", result="x")
    helper = ServiceRequest.objects.get(pk=req.pk).helper
    svc.request_link_key_project(actor=people["leader"], request_id=req.pk, key_project_id=project.pk)
    req = ServiceRequest.objects.get(pk=req.pk)
    assert req.key_project == project and req.helper == helper
    assert not req.events.filter(verb="reassigned").exists()
    assert not Assignment.objects.filter(request=req, helper=bureau["second"].staff_member).exists()
