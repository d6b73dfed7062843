"""Issue 14 item 17: with two districts in one database, a request's and a complaint's public pages name their
own centre, and the public forms preselect the hall's own centre (settings.HALL_CENTRE_CODE), not the district
that happens to sort first."""

import re

import pytest
from django.core.cache import cache

from complaints.models import Complaint
from complaints.selectors import complaint_status_url
from requests.models import Status
from requests.public.selectors import hall_centre
from requests.services.public import request_status_url
from tests.factories import DistrictFactory, ServiceRequestFactory, online_complaint
from tests.requests.test_public_pages import complaint_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


@pytest.fixture
def two_districts(hall):
    """新华区 (XH) and 卫东区 (AWD), whose code sorts first."""
    weidong = DistrictFactory(code="AWD", name="卫东区政务服务中心", phone="0375-1111111", complaint_phone="12345")
    xinhua = hall["district"]
    xinhua.phone, xinhua.complaint_phone = "0375-2222222", "0375-2223333"
    xinhua.save(update_fields=["phone", "complaint_phone"])
    return {"xinhua": xinhua, "weidong": weidong}


def selected_centre(page: str) -> str | None:
    select = re.search(r'<select name="centre_id".*?</select>', page, re.S).group()
    chosen = re.search(r'<option value="(\d+)"[^>]*selected', select)
    return chosen.group(1) if chosen else None


def test_a_xinhua_requests_status_page_names_xinhua_not_the_first_district(client, two_districts):
    req = ServiceRequestFactory(status=Status.IN_PROGRESS, centre=two_districts["xinhua"])
    page = client.get(request_status_url(req)).content.decode()
    assert "新华区政务服务中心" in page and "0375-2223333" in page
    assert "卫东区政务服务中心" not in page and "0375-1111111" not in page


def test_a_complaints_page_names_the_centre_it_was_filed_with(client, two_districts):
    complaint = online_complaint(two_districts["xinhua"])
    page = client.get(complaint_status_url(complaint)).content.decode()
    assert "新华区政务服务中心" in page and "卫东区政务服务中心" not in page


def test_the_public_forms_preselect_the_halls_own_centre_from_the_setting(client, two_districts, settings):
    settings.HALL_CENTRE_CODE = "XH"
    for url in ("/track/complain/", "/track/consult/"):
        page = client.get(url).content.decode()
        assert selected_centre(page) == str(two_districts["xinhua"].pk), url
    assert "新华区政务服务中心" in client.get("/track/").content.decode()


def options(page: str) -> set[str]:
    select = re.search(r'<select name="centre_id".*?</select>', page, re.S).group()
    return set(re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select))


def test_the_public_forms_offer_the_halls_centres_not_the_other_districts(client, two_districts, hall, settings):
    settings.HALL_CENTRE_CODE = "XH"
    for url in ("/track/complain/", "/track/consult/"):
        offered = options(client.get(url).content.decode())
        assert "新华区政务服务中心" in offered and hall["town"].name in offered, url
        assert "卫东区政务服务中心" not in offered, url
    data = {**complaint_data(hall), "centre_id": two_districts["weidong"].pk}
    refused = client.post("/track/complain/", data)
    assert refused.status_code in (200, 400)  # the form again, with the choice refused
    assert not Complaint.objects.exists()
    assert client.post("/track/complain/", complaint_data(hall)).status_code == 302  # the hall's own: accepted


def test_without_the_setting_two_districts_preselect_neither(client, two_districts, settings):
    settings.HALL_CENTRE_CODE = ""
    assert hall_centre() is None
    assert selected_centre(client.get("/track/complain/").content.decode()) is None
    assert "卫东区政务服务中心" not in client.get("/track/").content.decode()


def test_a_single_district_is_the_hall_without_the_setting(hall, settings):
    settings.HALL_CENTRE_CODE = ""
    assert hall_centre() == hall["district"]
