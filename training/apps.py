from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        # Requests and complaints sit below training and may not import it: the cause of an upheld complaint or
        # a poor rating reaches training through the hook registry of requests.causes (see its docstring).
        from requests.causes import register_cause_hook

        from .services.proposals import training_proposal_propose

        register_cause_hook(training_proposal_propose)
