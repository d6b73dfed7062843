"""The hall display board (/board/<code>/, hallservice/board.py): the hall's TV shows today's duty leader and helpers,
the day's counts, the month's rates and the centre's notices, without login, public data only, in a fixed number of
queries; a centre may keep it behind a token."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guide.models import Notice
from requests.models import Evaluation, ServiceRequest
from rosters.models import DutyDay
from supervision.figures import refresh_figures
from tests.factories import DistrictFactory, ServiceRequestFactory
from tests.rosters.conftest import at

from .conftest import STAFF_ID, add_specialists

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

WEDNESDAY = date(2026, 12, 9)  # a working day of the published December plan
TZ = ZoneInfo("Asia/Shanghai")
APPLICANT_PHONE = "13987654321"


def page(client, code="XH", **query) -> str:
    with at(2026, 12, 9, 9, 30):
        response = client.get(reverse("board", args=[code]), query)
    assert response.status_code == 200
    return response.content.decode()


def live(client, code="XH", **query):
    with at(2026, 12, 9, 9, 30):
        return client.get(reverse("board-live", args=[code]), query)


def figures(client) -> dict[str, str]:
    """The live part's figures: each name and its value as shown (a rate with its ``<small>%</small>``)."""
    return dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", live(client).content.decode()))


def moment(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 12, day, hour, tzinfo=TZ)


def request_at(centre, status, *, applied, completed=None, deadline=None, **fields) -> ServiceRequest:
    """A request of ``centre`` registered (and completed) at the given moments; applied_at is backdated after
    creation, as auto_now_add sets it."""
    req = ServiceRequestFactory(centre=centre, status=status, deadline=deadline, **fields)
    ServiceRequest.objects.filter(pk=req.pk).update(applied_at=applied, accepted_at=applied, completed_at=completed)
    return req


@pytest.fixture
def december(board_hall):
    """Work of December at XH as of Wednesday the 9th (and some at another district, which XH's board never counts):

    | req | status      | registered | completed | deadline | evaluation |
    |-----|-------------|------------|-----------|----------|------------|
    | a   | in_progress | 12-09      | —         | 12-15    | —          |
    | b   | applied     | 12-09      | —         | —        | —          |
    | c   | delivered   | 12-02      | 12-09     | 12-10    | ★5         |
    | d   | completed   | 12-01      | 12-04     | 12-03    | ★2 (late)  |
    | e   | suspended   | 12-03      | —         | 12-18    | —          |
    | f   | delivered   | 11-20      | 11-25     | 11-30    | ★4         |  (November: not this month's)

    Today: 2 registered, 1 completed, 2 in handling (a, e). December: 2 completed, 1 on time → 50.0 %;
    evaluations ★5 and ★2 → 1 of 2 satisfied → 50.0 %.
    """
    xh, other = board_hall["centre"], DistrictFactory(code="OT", name="另一区政务服务中心")
    helper = board_hall["helpers"][0]
    phone = {"applicant_phone": APPLICANT_PHONE, "helper": helper}
    request_at(xh, "in_progress", applied=moment(9, 9), deadline=date(2026, 12, 15), **phone)
    request_at(xh, "applied", applied=moment(9, 9), **phone)
    c = request_at(xh, "delivered", applied=moment(2), completed=moment(9, 9), deadline=date(2026, 12, 10), **phone)
    d = request_at(xh, "completed", applied=moment(1), completed=moment(4), deadline=date(2026, 12, 3), **phone)
    request_at(xh, "suspended", applied=moment(3), deadline=date(2026, 12, 18), **phone)
    f = request_at(
        xh,
        "delivered",
        applied=datetime(2026, 11, 20, 10, tzinfo=TZ),
        completed=datetime(2026, 11, 25, 10, tzinfo=TZ),
        deadline=date(2026, 11, 30),
        **phone,
    )
    for req, rating, when in [(c, 5, moment(9, 9)), (d, 2, moment(5)), (f, 4, datetime(2026, 11, 26, tzinfo=TZ))]:
        evaluation = Evaluation.objects.create(request=req, rating=rating)
        Evaluation.objects.filter(pk=evaluation.pk).update(at=when)
    request_at(other, "in_progress", applied=moment(9, 9), deadline=date(2026, 12, 15))
    refresh_figures()
    return {**board_hall, "other": other}


