from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_supervision_triggers(sender, using="default", **kwargs) -> None:
    # After every migrate, not in a migration: SQLite drops a table's triggers when a later migration
    # rebuilds that table, so they are checked and put back each time (see supervision/figures.py).
    # When any trigger had to be created every day is stale: rebuild now, so the first supervisor to open the
    # dashboard after an upgrade does not wait for it.
    # The ledger audit's gaps are recomputed by install_triggers itself when it had to create any.
    from . import figures, ledger_gaps

    if figures.install_triggers(using):
        figures.refresh_figures(using=using)
    ledger_gaps.install_triggers(using)


class SupervisionConfig(AppConfig):
    name = "supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        post_migrate.connect(_install_supervision_triggers, sender=self, dispatch_uid="hall_statistics_triggers")
        # Training may not import supervision: the skills matrix's open gaps reach its proposals page this way.
        from training.gap_sources import register_gap_source

        from .skill_gaps import gap_rows

        register_gap_source(gap_rows)
