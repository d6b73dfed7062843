"""Prepare one API fuzzing run: tokens, the schema fetched with them, who can reach what, and valid input.

Run by tests/fuzz/run.sh in the project's venv after `seed_demo`, with the fuzz server's environment and the server
up:

    python -m tests.fuzz.prepare BASE_URL WORK_DIR USER [USER ...]

It writes to WORK_DIR:

- `schema.json`: the schema as the server serves it to a signed-in user (fetched over HTTP with the first user's
  token; an anonymous fetch must be refused), with each operation's valid body as its example and the fields whose
  valid values are few (ids, dates, ID numbers) narrowed to those values, so that most generated requests get past
  validation to the service behind it (tests/fuzz/examples.py). Responses are left as served: they are what the
  checks hold the API to.
- `plan.json`: per operation, the users who can reach it, each with a token and the ids of objects they see in a
  state that lets the operation past its state check (a request whose allowed actions include the action, a draft
  plan for `publish`, a paper in progress for `answer`, …); tests/fuzz/hooks.py sends each request as the next of
  these users. Objects changed by one operation are not given to another, so one operation's success does not
  turn the next one's into 409s. An operation nobody can reach (or with nothing to act on) carries a note.

Who can reach an operation is found by trying it: once per user, in the database but inside a transaction that is
rolled back, with the example body. 401/403 means the role may not; anything else (a 2xx, or a 400/409 for this
user's data) means it may. The example is the body of the first user whose try succeeded.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
import urllib.error
import urllib.request
from datetime import date, datetime
from itertools import chain

import django

# Statuses that let an action past its state check (the services' transition tables).
PREFERRED_STATUS: dict[tuple[str, str], set[str]] = {
    ("rosters/plans", "publish"): {"draft"},
    ("rosters/plans", "assign"): {"draft"},
    ("rosters/plans", "regenerate"): {"draft"},
    ("rosters/substitutions", "approve"): {"requested"},
    ("rosters/substitutions", "reject"): {"requested"},
    ("rosters/substitutions", "withdraw"): {"requested"},
    ("rosters/substitutions", "reverse"): {"filed"},
    ("training/sessions", "cancel"): {"planned"},
    ("training/tests", "publish"): {"draft"},
    ("training/papers", "answer"): {"in_progress"},
    ("training/papers", "submit"): {"in_progress"},
    ("training/proposals", "accept"): {"proposed"},
    ("training/proposals", "dismiss"): {"proposed"},
    ("appointments", "check-in"): {"booked"},
}


def _preferred(resource: str, action: str, rows: list[dict], now: datetime) -> list[dict]:
    """The rows an operation can act on now, best first."""
    at = datetime.fromisoformat  # the API writes local times with their offset
    wanted = PREFERRED_STATUS.get((resource, action))
    if wanted:
        return [r for r in rows if r.get("status") in wanted]
    if (resource, action) in (("consultations", "answer"), ("consultations", "hand_over")):
        return [r for r in rows if r.get("outcome") == "open"]
    if (resource, action) == ("consultations", "notice"):  # the notice lists the matter's materials
        return [r for r in rows if r.get("matter")]
    if (resource, action) == ("rosters/duty-days", "set-leader"):
        return [r for r in rows if r.get("plan_status") == "draft"]
    if (resource, action) == ("training/sessions", "attendance"):  # attendance is taken once it has begun
        return [r for r in rows if r["status"] == "held" or (r["status"] == "planned" and at(r["starts_at"]) <= now)]
    if (resource, action) == ("training/sessions", "complete"):  # a training is held once it has begun
        return [r for r in rows if r["status"] == "planned" and at(r["starts_at"]) <= now]
    if (resource, action) == ("training/tests", "start"):
        return [r for r in rows if r["status"] == "published" and at(r["opens_at"]) <= now <= at(r["closes_at"])]
    if (resource, action) == ("training/tests", "close"):  # a later month's test, not the one being taken now
        return sorted((r for r in rows if r["status"] == "published"), key=lambda r: r["month"], reverse=True)
    if (resource, action) == ("appointments", "no-show"):  # the desk records one once its half-day has begun
        from requests.services.appointments import slot_window

        return [
            r
            for r in rows
            if r["status"] == "booked" and slot_window(date.fromisoformat(r["day"]), r["half_day"])[0] <= now
        ]
    if resource == "training/questions":  # the newest first: drawn questions cannot be edited
        return sorted(rows, key=lambda r: r["id"], reverse=True)
    return rows


# Actions that leave their object in its state: they may share objects with other operations.
KEEPS_STATE = {
    "add_department_task",
    "assign",
    "attendance",
    "documents",
    "events",
    "link_key_project",
    "log_work",
    "mark_urgent",
    "reassign",
    "signatures",
    "summary-draft",
    "record_handover",
    "record_joint_meeting",
    "report_progress",
    "review_materials",
    "set_priority_groups",
    "unmark_urgent",
}
# Operations that end their object's state never share an object with another operation (the run is parallel: a
# paper handed in while another worker answers it turns every answer into a 409); a user with none left sits out.
NEVER_SHARED = {("training/papers", "submit")}
DETAIL = re.compile(r"^/api/v1/(?P<resource>.+?)/\{id\}/(?:(?P<action>[a-z_-]+)/)?")
# Objects per user and operation: a state-changing operation succeeds about once per object.
IDS_PER_USER = 1
WRITES = {"post", "put", "patch", "delete"}
# Operations left out of the run, and why (the table prints the reason).
NOTES = {
    "POST /api/v1/requests/{id}/forward/": "only a town or village hall forwards; the demo logins work in the district",
    "POST /api/v1/rosters/duty-records/{id}/review/": (
        "only the day's duty leader reviews the day's record, and the demo's dutyleader login leads other days;"
        " tests/rosters/test_duty_oversight_web.py covers it"
    ),
}
# Operations run but not expected to reach a 2xx, and why (the table prints the reason beside their counts).
NO_2XX_EXPECTED = {
    "POST /api/v1/requests/{id}/signatures/upload/": (
        "schemathesis sends the multipart `file` as a plain field, never as a named PDF, PNG or JPEG file, so each"
        " answer is a 400 on `file`; tests/requests/test_api_signatures.py uploads real scans"
    ),
}
LEFT_OUT = {
    # It would revoke the run's own tokens and turn every later call into a 401 (tests/hallservice/test_api_tokens).
    "POST /api/v1/auth/logout-all/": "revokes the run's own tokens; tests/hallservice/test_api_tokens.py covers it",
}


def fetch_schema(base_url: str, token: str) -> dict:
    """The schema as the server serves it: refused without credentials, served with the token."""
    url = f"{base_url}/api/schema/?format=json"
    try:
        urllib.request.urlopen(url, timeout=30)  # noqa: S310 (loopback, our own server)
    except urllib.error.HTTPError as refused:
        if refused.code not in (401, 403):
            raise
    else:
        sys.exit("fuzz: the schema was served to an anonymous client")
    signed_in = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})
    with urllib.request.urlopen(signed_in, timeout=60) as response:  # noqa: S310
        return json.load(response)


class Reader:
    """What one user sees through the API, in-process (so exactly what the fuzz server shows that user)."""

    def __init__(self, username: str):
        from django.contrib.auth import get_user_model
        from rest_framework.test import APIClient

        self.username = username
        self.user = get_user_model().objects.get(username=username)
        self.client = APIClient(SERVER_NAME="127.0.0.1")  # the fuzz server's ALLOWED_HOSTS
        self.client.force_authenticate(self.user)
        self._rows: dict[str, list[dict]] = {}
        self.refused: set[str] = set()  # resources whose list the user may not read
        self._by_action: dict[str, list[int]] | None = None

    def rows(self, resource: str) -> list[dict]:
        """The first page of ``resource`` (a path under /api/v1/, with a query string if it needs one)."""
        if "?" not in resource:
            resource += "/"
        if resource not in self._rows:
            joiner = "&" if "?" in resource else "?"
            response = self.client.get(f"/api/v1/{resource}{joiner}page_size=200")
            if response.status_code in (401, 403):
                self.refused.add(resource.rstrip("/"))
            json_answer = response.status_code == 200 and response["Content-Type"].startswith("application/json")
            body = response.json() if json_answer else []  # a file (an xlsx or PDF export) has no rows
            self._rows[resource] = body["results"] if isinstance(body, dict) else body
        return self._rows[resource]

    def requests_allowing(self, action: str) -> list[int]:
        """Requests on which the user may take ``action`` now (what the detail's allowed_actions says)."""
        if self._by_action is None:
            from requests.actions import allowed_actions
            from requests.models import ServiceRequest

            self._by_action = {}
            visible = ServiceRequest.objects.restrict(self.user).exclude(status="archived").order_by("-pk")
            for req in visible.select_related("helper")[:80]:  # the newest: the run's own come first
                for allowed in allowed_actions(self.user, req):
                    self._by_action.setdefault(allowed.name, []).append(req.pk)
        return self._by_action.get(action, [])

    def try_out(self, method: str, path: str, body: dict | None) -> tuple[int, str]:
        """The status and the start of the answer as this user, in a transaction rolled back afterwards."""
        from django.db import transaction

        with transaction.atomic():
            if method == "get":
                response = self.client.get(path)
            else:
                response = getattr(self.client, method)(path, body or {}, format="json")
            transaction.set_rollback(True)
        text = "" if response.status_code < 300 else response.content[:160].decode(errors="replace")
        return response.status_code, text


def candidate_ids(reader: Reader, method: str, path: str) -> list[int] | None:
    """Ids for the operation's `{id}` as this user, best first; None when the route names no object."""
    match = DETAIL.match(path)
    if not match:
        return None
    resource, action = match["resource"], match["action"]
    if resource == "requests" and action == "signatures":
        # Results waiting to be handed over: their completion form was printed and signed with nothing since, so the
        # tablet may sign it again (a change after printing makes the signature a 409: print again).
        return reader.requests_allowing("deliver")
    if resource == "requests" and action == "summary-draft":
        # The draft is offered where the summary may be written (the same permission and state).
        return reader.requests_allowing("write_summary")
    if resource == "requests" and action and action not in ("documents", "events"):
        return reader.requests_allowing(action)
    from django.utils import timezone

    rows = reader.rows(resource)
    if (resource, action) == ("appointments", "no-show"):
        # Today's list (the API's default) and the working day before's, whose bookings not come are still open
        # (the timer that records them does not run beside the fuzz server): a no-show needs a begun half-day.
        from hallservice.core.workdays import add_working_days

        before = add_working_days(timezone.localdate(), -1)
        rows = reader.rows(f"appointments/?day={before:%Y-%m-%d}") + rows
    if (resource, action) == ("rosters/duty-days", "set-leader"):
        # The days of the draft plan of the earliest month: the plan operations (publish, regenerate, which replaces
        # the days) take the latest months' drafts.
        drafts = [p["id"] for p in reader.rows("rosters/plans") if p["status"] == "draft"]
        rows = reader.rows(f"rosters/duty-days/?plan={drafts[-1]}") if drafts else []
    ids = [r["id"] for r in _preferred(resource, action or "", rows, timezone.now())]
    return ids[::-1] if method == "delete" else ids  # deletes take objects from the other end of the list


def issue_a_document(reader: Reader) -> None:
    """The demo hall has printed nothing yet: print one form, so /documents/{id}/ has something to find."""
    for row in reader.rows("requests")[:5]:
        for kind in ("acceptance_form", "notice_of_duties", "commission_letter", "completion_form"):
            url = f"/api/v1/requests/{row['id']}/documents/{kind}/"
            if reader.client.post(url, {}, format="json").status_code == 201:
                reader._rows.pop("documents/", None)
                return


def document_kind(reader: Reader, request_id: int) -> str | None:
    from requests.models import DocumentKind

    for kind in DocumentKind.values:
        if 200 <= reader.try_out("post", f"/api/v1/requests/{request_id}/documents/{kind}/", {})[0] < 300:
            return kind
    return None


def narrowed(schema: dict, body: dict, components: dict, choices: dict | None = None) -> dict:
    """The body's schema with ids, dates and personal numbers narrowed to the example's values, or to ``choices``
    (field → several valid values) where the example names them (kept as the documented type, so negative
    generation still has something to break)."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    schema = json.loads(json.dumps(schema))
    for name, value in body.items():
        prop = schema.get("properties", {}).get(name)
        if prop is None or "allOf" in prop or "$ref" in prop or isinstance(value, bool):
            continue
        if choices and choices.get(name):
            prop["enum"] = choices[name]
        elif isinstance(value, int) or (isinstance(value, str) and re.fullmatch(r"[\dX:+\-T.]{8,}", value)):
            prop["enum"] = [value]
        elif isinstance(value, list) and value and all(isinstance(v, int) for v in value):
            prop["items"] = {**prop.get("items", {}), "enum": sorted(set(value))}
            prop["minItems"] = 1
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            prop["enum"] = [value]  # one review per check of the request, all of them: the example's list
    schema["example"] = body
    return schema


def main(base_url: str, work: str, usernames: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallservice.settings")
    django.setup()
    import logging

    from django.contrib.auth import get_user_model

    logging.getLogger("django.request").setLevel(logging.ERROR)  # the tries' expected 403s and 409s

    from hallservice.core.actors import SYSTEM
    from hallservice.core.api_tokens import api_token_issue

    from .examples import CHOICES, EXAMPLES, OBJECT_BOUND, World
    from .stage import stage

    started = time.monotonic()
    users = get_user_model().objects.in_bulk(usernames, field_name="username")
    tokens = {name: api_token_issue(user=users[name], actor=SYSTEM, name="fuzz", days=1)[1] for name in usernames}
    schema = fetch_schema(base_url, tokens[usernames[0]])
    components = schema["components"]["schemas"]
    readers = {name: Reader(name) for name in usernames}
    world = World(users[usernames[0]].staff_member.centre)
    fresh = stage(readers, world)
    print(f"fuzz: staged objects to act on after {time.monotonic() - started:.0f} s", file=sys.stderr)
    issue_a_document(readers["frontdesk"] if "frontdesk" in readers else readers[usernames[0]])

    plan: dict[str, dict] = {}
    # (resource, id) given to an operation that changes its state, and to one that leaves it as it is: a state-changing
    # operation avoids both (it would pull the object from under the other), one that keeps the state only the first.
    taken: set[tuple[str, int]] = set()
    kept: set[tuple[str, int]] = set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            label = f"{method.upper()} {path}"
            entry = plan[label] = {"users": [], "note": LEFT_OUT.get(label, "") or NO_2XX_EXPECTED.get(label, "")}
            if label in LEFT_OUT:
                continue
            build = EXAMPLES.get((method.upper(), path))
            match = DETAIL.match(path)
            resource = match["resource"] if match else path
            example, tried = None, []
            for name in usernames:
                reader = readers[name]
                ids = candidate_ids(reader, method, path)
                if ids is not None and method in ("put", "delete") and resource in fresh and name == "supervisor":
                    ids = fresh[resource][:: -1 if method == "delete" else 1] + ids  # made for the run: never drawn
                if ids is not None:
                    # Objects no other operation changes, if there are any left; else shared ones.
                    keeps = (match and match["action"]) in KEEPS_STATE
                    avoid = taken if keeps or method not in WRITES else taken | kept
                    free = [i for i in ids if (resource, i) not in avoid]
                    ids = free if (resource, match and match["action"]) in NEVER_SHARED else (free or ids)
                    if not ids:
                        tried.append(f"{name}: nothing to act on")
                        continue
                    ids = ids[:IDS_PER_USER]
                body = build(world, ids[0] if ids else None) if build else None
                url = path.replace("{id}", str(ids[0])) if ids else path
                extra = {}
                if "{kind}" in path:
                    extra["kind"] = document_kind(reader, ids[0]) or "acceptance_form"
                    url = url.replace("{kind}", extra["kind"])
                if method == "get":  # reads: whoever may list the resource may read it (not tried, to save time)
                    reader.rows(resource.split("/{")[0].removeprefix("/api/v1/").rstrip("/") or resource)
                    readable = not any(path.startswith(f"/api/v1/{r}/") for r in reader.refused)
                    status, answer = (200, "") if readable else (403, "")
                elif body and example is not None:
                    # The example is known to work: an empty body tells the role's 403 from the others' 400 without
                    # the service's work (the views ask for the permission first; those that validate first let
                    # every role through here and answer the others 403 in the run).
                    status, answer = reader.try_out(method, url, {})
                else:
                    status, answer = reader.try_out(method, url, body)
                tried.append(f"{name}: {status} {answer}".rstrip())
                if status in (401, 403):
                    continue
                if (method.upper(), path) in OBJECT_BOUND and entry["users"]:
                    continue  # the body names parts of one object (its checks, tasks, questions): one user, one object
                if method in WRITES and ids:
                    (kept if keeps else taken).update((resource, i) for i in ids)
                entry["users"].append({"user": name, "token": tokens[name], "ids": ids or [], "path": extra})
                if example is None and body is not None and 200 <= status < 300:
                    example = body
                    choose = CHOICES.get((method.upper(), path))
                    entry["choices"] = choose(world, ids[0] if ids else None) if choose else None
            entry["users"].sort(key=lambda u: not any(t.startswith(f"{u['user']}: 2") for t in tried))
            entry["tried"] = tried
            if not entry["users"]:
                entry["note"] = NOTES.get(label) or "no role reaches it: " + ", ".join(tried)
            if example is None and build is not None:
                entry["note"] = entry["note"] or "no example validated: " + ", ".join(tried)
            _document(operation, entry, example, components)

    # An operation nobody can reach is left out of the run (the table says why) rather than sent without a token.
    for label, entry in plan.items():
        if not entry["users"]:
            method, path = label.split(" ", 1)
            schema["paths"][path].pop(method.lower())
    with open(os.path.join(work, "schema.json"), "w", encoding="utf-8") as out:
        json.dump(schema, out, ensure_ascii=False)
    with open(os.path.join(work, "plan.json"), "w", encoding="utf-8") as out:
        json.dump(plan, out, ensure_ascii=False, indent=1)
    reached = sum(1 for e in plan.values() if e["users"])
    roles = sum(len(e["users"]) for e in plan.values())
    print(
        f"fuzz: {reached} of {len(plan)} operations reachable, {roles} (operation, role) pairs;"
        f" prepared in {time.monotonic() - started:.0f} s",
        file=sys.stderr,
    )
    for label, entry in plan.items():
        if entry["note"]:
            print(f"fuzz:   {label}: {entry['note']}", file=sys.stderr)


def _document(operation: dict, entry: dict, example: dict | None, components: dict) -> None:
    """Write the plan into the operation: ids as the path's values, the example and narrowed fields in the body."""
    ids = sorted(set(chain.from_iterable(u["ids"] for u in entry["users"])))
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path" and parameter["name"] == "id" and ids:
            parameter["schema"] = {**parameter["schema"], "enum": ids}
            parameter["example"] = entry["users"][0]["ids"][0]
        if parameter["in"] == "path" and parameter["name"] == "kind" and entry["users"]:
            parameter["example"] = entry["users"][0]["path"]["kind"]
    entry["all_ids"] = ids
    if example is None or "requestBody" not in operation:
        return
    content = operation["requestBody"]["content"]
    if any(isinstance(value, (list, dict)) and value and not _flat(value) for value in example.values()):
        # A list of objects cannot be form-encoded: only JSON can carry this body.
        operation["requestBody"]["content"] = content = {"application/json": content["application/json"]}
    choices = entry.pop("choices", None)
    for media in content.values():  # JSON, and the form encodings DRF also reads
        media["schema"] = narrowed(media["schema"], example, components, choices)


def _flat(value) -> bool:
    return isinstance(value, list) and all(isinstance(item, (int, str)) for item in value)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
