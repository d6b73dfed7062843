"""What the simulators of outside services share: a JSON handler and a server on loopback only, run in a thread.

The national 好差评 platform (``requests/evaluation_platform_simulator.py``) and the SMS gateway
(``hallservice/core/sms_gateway_simulator.py``) are real HTTP servers the tests and developers start on a free
loopback port; each brings its own state (what it received, the script of answers to give) and its own handler.
Nothing here reaches or listens on an outside address.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

from django.core.management.base import CommandError

LOOPBACK = ("127.0.0.1", "::1", "localhost")


class JsonHandler(BaseHTTPRequestHandler):
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
    has a ``lock``, a ``responses`` deque (the script of answers), a ``release`` event (set on shutdown, so a hanging
    answer stops waiting) and ``stats()``.
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
        with self.state.lock:
            self.state.responses.extend(responses)

    def stats(self) -> dict:
        return self.state.stats()


def serve_in_foreground(build: Callable[[], LoopbackSimulator], *, host: str, port: int, write, title: str) -> None:
    """A management command's body: start the simulator ``build`` makes, say where it listens, run until Ctrl-C."""
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
