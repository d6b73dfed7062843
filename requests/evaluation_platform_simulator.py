"""A stand-in for the national 好差评 platform: a real HTTP server on loopback (stdlib ``http.server``).

``manage.py evaluation_platform_simulator`` runs it for development; the tests start it on a free loopback port in
a thread and point ``EVALUATION_PLATFORM_URL`` at it. It behaves as the platform does toward us:

- it checks each message's signature (``hallservice.core.signed_http.verify``): a wrong one is a 401 with the reason;
- it de-duplicates on the message id: a message received again is answered 200 ``"duplicate": true`` and counted
  once (``stats()["accepted"]``), however often it arrives (``stats()["deliveries"]``);
- on command it refuses, fails or hangs. The commands are a script of answers for the next messages, one each,
  given with ``POST /_control/script`` ``{"responses": ["reject:事项编码不存在", "error:503", "timeout", "lost"]}``
  (or ``PlatformSimulator.script``); when the script is empty it accepts:

  ``accept``              200, the message is filed
  ``reject[:reason]``     422 with the reason (a 4xx: the message itself is wrong)
  ``error[:status]``      a 5xx (503 by default), nothing filed
  ``timeout[:seconds]``   no answer for that long (30 s by default), nothing filed, then the connection is closed
  ``lost``                the message is filed, then the connection is closed without an answer (a lost answer)

``GET /_control/stats`` answers the counts, ``GET /_control/messages`` the filed messages (for a developer's eyes;
the simulator runs on loopback only), ``POST /_control/reset`` forgets everything.
"""

from __future__ import annotations

import json
from collections import Counter

from hallservice.core.loopback import JsonHandler, LoopbackSimulator, SimulatorState
from hallservice.core.signed_http import HEADERS


class PlatformState(SimulatorState):
    """What the simulated platform has received and the answers it was told to give (shared by its threads)."""

    def __init__(self, *, key: str, app_id: str = "") -> None:
        self.app_id = app_id
        super().__init__(key=key)

    def _clear(self) -> None:
        super()._clear()
        self.deliveries: Counter[str] = Counter()

    def _more_stats(self) -> dict:
        return {"deliveries": dict(self.deliveries)}

    def file(self, message_id: str, body: dict) -> bool:
        """File a message; False when it was already filed (a duplicate)."""
        with self.lock:
            self.deliveries[message_id] += 1
            if message_id in self.messages:
                return False
            self.messages[message_id] = body
            return True


class PlatformHandler(JsonHandler):
    server_version = "EvaluationPlatformSimulator/1"
    state: PlatformState

    def _receive(self, body: bytes) -> None:
        message = self._signed_message(body, app_id=self.state.app_id or None, unknown="unknown app id")
        if message is None:
            return None
        message_id = self.headers[HEADERS["message_id"]]
        command, _sep, argument = self.state.next_response().partition(":")
        if self._obey_failure(command, argument, reject_status=422, unavailable="the platform is unavailable"):
            return None
        first = self.state.file(message_id, message)
        if command == "lost":
            return self._hang_up()
        return self._answer(
            200, {"code": "0", "message": "accepted" if first else "duplicate", "duplicate": not first}
        )

    def _control(self, body: bytes) -> None:
        if self.path == "/_control/reset":
            self.state.reset()
            return self._answer(200, self.state.stats())
        if self.path == "/_control/script":
            try:
                responses = json.loads(body or b"{}").get("responses", [])
            except (ValueError, AttributeError):
                return self._answer(400, {"code": "400", "message": 'send {"responses": [...]}'})
            self.state.script(responses)
            return self._answer(200, self.state.stats())
        return self._answer(404, {"code": "404", "message": "not found"})


class PlatformSimulator(LoopbackSimulator):
    """The simulated platform on a loopback port (0: any free one), served from a daemon thread."""

    handler, path, name = PlatformHandler, "/evaluations", "evaluation-platform"

    def __init__(
        self, *, key: str, app_id: str = "", host: str = "127.0.0.1", port: int = 0, verbose: bool = False
    ) -> None:
        super().__init__(PlatformState(key=key, app_id=app_id), host=host, port=port, verbose=verbose)
