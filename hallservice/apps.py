from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_statistics_triggers(sender, using="default", **kwargs) -> None:
    # After every migrate, not in a migration: SQLite drops a table's triggers when a later migration
    # rebuilds that table, so they are checked and put back each time (see hallservice/supervision/figures.py).
    # When any trigger had to be created every day is stale: rebuild now, so the first supervisor to open the
    # dashboard after an upgrade does not wait for it.
    from .supervision.figures import install_triggers, refresh_figures

    if install_triggers(using):
        refresh_figures(using=using)


class HallServiceConfig(AppConfig):
    name = "hallservice"
    verbose_name = _("Hall")

    def ready(self) -> None:
        post_migrate.connect(_install_statistics_triggers, sender=self, dispatch_uid="hall_statistics_triggers")
