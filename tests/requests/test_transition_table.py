"""Walk the whole transition table: every action names a service, a form and an API endpoint; every action in every
state it is not allowed in is refused and changes nothing; the request page and the API offer exactly what it allows."""

import inspect
import re
from datetime import date

import pytest
from rest_framework.test import APIClient

from hallservice.core.errors import TransitionNotAllowed
from requests import services as svc
from requests.actions import action_form_class, action_service
from requests.api import ServiceRequestViewSet
from requests.forms import ActionForm
from requests.models import DepartmentTask, Extension, RequestEvent, Status
from requests.services import ACTIONS, TRANSITIONS
from staff.models import SpecialistRole, StaffKind
from tests.factories import ServiceRequestFactory, StaffMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

CALLS = {
    "review_materials": lambda a, r, x: svc.request_review_materials(actor=a, request_id=r.pk, reviews=[]),
    "record_handover": lambda a, r, x: svc.request_record_handover(actor=a, request_id=r.pk, items="材料"),
    "accept": lambda a, r, x: svc.request_accept(actor=a, request_id=r.pk),
    "issue_deficiency_notice": lambda a, r, x: svc.request_issue_deficiency_notice(actor=a, request_id=r.pk),
    "refuse": lambda a, r, x: svc.request_refuse(actor=a, request_id=r.pk, reason="不符合条件"),
    "supply_materials": lambda a, r, x: svc.request_supply_materials(actor=a, request_id=r.pk, check_ids=[]),
    "convert_to_agency": lambda a, r, x: svc.request_convert_to_agency(actor=a, request_id=r.pk, reason="难"),
    "forward": lambda a, r, x: svc.request_forward(actor=a, request_id=r.pk),
    "start": lambda a, r, x: svc.request_start(actor=a, request_id=r.pk),
    "log_work": lambda a, r, x: svc.request_log_work(actor=a, request_id=r.pk, text="x"),
    "report_progress": lambda a, r, x: svc.request_report_progress(actor=a, request_id=r.pk, text="x"),
    "ask_correction": lambda a, r, x: svc.request_ask_correction(
        actor=a, request_id=r.pk, check_id=0, what="x", due=date(2099, 1, 1)
    ),
    "add_department_task": lambda a, r, x: svc.request_add_department_task(
        actor=a, request_id=r.pk, department_id=r.lead_department_id, description="x"
    ),
    "claim_task": lambda a, r, x: svc.department_task_claim(actor=a, task_id=x["task"].pk),
    "finish_task": lambda a, r, x: svc.department_task_finish(actor=a, task_id=x["task"].pk, done=True),
    "record_joint_meeting": lambda a, r, x: svc.request_record_joint_meeting(
        actor=a, request_id=r.pk, held_on=date(2026, 1, 5), attendees="x", minutes="y"
    ),
    "suspend": lambda a, r, x: svc.request_suspend(
        actor=a, request_id=r.pk, reason="applicant_asked", resume_by=date(2099, 1, 1)
    ),
    "resume": lambda a, r, x: svc.request_resume(actor=a, request_id=r.pk),
    "request_extension": lambda a, r, x: svc.request_request_extension(
        actor=a, request_id=r.pk, working_days=2, reason="x"
    ),
    "decide_extension": lambda a, r, x: svc.extension_decide(actor=a, extension_id=x["extension"].pk, approve=True),
    "reassign": lambda a, r, x: svc.request_reassign(actor=a, request_id=r.pk, helper_id=x["other"].pk, reason="x"),
    "link_key_project": lambda a, r, x: svc.request_link_key_project(actor=a, request_id=r.pk, key_project_id=0),
    "mark_urgent": lambda a, r, x: svc.request_mark_urgent(actor=a, request_id=r.pk, urgent_reason="急"),
    "unmark_urgent": lambda a, r, x: svc.request_unmark_urgent(actor=a, request_id=r.pk, note="x"),
    "set_priority_groups": lambda a, r, x: svc.request_set_priority_groups(actor=a, request_id=r.pk, disabled=True),
    "complete": lambda a, r, x: svc.request_complete(actor=a, request_id=r.pk, result="x"),
    "deliver": lambda a, r, x: svc.request_deliver(actor=a, request_id=r.pk, method="in_person", signer="张三"),
    "confirm_receipt": lambda a, r, x: svc.request_confirm_receipt(actor=a, request_id=r.pk),
    "terminate": lambda a, r, x: svc.request_terminate(actor=a, request_id=r.pk, reason="withdrawn"),
    "evaluate": lambda a, r, x: svc.request_evaluate(actor=a, request_id=r.pk, rating=5),
    "follow_up": lambda a, r, x: svc.evaluation_follow_up(actor=a, request_id=r.pk, note="x"),
    "record_follow_up": lambda a, r, x: svc.request_record_follow_up(actor=a, request_id=r.pk, outcome="satisfied"),
    "write_summary": lambda a, r, x: svc.request_write_summary(actor=a, request_id=r.pk, text="x"),
    "archive": lambda a, r, x: svc.request_archive(actor=a, request_id=r.pk),
}

