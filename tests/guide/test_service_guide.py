"""The public service guide (/guide/): every active matter with its materials, process, time limit, fees, legal
basis and window, searchable by Chinese name and pinyin, and a printable one-time checklist per matter."""

import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests.services import matter_save
from tests.factories import (
    DepartmentFactory,
    MatterFactory,
    RequiredMaterialFactory,
    WindowFactory,
    business_registration_matter,
)

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    """The PDF's text without white space: a table cell wraps a long name over two lines."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True)
    return "".join(out.stdout.decode().split())


@pytest.fixture
def catalogue(hall):
    """The hall's business registration and real estate matters, and one withdrawn from the catalogue."""
    scjg = DepartmentFactory(code="SCJG", name="市场监督管理局", short_name="市场监管")
    bdc = DepartmentFactory(code="BDC", name="不动产登记中心")
    window = WindowFactory(centre=hall["district"], number="B03", name="个体工商户登记窗口", floor=2, department=scjg)
    business = business_registration_matter(window, accepting_window="二楼B03 个体工商户登记窗口")
    land = matter_save(
        matter=MatterFactory.build(
            code="BDC-002",
            main_item="不动产登记",
            sub_item="转移登记（存量房买卖）",
            department=bdc,
            accepting_window="一楼A03 不动产综合窗口",
            time_limit_days=3,
            fees="住宅80元/件",
        )
    )
    RequiredMaterialFactory(matter=land, position=1, name="存量房买卖合同", how_to_obtain="可在网签系统打印")
    withdrawn = matter_save(
        matter=MatterFactory.build(
            code="GS-OLD", main_item="工商营业执照年检", department=scjg, time_limit_days=5, is_active=False
        )
    )
    return {"business": business, "land": land, "withdrawn": withdrawn, "window": window}


