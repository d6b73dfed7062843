"""Integrity records (seed 000 五.3, seed 004 廉洁服务): the create and revoke rules with their messages, the page
(filters, the create form prefilled from the query string, revoking with a reason), scoping, and the read-only
admin. Bad input changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from staff.roles import Role
from supervision.models import IntegrityRecord
from supervision.services import integrity_record_create, integrity_record_revoke
from tests.conftest import make_staff_user
from tests.factories import DistrictFactory, ServiceRequestFactory, StaffMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests name the English source of the messages they expect; the catalogue would give Chinese."""
    with translation.override("en"):
        yield


@pytest.fixture
def people(hall, supervisor_user):
    other = DistrictFactory(code="OT", name="另一区政务服务中心")
    helper = StaffMemberFactory(centre=hall["district"], name="甲帮办")
    town_helper = StaffMemberFactory(centre=hall["town"], name="丙帮办")
    stranger = StaffMemberFactory(centre=other, name="丁帮办")
    return {
        "supervisor": supervisor_user,
        "helper": helper,
        "town_helper": town_helper,
        "stranger": stranger,
        "request": ServiceRequestFactory(centre=hall["district"], helper=helper, number="XH-20261120-0001"),
        "town_request": ServiceRequestFactory(centre=hall["town"], helper=town_helper, number="JD-20261120-0001"),
        "other_request": ServiceRequestFactory(centre=other, helper=stranger, number="OT-20261120-0001"),
        "other": other,
        **hall,
    }


def create(people, **overrides):
    data = {
        "actor": people["supervisor"],
        "staff_id": people["helper"].pk,
        "kind": "gifts",
        "occurred_on": timezone.localdate() - timedelta(days=3),
        "description": "收受申请人购物卡一张",
    }
    data.update(overrides)
    return integrity_record_create(**data)


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- Creating -----------------------------------------------------------------------------------------------


def test_supervisor_records_a_breach_about_a_request(people):
    record = create(people, request_id=people["request"].pk, action_taken="  退还并通报批评 ")
    record.refresh_from_db()
    assert (record.staff, record.request, record.kind) == (people["helper"], people["request"], "gifts")
    assert record.recorded_by == people["supervisor"] and record.action_taken == "退还并通报批评"
    assert record.revoked_at is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"staff_id": "stranger"}, "staff", "Choose a staff member of your centres."),
        ({"kind": "bribery"}, "kind", "Choose what kind of breach this was."),
        ({"occurred_on": "tomorrow"}, "occurred_on", "The date of the breach cannot be in the future."),
        ({"description": "   "}, "description", "Say what happened."),
        ({"request_id": "other_request"}, "request", "No request with this number in your centres."),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_saved(people, overrides, field, message):
    values = {
        "stranger": people["stranger"].pk,
        "tomorrow": timezone.localdate() + timedelta(days=1),
        "other_request": people["other_request"].pk,
    }
    overrides = {key: values.get(value, value) for key, value in overrides.items()}
    with pytest.raises(DomainError) as caught:
        create(people, **overrides)
    assert (caught.value.field, str(caught.value)) == (field, message)
    assert not IntegrityRecord.objects.exists()


def test_a_request_must_belong_to_the_staff_members_centre(people):
    # Given the town's helper and a request of the district (the district supervisor sees both)
    with pytest.raises(DomainError) as caught:
        create(people, staff_id=people["town_helper"].pk, request_id=people["request"].pk)
    # Then the record is refused
    assert str(caught.value) == (
        f"Request XH-20261120-0001 belongs to {people['district'].name}, not to 丙帮办's centre."
    )
    # but a district helper may be recorded about a request of a centre below the district
    assert create(people, request_id=people["town_request"].pk).request == people["town_request"]


def test_only_the_supervision_section_keeps_records(people, front_desk_user):
    with pytest.raises(PermissionDenied):
        create(people, actor=front_desk_user)
    assert not IntegrityRecord.objects.exists()


def test_town_supervisor_cannot_record_against_district_staff(people):
    town_sup = make_staff_user(role=Role.SUPERVISOR, centre=people["town"], username="jd-sup")
    with pytest.raises(DomainError, match="Choose a staff member of your centres."):
        create(people, actor=town_sup)
    assert create(people, actor=town_sup, staff_id=people["town_helper"].pk).staff == people["town_helper"]


# --- Revoking -----------------------------------------------------------------------------------------------


def test_a_record_is_revoked_once_with_a_reason(people):
    record = create(people)
    integrity_record_revoke(actor=people["supervisor"], record_id=record.pk, reason=" 复核：购物卡系误会 ")
    record.refresh_from_db()
    assert record.revoked_by == people["supervisor"] and record.revoke_reason == "复核：购物卡系误会"
    assert not IntegrityRecord.objects.standing().exists()
    with pytest.raises(TransitionNotAllowed, match="This record was already revoked on "):
        integrity_record_revoke(actor=people["supervisor"], record_id=record.pk, reason="再次撤销")
    record.refresh_from_db()
    assert record.revoke_reason == "复核：购物卡系误会"


def test_revoking_without_a_reason_changes_nothing(people):
    record = create(people)
    with pytest.raises(DomainError, match="Give the reason for revoking the record.") as caught:
        integrity_record_revoke(actor=people["supervisor"], record_id=record.pk, reason="  ")
    assert caught.value.field == "reason"
    record.refresh_from_db()
    assert record.revoked_at is None


def test_another_centres_record_cannot_be_revoked(people):
    other_sup = make_staff_user(role=Role.SUPERVISOR, centre=people["other"], username="ot-sup")
    record = create(people)
    with pytest.raises(DomainError, match="No such integrity record in your centres."):
        integrity_record_revoke(actor=other_sup, record_id=record.pk, reason="不属实")
    record.refresh_from_db()
    assert record.revoked_at is None


