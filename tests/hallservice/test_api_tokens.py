"""API tokens (issue 15, item 13): stored hashed, expiring, revoked on a password change and by logout-all."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from hallservice.core.actors import SYSTEM
from hallservice.core.api_tokens import api_token_issue
from hallservice.core.models import ApiToken
from staff.roles import Role
from tests.conftest import make_staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(hall):
    return make_staff_user(role=Role.FRONT_DESK, centre=hall["district"], username="desk", name="王帮办")


def with_token(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_token_issued_by_the_command_works_for_api_calls_and_is_printed_once(desk):
    out, err = StringIO(), StringIO()
    call_command("issue_api_token", "desk", "--name", "区政务数据平台", "--days", "7", stdout=out, stderr=err)
    token = out.getvalue().strip()
    assert token.startswith("hs_") and "\n" not in token
    row = ApiToken.objects.get(user=desk)
    assert row.name == "区政务数据平台" and row.created_at + timedelta(days=7) - row.expires_at < timedelta(seconds=5)
    assert token not in err.getvalue()

    assert with_token(token).get("/api/v1/requests/").status_code == 200
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_the_token_is_stored_hashed_so_the_database_holds_no_usable_token(desk):
    _row, token = api_token_issue(user=desk, actor=SYSTEM, name="integration")
    secret = token.split("_", 2)[2]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM hallservice_apitoken")
        dumped = repr(cursor.fetchall())
    assert token not in dumped and secret not in dumped


def test_the_default_lifetime_follows_api_token_ttl_days(desk, settings):
    settings.API_TOKEN_TTL_DAYS = 3
    row, _token = api_token_issue(user=desk, actor=SYSTEM, name="integration")
    assert abs(row.expires_at - (timezone.now() + timedelta(days=3))) < timedelta(seconds=5)


def test_an_expired_token_gets_401(desk):
    _row, token = api_token_issue(user=desk, actor=SYSTEM, name="integration", days=30)
    assert with_token(token).get("/api/v1/requests/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=30, minutes=1)):
        assert with_token(token).get("/api/v1/requests/").status_code == 401
    assert not ApiToken.objects.exists()


def test_a_wrong_or_forged_token_gets_401(desk):
    _row, token = api_token_issue(user=desk, actor=SYSTEM, name="integration")
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert with_token(forged).get("/api/v1/requests/").status_code == 401
    assert with_token("0123456789abcdef0123456789abcdef01234567").get("/api/v1/requests/").status_code == 401
    assert with_token(token).get("/api/v1/requests/").status_code == 200


def test_changing_the_password_on_the_page_revokes_the_users_tokens(desk):
    _row, token = api_token_issue(user=desk, actor=SYSTEM, name="integration")
    client = APIClient()
    client.force_login(desk)
    response = client.post(
        "/accounts/password/",
        {"old_password": "pass-word-123", "new_password1": "Gx7-new-Pass-2026", "new_password2": "Gx7-new-Pass-2026"},
    )
    assert response.status_code == 302
    assert with_token(token).get("/api/v1/requests/").status_code == 401
    assert not ApiToken.objects.filter(user=desk).exists()


def test_a_password_set_by_an_administrator_revokes_the_users_tokens(desk):
    _row, token = api_token_issue(user=desk, actor=SYSTEM, name="integration")
    desk.set_password("Gx7-reset-by-admin")
    desk.save()
    assert with_token(token).get("/api/v1/requests/").status_code == 401


def test_logout_all_revokes_every_token_of_the_user_only(desk, hall):
    other = make_staff_user(role=Role.FRONT_DESK, centre=hall["district"], username="desk2", name="李帮办")
    _a, first = api_token_issue(user=desk, actor=SYSTEM, name="platform")
    _b, second = api_token_issue(user=desk, actor=SYSTEM, name="report script")
    _c, others = api_token_issue(user=other, actor=SYSTEM, name="platform")

    response = with_token(first).post("/api/v1/auth/logout-all/")
    assert response.status_code == 200 and response.json() == {"revoked": 2}
    assert with_token(first).get("/api/v1/requests/").status_code == 401
    assert with_token(second).get("/api/v1/requests/").status_code == 401
    assert with_token(others).get("/api/v1/requests/").status_code == 200


def test_logout_all_needs_authentication():
    assert APIClient().post("/api/v1/auth/logout-all/").status_code == 401


def test_the_command_refuses_an_unknown_user_and_a_lifetime_out_of_range(desk):
    with pytest.raises(CommandError):
        call_command("issue_api_token", "nobody", stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError):
        call_command("issue_api_token", "desk", "--days", "0", stdout=StringIO(), stderr=StringIO())
    assert not ApiToken.objects.exists()


def test_an_administrator_sees_tokens_in_the_admin_without_their_secret_and_can_delete_one(desk):
    from django.contrib.auth import get_user_model

    row, token = api_token_issue(user=desk, actor=SYSTEM, name="区政务数据平台")
    admin_user = get_user_model().objects.create_superuser("root", password="Gx7-admin-2026")
    client = APIClient()
    client.force_login(admin_user)
    page = client.get("/admin/hallservice/apitoken/")
    assert page.status_code == 200 and "区政务数据平台" in page.content.decode()
    assert token.split("_", 2)[2] not in page.content.decode()
    assert client.post(f"/admin/hallservice/apitoken/{row.pk}/delete/", {"post": "yes"}).status_code == 302
    assert with_token(token).get("/api/v1/requests/").status_code == 401
