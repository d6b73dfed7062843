"""Who acted is said, never left to an empty actor: a user, the system (timers, tasks) or the applicant online.

``actor=None`` used to mean both "the system" and "an anonymous citizen", so a citizen's call passed every check
the system passes. Now SYSTEM and CITIZEN are explicit (hallservice.core.actors), events record the kind, and the
applicant may take only the steps marked as theirs.
"""

import pickle

import pytest
from django.urls import reverse

from complaints import services as complaint_svc
from complaints.models import Complaint
from hallservice.core.actors import CITIZEN, SYSTEM, ActorKind, kind_of, user_of
from hallservice.core.errors import PermissionDenied
from requests import services as svc
from requests.models import ServiceRequest
from requests.services.base import ensure_action
from staff.access import ensure_perm
from staff.models import ServiceCentre
from tests.factories import online_complaint

pytestmark = pytest.mark.django_db


def test_none_is_not_an_actor():
    with pytest.raises(TypeError, match="SYSTEM or CITIZEN"):
        kind_of(None)
    with pytest.raises(TypeError):
        user_of(None)


def test_the_kinds_and_the_user_stored_for_each(people):
    desk = people["desk"]
    assert (kind_of(desk), user_of(desk)) == (ActorKind.STAFF, desk)
    assert (kind_of(SYSTEM), user_of(SYSTEM)) == (ActorKind.SYSTEM, None)
    assert (kind_of(CITIZEN), user_of(CITIZEN)) == (ActorKind.CITIZEN, None)


def test_system_may_do_and_see_everything_the_applicant_nothing(people, hall):
    ensure_perm(SYSTEM, "requests.handle_request", "no")
    with pytest.raises(PermissionDenied, match="no"):
        ensure_perm(CITIZEN, "requests.handle_request", "no")
    assert ServiceCentre.objects.restrict(SYSTEM).count() == ServiceCentre.objects.count() == 3
    assert not ServiceCentre.objects.restrict(CITIZEN).exists()


def test_the_actors_survive_a_round_trip_through_pickle():
    # A cached object or a task argument comes back as the same actor, so ``actor is SYSTEM`` still holds.
    assert pickle.loads(pickle.dumps(SYSTEM)) is SYSTEM  # noqa: S301 — our own bytes
    assert pickle.loads(pickle.dumps(CITIZEN)) is CITIZEN  # noqa: S301


def test_the_applicant_takes_only_their_own_steps(delivered_query, register):
    req = register()
    with pytest.raises(PermissionDenied):
        ensure_action(CITIZEN, req, "accept")
    with pytest.raises(PermissionDenied):
        svc.request_accept(actor=CITIZEN, request_id=req.pk)
    assert ServiceRequest.objects.get(pk=req.pk).status == req.status
    # Rating the handed-over result is theirs.
    svc.request_evaluate(actor=CITIZEN, request_id=delivered_query.pk, rating=5)
    event = delivered_query.events.get(verb="evaluated")
    assert (event.actor, event.actor_kind, event.actor_name) == (None, "citizen", "申请人")


def test_a_complainant_gives_feedback_but_cannot_handle_the_complaint(client, hall, people):
    complaint = online_complaint(hall["district"])
    registered = complaint.events.get(verb="registered")
    assert (registered.actor, registered.actor_kind, registered.actor_name) == (None, "citizen", "投诉人")
    with pytest.raises(PermissionDenied):
        complaint_svc.complaint_accept(actor=CITIZEN, complaint_id=complaint.pk)
    assert Complaint.objects.get(pk=complaint.pk).status == complaint.status
    # The supervisor's page names the complainant as the one who filed it.
    client.force_login(people["supervisor"])
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert '<span class="who muted">投诉人</span>' in page


def test_the_request_page_and_the_api_name_who_acted(client, people, delivered_query):
    svc.request_evaluate(actor=CITIZEN, request_id=delivered_query.pk, rating=5)
    client.force_login(people["desk"])
    page = client.get(reverse("requests:detail", args=[delivered_query.pk])).content.decode()
    assert "王帮办" in page and "申请人" in page
    rows = client.get(f"/api/v1/requests/{delivered_query.pk}/events/").json()
    kinds = {row["verb"]: (row["actor"], row["actor_kind"]) for row in rows}
    assert kinds["accepted"] == ("王帮办", "staff")
    assert kinds["evaluated"] == ("citizen", "citizen")
