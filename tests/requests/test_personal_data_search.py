"""Searching by a full ID number or phone (issue 15 item 5): only for supervisors, by POST, never in a URL."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from requests.models import AccessKind, PersonalDataAccess

pytestmark = pytest.mark.django_db

ID_NUMBER = "110101198001013211"
PHONE = "13912345678"


@pytest.fixture
def req(register):
    return register(applicant_id_number=ID_NUMBER, applicant_phone=PHONE, applicant_name="陈七")


def api_as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def numbers(response) -> list[str]:
    return [row.req.number for row in response.context["rows"]]


def test_a_front_desk_searching_a_full_id_number_in_the_address_finds_nothing_and_is_told_why(client, people, req):
    client.force_login(people["desk"])
    response = client.get(reverse("requests:queue"), {"q": ID_NUMBER, "view": "centre"})
    assert response.status_code == 302
    assert response["Location"] == reverse("requests:queue") + "?view=centre"
    page = client.get(response["Location"])
    assert "只有督查人员可以按完整身份证号或手机号查询" in page.content.decode()
    # The same search sent by the search box (htmx) finds nothing either.
    partial = client.get(reverse("requests:queue"), {"q": ID_NUMBER}, headers={"HX-Request": "true"})
    assert numbers(partial) == []
    assert "只有督查人员可以按完整身份证号或手机号查询" in partial.content.decode()
    assert ID_NUMBER not in partial.content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_a_front_desk_searching_a_full_phone_finds_nothing_but_the_last_four_digits_still_work(client, people, req):
    client.force_login(people["desk"])
    url = reverse("requests:queue")
    assert numbers(client.get(url, {"q": PHONE}, headers={"HX-Request": "true"})) == []
    assert numbers(client.get(url, {"q": "5678"})) == [req.number]
    assert numbers(client.get(url, {"q": "陈七"})) == [req.number]
    assert numbers(client.get(url, {"q": req.number})) == [req.number]


def test_a_front_desk_may_not_post_a_search_by_full_id_number(client, people, req):
    client.force_login(people["desk"])
    response = client.post(reverse("requests:lookup"), {"value": ID_NUMBER})
    assert response.status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_a_supervisors_full_id_search_is_posted_and_its_pushed_url_does_not_carry_the_number(client, people, req):
    client.force_login(people["supervisor"])
    response = client.post(reverse("requests:lookup"), {"value": ID_NUMBER})
    assert response.status_code == 302
    location = response["Location"]
    assert ID_NUMBER not in location and "lookup=" in location
    # htmx pushes the URL it was sent to: a filter change keeps only the token.
    page = client.get(location, headers={"HX-Request": "true"})
    assert numbers(page) == [req.number]
    assert ID_NUMBER not in page.get("HX-Push-Url", "")
    full = client.get(location)
    assert ID_NUMBER not in full.content.decode()
    access = PersonalDataAccess.objects.get()
    assert access.kind == AccessKind.SEARCH and access.actor == people["supervisor"] and access.matches == 1


def test_a_supervisors_search_by_full_phone_finds_the_request(client, people, req):
    client.force_login(people["supervisor"])
    response = client.post(reverse("requests:lookup"), {"value": "139 1234 5678"}, follow=True)
    assert numbers(response) == [req.number]


def test_a_full_id_typed_into_the_search_box_is_not_searched_and_not_pushed(client, people, req):
    client.force_login(people["supervisor"])
    response = client.get(
        reverse("requests:queue"), {"q": ID_NUMBER, "view": "centre"}, headers={"HX-Request": "true"}
    )
    assert numbers(response) == []
    assert response["HX-Push-Url"] == reverse("requests:queue") + "?view=centre"
    assert "按身份证号或手机号查询" in response.content.decode()


def test_a_lookup_token_of_another_session_finds_nothing(client, people, req):
    client.force_login(people["supervisor"])
    location = client.post(reverse("requests:lookup"), {"value": ID_NUMBER})["Location"]
    client.logout()
    client.force_login(people["supervisor"])
    assert numbers(client.get(location)) == []


def test_the_api_list_refuses_a_full_id_number_in_the_query_string(people, req):
    api = api_as(people["supervisor"])
    response = api.get(reverse("api:request-list"), {"q": ID_NUMBER})
    assert response.status_code == 400
    assert "q" in response.json()
    assert api.get(reverse("api:request-list"), {"q": "5678"}).json()["results"][0]["number"] == req.number


def test_the_api_search_takes_a_full_id_number_by_post_for_supervisors_only(people, req):
    url = reverse("api:request-search")
    response = api_as(people["supervisor"]).post(url, {"value": ID_NUMBER}, format="json")
    assert response.status_code == 200
    assert [r["number"] for r in response.json()["results"]] == [req.number]
    assert PersonalDataAccess.objects.filter(kind=AccessKind.SEARCH).count() == 1
    refused = api_as(people["desk"]).post(url, {"value": ID_NUMBER}, format="json")
    assert refused.status_code == 403
