from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles_after_migrate(sender, **kwargs):
    # Permissions of every app are created by Django's own post_migrate handler, app by app. Once the last
    # installed app has had its turn, re-sync the groups so each role holds the permissions of later features
    # without a hand-written migration per feature.
    from django.apps import apps

    # Django sends post_migrate only for apps that have a models module.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender.label != with_models[-1].label:
        return
    from .roles import sync_roles

    sync_roles()


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from hallservice.core.scoping import register_centre_filter

        from .scoping import visible_centre_filter

        post_migrate.connect(_sync_roles_after_migrate, dispatch_uid="staff_sync_roles")
        # The kernel's scoped querysets ask the organisation which centres a user may see.
        register_centre_filter(visible_centre_filter)
