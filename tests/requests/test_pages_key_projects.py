"""Key projects: a duty leader creates one with a dedicated agent, links requests and follows them."""

import pytest
from django.urls import reverse

from requests import services as svc
from requests.models import KeyProject

pytestmark = pytest.mark.django_db


def test_duty_leader_creates_a_project_and_follows_its_requests(client, register, people):
    leader = people["leader"]
    client.force_login(leader)
    response = client.post(
        reverse("requests:key-projects"),
        {
            "name": "平顶山新能源产业园",
            "enterprise": "某某新能源有限公司",
            "level": "municipal",
            "agent_id": leader.staff_member.pk,
        },
    )
    project = KeyProject.objects.get()
    assert response.status_code == 302 and project.agent == leader.staff_member
    req = register()
    svc.request_link_key_project(actor=leader, request_id=req.pk, key_project_id=project.pk)
    page = client.get(reverse("requests:key-project-detail", args=[project.pk])).content.decode()
    assert req.number in page
    listing = client.get(reverse("requests:key-projects")).content.decode()
    assert "平顶山新能源产业园" in listing


def test_agent_must_be_a_duty_leader_and_clerks_cannot_create(client, people):
    client.force_login(people["leader"])
    bad = client.post(
        reverse("requests:key-projects"),
        {"name": "x", "level": "municipal", "agent_id": people["desk"].staff_member.pk},
    )
    assert bad.status_code == 400 and not KeyProject.objects.exists()
    client.force_login(people["desk"])
    assert (
        client.post(
            reverse("requests:key-projects"),
            {"name": "x", "level": "municipal", "agent_id": people["leader"].staff_member.pk},
        ).status_code
        == 403
    )
    assert not KeyProject.objects.exists()


def test_other_centre_cannot_see_the_project(client, people):
    project = svc.key_project_create(
        actor=people["leader"], name="重点项目", agent_id=people["leader"].staff_member.pk
    )
    client.force_login(people["town_desk"])
    assert client.get(reverse("requests:key-project-detail", args=[project.pk])).status_code == 404