# --- The page ---------------------------------------------------------------------------------------------------


def test_page_lists_records_and_filters_them(client, people):
    fees = create(people, kind="fees", request_id=people["request"].pk)
    create(people, kind="rudeness", occurred_on=date(2025, 5, 1), description="推诿")
    create(people, staff_id=people["town_helper"].pk, kind="ledger", description="台账不实")
    english(client).force_login(people["supervisor"])
    html = client.get(reverse("supervision:integrity")).content.decode()
    assert all(text in html for text in ("Asked for fees", "推诿", "台账不实", "XH-20261120-0001", "supervisor"))
    html = client.get(reverse("supervision:integrity"), {"kind": "fees"}).content.decode()
    assert "收受申请人购物卡一张" in html and "推诿" not in html
    html = client.get(reverse("supervision:integrity"), {"year": 2025}).content.decode()
    assert "推诿" in html and "台账不实" not in html
    html = client.get(reverse("supervision:integrity"), {"centre": people["town"].pk}).content.decode()
    assert "台账不实" in html and "推诿" not in html
    # and each standing record offers to be revoked
    html = client.get(reverse("supervision:integrity")).content.decode()
    assert reverse("supervision:integrity-revoke", args=[fees.pk]) in html


def test_page_never_shows_another_districts_records(client, people):
    other_sup = make_staff_user(role=Role.SUPERVISOR, centre=people["other"], username="ot-sup")
    integrity_record_create(
        actor=other_sup,
        staff_id=people["stranger"].pk,
        kind="fees",
        occurred_on=timezone.localdate(),
        description="另一区的记录",
    )
    english(client).force_login(people["supervisor"])
    assert "另一区的记录" not in client.get(reverse("supervision:integrity")).content.decode()
    response = client.get(reverse("supervision:integrity"), {"centre": people["other"].pk})
    assert response.status_code == 400 and "另一区的记录" not in response.content.decode()
    record = IntegrityRecord.objects.get()
    response = client.post(reverse("supervision:integrity-revoke", args=[record.pk]), {"reason": "不属实"})
    assert response.status_code == 404
    record.refresh_from_db()
    assert record.revoked_at is None


def test_create_form_is_prefilled_from_the_query_string(client, people):
    english(client).force_login(people["supervisor"])
    query = {"new-staff_id": people["helper"].pk, "new-request_id": "XH-20261120-0001", "new-kind": "ledger"}
    response = client.get(reverse("supervision:integrity"), query)
    form = response.context["new_form"]
    assert form.initial["staff_id"] == str(people["helper"].pk) and form.initial["kind"] == "ledger"
    html = response.content.decode()
    assert 'value="XH-20261120-0001"' in html
    assert f'<option value="{people["helper"].pk}" selected>' in html
    assert '<option value="ledger" selected>' in html
    assert '<details class="card" id="new-record" open>' in html


def test_supervisor_records_a_breach_through_the_page(client, people):
    english(client).force_login(people["supervisor"])
    response = client.post(
        reverse("supervision:integrity"),
        {
            "new-staff_id": people["helper"].pk,
            "new-kind": "ledger",
            "new-occurred_on": f"{timezone.localdate():%Y-%m-%d}",
            "new-request_id": " xh-20261120-0001 ",
            "new-description": "办结时间记录不实",
        },
    )
    assert response.status_code == 302
    record = IntegrityRecord.objects.get()
    assert (record.kind, record.request, record.recorded_by) == ("ledger", people["request"], people["supervisor"])
    assert "Integrity record for 甲帮办 saved" in client.get(response.url).content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"new-request_id": "OT-20261120-0001"}, "No request with this number in your centres."),
        ({"new-occurred_on": "2099-01-01"}, "The date of the breach cannot be in the future."),
        ({"new-staff_id": "stranger"}, "Select a valid choice."),
        ({"new-description": ""}, "This field is required."),
    ],
)
def test_bad_input_on_the_page_is_a_400_with_the_message(client, people, changes, message):
    english(client).force_login(people["supervisor"])
    data = {
        "new-staff_id": people["helper"].pk,
        "new-kind": "fees",
        "new-occurred_on": f"{timezone.localdate():%Y-%m-%d}",
        "new-description": "收取辛苦费五十元",
    }
    data.update({key: people["stranger"].pk if value == "stranger" else value for key, value in changes.items()})
    response = client.post(reverse("supervision:integrity"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not IntegrityRecord.objects.exists()


def test_revoking_through_the_page(client, people):
    record = create(people)
    english(client).force_login(people["supervisor"])
    url = reverse("supervision:integrity-revoke", args=[record.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    record.refresh_from_db()
    assert record.revoked_at is None
    assert client.post(url, {"reason": "复核不属实"}).status_code == 302
    record.refresh_from_db()
    assert record.revoke_reason == "复核不属实"
    response = client.post(url, {"reason": "再撤一次"})
    assert response.status_code == 409 and "already revoked" in response.content.decode()
    html = client.get(reverse("supervision:integrity")).content.decode()
    assert "Revoked" in html and "复核不属实" in html and url not in html


def test_admin_shows_records_but_cannot_add_change_or_delete_them(client, people):
    record = create(people)
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    assert client.get(reverse("admin:supervision_integrityrecord_changelist")).status_code == 200
    assert client.get(reverse("admin:supervision_integrityrecord_add")).status_code == 403
    change = client.get(reverse("admin:supervision_integrityrecord_change", args=[record.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert (
        client.post(reverse("admin:supervision_integrityrecord_delete", args=[record.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert IntegrityRecord.objects.filter(pk=record.pk).exists()
