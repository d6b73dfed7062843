"""schemathesis hooks of the API fuzzing run (loaded from tests/fuzz/schemathesis.toml; runs in var/fuzz-venv).

Each request goes out as the next of the users who can reach its operation (plan.json, written by
tests/fuzz/prepare.py): that user's token, and an object that user sees in a state the operation accepts. A path
id outside the plan (a generated negative value) is sent as generated. Every answer is counted per operation, user
and status, and written to counts.json when the run ends, for tests/fuzz/report.py.
"""

from __future__ import annotations

import atexit
import json
import os
import threading
from collections import Counter, defaultdict

import schemathesis

WORK = os.environ["FUZZ_WORK"]
with open(os.path.join(WORK, "plan.json"), encoding="utf-8") as plan_file:
    PLAN: dict[str, dict] = json.load(plan_file)

_lock = threading.Lock()
_turns: Counter[str] = Counter()
_counts: dict[str, dict[str, Counter[int]]] = defaultdict(lambda: defaultdict(Counter))
_samples: dict[str, dict[int, str]] = defaultdict(dict)  # the first refusal's text per operation and status
USER_HEADER = "X-Fuzz-User"  # which user a request went out as, for the count; the server ignores it


@schemathesis.hook
def before_call(context, case, kwargs):
    entry = PLAN.get(case.operation.label)
    if not entry or not entry["users"]:
        return
    with _lock:
        turn = _turns[case.operation.label]
        _turns[case.operation.label] += 1
    users = entry["users"]
    user = users[turn % len(users)]
    case.headers = {**(case.headers or {}), "Authorization": f"Token {user['token']}", USER_HEADER: user["user"]}
    params = case.path_parameters
    if params is not None:
        if user["ids"] and params.get("id") in entry["all_ids"]:
            params["id"] = user["ids"][(turn // len(users)) % len(user["ids"])]
        params.update(user["path"])


@schemathesis.hook
def after_call(context, case, response):
    user = (case.headers or {}).get(USER_HEADER, "-")
    with _lock:
        _counts[case.operation.label][user][response.status_code] += 1
        if response.status_code >= 400 and response.status_code not in _samples[case.operation.label]:
            _samples[case.operation.label][response.status_code] = response.text[:200]


@atexit.register
def _write_counts():
    with _lock:
        counts = {
            label: {user: dict(statuses) for user, statuses in users.items()} for label, users in _counts.items()
        }
        samples = {label: dict(texts) for label, texts in _samples.items()}
    with open(os.path.join(WORK, f"counts-{os.getpid()}.json"), "w", encoding="utf-8") as out:
        json.dump(counts, out)
    with open(os.path.join(WORK, f"samples-{os.getpid()}.json"), "w", encoding="utf-8") as out:
        json.dump(samples, out, ensure_ascii=False)
