"""Double submission (issue 14, item 3): a double click on 登记, on the public complaint form or a client's retry
of an API create makes one record. Two identical POSTs are sent at once from threads released by one barrier
(on SQLite, hence transactional tests), and one after the other with the same one-time form token."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from complaints.models import Complaint
from requests.models import ServiceRequest
from tests.conftest import all_at_once, api_as
from tests.factories import VALID_ID_NUMBERS
from tests.requests.conftest import registration_form

TOKEN = re.compile(r'name="form_token" value="([0-9a-f]{32})"')


# The public forms' flood throttle counts in the cache.
pytestmark = pytest.mark.usefixtures("fresh_cache")


def registration(matter, **extra):
    return registration_form(matter, provide_all=False, **{"applicant_name": "张秀英", **extra})


def complaint(hall, **extra):
    return {
        "centre_id": hall["district"].pk,
        "category": "not_one_visit",
        "content": "材料准备齐全却被告知还要跑一趟",
        "name": "李四",
        "contact": "13900001111",
        **extra,
    }


def form_token(client, url) -> str:
    """The token of the form as the page draws it."""
    return TOKEN.search(client.get(url).content.decode()).group(1)


def same_browser(client) -> Client:
    """A second client carrying the first one's cookies: the other click of one browser."""
    other = Client()
    other.cookies.load({name: morsel.value for name, morsel in client.cookies.items()})
    return other


# --- Registration ------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_double_click_on_register_sends_two_posts_at_once_and_makes_one_request(people, matter):
    first = Client()
    first.force_login(people["desk"])
    second = same_browser(first)
    data = registration(matter, form_token=form_token(first, reverse("requests:register")))

    responses = all_at_once(
        [
            lambda: first.post(reverse("requests:register"), data),
            lambda: second.post(reverse("requests:register"), data),
        ]
    )

    assert ServiceRequest.objects.count() == 1, responses
    req = ServiceRequest.objects.get()
    # Both clicks land on the page of the one request: the browser shows whichever answer came last.
    assert [r.status_code for r in responses] == [302, 302], responses
    assert {r["Location"] for r in responses} == {req.get_absolute_url()}
    assert sum(r.get("Idempotent-Replayed") == "true" for r in responses) == 1


@pytest.mark.django_db
def test_register_sent_twice_with_one_form_token_makes_one_request_and_shows_it_again(client, people, matter):
    client.force_login(people["desk"])
    data = registration(matter, form_token=form_token(client, reverse("requests:register")))

    first = client.post(reverse("requests:register"), data)
    again = client.post(reverse("requests:register"), data)

    req = ServiceRequest.objects.get()
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == req.get_absolute_url()
    shown = client.get(again["Location"]).content.decode()
    assert "已经提交过" in shown or "already been sent" in shown


@pytest.mark.django_db
def test_a_refused_registration_frees_its_token_so_the_corrected_form_registers(client, people, matter):
    client.force_login(people["desk"])
    token = form_token(client, reverse("requests:register"))
    wrong_check_digit = registration(matter, applicant_id_number="410402199003150024", form_token=token)

    refused = client.post(reverse("requests:register"), wrong_check_digit)
    corrected = client.post(
        reverse("requests:register"), {**wrong_check_digit, "applicant_id_number": VALID_ID_NUMBERS[0]}
    )

    assert refused.status_code == 400
    assert corrected.status_code == 302
    assert ServiceRequest.objects.count() == 1


@pytest.mark.django_db
def test_the_form_changed_after_it_was_sent_is_refused_with_a_link_to_the_first_request(client, people, matter):
    client.force_login(people["desk"])
    token = form_token(client, reverse("requests:register"))
    client.post(reverse("requests:register"), registration(matter, form_token=token))

    # Back in the browser, another applicant typed over the sent form and 登记 pressed again.
    other = client.post(reverse("requests:register"), registration(matter, applicant_name="王五", form_token=token))

    req = ServiceRequest.objects.get()
    assert other.status_code == 409
    html = other.content.decode()
    assert req.get_absolute_url() in html and "已经提交" in html
    assert req.applicant_name == "张秀英"


@pytest.mark.django_db
def test_a_form_token_of_one_clerk_gives_another_clerk_nothing(client, people, matter):
    client.force_login(people["desk"])
    data = registration(matter, form_token=form_token(client, reverse("requests:register")))
    client.post(reverse("requests:register"), data)

    other = Client()
    other.force_login(people["desk2"])
    response = other.post(reverse("requests:register"), data)

    assert response.status_code == 409
    assert ServiceRequest.objects.get().get_absolute_url() not in response.content.decode()
    assert ServiceRequest.objects.count() == 1