def test_the_guide_lists_each_active_matter_with_what_to_bring_without_login(client, catalogue):
    response = client.get(reverse("guide:home"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "个体工商户登记（设立登记）" in page
    assert "不动产登记（转移登记（存量房买卖））" in page
    # Materials: how to obtain, form, copies and the tolerant-acceptance mark.
    assert "窗口领取或登录河南政务服务网（https://www.hnzwfw.gov.cn/）下载打印" in page
    assert "经营场所使用证明" in page and "可容缺" in page
    assert "2 份" in page
    # The window with its floor (from the hall's window), the time limit, fees and legal basis.
    assert "2楼 B03号窗口 个体工商户登记窗口" in page
    assert "1 个工作日" in page
    assert "住宅80元/件" in page
    assert "《促进个体工商户发展条例》第八条" in page
    # The process without the numbers typed into the catalogue (the page numbers the steps itself).
    assert "<li>窗口审核</li>" in page


def test_a_matter_withdrawn_from_the_catalogue_is_not_in_the_guide(client, catalogue):
    page = client.get(reverse("guide:home")).content.decode()

    assert "工商营业执照年检" not in page
    assert client.get(reverse("guide:matter", args=["GS-OLD"])).status_code == 404
    assert client.get(reverse("guide:checklist", args=["GS-OLD"])).status_code == 404
    assert client.get(reverse("guide:home"), {"q": "nianjian"}).content.decode().count("guide-matter") == 0


@pytest.mark.parametrize(
    "query",
    ["工商", "gongshang", "gong shang", "GongShang", "gtgsh", "SCJG-004"],
    ids=["chinese", "full-pinyin", "spaced-pinyin", "capitals", "initials", "code"],
)
def test_search_finds_the_matter_by_chinese_name_pinyin_or_code(client, catalogue, query):
    page = client.get(reverse("guide:home"), {"q": query}).content.decode()

    assert "个体工商户登记（设立登记）" in page
    assert "转移登记（存量房买卖）" not in page
    assert "工商营业执照年检" not in page  # inactive, although its name matches


def test_search_by_initials_finds_real_estate_not_business(client, catalogue):
    page = client.get(reverse("guide:home"), {"q": "bdcdj"}).content.decode()

    assert "转移登记（存量房买卖）" in page
    assert "个体工商户登记" not in page


def test_a_search_without_a_match_says_so(client, catalogue):
    response = client.get(reverse("guide:home"), {"q": "护照"})

    assert response.status_code == 200
    assert "没有找到匹配的事项" in response.content.decode()


def test_a_search_with_a_nul_character_is_refused_with_400(client, catalogue):
    assert client.get(reverse("guide:home"), {"q": "gong\x00"}).status_code == 400


def test_the_matter_page_shows_the_materials_and_the_checklist_link(client, catalogue):
    response = client.get(reverse("guide:matter", args=["SCJG-004"]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "个体工商户登记（备案）申请书" in page
    assert "原件（窗口核验）" in page
    assert reverse("guide:checklist", args=["SCJG-004"]) in page


def test_the_checklist_pdf_lists_every_material_with_its_form_copies_and_tolerance(client, catalogue):
    response = client.get(reverse("guide:checklist", args=["SCJG-004"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    assert "个体工商户登记（设立登记）" in text
    assert "办事材料清单" in text
    assert "个体工商户登记（备案）申请书" in text
    assert "房屋租赁合同或产权证明" in text
    assert "复印件" in text
    assert "2楼B03号窗口" in text
    assert "1个工作日" in text
    # The tolerant-acceptance column: one material may follow later, the other may not.
    assert "是" in text and "否" in text


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_guide_costs_the_same_queries_for_ten_matters_as_for_two(client, catalogue):
    url = reverse("guide:home")
    few = _queries(client, url)
    department = catalogue["business"].department
    for i in range(8):
        matter = matter_save(
            matter=MatterFactory.build(code=f"SCJG-1{i:02d}", main_item=f"食品经营许可{i}", department=department)
        )
        RequiredMaterialFactory(matter=matter, name="食品安全管理制度")
        RequiredMaterialFactory(matter=matter, name="营业执照")

    many = _queries(client, url)

    assert many == few
    assert many <= 5


def test_the_elder_switch_on_a_guide_page_comes_back_to_the_guide(client, catalogue):
    url = reverse("guide:matter", args=["SCJG-004"])
    response = client.post(reverse("track:mode"), {"next": url, "elder": "1"})

    assert response.status_code == 302
    assert response["Location"] == url
    assert 'class="public elder"' in client.get(url).content.decode()


def test_the_guide_api_answers_without_login_with_active_matters_only(client, catalogue):
    response = client.get(reverse("api:guide-matter-list"), {"q": "gongshang"})

    assert response.status_code == 200
    (matter,) = response.json()["results"]
    assert matter["code"] == "SCJG-004"
    assert (matter["place"], matter["floor"]) == ("2楼 B03号窗口 个体工商户登记窗口", 2)
    assert matter["steps"] == ["网上或窗口提交申请", "窗口审核", "当场发放营业执照"]
    assert [m["tolerant_waivable"] for m in matter["materials"]] == [False, True]
    codes = [m["code"] for m in client.get(reverse("api:guide-matter-list")).json()["results"]]
    assert codes == ["BDC-002", "SCJG-004"]
    assert client.get(reverse("api:guide-matter-detail", args=["SCJG-004"])).status_code == 200
    assert client.get(reverse("api:guide-matter-detail", args=["GS-OLD"])).status_code == 404


def test_the_migration_fills_the_search_keys_of_matters_saved_without_them(client, catalogue):
    from importlib import import_module

    from django.apps import apps

    from requests.models import Matter

    migration = import_module("requests.migrations.0020_public_display_matter_window")
    Matter.objects.filter(pk=catalogue["business"].pk).update(pinyin_initials="", pinyin_full="")
    assert "个体工商户登记" not in client.get(reverse("guide:home"), {"q": "gongshang"}).content.decode()

    migration.fill_search_keys(apps, None)

    business = Matter.objects.get(pk=catalogue["business"].pk)
    assert (business.pinyin_initials, business.pinyin_full) == ("gtgshdjsldj", "getigongshanghudengjishelidengji")
    assert "个体工商户登记" in client.get(reverse("guide:home"), {"q": "gongshang"}).content.decode()


@pytest.fixture
def layouts(monkeypatch):
    """Counts WeasyPrint layouts (the costly half of a PDF); the PDF is still made."""
    from hallservice.core import pdf

    made = []
    write = pdf._write_pdf

    def counted(html, stylesheets):
        made.append(html)
        return write(html, stylesheets)

    monkeypatch.setattr(pdf, "_write_pdf", counted)
    return made


def test_a_reloaded_checklist_is_laid_out_once_and_a_new_material_makes_a_new_one(
    client, catalogue, layouts, fresh_cache
):
    url = reverse("guide:checklist", args=["SCJG-004"])
    first = client.get(url).content
    assert client.get(url).content == first
    assert len(layouts) == 1

    RequiredMaterialFactory(matter=catalogue["business"], position=3, name="全体投资人身份证明")
    changed = client.get(url).content
    assert len(layouts) == 2
    assert "全体投资人身份证明" in pdf_text(changed) and "全体投资人身份证明" not in pdf_text(first)


def test_the_checklist_is_printed_while_the_cache_is_down(client, catalogue, layouts, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    url = reverse("guide:checklist", args=["SCJG-004"])
    assert client.get(url).content.startswith(b"%PDF-")
    assert client.get(url).status_code == 200
    assert len(layouts) == 2
