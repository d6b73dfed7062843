"""A correction (补正) asked of the applicant mid-handling, one material at a time, each with its own due date.

Seed 004 (承办): "代办服务事项办理过程中，出现材料需要补正时，服务人员联系服务对象进行补正。"
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from hallservice.core.errors import DomainError
from requests import services as svc
from requests.models import MaterialCorrection, MaterialStatus
from requests.services import timers
from requests.services.public import public_events

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(y, m, d):
    return time_machine.travel(datetime(y, m, d, 10, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def handling(in_handling):
    with at(2026, 11, 23):
        req = in_handling()
    assert req.material_checks.count() >= 2
    return req


def test_each_material_gets_its_own_correction_and_due_date(handling, people):
    first, second = handling.material_checks.all()[:2]
    with at(2026, 11, 24):
        svc.request_ask_correction(
            actor=people["desk"], request_id=handling.pk, check_id=first.pk, what="签字缺失", due=date(2026, 11, 27)
        )
        svc.request_ask_correction(
            actor=people["desk"], request_id=handling.pk, check_id=second.pk, what="复印件不清", due=date(2026, 12, 2)
        )
    dues = dict(MaterialCorrection.objects.values_list("material_check__name", "due"))
    assert dues == {first.name: date(2026, 11, 27), second.name: date(2026, 12, 2)}
    first.refresh_from_db()
    assert first.status == MaterialStatus.NEEDS_CORRECTION and first.note == "签字缺失"
    event = handling.events.filter(verb="correction_asked").first()
    assert event.public and event.actor == people["desk"] and "2026-11-27" in event.note
    # The applicant's status page says what to correct and by when.
    assert any("签字缺失" in e.detail and "2026-11-27" in e.detail for e in public_events(handling))


def test_a_correction_is_refused_for_a_past_date_or_a_material_already_owed(handling, people):
    check = handling.material_checks.first()
    with at(2026, 11, 24):
        with pytest.raises(DomainError):
            svc.request_ask_correction(
                actor=people["desk"], request_id=handling.pk, check_id=check.pk, what="x", due=date(2026, 11, 24)
            )
        svc.request_ask_correction(
            actor=people["desk"], request_id=handling.pk, check_id=check.pk, what="x", due=date(2026, 11, 27)
        )
        with pytest.raises(DomainError):
            svc.request_ask_correction(
                actor=people["desk"], request_id=handling.pk, check_id=check.pk, what="y", due=date(2026, 11, 30)
            )
    assert MaterialCorrection.objects.count() == 1


def test_supplying_the_material_closes_the_correction(handling, people):
    check = handling.material_checks.first()
    with at(2026, 11, 24):
        svc.request_ask_correction(
            actor=people["desk"], request_id=handling.pk, check_id=check.pk, what="x", due=date(2026, 11, 27)
        )
        svc.request_supply_materials(actor=people["desk"], request_id=handling.pk, check_ids=[check.pk])
    correction = MaterialCorrection.objects.get()
    check.refresh_from_db()
    assert correction.supplied_at is not None and check.status == MaterialStatus.PROVIDED
    assert timers.remind_overdue_corrections(date(2026, 12, 1)) == []


def test_an_overdue_correction_is_reminded_once(handling, people):
    check = handling.material_checks.first()
    with at(2026, 11, 24):
        svc.request_ask_correction(
            actor=people["desk"], request_id=handling.pk, check_id=check.pk, what="x", due=date(2026, 11, 27)
        )
    assert timers.remind_overdue_corrections(date(2026, 11, 27)) == []
    correction = MaterialCorrection.objects.get()
    assert timers.remind_overdue_corrections(date(2026, 11, 30)) == [correction.pk]
    assert timers.remind_overdue_corrections(date(2026, 12, 1)) == []
    assert handling.events.filter(verb="material_reminder", public=True).count() == 1


def test_the_request_page_offers_the_action_and_shows_the_due_date(client, handling, people):
    check = handling.material_checks.first()
    client.force_login(people["desk"])
    with at(2026, 11, 24):
        page = client.get(reverse("requests:detail", args=[handling.pk]))
        assert "要求申请人补正材料" in page.content.decode()
        response = client.post(
            reverse("requests:act", args=[handling.pk, "ask_correction"]),
            {"check_id": check.pk, "what": "签字缺失", "due": "2026-11-27"},
        )
        assert response.status_code in (200, 302)
        page = client.get(reverse("requests:detail", args=[handling.pk]))
    assert "2026-11-27前补正" in page.content.decode()
    assert MaterialCorrection.objects.get().material_check == check
