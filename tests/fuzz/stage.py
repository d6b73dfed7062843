"""Objects for the API fuzzing run to act on, made through the API (in-process) before it starts.

The demo hall is mostly history: of its 400 requests one is still applied and a handful are in progress, it has no
open consultation, no draft plan, no paper in progress. An action succeeds about once per object (accepting moves
the request on), so every state-changing operation needs a few objects of its own in the state it accepts. They are
made the way a clerk makes them, through the same API and services, as the demo users who would.
"""

from __future__ import annotations

import sys
from datetime import timedelta

from django.utils import timezone

from tests.signed_forms import pad_data_url

from .examples import EXAMPLES, World

# Sent by post: the request stays completed until the applicant's receipt is confirmed (confirm_receipt).
POSTED = {
    "method": "post",
    "recipient": "张三",
    "address": "新华区建设路 1 号",
    "carrier": "EMS",
    "tracking_number": "EA123456789CN",
}

# The completion form is printed before the result is handed over: the applicant signs the printed form (issue 20),
# on the tablet here, and the signed copy is kept (issue 18: a hand-over in person needs it).
PRINTED = ("documents/completion_form", {})
SIGNED = ("signatures/sign", {"kind": "completion_form", "signature": pad_data_url()})
# Scans of signed paper kept as files (a multipart upload, issue 18): the commission letter an agency needs (accept or
# convert to agency), the post receipt that confirms a posted result's receipt.
COMMISSION = ("signatures/upload", {"kind": "commission_letter"})
RECEIPT = ("signatures/upload", {"kind": "post_receipt"})
# Accepted, started, completed, its completion form printed and signed, and handed over in person.
HANDED_OVER = [("accept", {}), ("start", {}), ("complete", {}), PRINTED, SIGNED, ("deliver", {})]

# How many requests to take to each stage, and the actions that take a new request there, after registration.
# Applied requests come after those with missing materials: the newest are offered first, and those can be accepted.
CHAINS: dict[str, tuple[int, list[tuple[str, dict]]]] = {
    "missing": (2, [("review_materials", {"missing": True})]),
    "deficient": (2, [("review_materials", {"missing": True}), ("issue_deficiency_notice", {})]),
    "applied": (7, []),
    "accepted": (3, [("accept", {}), COMMISSION]),
    "in_progress": (10, [("accept", {}), ("start", {}), COMMISSION]),
    "urgent": (2, [("accept", {}), ("start", {}), ("mark_urgent", {})]),
    "suspended": (2, [("accept", {}), ("start", {}), ("suspend", {})]),
    "completed": (3, [("accept", {}), ("start", {}), ("complete", {}), PRINTED, SIGNED]),
    "posted": (2, [("accept", {}), ("start", {}), ("complete", {}), PRINTED, ("deliver", POSTED), RECEIPT]),
    "delivered": (3, HANDED_OVER),
    "poorly rated": (2, [*HANDED_OVER, ("evaluate", {"rating": 1})]),
    "summarised": (2, [*HANDED_OVER, ("evaluate", {}), ("write_summary", {})]),
}


def _post(reader, url: str, body: dict) -> dict | None:
    response = reader.client.post(url, body, format="multipart" if "file" in body else "json")
    if response.status_code >= 300:
        print(
            f"fuzz: staging {url} as {reader.username}: {response.status_code} {response.content[:200]!r}",
            file=sys.stderr,
        )
        return None
    return response.json()


def _act(reader, world: World, rid: int, action: str, body: dict) -> bool:
    path = f"/api/v1/requests/{{id}}/{action}/"
    full = {**(EXAMPLES[("POST", path)](world, rid) or {}), **body} if ("POST", path) in EXAMPLES else body
    if action == "signatures/upload":
        from tests.signed_forms import scan

        full["file"] = scan(f"{full['kind']}.pdf")
    if full.pop("missing", False):
        full["reviews"] = [{**review, "status": "missing"} for review in full["reviews"]]
    return _post(reader, path.replace("{id}", str(rid)), full) is not None


def stage(readers: dict, world: World) -> dict[str, list[int]]:
    """Make the objects; return the ids of those an edit or delete should take first, by resource."""
    desk, leader, supervisor, department = (
        readers.get(n) for n in ("frontdesk", "dutyleader", "supervisor", "department")
    )
    if desk is not None:
        _stage_requests(desk, department, world)
        for _ in range(6):  # answered, handed over, turned into requests: one each at least
            _post(desk, "/api/v1/consultations/", EXAMPLES[("POST", "/api/v1/consultations/")](world, None))
    if supervisor is not None:
        _stage_rosters(leader or supervisor, supervisor, world)
        _stage_training(supervisor, world)
        _stage_supervision(supervisor, world)
    fresh: dict[str, list[int]] = {}
    if supervisor is not None:
        fresh["training/questions"] = _stage_questions(supervisor, world)
    for reader in (desk, leader):  # papers in progress of this month's test, to answer and submit
        if reader is not None:
            for test in reader.rows("training/tests"):
                if (
                    test["status"] == "published"
                    and test["opens_at"] <= world.moment(world.today, 12) <= test["closes_at"]
                ):
                    _post(reader, f"/api/v1/training/tests/{test['id']}/start/", {})
                    break
    return fresh


