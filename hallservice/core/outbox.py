"""Background jobs with a row (monthly reports, ledger PDF exports, question imports): the row is the outbox.

At-least-once delivery, as Celery's guidance says:

- The caller commits the row as `queued`; the task is sent only after the commit (`send_on_commit`). If the broker
  is unreachable the send fails quietly: the row stays `queued` with `enqueued_at` empty, the page says the job
  will start when the queue is back, and the sweep sends it again. The page never answers 500 for it.
- The tasks run with `acks_late` and `reject_on_worker_lost`: a message whose worker dies is delivered again.
- The task body first *claims* the row (`claim`): one UPDATE that moves it from `queued` to `running` — or takes over
  a `running` row whose lease expired (no heartbeat for `lease`) — and counts the attempt. A row already done,
  failed or running under a live lease is left alone, so a duplicate message does nothing.
- The beat sweep (`sweep`, every minute) sends again rows never sent or sent longer than `queue_stale` ago
  (message lost, e.g. Redis restarted), and puts back to `queued` rows running without a heartbeat for `lease`
  (worker killed). A row whose worker was lost `MAX_ATTEMPTS` times is marked `failed` with the reason.
- An exception in the body marks the row `failed` at once with the reason (a bug or bad data does not heal by
  running again); the page shows it with a retry button (`reset`).

Each kind of job is declared once, as a `JobKind` (its model, its task, its lease and its sweep's message), and the
services call the steps above through it.

Rule chosen (not in SPEC): only starts by a worker count as attempts. Sends while the broker is down do not, so a
long Redis outage delays the jobs but never fails them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from kombu.exceptions import OperationalError as KombuOperationalError

from hallservice.core.errors import DomainError

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
# What a broker outage raises from apply_async: kombu's OperationalError (redis-py's ConnectionError wrapped),
# or a bare socket error. Sends pass ignore_result=True: the page polls the row, and with a result backend on the
# same dead Redis apply_async would otherwise retry subscribing for 20 s and raise RuntimeError.
BROKER_ERRORS = (KombuOperationalError, OSError)


def send(model: type[models.Model], pk: int, task) -> bool:
    """Hand a queued row to the broker; False (logged, row left queued and unsent) when the broker is down."""
    model.objects.filter(pk=pk, status=QUEUED).update(enqueued_at=timezone.now())
    try:
        task.apply_async(args=[pk], ignore_result=True)
    except BROKER_ERRORS as exc:
        logger.warning("Could not queue %s %s (%s); the sweep sends it again.", model.__name__, pk, exc)
        model.objects.filter(pk=pk, status=QUEUED).update(enqueued_at=None)
        return False
    except Exception:  # anything else from the broker client: the row is safe, the sweep tries again
        logger.exception("Could not queue %s %s; the sweep sends it again.", model.__name__, pk)
        model.objects.filter(pk=pk, status=QUEUED).update(enqueued_at=None)
        return False
    return True


def send_quietly(task, *args) -> bool:
    """For a task whose own timer catches up on what it missed (e.g. training consequences, the 5-minute tick):
    a broker outage is logged, not raised into the page that committed the work."""
    try:
        task.apply_async(args=list(args), ignore_result=True)
    except BROKER_ERRORS as exc:
        logger.warning("Could not queue %s%s (%s); its timer catches up.", task.name, args, exc)
        return False
    return True


def send_on_commit(model: type[models.Model], pk: int, task) -> None:
    transaction.on_commit(lambda: send(model, pk, task))


def claim(model: type[models.Model], pk: int, *, lease: timedelta) -> bool:
    """Take the row for this run: queued, or running with an expired lease and attempts left. One UPDATE, so two
    deliveries of the same message cannot both win."""
    now = timezone.now()
    expired = models.Q(status=RUNNING, attempts__lt=MAX_ATTEMPTS) & (
        models.Q(heartbeat_at__isnull=True) | models.Q(heartbeat_at__lt=now - lease)
    )
    won = (
        model.objects.filter(pk=pk)
        .filter(models.Q(status=QUEUED) | expired)
        .update(status=RUNNING, attempts=models.F("attempts") + 1, heartbeat_at=now, progress=5)
    )
    return won == 1


def progress(row: models.Model, percent: int, **fields) -> None:
    """A running job's progress for the page that polls it, and its heartbeat (the sweep's sign that the worker is
    alive); ``fields``: other columns the step set (a file's name, the status and error at the end)."""
    fields["heartbeat_at"] = timezone.now()
    for name, value in fields.items():
        setattr(row, name, value)
    row.progress = percent
    row.save(update_fields=["progress", *fields])


def reset(row: models.Model, task) -> None:
    """Back to queued with fresh attempts (the retry button, or the same job asked for again), sent on commit."""
    type(row).objects.filter(pk=row.pk).update(
        status=QUEUED, progress=0, attempts=0, error="", enqueued_at=None, heartbeat_at=None
    )
    row.refresh_from_db()
    send_on_commit(type(row), row.pk, task)


def retry(row: models.Model, task, *, actor, refusal: str) -> None:
    """The retry button: a failed job (its row locked by the caller) queued again; any other is refused."""
    if row.status != FAILED:
        raise DomainError(refusal)
    logger.info("%s %s retried by %s after: %s", type(row).__name__, row.pk, actor.pk, row.error)
    reset(row, task)


def is_stuck(row: models.Model, *, lease: timedelta, queue_stale: timedelta) -> bool:
    """Queued but never sent or sent long ago, or running with no heartbeat for the lease."""
    now = timezone.now()
    if row.status == QUEUED:
        return row.enqueued_at is None or row.enqueued_at < now - queue_stale
    if row.status == RUNNING:
        return row.heartbeat_at is None or row.heartbeat_at < now - lease
    return False


def sweep(model: type[models.Model], task, *, lease: timedelta, queue_stale: timedelta, lost_reason: str) -> dict:
    """The beat's pass over one kind of job: fail, put back and send again what is stuck (see the module doc)."""
    now = timezone.now()
    dead = models.Q(status=RUNNING) & (models.Q(heartbeat_at__isnull=True) | models.Q(heartbeat_at__lt=now - lease))
    failed = model.objects.filter(dead, attempts__gte=MAX_ATTEMPTS).update(
        status=FAILED, error=(lost_reason % {"attempts": MAX_ATTEMPTS})[:300]
    )
    requeued = model.objects.filter(dead, attempts__lt=MAX_ATTEMPTS).update(status=QUEUED, enqueued_at=None)
    unsent = models.Q(enqueued_at__isnull=True) | models.Q(enqueued_at__lt=now - queue_stale)
    sent = 0
    for pk in model.objects.filter(unsent, status=QUEUED).values_list("pk", flat=True):
        sent += send(model, pk, task)
    return {"failed": failed, "requeued": requeued, "sent": sent}


def finish(row: models.Model, **fields) -> None:
    """A job's last step: done at 100 % and finished now; ``fields``: the columns it set (the file, the counts)."""
    progress(row, 100, status=DONE, finished_at=timezone.now(), **fields)


def fail(row: models.Model, exc: BaseException) -> None:
    """An exception in a job's body: the row is failed at once with the reason, at the progress it reached."""
    progress(row, row.progress, status=FAILED, error=reason(exc))


def reason(exc: BaseException) -> str:
    """What the page shows for a failed run: the kind of error and its message, cut to the field's 300 characters."""
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return text[:300]


@dataclass(frozen=True)
class JobKind:
    """One kind of job, declared once: its row's model, its task, and the times and message of its sweep.

    ``task`` is the Celery task's dotted path, imported when first needed (the tasks module imports the services
    that declare the kind). ``lease``: a run with no heartbeat for this long has lost its worker; ``queue_stale``: a
    message queued this long ago and not started was lost; ``lost_reason``: the error of a job whose worker was lost
    ``MAX_ATTEMPTS`` times, with ``%(attempts)s``.
    """

    model: type[models.Model]
    task: str
    lost_reason: str
    lease: timedelta = timedelta(minutes=10)
    queue_stale: timedelta = timedelta(minutes=10)

    def send_on_commit(self, pk: int) -> None:
        send_on_commit(self.model, pk, import_string(self.task))

    def claim(self, pk: int) -> bool:
        return claim(self.model, pk, lease=self.lease)

    def reset(self, row: models.Model) -> None:
        reset(row, import_string(self.task))

    def retry(self, row: models.Model, *, actor, refusal: str) -> None:
        retry(row, import_string(self.task), actor=actor, refusal=refusal)

    def is_stuck(self, row: models.Model) -> bool:
        return is_stuck(row, lease=self.lease, queue_stale=self.queue_stale)

    def sweep(self) -> dict:
        task = import_string(self.task)
        return sweep(self.model, task, lease=self.lease, queue_stale=self.queue_stale, lost_reason=self.lost_reason)
