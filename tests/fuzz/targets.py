"""Write the schemathesis configuration of one fuzz pass: the committed base plus real ids for path parameters.

Run by tests/fuzz/run.sh in the project's venv after `seed_demo`, with the fuzz server's environment:

    python -m tests.fuzz.targets USERNAME BASE_TOML OUTPUT_TOML

Without real ids every `{id}` operation answers 404 before it reads its input, and the fuzzer never reaches
the validation behind it. The ids are read in-process through the API as USERNAME (so they are exactly what
that user sees), and each operation gets an object in a state that lets it go past the state check: a request
whose allowed actions include the action, a draft plan for `publish`, a paper in progress for `answer`, …
DELETE operations get a different object than the others, so deleting it does not turn the rest into 404s.
When the user sees no issued document yet, one form is printed first.
"""

from __future__ import annotations

import json
import os
import re
import sys

import django

# Statuses that let an action past its state check (the services' transition tables); None: any.
PREFERRED_STATUS: dict[tuple[str, str], set[str]] = {
    ("rosters/plans", "publish"): {"draft"},
    ("rosters/plans", "assign"): {"draft"},
    ("rosters/plans", "regenerate"): {"draft"},
    ("rosters/substitutions", "approve"): {"requested"},
    ("rosters/substitutions", "reject"): {"requested"},
    ("rosters/substitutions", "withdraw"): {"requested"},
    ("rosters/substitutions", "reverse"): {"filed"},
    ("training/sessions", "attendance"): {"planned", "held"},
    ("training/sessions", "complete"): {"planned"},
    ("training/sessions", "cancel"): {"planned"},
    ("training/tests", "publish"): {"draft"},
    ("training/tests", "close"): {"published"},
    ("training/tests", "start"): {"published"},
    ("training/papers", "answer"): {"in_progress"},
    ("training/papers", "submit"): {"in_progress"},
}
DETAIL = re.compile(r"^/api/v1/(?P<resource>.+?)/\{id\}/(?:(?P<action>[a-z_-]+)/)?")


def _client(username: str):
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    client = APIClient(SERVER_NAME="127.0.0.1")  # the fuzz server's ALLOWED_HOSTS
    client.force_authenticate(get_user_model().objects.get(username=username))
    return client


def _rows(client, resource: str) -> list[dict]:
    response = client.get(f"/api/v1/{resource}/", {"page_size": 200})
    if response.status_code != 200:
        return []
    body = response.json()
    return body["results"] if isinstance(body, dict) else body


def _issue_a_document(client) -> None:
    """The demo hall has printed nothing yet: print one form, so /documents/{id}/ has something to find."""
    for row in _rows(client, "requests")[:5]:
        for kind in ("acceptance_form", "notice_of_duties", "commission_letter", "completion_form"):
            if client.post(f"/api/v1/requests/{row['id']}/documents/{kind}/", {}, format="json").status_code == 201:
                return


def _request_ids_by_action(client, rows: list[dict]) -> dict[str, list[int]]:
    """Request ids per action the user may take on them now (from the detail's allowed_actions)."""
    by_action: dict[str, list[int]] = {}
    for row in rows[:60]:
        detail = client.get(f"/api/v1/requests/{row['id']}/").json()
        for name in detail.get("allowed_actions", []):
            by_action.setdefault(name, []).append(row["id"])
    return by_action


def choose_ids(username: str, schema: dict) -> dict[tuple[str, str], int]:
    """(method, path) → the id to use for that operation's `{id}`."""
    client = _client(username)
    rows_of: dict[str, list[dict]] = {}
    requests_by_action: dict[str, list[int]] | None = None
    chosen: dict[tuple[str, str], int] = {}
    for path, operations in schema["paths"].items():
        match = DETAIL.match(path)
        if not match:
            continue
        resource, action = match["resource"], match["action"]
        if resource not in rows_of:
            rows_of[resource] = _rows(client, resource)
            if resource == "documents" and not rows_of[resource]:
                _issue_a_document(client)
                rows_of[resource] = _rows(client, resource)
        rows = rows_of[resource]
        if not rows:
            continue
        for method in operations:
            if method == "parameters":
                continue
            candidates = rows
            if resource == "requests" and action and action not in ("documents", "events"):
                if requests_by_action is None:
                    requests_by_action = _request_ids_by_action(client, rows)
                ids = requests_by_action.get(action)
                if ids:
                    chosen[(method.upper(), path)] = ids[0]
                    continue
            wanted = PREFERRED_STATUS.get((resource, action or ""))
            if wanted:
                candidates = [r for r in rows if r.get("status") in wanted] or rows
            chosen[(method.upper(), path)] = (candidates[-1] if method == "delete" else candidates[0])["id"]
    return chosen


def main(username: str, base_toml: str, output_toml: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallservice.settings")
    django.setup()
    from rest_framework.test import APIClient

    schema = json.loads(APIClient(SERVER_NAME="127.0.0.1").get("/api/schema/", {"format": "json"}).content)
    chosen = choose_ids(username, schema)
    with open(base_toml, encoding="utf-8") as base, open(output_toml, "w", encoding="utf-8") as out:
        out.write(base.read())
        out.write(f"\n# --- Generated by tests/fuzz/targets.py for {username}: real ids for `{{id}}` ---\n")
        for (method, path), object_id in sorted(chosen.items(), key=lambda item: (item[0][1], item[0][0])):
            out.write(
                f'\n[[operations]]\ninclude-name = "{method} {path}"\nparameters = {{ "path.id" = {object_id} }}\n'
            )
    print(f"{username}: real ids for {len(chosen)} operations", file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:4])
