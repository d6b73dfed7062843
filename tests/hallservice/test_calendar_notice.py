"""Entering a year's State Council holiday notice (issue 14, item 11): the bulk entry reads the pasted or uploaded
dates all or nothing, and only an entered notice ends the "next year not entered" banner."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from hallservice.core.calendar import calendar_notice_enter, calendar_override_delete, calendar_override_save
from hallservice.core.calendar_notice import parse_notice
from hallservice.core.errors import DomainError, PermissionDenied
from hallservice.core.models import CalendarOverride, CalendarYear
from hallservice.core.workdays import is_working_day, missing_calendar_years

pytestmark = pytest.mark.django_db

# The dates of a 2027 notice as an admin would paste them (2027 is not in chinese-calendar 1.11).
NOTICE_2027 = """
# 国务院办公厅关于2027年部分节假日安排的通知
2027-01-01 至 2027-01-03 休 元旦
2027-02-06 至 2027-02-13 休 春节
2027-02-20 上班 春节调休
2027年4月5日 休 清明节
2027/5/1 ~ 2027/5/5 放假 劳动节
2027-04-25 班
"""


@pytest.fixture(autouse=True)
def _english_messages():
    with translation.override("en"):
        yield


def test_the_notice_reads_ranges_single_days_and_adjusted_working_days():
    days = {d.day: d for d in parse_notice(NOTICE_2027, year=2027)}
    assert len(days) == 3 + 8 + 1 + 1 + 5 + 1
    assert days[date(2027, 1, 2)].is_working_day is False and days[date(2027, 1, 2)].note == "元旦"
    assert days[date(2027, 2, 20)].is_working_day is True and days[date(2027, 2, 20)].note == "春节调休"
    assert days[date(2027, 4, 25)].is_working_day is True and days[date(2027, 4, 25)].note == ""
    assert days[date(2027, 5, 5)].note == "劳动节"


def test_a_new_year_holiday_starting_in_the_previous_december_is_accepted():
    days = parse_notice("2026-12-31 至 2027-01-02 休 元旦", year=2027)
    assert [d.day for d in days] == [date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 2)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027-01-01 至 2027-01-03 休 元旦\n2027-02-30 休 春节", "Line 2: 2027-02-30 is not a date."),
        ("2027-01-01 至 2027-01-03 休 元旦\n春节放假8天", "Line 2 cannot be read"),
        ("2027-01-03 至 2027-01-01 休 元旦", "Line 1: the range ends before it starts."),
        ("2027-01-01 至 2027-03-01 休 元旦", "Line 1: a range of more than 15 days"),
        ("2028-01-01 休 元旦", "Line 1: the dates are not in 2027."),
        ("2027-02-06 至 2027-02-13 休 春节\n2027-02-07 上班", "Line 2: 2027-02-07 is already entered as the opposite"),
        ("2027-02-07 上班", "The notice lists no holiday"),
    ],
)
def test_a_bad_line_is_refused_with_its_number(text, message):
    with pytest.raises(DomainError) as caught:
        parse_notice(text, year=2027)
    assert message in str(caught.value)


def test_entering_the_2027_notice_stores_every_date_and_ends_the_banner(admin_user_role):
    assert missing_calendar_years(date(2026, 12, 7)) == [2027]
    entered = calendar_notice_enter(actor=admin_user_role, year=2027, text=NOTICE_2027, source="国办发明电〔2026〕7号")
    assert len(entered.overrides) == 19 and entered.moved == 0
    assert is_working_day(date(2027, 1, 1)) is False and is_working_day(date(2027, 2, 20)) is True
    assert CalendarYear.objects.get(year=2027).entered_by == admin_user_role
    assert missing_calendar_years(date(2026, 12, 7)) == []


def test_one_local_override_does_not_end_the_banner(admin_user_role):
    calendar_override_save(actor=admin_user_role, day=date(2027, 3, 8), is_working_day=False, note="区里停电")
    assert missing_calendar_years(date(2026, 12, 7)) == [2027]


def test_a_bad_notice_stores_nothing(admin_user_role):
    with pytest.raises(DomainError):
        calendar_notice_enter(actor=admin_user_role, year=2027, text=NOTICE_2027 + "\n2027-13-01 休 错")
    assert not CalendarOverride.objects.exists() and not CalendarYear.objects.exists()


def test_entering_the_notice_replaces_the_status_of_a_date_already_overridden(admin_user_role):
    calendar_override_save(actor=admin_user_role, day=date(2027, 2, 20), is_working_day=False, note="猜的")
    calendar_notice_enter(actor=admin_user_role, year=2027, text=NOTICE_2027)
    override = CalendarOverride.objects.get(date=date(2027, 2, 20))
    assert override.is_working_day is True and override.note == "春节调休"


def test_the_front_desk_may_not_change_the_calendar(front_desk_user):
    with pytest.raises(PermissionDenied):
        calendar_override_save(actor=front_desk_user, day=date(2027, 1, 1), is_working_day=False)
    assert not CalendarOverride.objects.exists()


def test_an_override_can_be_deleted_again(admin_user_role):
    override = calendar_override_save(actor=admin_user_role, day=date(2027, 1, 1), is_working_day=False)
    calendar_override_delete(actor=admin_user_role, override_id=override.pk)
    assert is_working_day(date(2027, 1, 1)) is True


# --- the admin page ---------------------------------------------------------------------------------------


def test_the_admin_pastes_the_notice_on_its_page(client, admin_user_role):
    client.force_login(admin_user_role)
    url = reverse("admin:hallservice_calendar_notice")
    assert url in client.get(reverse("admin:hallservice_calendaroverride_changelist")).content.decode()
    response = client.post(url, {"year": "2027", "source": "国办发明电〔2026〕7号", "text": NOTICE_2027})
    assert response.status_code == 302
    assert CalendarOverride.objects.filter(date__year=2027).count() == 19
    assert CalendarYear.objects.filter(year=2027, source="国办发明电〔2026〕7号").exists()


def test_the_admin_uploads_the_notice_as_a_utf8_file(client, admin_user_role):
    client.force_login(admin_user_role)
    upload = SimpleUploadedFile("2027.txt", ("\ufeff" + NOTICE_2027).encode("utf-8"), content_type="text/plain")
    response = client.post(reverse("admin:hallservice_calendar_notice"), {"year": "2027", "upload": upload})
    assert response.status_code == 302 and CalendarYear.objects.filter(year=2027).exists()


def test_a_gbk_file_is_refused_with_a_clear_message(client, admin_user_role):
    client.force_login(admin_user_role)
    upload = SimpleUploadedFile("2027.txt", NOTICE_2027.encode("gbk"), content_type="text/plain")
    response = client.post(reverse("admin:hallservice_calendar_notice"), {"year": "2027", "upload": upload})
    assert response.status_code == 400 and "文件不是 UTF-8 文本" in response.content.decode()
    assert not CalendarOverride.objects.exists()


def test_a_bad_line_on_the_page_shows_its_number_in_chinese_and_stores_nothing(client, admin_user_role):
    client.force_login(admin_user_role)
    # The pages are in Chinese unless the user switched language.
    response = client.post(
        reverse("admin:hallservice_calendar_notice"), {"year": "2027", "text": "2027-01-01 休 元旦\n2027-02-30 休"}
    )
    assert response.status_code == 400
    assert "第 2 行：2027-02-30 不是有效日期。" in response.content.decode()
    assert not CalendarOverride.objects.exists() and not CalendarYear.objects.exists()


def test_the_front_desk_cannot_open_the_notice_page(client, front_desk_user):
    front_desk_user.is_staff = True
    front_desk_user.save(update_fields=["is_staff"])
    client.force_login(front_desk_user)
    response = client.get(reverse("admin:hallservice_calendar_notice"))
    assert response.status_code in (302, 403)
