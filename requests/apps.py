from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsConfig(AppConfig):
    name = "requests"
    label = "requests"
    verbose_name = _("Help and agency")

    def ready(self) -> None:
        # The calendar kernel (hallservice) may not import this app: it calls back when an override changes.
        from hallservice.core.calendar_changes import register_calendar_change_hook

        from .services.calendar import deadlines_follow_calendar_change

        register_calendar_change_hook(deadlines_follow_calendar_change)

        # The citizens' error pages (hallservice.core.errorpages) name the hall without importing this app.
        from hallservice.core.errorpages import register_hall_lookup

        from .public.selectors import hall_centre

        register_hall_lookup(hall_centre)

        # The 好差评 push's settings are checked at start-up (requests.E030, E031).
        from . import evaluation_platform  # noqa: F401
