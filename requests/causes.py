"""Why a service fell short: the cause recorded on an upheld complaint or a poor rating (issue 19 item 7).

When a supervisor upholds a complaint (``complaints.services.complaint_respond``) or records a poor rating's
return visit or rectification (``requests.services.closing``), they may name the cause. A cause names what the
helpers should learn, so it proposes a training topic and draft questions to the supervision section
(``training.proposals``).

The training app sits above requests and complaints (docs/architecture.md): neither may import it. So the
tagging services call ``cause_tagged(...)`` and the training app registers its hook from ``AppConfig.ready()``,
as the calendar's hooks are registered (``hallservice.core.calendar_changes``). The hook runs inside the tagging
service's transaction, so the proposal is written with the tag or not at all; a Django signal would have done the
same, but a registry of plain functions says in one place who listens and is called the same way in tests. A
complaint's cause and a rating's cause are one set of choices, kept here in the lower of the two apps.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.utils.translation import gettext_lazy as _


class FailureCause(models.TextChoices):
    """What went wrong, as the supervision section classifies it for training."""

    POLICY = "policy", _("Did not know the policy well")
    PROCESS = "process", _("Unclear about the process")
    ATTITUDE = "attitude", _("Attitude problem")
    INCOMPLETE_NOTICE = "incomplete_notice", _("Did not tell the applicant everything")
    OVERTIME = "overtime", _("Took too long")
    OTHER = "other", _("Other")


# (source, row, actor): source is "complaint" or "evaluation", row the Complaint or Evaluation just tagged.
CauseHook = Callable[..., object]

_hooks: list[CauseHook] = []


def register_cause_hook(hook: CauseHook) -> None:
    """Register once (ready() may run twice in tests, so a hook already registered is not added again)."""
    if hook not in _hooks:
        _hooks.append(hook)


def cause_tagged(*, source: str, row, actor) -> None:
    """Tell every hook that ``row`` was just tagged with a cause, inside the caller's transaction."""
    for hook in list(_hooks):
        hook(source=source, row=row, actor=actor)
