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

        # An overdue consultation (首问负责) is escalated to the duty leader on duty, whom only the roster knows.
        from requests.services.consultations import register_duty_leader_lookup

        from .selectors import duty_leader_on_duty

        register_duty_leader_lookup(duty_leader_on_duty)
