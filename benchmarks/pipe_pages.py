"""Time pages of a Django project in-process, on command over a pipe (JSON lines): one project per process.

benchmarks/compare_peer.py starts one worker for our project (our venv) and one for django-helpdesk (its venv),
and alternates commands between them, so both are measured in the same minutes of the same run. Standard
library only: the peer's venv imports this module too. Django is imported late, after the worker set it up.

Commands, one JSON object a line on stdin; one answer a line on stdout:
    {"cmd": "time", "page": "queue", "n": 1}   → {"ms": [12.3], "status": 200, "bytes": 4567}
    {"cmd": "queries", "page": "queue", "n": 5} → {"queries": [11, 11, …], "slowest": [{"ms": …, "sql": …}]}
    {"cmd": "quit"}
Each page has a client and a list of URLs; the worker goes round the list, one URL per request.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field


@dataclass
class Page:
    """One page a worker times: a test client (logged in or not) and the URLs it goes round."""

    client: object
    urls: list[str]
    position: int = field(default=0)

    def next_url(self) -> str:
        url = self.urls[self.position % len(self.urls)]
        self.position += 1
        return url


_answers = None


def claim_stdout():
    """Keep stdout for the answers and send whatever else the process prints (a fill's progress, Django's
    messages) to stderr. A worker calls this first."""
    global _answers
    if _answers is None:
        sys.stdout.flush()
        _answers = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
        os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    return _answers


def serve(pages: dict[str, Page], info: dict) -> None:
    """Answer commands until "quit" or the end of stdin."""
    answers = claim_stdout()
    answers.write(json.dumps({"ready": True, "info": info, "pages": sorted(pages)}) + "\n")
    for line in sys.stdin:
        command = json.loads(line)
        if command["cmd"] == "quit":
            break
        page = pages[command["page"]]
        if command["cmd"] == "time":
            answer = _time(page, command.get("n", 1))
        elif command["cmd"] == "queries":
            answer = _queries(page, command.get("n", 5))
        else:
            answer = {"error": f"unknown command {command['cmd']!r}"}
        answers.write(json.dumps(answer) + "\n")


def _time(page: Page, n: int) -> dict:
    times, status, size = [], 200, 0
    for _ in range(n):
        url = page.next_url()
        started = time.perf_counter()
        response = page.client.get(url)
        body = response.content
        times.append((time.perf_counter() - started) * 1000)
        size = len(body)
        if response.status_code != 200:
            status = response.status_code
    return {"ms": times, "status": status, "bytes": size}


def _queries(page: Page, n: int) -> dict:
    # A pass of its own: the timed requests carry no capture overhead.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts, captured = [], []
    for _ in range(n):
        with CaptureQueriesContext(connection) as context:
            page.client.get(page.next_url())
        counts.append(len(context.captured_queries))
        captured = context.captured_queries
    slowest = sorted(captured, key=lambda q: -float(q["time"]))[:3]
    return {"queries": counts, "slowest": [{"ms": float(q["time"]) * 1000, "sql": q["sql"][:300]} for q in slowest]}


class Worker:
    """The driver's end of one worker process."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], cwd: str | None = None):
        self.name = name
        self.process = subprocess.Popen(
            argv, env=env, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        hello = self._read()
        if not hello.get("ready"):
            raise SystemExit(f"{name} worker did not start: {hello}")
        self.info, self.pages = hello["info"], hello["pages"]

    def call(self, **command) -> dict:
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        answer = self._read()
        if "error" in answer:
            raise SystemExit(f"{self.name}: {answer['error']}")
        return answer

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.process.stdin.write('{"cmd": "quit"}\n')
                self.process.stdin.close()
                self.process.wait(timeout=30)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self.process.terminate()
                self.process.wait(timeout=30)

    def _read(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"{self.name} worker exited ({self.process.wait()}); see its messages above")
        return json.loads(line)