def test_the_board_shows_todays_duty_leader_and_helpers_on_duty_without_login(client, board_hall):
    leader = DutyDay.objects.get(plan=board_hall["plan"], day=WEDNESDAY).leader

    text = page(client)

    assert board_hall["centre"].name in text
    assert "今日带班" in text and leader.name in text
    assert "今日在岗帮办代办员" in text
    for helper in board_hall["helpers"][:6]:
        assert helper.name in text
    # The live part polls itself, every DISPLAY_BOARD_REFRESH_SECONDS, from the live URL.
    assert f'hx-get="{reverse("board-live", args=["XH"])}"' in text
    assert 'hx-trigger="every 30s"' in text


def test_the_live_part_answers_without_login_with_the_same_content(client, board_hall):
    leader = DutyDay.objects.get(plan=board_hall["plan"], day=WEDNESDAY).leader

    response = live(client)

    assert response.status_code == 200
    text = response.content.decode()
    assert leader.name in text and board_hall["helpers"][0].name in text
    assert "<html" not in text
    assert 'data-updated="09:30"' in text
    assert "no-cache" in response["Cache-Control"]


def test_on_a_closed_day_the_board_says_so_and_lists_no_one(client, board_hall):
    with at(2026, 12, 12, 9, 30):  # a Saturday
        text = client.get(reverse("board-live", args=["XH"])).content.decode()

    assert "今日非工作日，大厅不对外办公。" in text
    assert "今日带班" not in text and board_hall["helpers"][0].name not in text


def test_an_unknown_centre_has_no_board(client, board_hall):
    assert client.get(reverse("board", args=["NOPE"])).status_code == 404
    assert client.get(reverse("board-live", args=["NOPE"])).status_code == 404


@pytest.mark.parametrize(
    ("tokens", "given", "status"),
    [
        ({}, "", 200),
        ({"XH": "tv-XH-secret"}, "", 403),
        ({"XH": "tv-XH-secret"}, "wrong", 403),
        ({"XH": "tv-XH-secret"}, "tv-XH-secret", 200),
        ({"*": "every-hall"}, "", 403),
        ({"*": "every-hall"}, "every-hall", 200),
        ({"OT": "another-hall"}, "", 200),
        ({"XH": "own", "*": "every-hall"}, "every-hall", 403),
    ],
)
def test_a_centre_with_a_display_token_shows_its_board_only_with_it(
    client, board_hall, settings, tokens, given, status
):
    settings.DISPLAY_BOARD_TOKENS = tokens
    query = {"token": given} if given else {}

    with at(2026, 12, 9, 9, 30):
        board = client.get(reverse("board", args=["XH"]), query)
        part = client.get(reverse("board-live", args=["XH"]), query)

    assert (board.status_code, part.status_code) == (status, status)


def test_the_board_polls_its_live_part_with_the_token(client, board_hall, settings):
    settings.DISPLAY_BOARD_TOKENS = {"XH": "tv secret&1"}

    text = page(client, token="tv secret&1")

    assert f'hx-get="{reverse("board-live", args=["XH"])}?token=tv+secret%261"' in text


def test_the_board_shows_no_personal_data(client, december):
    helper = december["helpers"][0]
    helper.user.email = "private.mail@example.com"
    helper.user.save(update_fields=["email"])
    helper.refresh_from_db()
    assert helper.id_number == STAFF_ID  # on file, as the fixture says

    leader = DutyDay.objects.get(plan=december["plan"], day=WEDNESDAY).leader

    text = page(client) + live(client).content.decode()

    assert helper.name in text and leader.phone in text  # the duty leader's work phone is public
    assert STAFF_ID not in text and STAFF_ID[:6] not in text and STAFF_ID[-4:] not in text
    assert "private.mail" not in text
    # Nor anything of today's applicants.
    assert APPLICANT_PHONE not in text and APPLICANT_PHONE[-4:] not in text
    assert "申请人" not in text


def test_the_board_counts_todays_requests_and_the_months_rates_of_its_own_centre(client, december):
    assert figures(client) == {
        "今日登记": "2",
        "今日办结": "1",
        "在办": "2",
        "按时办结率": "50.0<small>%</small>",
        "满意率": "50.0<small>%</small>",
    }


