"""The SMS gateway's callback: delivery reports and citizens' replies (上行短信), POSTed by the gateway.

No login and no CSRF token: the gateway proves itself by the HMAC signature of ``hallservice.core.sms_gateway``
(same secret and account as the hall's sending). Anything unsigned, badly signed, too old or from another account
is a 403 before the body is read; a signed body that is not a callback we understand is a 400 that says why. The
answer never echoes a phone number.
"""

from __future__ import annotations

import json
import logging

from django.http import JsonResponse
from django.http.request import RawPostDataException
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from hallservice.core.errors import DomainError
from hallservice.core.sms_gateway import verify_callback

from .services.sms import sms_delivery_reports_record, sms_reply_record

log = logging.getLogger("requests.sms")

# A callback carries a few reports; anything much larger is not one.
MAX_CALLBACK_BYTES = 256 * 1024


def _answer(status: int, message: str, **data) -> JsonResponse:
    return JsonResponse(
        {"code": "0" if status == 200 else str(status), "message": message, **data},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


@csrf_exempt
@require_POST
def sms_callback(request):
    if int(request.headers.get("Content-Length") or 0) > MAX_CALLBACK_BYTES:
        return _answer(413, "too large")
    try:
        body = request.body
    except RawPostDataException:  # a middleware read a form's body: a callback is JSON, signed over its bytes
        return _answer(403, "a callback is a signed JSON body")
    problem = verify_callback(request.headers, body)
    if problem:
        log.warning("SMS callback refused: %s", problem)
        return _answer(403, problem)
    try:
        data = json.loads(body)
    except ValueError:
        return _answer(400, "the body is not JSON")
    if not isinstance(data, dict):
        return _answer(400, "send a JSON object")
    try:
        if data.get("type") == "report":
            created = sms_delivery_reports_record(reports=data.get("reports"))
            return _answer(200, "ok", filed=len(created))
        if data.get("type") == "uplink":
            opt_out = sms_reply_record(phone=str(data.get("from") or ""), text=str(data.get("text") or ""))
            return _answer(200, "ok", opted_out=opt_out is not None)
    except DomainError as exc:
        return _answer(400, str(exc))
    return _answer(400, 'type must be "report" or "uplink"')
