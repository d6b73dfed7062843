from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_statistics_triggers(sender, using="default", **kwargs) -> None:
    # After every migrate, not in a migration: SQLite drops a table's triggers when a later migration
    # rebuilds that table, so they are checked and put back each time (see hallservice/supervision/figures.py).
    from .supervision.figures import install_triggers

    install_triggers(using)


class HallServiceConfig(AppConfig):
    name = "hallservice"
    verbose_name = _("Hall")

    def ready(self) -> None:
        post_migrate.connect(_install_statistics_triggers, sender=self, dispatch_uid="hall_statistics_triggers")
