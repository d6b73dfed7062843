"""Large question-bank imports, run by a Celery task with progress (issue 15, item 10).

A spreadsheet of more than ``BACKGROUND_ROWS`` rows (as its sheet dimension states, or of unknown size) is not
parsed in the request: the upload is kept in MEDIA storage with a ``QuestionImport`` row, the row is the outbox
(hallservice/core/outbox.py: sent after commit, claimed by the task, swept by the beat, 3 tries then "failed"), and the
import page polls the row. The task parses the file (bounded by hallservice.core.xlsx_limits and importing.MAX_ROWS)
and runs the same all-or-nothing ``question_import`` as a small file, as the user who uploaded it.

Rule chosen (not in SPEC): rows at fault end the import as "failed" with the rows listed and nothing imported, as
for a small file; the retry button is offered only when no row is at fault (fixing the file means a new upload).
The uploaded file is deleted once the import is done; a failed import keeps it for the retry.
"""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hallservice.core import outbox
from hallservice.core.actors import user_of
from hallservice.core.errors import DomainError, PermissionDenied
from staff.access import managed_centre

from ..models import ImportStatus, QuestionImport
from .bank import ImportRefused, _ensure_bank, question_import

log = logging.getLogger(__name__)

BACKGROUND_ROWS = 200
# Imports run by a Celery task, swept by the beat (hallservice/core/outbox.py).
QUESTION_IMPORTS = outbox.JobKind(
    QuestionImport,
    "training.tasks.question_import_run",
    lost_reason=gettext_lazy("The worker stopped %(attempts)s times during this import (killed or out of memory)."),
)


@transaction.atomic
def question_import_enqueue(*, actor, centre_id: int, content: bytes, filename: str) -> QuestionImport:
    """Keep the upload and queue its import; the task starts after the commit (or when the queue is back)."""
    _ensure_bank(actor)
    centre = managed_centre(actor, centre_id)
    job = QuestionImport(centre=centre, requested_by=user_of(actor), filename=filename[:200])
    job.file.save(f"questions-{centre.code}-{timezone.now():%Y%m%d%H%M%S}.xlsx", ContentFile(content), save=False)
    job.save()
    QUESTION_IMPORTS.send_on_commit(job.pk)
    return job


@transaction.atomic
def question_import_retry(*, actor, import_id: int) -> QuestionImport:
    """The retry button: the user's own import that failed with no row at fault is queued again."""
    job = QuestionImport.objects.select_for_update().filter(pk=import_id, requested_by=actor).first()
    if job is None:
        raise DomainError(_("You cannot see this import."))
    if job.status != ImportStatus.FAILED or job.row_errors or not job.file:
        raise DomainError(_("Only an import that failed without rows at fault can be tried again."))
    QUESTION_IMPORTS.reset(job)
    return job


def question_imports_sweep() -> dict:
    return QUESTION_IMPORTS.sweep()


def question_import_run(*, import_id: int) -> QuestionImport:
    """Run a queued import. Idempotent: the run first claims the row, so an import done, failed or running under a
    live worker is left alone (a second delivery of the message adds nothing)."""
    from ..importing import read_questions

    if not QUESTION_IMPORTS.claim(import_id):
        return QuestionImport.objects.get(pk=import_id)
    job = QuestionImport.objects.select_related("requested_by").get(pk=import_id)
    try:
        with job.file.open("rb") as handle:
            content = handle.read()
        rows, errors = read_questions(content)
        outbox.progress(job, 40, rows=len(rows) + len(errors))
        if not errors:
            try:
                result = question_import(actor=job.requested_by, centre_id=job.centre_id, rows=rows)
            except ImportRefused as exc:
                errors = exc.errors
        if errors:
            outbox.progress(
                job,
                100,
                status=ImportStatus.FAILED,
                row_errors=[[row, message] for row, message in errors],
                error=(_("Nothing was imported: %(n)d rows need fixing.") % {"n": len(errors)})[:300],
                finished_at=timezone.now(),
            )
            return job
        job.file.delete(save=False)
        outbox.finish(job, created_count=result.created, skipped_count=result.skipped, file=job.file)
    except (DomainError, PermissionDenied) as exc:  # refused as a whole (no questions, centre no longer theirs)
        outbox.progress(
            job,
            100,
            status=ImportStatus.FAILED,
            row_errors=[[0, str(exc)]],
            error=str(exc)[:300],
            finished_at=timezone.now(),
        )
    except Exception as exc:  # the page must show a failure rather than spin forever; the task logs it
        outbox.fail(job, exc)
        raise
    return job