def _stage_supervision(supervisor, world: World) -> None:
    """Inspections with findings to rectify, a notice citing one, difficult points to meet about and resolve."""
    inspections = [
        _post(
            supervisor, f"/api/v1/supervision/{name}/", EXAMPLES[("POST", f"/api/v1/supervision/{name}/")](world, None)
        )
        for name in ("inspections", "inspections", "difficult-points", "difficult-points")
    ][:2]
    notice = EXAMPLES[("POST", "/api/v1/supervision/notices/")](world, None)
    cited = [inspection["id"] for inspection in inspections if inspection]
    _post(supervisor, "/api/v1/supervision/notices/", {**notice, "inspections": cited[:1]})


def _stage_questions(supervisor, world: World) -> list[int]:
    """Questions nobody has drawn, which may be edited and deleted."""
    body = EXAMPLES[("POST", "/api/v1/training/questions/")](world, None)
    made = [_post(supervisor, "/api/v1/training/questions/", body) for _ in range(3)]
    return [question["id"] for question in made if question]


def _stage_rosters(leader, supervisor, world: World) -> None:
    from django.test import override_settings

    for _ in range(3):  # draft plans (publish, assign, regenerate; set-leader on the days of the earliest)
        _post(supervisor, "/api/v1/rosters/plans/", EXAMPLES[("POST", "/api/v1/rosters/plans/")](world, None))
    # Filed substitutions (reverse), and requested ones (approve, reject, withdraw): those exist only where the
    # supervision section approves substitutions (SUBSTITUTION_NEEDS_APPROVAL, off by default and on the server).
    for needs_approval, count in ((False, 2), (True, 4)):
        with override_settings(SUBSTITUTION_NEEDS_APPROVAL=needs_approval):
            for _ in range(count):
                body = EXAMPLES[("POST", "/api/v1/rosters/substitutions/")](world, None)
                if body:
                    _post(leader, "/api/v1/rosters/substitutions/", body)


def _stage_training(supervisor, world: World) -> None:
    from .examples import free_test_month

    # Trainings on the bank's fullest topic in the coming months, so that tests can be drawn for them.
    month = free_test_month(world)
    for ahead in range(4):
        starts = world.moment((month + timedelta(days=32 * ahead)).replace(day=9), 15)
        session = EXAMPLES[("POST", "/api/v1/training/sessions/")](world, None)
        _post(supervisor, "/api/v1/training/sessions/", {**session, "topic": world.bank_topic, "starts_at": starts})
    # Two trainings that began two hours ago: held once marked complete, attendance taken.
    session = EXAMPLES[("POST", "/api/v1/training/sessions/")](world, None)
    begun = (timezone.localtime() - timedelta(hours=2)).replace(minute=0, second=0, microsecond=0).isoformat()
    for _ in range(2):
        _post(supervisor, "/api/v1/training/sessions/", {**session, "starts_at": begun})
    # Two tests: one stays a draft (publish), one is published (close).
    for publish in (False, True):
        test = _post(supervisor, "/api/v1/training/tests/", EXAMPLES[("POST", "/api/v1/training/tests/")](world, None))
        if test and publish:
            _post(supervisor, f"/api/v1/training/tests/{test['id']}/publish/", {})


def _stage_requests(desk, department, world: World) -> None:
    register = EXAMPLES[("POST", "/api/v1/requests/")]
    in_progress: list[int] = []
    for stage_name, (count, chain) in CHAINS.items():
        for _ in range(count):
            body = register(world, None)
            if stage_name in ("missing", "deficient"):
                body["provided_material_ids"] = []
            created = _post(desk, "/api/v1/requests/", body)
            if created is None:
                return
            moved = all(_act(desk, world, created["id"], action, body) for action, body in chain)
            if moved and stage_name == "in_progress":
                in_progress.append(created["id"])
    # Handling: pending extensions for the supervisor, department parts for the department user.
    for rid in in_progress[:2]:
        _act(desk, world, rid, "request_extension", {})
    if world.task_department is not None:
        for index, rid in enumerate(in_progress[2:6]):
            added = _act(desk, world, rid, "add_department_task", {"department_id": world.task_department})
            if added and index < 2 and department is not None:
                _act(department, world, rid, "claim_task", {"task_id": _request_task(rid)})


def _request_task(rid: int) -> int | None:
    from requests.models import DepartmentTask

    return DepartmentTask.objects.filter(request_id=rid).order_by("-pk").values_list("pk", flat=True).first()
