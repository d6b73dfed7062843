"""Issue 15, item 15: wrong lookup codes lock a request number, but not its citizen out.

Five wrong codes (from anywhere) lock the number for the window; the right code from an address that has not
failed still goes through, while a wrong code from such an address is refused and counts against that address.
"""

import pytest

from tests.factories import ServiceRequestFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

URL = "/track/"


@pytest.fixture
def locked(client, settings):
    req = ServiceRequestFactory(number="XH-20261123-0042", lookup_code="K7PQ2MXR")
    limit = int(settings.PUBLIC_THROTTLE_RATES["lookup_number"].split("/")[0])
    for i in range(limit):
        response = client.post(URL, {"number": req.number, "code": f"WRONG{i:03d}"}, REMOTE_ADDR=f"10.0.0.{i}")
        assert response.status_code == 404
    return req


def test_the_citizens_right_code_from_a_fresh_address_goes_through_a_locked_number(client, locked):
    response = client.post(URL, {"number": locked.number, "code": "K7PQ2MXR"}, REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 302 and "/track/r/" in response["Location"]


def test_a_wrong_code_from_a_fresh_address_on_a_locked_number_is_refused_and_counted(client, locked):
    wrong = client.post(URL, {"number": locked.number, "code": "GUESS001"}, REMOTE_ADDR="198.51.100.21")
    assert wrong.status_code == 429 and "分钟后再试" in wrong.content.decode()
    # That address has now failed: even the right code from it waits for the window.
    again = client.post(URL, {"number": locked.number, "code": "K7PQ2MXR"}, REMOTE_ADDR="198.51.100.21")
    assert again.status_code == 429


def test_the_right_code_from_an_address_that_failed_on_the_locked_number_waits(client, locked):
    response = client.post(URL, {"number": locked.number, "code": "K7PQ2MXR"}, REMOTE_ADDR="10.0.0.3")
    assert response.status_code == 429
