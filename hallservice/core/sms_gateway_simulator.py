"""A stand-in for the hall's HTTP SMS gateway: a real HTTP server on loopback (stdlib ``http.server``).

``manage.py sms_gateway_simulator`` runs it for development; the tests start it on a free loopback port in a thread
and point ``SMS_GATEWAY_URL`` at it. It behaves toward us as the gateway does (``hallservice.core.sms_gateway``):

- it checks each message's signature and account: a wrong one is a 401 with the reason;
- it de-duplicates on our reference (X-Message-Id): a message received again gets the same message id and is
  counted once (``stats()["accepted"]``);
- after accepting a message it POSTs a delivery report to ``callback_url`` (when one is given), signed with the
  same secret, from another thread a moment later, as a gateway does;
- on command it refuses, fails or hangs. The commands are a script of answers for the next messages, one each,
  given with ``POST /_control/script`` ``{"responses": ["reject:号码格式错误", "error:503", "timeout"]}`` (or
  ``SmsGatewaySimulator.script``); when the script is empty it accepts:

  ``accept``                  200 with a message id, then the report "delivered"
  ``undelivered[:code]``      200 with a message id, then the report "undelivered" with that code (MK:0001)
  ``twice``                   200, then the same "delivered" report twice (a gateway repeating a callback)
  ``silent``                  200, and no report
  ``reject[:reason]``         400 with the reason (the message itself is wrong)
  ``error[:status]``          a 5xx (503 by default), nothing accepted
  ``timeout[:seconds]``       no answer for that long (30 s by default), then the connection is closed

``POST /_control/uplink`` ``{"from": "13812345678", "text": "TD"}`` sends a citizen's reply (上行短信) to the
callback; ``GET /_control/stats`` answers the counts and the callbacks' answers; ``GET /_control/messages`` the
accepted messages (for a developer's eyes: the simulator runs on loopback only); ``POST /_control/reset``
forgets everything.
"""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime

from .loopback import JsonHandler, LoopbackSimulator, SimulatorState
from .signed_http import HEADERS, post_signed

REPORT_DELAY_SECONDS = 0.05


class GatewayState(SimulatorState):
    """What the simulated gateway has received, the answers it was told to give and the callbacks it made."""

    def __init__(self, *, key: str, account: str, callback_url: str = "") -> None:
        self.account, self.callback_url = account, callback_url
        super().__init__(key=key)
        self.callback_done = threading.Condition(self.lock)

    def _clear(self) -> None:
        super()._clear()  # messages: by our reference
        self.callbacks: list[dict] = []  # each callback made: kind, HTTP status of our answer, reason

    def _more_stats(self) -> dict:
        return {"callbacks": list(self.callbacks)}

    def accept(self, reference: str, message: dict) -> str:
        """File a message; the gateway's message id (the first one's for a message sent again)."""
        with self.lock:
            if reference not in self.messages:
                self.messages[reference] = {**message, "message_id": uuid.uuid4().hex}
            return self.messages[reference]["message_id"]

    def record_callback(self, entry: dict) -> None:
        with self.callback_done:
            self.callbacks.append(entry)
            self.callback_done.notify_all()


def post_callback(state: GatewayState, payload: dict, *, kind: str) -> dict:
    """POST one signed callback to the hall; the hall's answer as recorded in ``stats()["callbacks"]``."""
    answer = post_signed(
        state.callback_url,
        key=state.key,
        app_id=state.account,
        message_id=uuid.uuid4().hex,
        payload=payload,
        timeout=10,
    )
    entry = {"kind": kind, "status": answer.status, "reason": answer.reason}
    state.record_callback(entry)
    return entry


def _report(message: dict, *, status: str, code: str) -> dict:
    return {
        "type": "report",
        "reports": [
            {
                "message_id": message["message_id"],
                "reference": message.get("reference", ""),
                "to": message.get("to", ""),
                "status": status,
                "code": code,
                "reported_at": datetime.now(UTC).isoformat(),
            }
        ],
    }


class GatewayHandler(JsonHandler):
    server_version = "SmsGatewaySimulator/1"
    state: GatewayState

    def _receive(self, body: bytes) -> None:
        message = self._signed_message(body, app_id=self.state.account, unknown="unknown account")
        if message is None:
            return None
        if not isinstance(message, dict) or not message.get("to") or not message.get("template_id"):
            return self._answer(400, {"code": "400", "message": "to and template_id are required"})
        command, _sep, argument = self.state.next_response().partition(":")
        if self._obey_failure(command, argument, reject_status=400, unavailable="the gateway is unavailable"):
            return None
        reference = self.headers[HEADERS["message_id"]]
        message_id = self.state.accept(reference, message)
        self._answer(200, {"code": "0", "message": "accepted", "message_id": message_id})
        if self.state.callback_url and command != "silent":
            filed = {**message, "message_id": message_id}
            if command == "undelivered":
                report = _report(filed, status="undelivered", code=argument or "MK:0001")
            else:
                report = _report(filed, status="delivered", code="DELIVRD")
            times = 2 if command == "twice" else 1
            threading.Timer(REPORT_DELAY_SECONDS, self._send_reports, args=(report, times)).start()
        return None

    def _send_reports(self, report: dict, times: int) -> None:
        for _n in range(times):
            post_callback(self.state, report, kind="report")

    def _control(self, body: bytes) -> None:
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            data = None
        if not isinstance(data, dict):
            return self._answer(400, {"code": "400", "message": "send a JSON object"})
        if self.path == "/_control/reset":
            self.state.reset()
            return self._answer(200, self.state.stats())
        if self.path == "/_control/script":
            self.state.script(data.get("responses", []))
            return self._answer(200, self.state.stats())
        if self.path == "/_control/uplink":
            if not self.state.callback_url:
                return self._answer(400, {"code": "400", "message": "no callback address"})
            payload = {"type": "uplink", "from": str(data.get("from", "")), "text": str(data.get("text", ""))}
            return self._answer(200, post_callback(self.state, payload, kind="uplink"))
        return self._answer(404, {"code": "404", "message": "not found"})


class SmsGatewaySimulator(LoopbackSimulator):
    """The simulated gateway on a loopback port (0: any free one), served from a daemon thread."""

    handler, path, name = GatewayHandler, "/sms/send", "sms-gateway"

    def __init__(
        self,
        *,
        key: str,
        account: str,
        callback_url: str = "",
        host: str = "127.0.0.1",
        port: int = 0,
        verbose: bool = False,
    ) -> None:
        state = GatewayState(key=key, account=account, callback_url=callback_url)
        super().__init__(state, host=host, port=port, verbose=verbose)

    def uplink(self, *, phone: str, text: str) -> dict:
        """A citizen's reply reaching the gateway, passed on to the hall's callback; the hall's answer."""
        return post_callback(self.state, {"type": "uplink", "from": phone, "text": text}, kind="uplink")

    def wait_for_callbacks(self, count: int, timeout: float = 5.0) -> list[dict]:
        """Block until ``count`` callbacks were answered by the hall (or the timeout passed); their answers."""
        with self.state.callback_done:
            self.state.callback_done.wait_for(lambda: len(self.state.callbacks) >= count, timeout=timeout)
            return list(self.state.callbacks)
