"""The Django admin as the hall's administrator meets it (issue 14, item 25): the integrity records the README
promises read-only there are listed for the admin role (not only for superusers), and a new material row of a
matter starts with the next 序号 instead of 1."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from supervision.models import IntegrityRecord
from supervision.services import integrity_record_create
from tests.factories import MatterFactory, RequiredMaterialFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(hall, supervisor_user):
    helper = StaffMemberFactory(centre=hall["district"], name="甲帮办")
    return integrity_record_create(
        actor=supervisor_user,
        staff_id=helper.pk,
        kind="gifts",
        occurred_on=timezone.localdate() - timedelta(days=3),
        description="收受申请人购物卡一张",
    )


def test_the_hall_admin_finds_integrity_records_read_only_in_the_admin(client, admin_user_role, record):
    client.force_login(admin_user_role)
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:supervision_integrityrecord_changelist") in index
    listing = client.get(reverse("admin:supervision_integrityrecord_changelist"))
    assert listing.status_code == 200 and "甲帮办" in listing.content.decode()
    change = client.get(reverse("admin:supervision_integrityrecord_change", args=[record.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert client.get(reverse("admin:supervision_integrityrecord_add")).status_code == 403
    deleted = client.post(reverse("admin:supervision_integrityrecord_delete", args=[record.pk]), {"post": "yes"})
    assert deleted.status_code == 403 and IntegrityRecord.objects.filter(pk=record.pk).exists()


def test_the_hall_admin_still_cannot_record_or_revoke_integrity_breaches(client, admin_user_role, record):
    client.force_login(admin_user_role)
    assert client.get(reverse("supervision:integrity")).status_code == 403
    assert client.post(reverse("supervision:integrity-revoke", args=[record.pk]), {"reason": "x"}).status_code == 403
    assert IntegrityRecord.objects.get(pk=record.pk).revoked_at is None


def test_a_supervisor_keeps_the_integrity_page(client, supervisor_user, record):
    client.force_login(supervisor_user)
    assert client.get(reverse("supervision:integrity")).status_code == 200


def _position_inputs(html: str) -> dict[str, str]:
    return dict(re.findall(r'name="materials-([\w_]+)-position" value="(\d+)"', html))


def test_a_new_material_row_of_a_matter_with_three_materials_starts_at_4(client, admin_user_role):
    matter = MatterFactory(main_item="城乡居民养老保险参保登记")
    for position, name in [(1, "居民身份证"), (2, "户口簿"), (3, "近期免冠照片")]:
        RequiredMaterialFactory(matter=matter, position=position, name=name)
    client.force_login(admin_user_role)
    html = client.get(reverse("admin:requests_matter_change", args=[matter.pk])).content.decode()
    positions = _position_inputs(html)
    assert positions["0"] == "1" and positions["2"] == "3"
    assert positions["3"] == "4"  # the blank row for a new material
    assert positions["__prefix__"] == "5"  # the row "Add another" copies comes after it


def test_the_first_material_of_a_new_matter_is_number_1(client, admin_user_role):
    client.force_login(admin_user_role)
    html = client.get(reverse("admin:requests_matter_add")).content.decode()
    assert _position_inputs(html)["0"] == "1"
