from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HallServiceConfig(AppConfig):
    name = "hallservice"
    verbose_name = _("Hall")