FORBIDDEN = [
    (status, name) for status in Status for name, action in ACTIONS.items() if status not in action.allowed_in
]


def test_every_action_has_a_call():
    assert set(CALLS) == set(ACTIONS)


@pytest.mark.parametrize("name", list(ACTIONS))
def test_every_action_names_its_service_form_and_api_endpoint(name):
    action = ACTIONS[name]
    # A request's own action is called with request_id; one on a task or extension with that row's id.
    assert ("request_id" in inspect.signature(action_service(name)).parameters) is not action.on_child
    assert issubclass(action_form_class(name), ActionForm)
    endpoint = getattr(ServiceRequestViewSet, name)
    assert endpoint.detail and endpoint.url_path == name and endpoint.mapping == {"post": name}


def test_actions_that_change_state_follow_the_table():
    for action in ACTIONS.values():
        if action.target is not None:
            for source in action.allowed_in:
                assert action.target in TRANSITIONS[source], (action.name, source)


def worker_of(req, centre):
    """A superuser who is also a worker of the request's lead department, so every permission and guard can hold."""
    return StaffMemberFactory(
        user=UserFactory(username="root", is_superuser=True),
        centre=centre,
        kind=StaffKind.SPECIALIST,
        department=req.lead_department,
        specialist_role=SpecialistRole.WORKER,
    )


@pytest.mark.parametrize(("status", "action"), FORBIDDEN, ids=[f"{s.value}-{a}" for s, a in FORBIDDEN])
def test_action_not_allowed_in_state_is_refused(hall, status, action):
    req = ServiceRequestFactory(centre=hall["town"], status=status)
    member = worker_of(req, hall["town"])
    user = member.user
    extra = {
        "task": DepartmentTask.objects.create(
            request=req,
            department=req.lead_department,
            description="x",
            status="claimed" if action == "finish_task" else "open",
            claimed_by=member,
        ),
        "extension": Extension.objects.create(request=req, working_days=1, reason="x", requested_by=user),
        "other": StaffMemberFactory(centre=hall["town"]),
    }
    before = RequestEvent.objects.count()
    with pytest.raises(TransitionNotAllowed):
        CALLS[action](user, req, extra)
    req.refresh_from_db()
    assert req.status == status
    assert RequestEvent.objects.count() == before


@pytest.mark.parametrize("status", list(Status))
def test_page_and_api_offer_exactly_what_the_table_and_guards_allow(hall, client, status):
    req = ServiceRequestFactory(centre=hall["town"], status=status)
    member = worker_of(req, hall["town"])
    user = member.user
    DepartmentTask.objects.create(request=req, department=member.department, description="x")
    Extension.objects.create(request=req, working_days=1, reason="x", requested_by=user)
    expected = [
        name
        for name, action in ACTIONS.items()
        if status != Status.ARCHIVED and status in action.allowed_in and action.guard(user, req)
    ]

    api = APIClient()
    api.force_authenticate(user)
    assert api.get(f"/api/v1/requests/{req.pk}/").json()["allowed_actions"] == expected
    client.force_login(user)
    page = client.get(req.get_absolute_url()).content.decode()
    assert set(re.findall(rf"/requests/{req.pk}/act/(\w+)/", page)) == set(expected)
