"""The states and the status column of a background job's row: the outbox of ``hallservice/core/outbox.py``.

The outbox moves every job row (a ledger export, a question import, a monthly report) queued → running → done or
failed by the values below, and sends only a queued row. So the states are made here rather than written out in
each app, and a job names only what its page says while it runs ("Rendering", "Importing", …).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hallservice.core import fields
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


class RequestedJob(models.Model):
    """Abstract: a job a staff member started for one centre (a ledger export, a question import), run by a worker.

    The columns common to such jobs; each job adds its ``status`` (``status_field``), the outbox's bookkeeping
    (``attempts``, ``enqueued_at``, ``heartbeat_at``) and its own input and output. Listed newest first.
    """

    centre = fields.centre()
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    error = models.CharField(max_length=300, blank=True)
    requested_by = fields.user()
    created_at = fields.created_at()
    finished_at = fields.moment()

    class Meta:
        abstract = True
        ordering = ["-created_at"]
