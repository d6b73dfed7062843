"""Issue 15, item 14 (part): wrong old passwords on the password-change page are limited per user, and the admin's
login answers 429 Too Many Requests when throttled, like the site's login page."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

STRONG = "Ziyuan-2026-hall!"


def test_the_throttled_admin_login_answers_429_in_chinese(client, admin_user_role):
    url = reverse("admin:login")
    for _ in range(5):
        assert client.post(url, {"username": "hall-admin", "password": "wrong-guess"}).status_code == 200
    response = client.post(url, {"username": "hall-admin", "password": "pass-word-123"})
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    assert "登录失败次数过多" in response.content.decode()


def test_five_wrong_old_passwords_stop_the_password_change_even_with_the_right_one(client, front_desk_user):
    client.force_login(front_desk_user)
    url = reverse("password-change")
    for i in range(5):
        wrong = {"old_password": f"guess-{i}", "new_password1": STRONG, "new_password2": STRONG}
        assert client.post(url, wrong).status_code == 400
    right = {"old_password": "pass-word-123", "new_password1": STRONG, "new_password2": STRONG}
    blocked = client.post(url, right)
    assert blocked.status_code == 429
    assert "密码错误次数过多" in blocked.content.decode()
    front_desk_user.refresh_from_db()
    assert front_desk_user.check_password("pass-word-123")  # not changed


def test_a_right_old_password_does_not_use_up_the_limit(client, front_desk_user, settings):
    settings.LOGIN_THROTTLE_RATES = {**settings.LOGIN_THROTTLE_RATES, "password_change": "1/900"}
    client.force_login(front_desk_user)
    url = reverse("password-change")
    # A right old password with a weak new one: refused for the new one, and not counted as a guess.
    weak = {"old_password": "pass-word-123", "new_password1": "12345678", "new_password2": "12345678"}
    assert client.post(url, weak).status_code == 400
    done = client.post(url, {"old_password": "pass-word-123", "new_password1": STRONG, "new_password2": STRONG})
    assert done.status_code == 302
