"""Personal-data keys: `rotate_encryption_keys` re-encrypts every row under the newest key, idempotently, and
the search hashes survive a rotation (issue 15, item 7)."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection

from hallservice.core.crypto import _fernet_key
from requests.models import ServiceRequest

pytestmark = pytest.mark.django_db

OLD, NEW = "old-field-key-2025", "new-field-key-2026"


def stored(req, column="applicant_id_number") -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM requests_servicerequest WHERE id = %s", [req.pk])
        return cursor.fetchone()[0]


def decrypts_with(key: str, token: str) -> bool:
    try:
        Fernet(_fernet_key(key)).decrypt(token.encode())
        return True
    except InvalidToken:
        return False


def rotate(batch_size=2) -> str:
    out = StringIO()
    call_command("rotate_encryption_keys", "--batch-size", str(batch_size), stdout=out)
    return out.getvalue()


def test_rotation_re_encrypts_every_row_under_the_new_key_and_a_second_run_changes_nothing(register, settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    made = [register() for _ in range(3)]  # three rows: two batches of two
    assert all(decrypts_with(OLD, stored(req)) for req in made)

    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]  # the new key first, the old one kept
    output = rotate()
    assert "requests.ServiceRequest.applicant_id_number: 3 re-encrypted, 0 already under the newest key" in output
    for req in made:
        assert decrypts_with(NEW, stored(req)) and not decrypts_with(OLD, stored(req))
        assert decrypts_with(NEW, stored(req, "applicant_phone"))

    assert "requests.ServiceRequest.applicant_id_number: 0 re-encrypted, 3 already under the newest key" in rotate()

    settings.FIELD_ENCRYPTION_KEYS = [NEW]  # the old key dropped: everything still reads and is still found
    req = ServiceRequest.objects.get(pk=made[0].pk)
    assert req.applicant_id_number == made[0].applicant_id_number and req.applicant_phone == "13812345678"
    assert ServiceRequest.objects.filter(applicant_id_hash=made[0].applicant_id_hash).count() == 3


def test_rotation_refuses_a_row_no_configured_key_opens(register, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    register()
    settings.FIELD_ENCRYPTION_KEYS = [NEW]  # the old key dropped too early
    with pytest.raises(ImproperlyConfigured, match="was a key removed"):
        rotate()
