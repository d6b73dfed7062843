"""Complaint handling: registration (online and by staff), the transition table, feedback, links, permissions."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from complaints import services as complaint_svc
from complaints.models import Complaint, ComplaintEvent, ComplaintStatus
from complaints.services import COMPLAINT_ACTIONS, COMPLAINT_TRANSITIONS
from hallservice.core.actors import CITIZEN
from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from tests.factories import online_complaint

pytestmark = pytest.mark.django_db

CS = ComplaintStatus
TZ = ZoneInfo("Asia/Shanghai")


def file_online(hall, **fields):
    return online_complaint(hall["district"], **{"category": "not_one_visit", "content": "跑了三趟还没办好", **fields})


def test_online_complaint_gets_a_number_a_code_and_an_acceptance_limit(hall):
    with time_machine.travel(datetime(2026, 11, 20, 16, tzinfo=TZ), tick=False):  # a Friday
        complaint = file_online(hall, name="李四", contact="13900001111")
    assert complaint.number.startswith("TS-XH-20261120-")
    assert len(complaint.lookup_code) == 8
    assert complaint.status == CS.REGISTERED
    assert str(complaint.accept_due) == "2026-11-23"  # the next working day is Monday
    assert complaint.contact_masked == "139****1111"
    event = complaint.events.get()
    assert event.verb == "registered" and event.public and event.actor is None and event.actor_kind == "citizen"


def test_anonymous_complaint_keeps_no_name(hall):
    complaint = file_online(hall, anonymous=True, name="王五")
    assert complaint.anonymous and complaint.name == ""


def test_online_complaint_with_a_request_number_goes_to_that_requests_centre(hall, register):
    req = register()
    complaint = file_online(hall, centre_id=hall["town"].pk, request_number=f" {req.number.lower()} ")
    assert complaint.request == req and complaint.centre == req.centre
    assert complaint.department == req.lead_department


def test_online_complaint_with_an_unknown_request_number_is_kept_as_given(hall):
    complaint = file_online(hall, request_number="XH-20990101-9999")
    assert complaint.request is None and complaint.request_number_given == "XH-20990101-9999"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"content": "   "}, "content"),
        ({"content": "长" * 2001}, "content"),
        ({"category": "bogus"}, "category"),
        ({"source": "phone"}, "source"),  # only staff register phone complaints
        ({"contact": "12345"}, "contact"),
        ({"centre_id": None}, "centre"),
        ({"name": "名" * 51}, "name"),
    ],
)
def test_bad_online_input_is_refused_and_nothing_is_stored(hall, fields, field):
    with pytest.raises(DomainError) as info:
        file_online(hall, **fields)
    assert info.value.field == field
    assert not Complaint.objects.exists()


def test_staff_register_complaints_of_their_centre(people):
    complaint = complaint_svc.complaint_register(
        actor=people["desk"], source="window", category="attitude", content="窗口人员态度差", name="赵六"
    )
    assert complaint.registered_by == people["desk"] and complaint.centre == people["desk"].staff_member.centre
    with pytest.raises(PermissionDenied):
        complaint_svc.complaint_register(actor=people["dept_user"], source="phone", category="other", content="x")


def test_staff_cannot_link_a_request_of_another_centre(people, register):
    town_request = register(actor=people["town_desk"])
    with pytest.raises(DomainError):
        complaint_svc.complaint_register(
            actor=people["desk"], source="phone", category="other", content="x", request_number=town_request.number
        )


def walk_to(status, complaint, supervisor):
    """Drive a complaint through the services to ``status``; the complaint, refreshed."""
    cid = complaint.pk
    path = {
        CS.REGISTERED: [],
        CS.ACCEPTED: ["accept"],
        CS.REJECTED: ["reject"],
        CS.INVESTIGATING: ["accept", "investigate"],
        CS.RESPONDED: ["accept", "investigate", "respond"],
        CS.CLOSED: ["accept", "investigate", "respond", "close"],
        CS.REOPENED: ["accept", "investigate", "respond", "close", "reopen"],
    }[status]
    for step in path:
        CALLS[step](supervisor, cid)
    complaint.refresh_from_db()
    assert complaint.status == status
    return complaint


CALLS = {
    "accept": lambda a, c: complaint_svc.complaint_accept(actor=a, complaint_id=c),
    "reject": lambda a, c: complaint_svc.complaint_reject(actor=a, complaint_id=c, reason="不属于本中心职责"),
    "investigate": lambda a, c: complaint_svc.complaint_investigate(actor=a, complaint_id=c),
    "respond": lambda a, c: complaint_svc.complaint_respond(actor=a, complaint_id=c, response="已核实并致歉"),
    "record_feedback": lambda a, c: complaint_svc.complaint_feedback(actor=a, complaint_id=c, satisfied=True),
    "close": lambda a, c: complaint_svc.complaint_close(actor=a, complaint_id=c, note="联系不上"),
    "reopen": lambda a, c: complaint_svc.complaint_reopen(actor=a, complaint_id=c, reason="投诉人再次来电"),
    "link": lambda a, c: complaint_svc.complaint_link(actor=a, complaint_id=c),
    "note": lambda a, c: complaint_svc.complaint_add_note(actor=a, complaint_id=c, note="内部备注"),
}

FORBIDDEN = [
    (status, name) for status in CS for name, action in COMPLAINT_ACTIONS.items() if status not in action.allowed_in
]
ALLOWED = [
    (status, name) for status in CS for name, action in COMPLAINT_ACTIONS.items() if status in action.allowed_in
]


def test_every_action_has_a_call_and_targets_follow_the_table():
    assert set(CALLS) == set(COMPLAINT_ACTIONS)
    for action in COMPLAINT_ACTIONS.values():
        if action.target is not None:
            assert all(action.target in COMPLAINT_TRANSITIONS[s] for s in action.allowed_in), action.name


@pytest.mark.parametrize(("status", "action"), FORBIDDEN)
def test_action_not_allowed_in_a_status_is_refused_with_nothing_changed(hall, people, status, action):
    supervisor = people["supervisor"]
    complaint = walk_to(status, file_online(hall), supervisor)
    events = ComplaintEvent.objects.count()
    with pytest.raises(TransitionNotAllowed):
        CALLS[action](supervisor, complaint.pk)
    complaint.refresh_from_db()
    assert complaint.status == status and ComplaintEvent.objects.count() == events


@pytest.mark.parametrize(("status", "action"), ALLOWED)
def test_action_allowed_in_a_status_works_and_writes_an_event(hall, people, status, action):
    supervisor = people["supervisor"]
    complaint = walk_to(status, file_online(hall), supervisor)
    events = ComplaintEvent.objects.count()
    CALLS[action](supervisor, complaint.pk)
    complaint.refresh_from_db()
    target = COMPLAINT_ACTIONS[action].target
    if target is not None:
        assert complaint.status == target
    assert ComplaintEvent.objects.count() > events
    assert ComplaintEvent.objects.filter(complaint=complaint).latest("pk").actor == supervisor


def test_unsatisfied_feedback_reopens_with_a_new_limit_and_satisfied_closes(hall, people):
    supervisor = people["supervisor"]
    with time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=TZ), tick=False):
        complaint = file_online(hall, contact="13900001111")
        walk_to(CS.RESPONDED, complaint, supervisor)
    with time_machine.travel(datetime(2026, 11, 27, 10, tzinfo=TZ), tick=False):
        complaint_svc.complaint_feedback(
            actor=CITIZEN, complaint_id=complaint.pk, satisfied=False, comment="还是没解决"
        )
    complaint.refresh_from_db()
    assert complaint.status == CS.REOPENED and complaint.reopen_count == 1
    assert str(complaint.respond_due) == "2026-12-04"
    assert complaint.feedback_satisfied is False
    complaint_svc.complaint_investigate(actor=supervisor, complaint_id=complaint.pk)
    complaint_svc.complaint_respond(
        actor=supervisor, complaint_id=complaint.pk, response="已重新办理", substantiated=True
    )
    complaint_svc.complaint_feedback(actor=CITIZEN, complaint_id=complaint.pk, satisfied=True)
    complaint.refresh_from_db()
    assert complaint.status == CS.CLOSED and complaint.closed_at and complaint.feedback_satisfied
    verbs = list(complaint.events.order_by("pk").values_list("verb", flat=True))
    assert verbs.count("responded") == 2 and "feedback_unsatisfied" in verbs and verbs[-1] == "feedback_satisfied"


def test_only_supervisors_of_the_centre_handle_complaints(hall, people):
    complaint = file_online(hall, centre_id=hall["district"].pk)
    with pytest.raises(PermissionDenied):
        complaint_svc.complaint_accept(actor=people["desk"], complaint_id=complaint.pk)
    from staff.roles import Role
    from tests.conftest import make_staff_user

    town_supervisor = make_staff_user(role=Role.SUPERVISOR, centre=hall["town"], username="townsup")
    with pytest.raises(PermissionDenied):
        complaint_svc.complaint_accept(actor=town_supervisor, complaint_id=complaint.pk)
    # A district supervisor sees the complaints of the towns below it.
    town_complaint = file_online(hall, centre_id=hall["town"].pk)
    complaint_svc.complaint_accept(actor=people["supervisor"], complaint_id=town_complaint.pk)


def test_links_are_limited_to_the_supervisors_centres(hall, people, register):
    complaint = file_online(hall)
    req = register()
    member = people["desk"].staff_member
    complaint_svc.complaint_link(
        actor=people["supervisor"],
        complaint_id=complaint.pk,
        staff_id=member.pk,
        department_id=people["dept"].pk,
        request_number=req.number,
    )
    complaint.refresh_from_db()
    assert (complaint.staff, complaint.department, complaint.request) == (member, people["dept"], req)
    with pytest.raises(DomainError):
        complaint_svc.complaint_link(actor=people["supervisor"], complaint_id=complaint.pk, request_number="XH-0000")


def test_response_text_is_required_and_bounded(hall, people):
    complaint = file_online(hall)
    walk_to(CS.INVESTIGATING, complaint, people["supervisor"])
    for text in ("", "答" * 2001):
        with pytest.raises(DomainError):
            complaint_svc.complaint_respond(actor=people["supervisor"], complaint_id=complaint.pk, response=text)
    complaint.refresh_from_db()
    assert complaint.status == CS.INVESTIGATING and complaint.response == ""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_supervisors_accepting_at_once_exactly_one_succeeds(require_postgres, hall, people):
    from staff.roles import Role
    from tests.conftest import make_staff_user, race

    complaint = file_online(hall)
    supervisors = [
        people["supervisor"],
        make_staff_user(role=Role.SUPERVISOR, centre=hall["district"], username="sup2"),
    ]
    outcomes = race(
        [lambda s=s: complaint_svc.complaint_accept(actor=s, complaint_id=complaint.pk).status for s in supervisors]
    )
    assert sorted(outcomes) == ["accepted", "refused"], outcomes
    assert complaint.events.filter(verb="accepted").count() == 1
