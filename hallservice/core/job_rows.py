"""The states and the status column of a background job's row: the outbox of ``hallservice/core/outbox.py``.

The outbox moves every job row (a ledger export, a question import, a monthly report) queued → running → done or
failed by the values below, and sends only a queued row. So the states are made here rather than written out in
each app, and a job names only what its page says while it runs ("Rendering", "Importing", …).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hallservice.core.outbox import DONE, FAILED, QUEUED, RUNNING

# Long enough for the longest state.
STATUS_LENGTH = 10


def job_statuses(name: str, *, module: str, running: str) -> type[models.TextChoices]:
    """The ``TextChoices`` of one kind of job, called ``name`` in ``module``; ``running`` labels its running state."""
    return models.TextChoices(
        name,
        [
            ("QUEUED", (QUEUED, _("Queued"))),
            ("RUNNING", (RUNNING, running)),
            ("DONE", (DONE, _("Done"))),
            ("FAILED", (FAILED, _("Failed"))),
        ],
        module=module,
    )


def status_field(statuses: type[models.TextChoices]) -> models.CharField:
    """The ``status`` column of a job's row, one of ``statuses``: queued when written, so the outbox sends it."""
    return models.CharField(_("status"), max_length=STATUS_LENGTH, choices=statuses.choices, default=statuses.QUEUED)
