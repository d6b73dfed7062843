"""``manage.py sms_gateway_simulator``: the simulated HTTP SMS gateway on loopback, for development.

Point the hall at it with ``SMS_BACKEND=hallservice.core.sms_gateway.HttpSmsGatewayBackend``,
``SMS_GATEWAY_URL=http://127.0.0.1:8766/sms/send`` and the same ``SMS_GATEWAY_ACCOUNT`` and ``SMS_GATEWAY_SECRET``;
give it the hall's callback (``--callback http://127.0.0.1:8000/sms/callback/``) to receive delivery reports.
Tell it how to answer the next messages, or send a citizen's reply, with for example::

    curl -X POST http://127.0.0.1:8766/_control/script -d '{"responses": ["error:503", "reject:号码格式错误"]}'
    curl -X POST http://127.0.0.1:8766/_control/uplink -d '{"from": "13800000000", "text": "TD"}'
    curl http://127.0.0.1:8766/_control/stats

(see ``hallservice/core/sms_gateway_simulator.py`` for the answers it knows).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError, CommandParser

from hallservice.core.loopback import SimulatorCommand
from hallservice.core.sms_gateway_simulator import SmsGatewaySimulator


class Command(SimulatorCommand):
    help = (
        "Run a simulated HTTP SMS gateway on loopback: checks signatures, accepts, refuses, fails or hangs on "
        "command (POST /_control/script) and posts signed delivery reports and replies to the hall's callback."
    )
    port, title = 8766, "Simulated SMS gateway"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--secret", default=None, help="Shared secret (default: SMS_GATEWAY_SECRET)")
        parser.add_argument("--account", default=None, help="Expected account (default: SMS_GATEWAY_ACCOUNT)")
        parser.add_argument("--callback", default="", help="The hall's /sms/callback/ address for reports")

    def simulator(self, *, host, port, verbose, secret, account, callback: str, **options) -> SmsGatewaySimulator:
        secret = settings.SMS_GATEWAY_SECRET if secret is None else secret
        if not secret:
            raise CommandError("Give the shared secret with --secret or SMS_GATEWAY_SECRET.")
        account = settings.SMS_GATEWAY_ACCOUNT if account is None else account
        return SmsGatewaySimulator(
            key=secret, account=account, callback_url=callback, host=host, port=port, verbose=verbose
        )
