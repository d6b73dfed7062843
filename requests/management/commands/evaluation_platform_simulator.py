"""``manage.py evaluation_platform_simulator``: the simulated national 好差评 platform on loopback, for development.

Point the hall at it with ``EVALUATION_PLATFORM_URL=http://127.0.0.1:8765/evaluations`` and the same
``EVALUATION_PLATFORM_KEY`` (and app id). Tell it how to answer the next messages with, for example::

    curl -X POST http://127.0.0.1:8765/_control/script -d '{"responses": ["error:503", "reject:事项编码不存在"]}'
    curl http://127.0.0.1:8765/_control/stats

(see ``requests/evaluation_platform_simulator.py`` for the answers it knows).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError, CommandParser

from hallservice.core.loopback import SimulatorCommand
from requests.evaluation_platform_simulator import PlatformSimulator


class Command(SimulatorCommand):
    help = (
        "Run a simulated national evaluation platform on loopback: checks signatures, de-duplicates by message "
        "id, and accepts, refuses, fails or hangs on command (POST /_control/script)."
    )
    port, title = 8765, "Simulated evaluation platform"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--key", default=None, help="Signing key (default: EVALUATION_PLATFORM_KEY)")
        parser.add_argument("--app-id", default=None, help="Expected app id (default: EVALUATION_PLATFORM_APP_ID)")

    def simulator(self, *, host, port, verbose, key: str | None, app_id: str | None, **options) -> PlatformSimulator:
        key = settings.EVALUATION_PLATFORM_KEY if key is None else key
        if not key:
            raise CommandError("Give the signing key with --key or EVALUATION_PLATFORM_KEY.")
        app_id = settings.EVALUATION_PLATFORM_APP_ID if app_id is None else app_id
        return PlatformSimulator(key=key, app_id=app_id, host=host, port=port, verbose=verbose)
