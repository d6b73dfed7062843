from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class HallServiceConfig(AppConfig):
    name = "hallservice"
    verbose_name = _("Hall")

    def ready(self) -> None:
        # Register system checks: PUBLIC_BASE_URL, and (DEBUG off) the personal-data keys and the SMS backend.
        from .core import bidi, crypto, notifications, public_url, sqlite_statistics  # noqa: F401

        bidi.connect()  # bidi controls never reach a stored free text (hallservice/core/bidi.py)
        # SQLite plans with statistics only once ANALYZE has run: after every migrate (a no-op on PostgreSQL).
        post_migrate.connect(sqlite_statistics.after_migrate, dispatch_uid="sqlite_planner_statistics")
