from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HallServiceConfig(AppConfig):
    name = "hallservice"
    verbose_name = _("Hall")

    def ready(self) -> None:
        # Register system checks: PUBLIC_BASE_URL, and (DEBUG off) the personal-data keys and the SMS backend.
        from .core import bidi, crypto, notifications, public_url  # noqa: F401

        bidi.connect()  # bidi controls never reach a stored free text (hallservice/core/bidi.py)
