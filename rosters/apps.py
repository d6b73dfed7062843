from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RostersConfig(AppConfig):
    name = "rosters"
    verbose_name = _("Rosters")

    def ready(self) -> None:
        # The status page of requests shows today's desk from the roster (see rosters.desks).
        from requests.services.public import register_todays_desk

        from .desks import desk_version, todays_desk

        register_todays_desk(todays_desk, version=desk_version)
