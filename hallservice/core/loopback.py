"""What the simulators of outside services share: a server on loopback only, run in a thread or by a command.

The national 好差评 platform (``requests/evaluation_platform_simulator.py``) and the SMS gateway
(``hallservice/core/sms_gateway_simulator.py``) are real HTTP servers the tests and developers start on a free
loopback port. Both keep a ``SimulatorState`` (the script of answers, what they filed, the counts), check a signed
message and play the scripted refusals, failures and hangs the same way (``JsonHandler``), and run from a
``SimulatorCommand``; each adds what it alone does (the platform's de-duplication, the gateway's callbacks).
Nothing here reaches or listens on an outside address.
"""

from __future__ import annotations

import json
import threading
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

from django.core.management.base import BaseCommand, CommandError, CommandParser

from .signed_http import HEADERS, verify

LOOPBACK = ("127.0.0.1", "::1", "localhost")
DEFAULT_TIMEOUT_SECONDS = 30.0


class SimulatorState:
    """What a simulator's threads share: the script of answers, the messages filed (by id) and the counts.

    Subclasses keep more in ``_clear`` (called under the lock) and report it in ``_more_stats``.
    """

    def __init__(self, *, key: str) -> None:
        self.key = key
        self.lock = threading.Lock()
        self.release = threading.Event()  # set on shutdown: a hanging answer stops waiting
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self._clear()

    def _clear(self) -> None:
        self.responses: deque[str] = deque()
        self.messages: dict[str, dict] = {}
        self.received = 0
        self.refused = 0
        self.bad_signatures = 0

    def _more_stats(self) -> dict:
        return {}

    def stats(self) -> dict:
        with self.lock:
            return {
                "received": self.received,
                "accepted": len(self.messages),
                "refused": self.refused,
                "bad_signatures": self.bad_signatures,
                **self._more_stats(),
                "script": list(self.responses),
            }

    def script(self, responses) -> None:
        with self.lock:
            self.responses.extend(str(r) for r in responses)

    def next_response(self) -> str:
        with self.lock:
            self.received += 1
            return self.responses.popleft() if self.responses else "accept"


class JsonHandler(BaseHTTPRequestHandler, ABC):
    """Answers JSON; logs the request line only when the server is verbose, never a body (phones, texts)."""

    protocol_version = "HTTP/1.1"

    @property
    def state(self):
        return self.server.state

    def log_message(self, format, *args):  # noqa: A002 — the stdlib's name
        if self.server.verbose:
            super().log_message(format, *args)

    def _answer(self, status: int, data: dict) -> None:
        body = json.dumps(data, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _hang_up(self) -> None:
        self.close_connection = True

    def do_POST(self):  # noqa: N802 — the stdlib's name
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.startswith("/_control/"):
            return self._control(body)
        return self._receive(body)

    @abstractmethod
    def _control(self, body: bytes) -> None:
        """A POST to /_control/…: the simulator's own commands (reset, script, …)."""

    @abstractmethod
    def _receive(self, body: bytes) -> None:
        """A POST from the hall: check it, obey the script, file it."""

    def _signed_message(self, body: bytes, *, app_id: str | None, unknown: str):
        """The JSON of a signed message, or None once refused: 401 for a wrong signature or an ``app_id`` other
        than the expected one (None: any), 400 for a body that is not JSON."""
        problem = verify(key=self.state.key, headers=self.headers, body=body)
        if not problem and app_id is not None and self.headers.get(HEADERS["app_id"]) != app_id:
            problem = unknown
        if problem:
            with self.state.lock:
                self.state.bad_signatures += 1
            self._answer(401, {"code": "401", "message": problem})
            return None
        try:
            return json.loads(body)
        except ValueError:
            self._answer(400, {"code": "400", "message": "the body is not JSON"})
            return None

    def _obey_failure(self, command: str, argument: str, *, reject_status: int, unavailable: str) -> bool:
        """Play a scripted refusal, failure or hang (``reject``, ``error``, ``timeout``); False for any other."""
        if command == "reject":
            with self.state.lock:
                self.state.refused += 1
            self._answer(
                reject_status, {"code": str(reject_status), "message": argument or "rejected by the simulator"}
            )
        elif command == "error":
            self._answer(int(argument or 503), {"code": "500", "message": unavailable})
        elif command == "timeout":
            self.state.release.wait(float(argument or DEFAULT_TIMEOUT_SECONDS))
            self._hang_up()
        else:
            return False
        return True

    def do_GET(self):  # noqa: N802 — the stdlib's name
        """The control endpoints every simulator answers: its counts, and what it received (loopback only)."""
        if self.path == "/_control/stats":
            return self._answer(200, self.state.stats())
        if self.path == "/_control/messages":
            with self.state.lock:
                return self._answer(200, {"messages": self.state.messages})
        return self._answer(404, {"code": "404", "message": "not found"})


class LoopbackSimulator:
    """A simulated service on a loopback port (0: any free one), served from a daemon thread.

    Subclasses name the ``handler`` class, the ``path`` their clients post to and the thread's ``name``; the state
    is a ``SimulatorState``.
    """

    handler: type[JsonHandler]
    path: str
    name: str

    def __init__(self, state, *, host: str = "127.0.0.1", port: int = 0, verbose: bool = False) -> None:
        if host not in LOOPBACK:
            raise ValueError("The simulator listens on loopback only.")
        self.state = state
        self.server = ThreadingHTTPServer((host, port), self.handler)
        self.server.daemon_threads = True
        self.server.state, self.server.verbose = self.state, verbose
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{self.path}"

    def start(self) -> Self:
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, name=self.name, daemon=True
        )
        self.thread.start()
        return self

    def stop(self) -> None:
        self.state.release.set()
        self.server.shutdown()
        self.server.server_close()

    def script(self, *responses: str) -> None:
        self.state.script(responses)

    def stats(self) -> dict:
        return self.state.stats()


def serve_in_foreground(build: Callable[[], LoopbackSimulator], *, host: str, port: int, write, title: str) -> None:
    """Start the simulator ``build`` makes, say where it listens, run until Ctrl-C."""
    try:
        simulator = build()
    except OSError as exc:
        raise CommandError(f"Cannot listen on {host}:{port}: {exc}") from exc
    simulator.start()
    write(f"{title} at {simulator.url} (Ctrl-C to stop)")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        simulator.stop()


class SimulatorCommand(BaseCommand, ABC):
    """``manage.py <simulator>``: one simulator on a loopback port, in the foreground until Ctrl-C.

    Subclasses give the default ``port`` and the ``title`` it announces, add their own options and build the
    simulator in ``simulator`` (host, port and verbose given, then their options).
    """

    port: int
    title: str

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", choices=LOOPBACK, help="Loopback address to listen on")
        parser.add_argument("--port", type=int, default=self.port)

    @abstractmethod
    def simulator(self, *, host: str, port: int, verbose: bool, **options) -> LoopbackSimulator:
        """The simulator to serve, built from the command's options."""

    def handle(self, *args, host: str, port: int, **options) -> None:
        verbose = options["verbosity"] > 1
        serve_in_foreground(
            lambda: self.simulator(host=host, port=port, verbose=verbose, **options),
            host=host,
            port=port,
            write=self.stdout.write,
            title=self.title,
        )