@pytest.mark.django_db
def test_a_post_without_a_form_token_is_accepted_as_before(client, people, matter):
    # API clients, scripts and tests post without a token; each such POST is its own submission.
    client.force_login(people["desk"])
    client.post(reverse("requests:register"), registration(matter))
    client.post(reverse("requests:register"), registration(matter))
    assert ServiceRequest.objects.count() == 2


# --- The public complaint form -------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_double_click_on_the_public_complaint_form_makes_one_complaint_whose_number_the_citizen_sees(hall):
    first = Client()
    data = complaint(hall, form_token=form_token(first, "/track/complain/"))
    second = same_browser(first)

    responses = all_at_once(
        [lambda: first.post("/track/complain/", data), lambda: second.post("/track/complain/", data)]
    )

    assert Complaint.objects.count() == 1, responses
    number = Complaint.objects.get().number
    assert [r.status_code for r in responses] == [302, 302], responses
    # The browser follows the answer to its last click, the replayed one: it shows the one complaint's number.
    replayed = second if responses[1].get("Idempotent-Replayed") == "true" else first
    done = replayed.get("/track/complain/done/")
    assert done.status_code == 200
    assert number in done.content.decode()


@pytest.mark.django_db
def test_the_public_complaint_sent_twice_with_one_token_makes_one_complaint(client, hall):
    data = complaint(hall, form_token=form_token(client, "/track/complain/"))

    first = client.post("/track/complain/", data)
    again = client.post("/track/complain/", data)

    assert first.status_code == again.status_code == 302
    assert Complaint.objects.count() == 1
    assert again["Location"] == first["Location"]
    assert Complaint.objects.get().number in client.get(again["Location"]).content.decode()


# --- The API create --------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_api_creates_with_one_idempotency_key_at_once_make_one_request(people, matter):
    body = registration(matter)
    key = {"HTTP_IDEMPOTENCY_KEY": "desk-pc-3/2026-11-23/0001"}
    first, second = api_as(people["desk"]), api_as(people["desk"])

    responses = all_at_once(
        [
            lambda: first.post("/api/v1/requests/", body, format="json", **key),
            lambda: second.post("/api/v1/requests/", body, format="json", **key),
        ]
    )

    assert ServiceRequest.objects.count() == 1, responses
    assert [r.status_code for r in responses] == [201, 201], responses
    assert responses[0].json()["id"] == responses[1].json()["id"] == ServiceRequest.objects.get().pk
    assert sum(r.get("Idempotent-Replayed") == "true" for r in responses) == 1


@pytest.mark.django_db
def test_an_api_retry_with_the_same_key_answers_the_first_response(people, matter):
    api = api_as(people["desk"])
    key = {"HTTP_IDEMPOTENCY_KEY": "b1c1f0e4-retry"}
    first = api.post("/api/v1/requests/", registration(matter), format="json", **key)
    retry = api.post("/api/v1/requests/", registration(matter), format="json", **key)
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert ServiceRequest.objects.count() == 1


@pytest.mark.django_db
def test_the_same_idempotency_key_with_another_body_is_refused_with_a_field_error(people, matter):
    api = api_as(people["desk"])
    key = {"HTTP_IDEMPOTENCY_KEY": "b1c1f0e4-reused"}
    api.post("/api/v1/requests/", registration(matter), format="json", **key)
    other = api.post("/api/v1/requests/", registration(matter, applicant_name="王五"), format="json", **key)
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json()
    assert ServiceRequest.objects.count() == 1


@pytest.mark.django_db
def test_an_idempotency_key_belongs_to_its_user(people, matter):
    key = {"HTTP_IDEMPOTENCY_KEY": "1"}
    api_as(people["desk"]).post("/api/v1/requests/", registration(matter), format="json", **key)
    other = api_as(people["desk2"]).post("/api/v1/requests/", registration(matter), format="json", **key)
    assert other.status_code == 201
    assert ServiceRequest.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_api_create_frees_its_key(people, matter):
    api = api_as(people["desk"])
    key = {"HTTP_IDEMPOTENCY_KEY": "fix-and-retry"}
    bad = api.post(
        "/api/v1/requests/", registration(matter, applicant_id_number="410402199003150024"), format="json", **key
    )
    good = api.post("/api/v1/requests/", registration(matter), format="json", **key)
    assert bad.status_code == 400
    assert good.status_code == 201
    assert ServiceRequest.objects.count() == 1


@pytest.mark.django_db
def test_an_idempotency_key_of_unprintable_characters_is_refused(people, matter):
    response = api_as(people["desk"]).post(
        "/api/v1/requests/", registration(matter), format="json", HTTP_IDEMPOTENCY_KEY="x" * 101
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert not ServiceRequest.objects.exists()