def test_without_work_this_month_the_rates_are_dashes(client, board_hall):
    shown = figures(client)

    assert shown["今日登记"] == "0"
    assert shown["按时办结率"] == shown["满意率"] == "—"


def test_notices_roll_from_their_first_to_their_last_day_in_their_order(client, december):
    xh = december["centre"]
    Notice.objects.create(centre=xh, text="二号通知：元旦放假安排", starts_on=date(2026, 12, 1), position=2)
    Notice.objects.create(
        centre=xh, text="一号通知：帮办代办免费", starts_on=date(2026, 12, 9), ends_on=date(2026, 12, 9), position=1
    )
    Notice.objects.create(centre=xh, text="已过期的通知", starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 8))
    Notice.objects.create(centre=xh, text="还没开始的通知", starts_on=date(2026, 12, 10))
    Notice.objects.create(centre=december["other"], text="别的大厅的通知", starts_on=date(2026, 12, 1))

    text = live(client).content.decode()

    assert "<li><span>一号通知：帮办代办免费</span></li>" in text and "二号通知：元旦放假安排" in text
    assert text.index("一号通知") < text.index("二号通知")
    for absent in ("已过期的通知", "还没开始的通知", "别的大厅的通知"):
        assert absent not in text


def test_the_live_part_costs_a_fixed_number_of_queries_and_the_cache_one(client, december):
    def queries(*, clear: bool) -> int:
        if clear:
            from django.core.cache import cache

            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert live(client).status_code == 200
        return len(captured)

    few = queries(clear=True)
    add_specialists(december, 8)
    for i in range(8):
        Notice.objects.create(centre=december["centre"], text=f"通知{i}", starts_on=date(2026, 12, 1))
        request_at(december["centre"], "in_progress", applied=moment(9, 8), deadline=date(2026, 12, 20))
    refresh_figures()
    many = queries(clear=True)
    cached = queries(clear=False)

    assert many == few, "the live part costs the same for more helpers, notices and requests"
    assert many <= 15, f"{many} queries"  # 1 centre, 11 for the roster and staff, 1 notices, 2 figures
    assert cached == 1  # the centre, for the 404 and the token


@pytest.mark.parametrize(("seconds", "shown"), [(10, False), (0, True)])
def test_the_live_part_is_cached_for_the_seconds_set(client, board_hall, settings, seconds, shown):
    settings.DISPLAY_BOARD_CACHE_SECONDS = seconds
    live(client)
    Notice.objects.create(centre=board_hall["centre"], text="刚加的通知", starts_on=date(2026, 12, 1))

    assert ("刚加的通知" in live(client).content.decode()) is shown


def test_a_supervisor_keeps_the_notices_of_their_own_centres_in_the_admin(client, december):
    supervisor = december["supervisor"]
    supervisor.is_staff = True
    supervisor.save(update_fields=["is_staff"])
    Notice.objects.create(centre=december["other"], text="别的大厅的通知", starts_on=date(2026, 12, 1))
    client.force_login(supervisor)

    form = client.get(reverse("admin:guide_notice_add"))
    response = client.post(
        reverse("admin:guide_notice_add"),
        {"centre": december["centre"].pk, "text": "元旦假期安排", "starts_on": "2026-12-01", "position": 1},
    )
    listed = client.get(reverse("admin:guide_notice_changelist")).content.decode()

    assert form.status_code == 200
    offered = form.context["adminform"].form.fields["centre"].queryset
    assert december["centre"] in offered and december["other"] not in offered
    assert response.status_code == 302
    assert Notice.objects.filter(centre=december["centre"], text="元旦假期安排").exists()
    assert "元旦假期安排" in listed and "别的大厅的通知" not in listed


def test_the_board_stays_up_while_the_cache_is_down(client, board_hall):
    """Found in review: the live part read and wrote the cache unguarded, so the public board answered 500 while
    Redis was down."""
    from django.test import override_settings

    down = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    with override_settings(CACHES=down):
        response = live(client)
    assert response.status_code == 200 and board_hall["helpers"][0].name in response.content.decode()
