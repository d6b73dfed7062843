"""Issue 14 item 15: a progress report that writes the applicant's address or part of their name is scrubbed on
the public status page (like ID numbers and phones already were), and an ID number typed into a complaint is
masked on the public complaint page."""

import pytest

from complaints.selectors import complaint_status_url
from requests.models import RequestEvent, Status
from requests.services.public import address_parts, name_parts, request_status_url, scrub
from tests.factories import ServiceRequestFactory, online_complaint

pytestmark = pytest.mark.django_db

ADDRESS = "河南省平顶山市新华区建设路116号3单元502室"


@pytest.fixture
def reported():
    """欧阳娜娜's request, with a progress report naming her street, her house and her given name."""
    req = ServiceRequestFactory(
        status=Status.IN_PROGRESS, applicant_name="欧阳娜娜", applicant_address=ADDRESS, pickup_address=""
    )
    RequestEvent.objects.create(
        request=req,
        verb="progress_reported",
        public=True,
        note="已上门到建设路116号3单元502室核实房屋情况，娜娜阿姨确认无误，材料已递交不动产窗口。",
    )
    return req


def test_a_progress_report_with_the_applicants_address_is_scrubbed_on_the_public_page(client, reported):
    page = client.get(request_status_url(reported)).content.decode()
    assert "建设路" not in page and "116号" not in page and "502室" not in page
    # What the report says about the work is still there.
    assert "核实房屋情况" in page and "材料已递交不动产窗口" in page


def test_the_applicants_given_name_alone_is_scrubbed_on_the_public_page(client, reported):
    page = client.get(request_status_url(reported)).content.decode()
    assert "娜娜" not in page
    assert "阿姨确认无误" in page


def test_only_the_applicants_own_address_parts_are_hidden_not_the_district_or_town():
    assert address_parts("河南省平顶山市新华区焦店镇焦店村三组12号")[1:] == ("焦店村三组12号", "焦店村")
    note = scrub("已到焦店村三组12号核实，焦店镇政府已盖章", addresses=("河南省平顶山市新华区焦店镇焦店村三组12号",))
    assert "焦店村" not in note and "12号" not in note and "焦店镇政府已盖章" in note
    assert address_parts("北京市朝阳区") == ()


def test_name_parts_know_compound_surnames_and_names_with_a_middle_dot():
    assert name_parts("欧阳娜娜") == ("娜娜",)
    assert name_parts("马丽萍") == ("丽萍",)
    assert name_parts("张三") == ()
    assert name_parts("阿依古丽·买买提") == ("阿依古丽", "买买提")


def test_an_estate_address_hides_the_estate_and_the_building():
    note = scrub("结果已送到幸福小区5号楼2单元301，本人签收", addresses=("平顶山市卫东区幸福小区5号楼2单元301",))
    assert "幸福小区" not in note and "301" not in note and "本人签收" in note


def test_an_id_number_typed_into_a_complaint_is_masked_on_the_public_complaint_page(client, hall):
    complaint = online_complaint(
        hall["district"],
        content="我的身份证号410402195503120025，窗口说系统认不出，让我白跑两趟。",
        name="李四",
        contact="",
    )
    page = client.get(complaint_status_url(complaint)).content.decode()
    assert "410402195503120025" not in page
    assert "4104**********0025" in page and "让我白跑两趟" in page
    # The staff still have the full text.
    complaint.refresh_from_db()
    assert "410402195503120025" in complaint.content


def test_a_staff_progress_report_keeps_scrubbing_ids_and_phones(client, people, register):
    req = register()
    note = "已联系13912345678，身份证410402195503120025已核验"
    RequestEvent.objects.create(request=req, verb="progress_reported", public=True, note=note)
    page = client.get(request_status_url(req)).content.decode()
    assert "13912345678" not in page and "410402195503120025" not in page
