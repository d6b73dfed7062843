"""Malformed GET parameters of the HTML list pages answer 400 with a message, never 500 (issue 15, item 9)."""

import pytest

from staff.roles import Role
from tests.factories import StaffMemberFactory, UserFactory

LIST_URLS = [
    "/matters/",
    "/requests/",
    "/requests/ledger/",
    "/requests/matter-search/",
    "/key-projects/",
    "/consultations/",
    "/complaints/",
    "/complaints/dashboard/",
    "/evaluations/",
    "/rosters/",
    "/rosters/coverage/",
    "/rosters/substitutions/",
    "/rosters/absences/",
    "/rosters/reports/attendance/",
    "/training/sessions/",
    "/training/bank/",
    "/training/tests/",
    "/training/reports/scores/",
    "/training/reports/attendance/",
    "/supervision/",
    "/supervision/reports/",
    "/supervision/assessment/",
    "/supervision/integrity/",
    "/supervision/audit/",
]


@pytest.fixture
def staff_client(client, hall):
    """A hall administrator who also supervises, so every list page is open to them."""
    user = UserFactory(username="hall-admin", roles=[Role.ADMIN, Role.SUPERVISOR], is_staff=True)
    StaffMemberFactory(user=user, centre=hall["district"], name="hall-admin")
    client.force_login(user)
    return client


@pytest.mark.parametrize("url", LIST_URLS)
@pytest.mark.parametrize("param", ["q", "kind", "status", "centre"])
def test_a_nul_byte_in_a_filter_answers_400_with_a_chinese_message(staff_client, url, param):
    response = staff_client.get(url, {param: "\x00"})
    assert response.status_code == 400
    assert "含有控制字符" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "params", "message"),
    [
        ("/matters/", {"department": "abc"}, "部门"),
        ("/matters/", {"department": "99999999999999999999"}, "部门"),
        ("/requests/matter-search/", {"q": "x" * 500}, "搜索"),
        ("/training/bank/", {"topic": "2026-02-30"}, "主题"),
        ("/training/bank/", {"topic": "abc"}, "主题"),
        ("/training/bank/", {"kind": "essay"}, "类型"),
        ("/training/bank/", {"active": "maybe"}, "已启用"),
        ("/training/bank/", {"session": "abc"}, "培训"),
        ("/requests/", {"applied_from": "2026-02-30"}, ""),
        ("/complaints/", {"status": "nonsense-choice"}, ""),
        ("/supervision/audit/", {"problem": "nonsense-choice"}, ""),
        ("/requests/ledger/", {"applied_to": "2026-02-30"}, ""),
        ("/evaluations/", {"show": "nonsense-choice"}, "查看"),
        ("/rosters/", {"centre": "abc"}, "服务中心"),
        ("/rosters/", {"centre": "99999999999999999999"}, "服务中心"),
        ("/rosters/coverage/", {"centre": "abc"}, "服务中心"),
        ("/rosters/dashboard/", {"day": "2026-02-30"}, "日期"),
        # Found in review: year 1 overflowed the patrol weeks (four weeks back) and the month pager.
        ("/rosters/dashboard/", {"day": "0001-01-20"}, "2000"),
        ("/rosters/duty-records/", {"month": "0001-01"}, "2000"),
        ("/rosters/duty-records/", {"month": "9999-12"}, "2099"),
        ("/rosters/substitutions/", {"status": "nonsense-choice"}, "状态"),
        ("/rosters/absences/", {"month": "2026-02-30"}, "月份"),
        ("/rosters/reports/attendance/", {"month": "2026-13"}, "月份"),
        ("/rosters/reports/attendance/", {"month": "abc", "format": "xlsx"}, "月份"),
        ("/rosters/duty-schedule.xlsx", {"month": "abc"}, "月份"),
        ("/training/sessions/", {"month": "2026-02-30"}, "月份"),
        ("/training/sessions/", {"centre": "abc"}, "服务中心"),
        ("/training/tests/", {"centre": "abc"}, "服务中心"),
        ("/training/reports/scores/", {"month": "abc"}, "月份"),
        ("/training/reports/attendance/", {"month": "2026-02-30"}, "月份"),
        ("/training/reports/attendance/", {"month": "2026-02-30", "format": "xlsx"}, "月份"),
        ("/supervision/", {"date_from": "2026-02-30"}, ""),
        ("/supervision/", {"centre": "abc"}, ""),
        ("/supervision/assessment/", {"year": "abc"}, ""),
        ("/supervision/assessment/", {"centre": "abc"}, ""),
    ],
)
def test_a_malformed_filter_value_answers_400_saying_which_filter(staff_client, url, params, message):
    response = staff_client.get(url, params)
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize("url", ["/matters/", "/training/bank/", "/requests/", "/requests/ledger/"])
def test_good_filters_still_answer_200(staff_client, url):
    assert staff_client.get(url, {"q": "户籍"}).status_code == 200


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/rosters/", {"month": "2026-03", "centre": ""}),
        ("/rosters/dashboard/", {"day": "2026-03-02"}),
        ("/rosters/substitutions/", {"status": ""}),
        ("/rosters/reports/attendance/", {"month": "2026-03"}),
        ("/training/sessions/", {"month": "2026-03-15"}),
        ("/training/reports/scores/", {"month": "2026-03"}),
        ("/evaluations/", {"show": "all"}),
        ("/consultations/", {"page_size": "20"}),
    ],
)
def test_well_formed_helper_filters_still_answer_200(staff_client, url, params):
    assert staff_client.get(url, params).status_code == 200


def test_the_duty_dashboards_htmx_poll_with_a_bad_day_gets_the_message_with_200_so_htmx_swaps_it(staff_client):
    response = staff_client.get("/rosters/dashboard/", {"day": "2026-02-30"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "日期" in body and "<html" not in body
