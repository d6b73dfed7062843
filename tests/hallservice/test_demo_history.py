"""`seed_demo` writes a year of request history once, consistent with the lifecycle, that the statistics can show."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.db.models import Count
from django.utils import timezone
from stdnum.cn import uscc

from complaints.models import Complaint
from hallservice.core.crypto import blind_index
from hallservice.core.identity import IdType, validate_document_number
from hallservice.demo import seed_demo
from hallservice.demo.service_requests import HISTORY_CONSULTATIONS, HISTORY_SIZE
from requests.models import (
    OPEN_STATUSES,
    POOR_RATINGS,
    ApplicantType,
    Appointment,
    Consultation,
    ConsultationOutcome,
    Evaluation,
    Kind,
    RequestEvent,
    RequestVerb,
    ServiceRequest,
    Status,
)
from staff.models import ServiceCentre
from supervision.scope import Scope
from supervision.statistics import compute_statistics

pytestmark = pytest.mark.django_db

HISTORY_NUMBER = re.compile(r"^(?P<centre>[A-Z]+)-(?P<day>\d{8})-9\d{3}$")


@pytest.fixture
def seeded():
    return seed_demo()


def _start_of_today() -> datetime:
    return datetime.combine(timezone.localdate(), time.min, tzinfo=timezone.get_current_timezone())


def _history_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (ServiceRequest, RequestEvent, Evaluation, Consultation, Complaint)
    }


def test_history_is_written_once_follows_the_lifecycle_and_is_backdated(seeded):
    start_of_today = _start_of_today()
    assert ServiceRequest.objects.count() == seeded["created"]["requests"] == HISTORY_SIZE
    for req in ServiceRequest.objects.select_related("origin_centre").prefetch_related("events"):
        number = HISTORY_NUMBER.match(req.number)
        assert number and number["centre"] == req.origin_centre.code, req.number
        assert number["day"] == f"{timezone.localtime(req.applied_at):%Y%m%d}"
        assert req.applied_at < start_of_today
        events = list(req.events.all())
        assert events[0].verb == "registered" and all(e.at < start_of_today for e in events)
        assert events[-1].at <= req.updated_at
        assert sum(e.verb == "deficiency_notice" for e in events) == req.deficiency_notices
        if req.applicant_type == ApplicantType.ORGANISATION:
            assert uscc.is_valid(req.applicant_id_number) and req.applicant_id_type == ""
        else:
            assert validate_document_number(req.applicant_id_type, req.applicant_id_number) == req.applicant_id_number
        assert req.applicant_phone_hash == blind_index(req.applicant_phone, purpose="phone")
        if req.status in OPEN_STATUSES:
            assert req.deadline and (req.kind == Kind.ASSIST or req.commission_signed)
        if req.accepted_at:
            assert req.applied_at <= req.accepted_at <= (req.completed_at or req.accepted_at)
        if req.status in (Status.DELIVERED, Status.ARCHIVED):
            assert hasattr(req, "delivery") and req.delivered_at
        if req.status == Status.ARCHIVED:
            assert hasattr(req, "summary")

    # The history is written without the services: its verbs must still be ones the pages can label.
    assert set(RequestEvent.objects.values_list("verb", flat=True)) <= set(RequestVerb.values)
    statuses = set(ServiceRequest.objects.values_list("status", flat=True))
    assert {Status.ARCHIVED, Status.DELIVERED, Status.REFUSED, Status.TERMINATED, Status.IN_PROGRESS} <= statuses
    kinds = dict(ServiceRequest.objects.values_list("kind").annotate(n=Count("pk")))
    assert 0.5 < kinds[Kind.ASSIST] / HISTORY_SIZE < 0.7
    assert ServiceRequest.objects.exclude(origin_centre__code="XH").exists()
    # Real people, not numbers shaped around a validator: elders born before 1960 under codes created later
    # (410402 dates from 1983), and residence permit holders from Hong Kong or Macau.
    persons = [r for r in ServiceRequest.objects.filter(applicant_type=ApplicantType.PERSON)]
    assert any(r.applicant_id_number[:6] == "410402" and r.applicant_id_number[6:10] < "1960" for r in persons)
    assert any(r.applicant_id_number[6:10] < "1940" for r in persons)
    assert any(r.applicant_id_type == IdType.HKMT_PERMIT for r in persons)
    assert not Evaluation.objects.filter(rating__in=POOR_RATINGS, needs_follow_up=False).exists()

    # The history's consultations: the demo's bookings of today (hallservice/demo/appointments.py) are made through
    # the booking service, each with its own online appointment request.
    consultations = Consultation.objects.filter(online__appointment__isnull=True)
    assert Consultation.objects.filter(online__appointment__isnull=False).count() == Appointment.objects.count()
    assert consultations.count() == HISTORY_CONSULTATIONS
    linked = consultations.filter(request__isnull=False)
    assert 0.35 < linked.count() / HISTORY_CONSULTATIONS < 0.45
    assert not linked.exclude(outcome=ConsultationOutcome.CONVERTED).exists()
    assert Complaint.objects.filter(substantiated=True, staff__isnull=False).exists()
    assert not Complaint.objects.filter(registered_at__gte=start_of_today).exists()

    before = _history_counts()
    again = seed_demo()
    assert _history_counts() == before
    assert sum(again["created"].values()) == 0


def test_statistics_of_the_last_twelve_months_are_not_empty(seeded, client):
    today = timezone.localdate()
    district = ServiceCentre.objects.get(code="XH")
    ids = tuple(ServiceCentre.objects.subtree_of(district).values_list("pk", flat=True))

    stats = compute_statistics(Scope(centre_ids=ids, date_from=today - timedelta(days=365), date_to=today))

    assert stats.registered > 300 and stats.completed > 250
    for rows in (stats.by_kind, stats.by_channel, stats.by_category):
        assert all(row.total for row in rows), [(row.key, row.total) for row in rows]
    assert len(stats.by_department) >= 8
    assert 4 <= stats.overdue_rate <= 12
    assert 75 <= stats.one_visit_rate <= 92
    assert stats.satisfaction_rate >= 88
    assert stats.median_working_days is not None
    assert stats.consultations_converted > 0 and stats.helpers

    front_desk = district.staff.get(user__username="frontdesk").user
    client.force_login(front_desk)
    assert client.get("/requests/").status_code == 200
    for status in (Status.ARCHIVED, Status.IN_PROGRESS):
        req = ServiceRequest.objects.restrict(front_desk).filter(status=status).first()
        assert client.get(req.get_absolute_url()).status_code == 200
