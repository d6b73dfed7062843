"""With DEBUG off the hall refuses to start on development fallbacks: personal-data keys falling back to
SECRET_KEY (issue 15, item 7) and the console SMS backend (item 4). Both are errors of `check --deploy` too."""

import pytest
from django.core import checks

from hallservice.core.crypto import check_field_keys
from hallservice.core.notifications import check_sms_backend
from tests.hallservice.test_settings import run_manage

PRODUCTION = {"DJANGO_DEBUG": "0", "SECRET_KEY": "s" * 60, "ALLOWED_HOSTS": "hall.example.cn"}
KEYS = {"FIELD_ENCRYPTION_KEYS": "k" * 44, "FIELD_HASH_KEY": "h" * 44}


def test_deploy_check_fails_when_the_field_keys_fall_back_to_secret_key():
    result = run_manage("check", "--deploy", SMS_BACKEND="none", **PRODUCTION)
    assert result.returncode != 0
    assert "hallservice.E020" in result.stderr and "hallservice.E021" in result.stderr


def test_deploy_check_fails_when_no_sms_backend_is_configured():
    result = run_manage("check", "--deploy", **PRODUCTION, **KEYS)
    assert result.returncode != 0
    assert "hallservice.E010" in result.stderr and "E020" not in result.stderr


def test_production_with_own_keys_and_sms_switched_off_passes_the_check():
    result = run_manage("check", **PRODUCTION, **KEYS, SMS_BACKEND="none")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("keys", "hash_key", "ids"),
    [
        (["dev-secret"], "own-hash-key", ["hallservice.E020"]),  # encryption keys fell back to SECRET_KEY
        (["new-key", "old-key"], "old-key", ["hallservice.E021"]),  # hash key fell back to the last key
        (["new-key", "old-key"], "dev-secret", ["hallservice.E021"]),
        (["new-key", "old-key"], "own-hash-key", []),
    ],
)
def test_field_key_check(settings, keys, hash_key, ids):
    settings.DEBUG = False
    settings.SECRET_KEY = "dev-secret"
    settings.FIELD_ENCRYPTION_KEYS = keys
    settings.FIELD_HASH_KEY = hash_key
    assert [m.id for m in check_field_keys()] == ids


def test_sms_check_refuses_the_console_only_with_debug_off(settings):
    settings.NOTIFICATION_BACKENDS = {
        **settings.NOTIFICATION_BACKENDS,
        "sms": "hallservice.core.notifications.ConsoleSmsBackend",
    }
    settings.DEBUG = False
    (error,) = check_sms_backend()
    assert error.id == "hallservice.E010" and error.level == checks.ERROR
    settings.NOTIFICATION_BACKENDS = {
        **settings.NOTIFICATION_BACKENDS,
        "sms": "hallservice.core.notifications.DisabledSmsBackend",
    }
    assert check_sms_backend() == []
    settings.DEBUG = True
    settings.NOTIFICATION_BACKENDS = {
        **settings.NOTIFICATION_BACKENDS,
        "sms": "hallservice.core.notifications.ConsoleSmsBackend",
    }
    assert check_sms_backend() == []
