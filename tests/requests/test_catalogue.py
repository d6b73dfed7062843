"""The service catalogue page and API: search by name, code or pinyin initials."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from requests.models import Matter
from requests.services import matter_save
from tests.factories import DepartmentFactory, MatterFactory, RequiredMaterialFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def matters():
    dept = DepartmentFactory(name="不动产登记中心")
    land = matter_save(
        matter=MatterFactory.build(code="BDC-001", main_item="不动产登记", sub_item="首次登记", department=dept)
    )
    fund = matter_save(matter=MatterFactory.build(code="GJJ-001", main_item="住房公积金提取", department=dept))
    RequiredMaterialFactory(matter=land, name="身份证", position=1)
    RequiredMaterialFactory(matter=land, name="购房合同", position=2, tolerant_waivable=True)
    return {"land": land, "fund": fund}


def test_pinyin_initials_find_chinese_names(matters):
    assert list(Matter.objects.search("bdc")) == [matters["land"]]
    assert list(Matter.objects.search("gongjijin")) == [matters["fund"]]
    assert list(Matter.objects.search("首次")) == [matters["land"]]
    assert set(Matter.objects.search("")) == {matters["land"], matters["fund"]}


def test_catalogue_page_searches_with_htmx(client, front_desk_user, matters):
    client.force_login(front_desk_user)
    response = client.get(reverse("requests:matter-list"), {"q": "bdc"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "不动产登记（首次登记）" in html
    assert "住房公积金提取" not in html
    assert "<html" not in html  # htmx gets only the rows


def test_catalogue_page_runs_constant_queries(client, front_desk_user, matters, django_assert_max_num_queries):
    client.force_login(front_desk_user)
    for _n in range(20):
        MatterFactory(department=matters["land"].department)
    client.get(reverse("requests:matter-list"))  # the session's first request writes its last-seen time (idle timeout)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("requests:matter-list")).status_code == 200


def test_matter_detail_lists_materials(client, front_desk_user, matters):
    client.force_login(front_desk_user)
    html = client.get(reverse("requests:matter-detail", args=[matters["land"].pk])).content.decode()
    assert "购房合同" in html and "身份证" in html


def test_api_lists_matters_with_materials_and_filters(front_desk_user, matters):
    api = APIClient()
    api.force_authenticate(front_desk_user)
    body = api.get("/api/v1/matters/", {"q": "bdc"}).json()
    assert body["count"] == 1
    assert [m["name"] for m in body["results"][0]["materials"]] == ["身份证", "购房合同"]
    assert api.get("/api/v1/matters/", {"handling_type": "nonsense"}).status_code == 400


def test_api_requires_authentication(matters):
    assert APIClient().get("/api/v1/matters/").status_code in (401, 403)


def test_openapi_schema_and_docs_render(client, admin_user_role):
    client.force_login(admin_user_role)
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower()  # Swagger UI is served locally
