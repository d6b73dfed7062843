"""Writes of the supervision section: monthly reports (asked for, and built by the Celery task) and integrity records."""

from __future__ import annotations

import logging
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hallservice.core import outbox
from hallservice.core.actors import user_of
from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from hallservice.core.months import month_end, month_start
from hallservice.core.text_limits import check_lengths
from requests.models import ServiceRequest
from staff.models import ServiceCentre, StaffMember

from .choices import IntegrityKind, ReportStatus
from .models import IntegrityRecord, MonthlyReport
from .scope import Scope

logger = logging.getLogger(__name__)

ACTIVE = (ReportStatus.QUEUED, ReportStatus.RUNNING)
# Reports built by a Celery task, swept by the beat (hallservice/core/outbox.py).
REPORTS = outbox.JobKind(
    MonthlyReport,
    "supervision.tasks.monthly_report_build",
    lost_reason=gettext_lazy(
        "The worker stopped %(attempts)s times while building this report (killed or out of memory)."
    ),
)


@transaction.atomic
def monthly_report_request(*, actor, centre_id: int, month: date) -> MonthlyReport:
    """Queue the month's report of a centre (and its lower centres).

    An identical report in progress is reused; if it is stuck (never sent, or its worker lost) or the last one
    failed, that row is queued again with fresh attempts rather than left as it is (hallservice/core/outbox.py).
    """
    if not actor.has_perm("supervision.view_statistics"):
        raise PermissionDenied(_("Only the supervision section can prepare monthly reports."))
    centre = ServiceCentre.objects.restrict(actor).filter(pk=centre_id).first()
    if centre is None:
        raise DomainError(_("You cannot see this centre."), field="centre")
    month = month_start(month)
    if month > month_start(timezone.localdate()):
        raise DomainError(_("A month that has not started has nothing to report."), field="month")
    latest = (
        MonthlyReport.objects.select_for_update()
        .filter(centre=centre, month=month)
        .order_by("-created_at", "-pk")
        .first()
    )
    if latest is not None and latest.status in ACTIVE:
        if REPORTS.is_stuck(latest):
            REPORTS.reset(latest)
        return latest
    if latest is not None and latest.status == ReportStatus.FAILED:
        MonthlyReport.objects.filter(pk=latest.pk).update(requested_by=user_of(actor))
        REPORTS.reset(latest)
        return latest
    report = MonthlyReport.objects.create(centre=centre, month=month, requested_by=user_of(actor))
    REPORTS.send_on_commit(report.pk)
    return report


@transaction.atomic
def monthly_report_retry(*, actor, report_id: int) -> MonthlyReport:
    """The retry button: a failed report of a centre the user sees is queued again with fresh attempts."""
    if not actor.has_perm("supervision.view_statistics"):
        raise PermissionDenied(_("Only the supervision section can prepare monthly reports."))
    report = (
        MonthlyReport.objects.select_for_update()
        .filter(pk=report_id, centre__in=ServiceCentre.objects.restrict(actor))
        .first()
    )
    if report is None:
        raise DomainError(_("You cannot see this report."))
    REPORTS.retry(report, actor=actor, refusal=_("Only a failed report can be tried again."))
    return report


def monthly_reports_sweep() -> dict:
    """The beat's pass: send again what the broker lost, put back reports whose worker died, fail after 3 tries."""
    return REPORTS.sweep()


@transaction.atomic
def monthly_reports_prepare(*, month: date) -> list[MonthlyReport]:
    """The timer's job on the 1st: last month's report for each district and town centre, once."""
    month = month_start(month)
    made = []
    for centre in ServiceCentre.objects.filter(level__in=("district", "town")).order_by("pk"):
        if MonthlyReport.objects.filter(centre=centre, month=month, requested_by__isnull=True).exists():
            continue
        report = MonthlyReport.objects.create(centre=centre, month=month)
        REPORTS.send_on_commit(report.pk)
        made.append(report)
    return made


def monthly_report_build(*, report_id: int) -> MonthlyReport:
    """Compute the figures and write the xlsx and PDF; idempotent: the run first claims the row (outbox.claim), so
    a report done, failed or being built by a live worker is left as it is; one whose worker was lost is taken over.

    Not one transaction: progress must be visible to the page polling it while the build runs.
    """
    from .reports import report_pdf, report_xlsx
    from .statistics import compute_statistics

    if not REPORTS.claim(report_id):
        return MonthlyReport.objects.get(pk=report_id)
    report = MonthlyReport.objects.select_related("centre").get(pk=report_id)
    try:
        first, last = month_start(report.month), month_end(report.month)
        ids = tuple(ServiceCentre.objects.subtree_of(report.centre).values_list("pk", flat=True))
        scope = Scope(centre_ids=ids, date_from=first, date_to=last, centre=report.centre)
        stats = compute_statistics(scope, today=min(timezone.localdate(), last))
        outbox.progress(report, 40)
        stem = f"report-{report.centre.code}-{report.month:%Y%m}-{report.pk}"
        report.xlsx.save(f"{stem}.xlsx", ContentFile(report_xlsx(stats)), save=False)
        outbox.progress(report, 60, xlsx=report.xlsx.name)
        report.pdf.save(f"{stem}.pdf", ContentFile(report_pdf(stats)), save=False)
        outbox.finish(report, pdf=report.pdf.name)
    except Exception as exc:  # the page must show the failure rather than poll for ever; the task logs it
        outbox.fail(report, exc)
        raise
    return report


# --- Integrity records (seed 000 五.3, seed 004 廉洁服务, seed 001 八) --------------------------------------------
# A record is its own audit trail: who recorded it and when, and who revoked it, when and why; nothing is deleted.

REVOKE_REASON_MAX = IntegrityRecord._meta.get_field("revoke_reason").max_length


def _ensure_integrity_keeper(actor) -> None:
    if not actor.has_perm("supervision.record_integrity"):
        raise PermissionDenied(_("Only the supervision section may keep integrity records."))


@transaction.atomic
def integrity_record_create(
    *,
    actor,
    staff_id: int,
    kind: str,
    occurred_on: date,
    description: str,
    request_id: int | None = None,
    action_taken: str = "",
) -> IntegrityRecord:
    """Record a breach of the integrity rules by a staff member of the actor's centres, optionally about a request."""
    _ensure_integrity_keeper(actor)
    member = StaffMember.objects.restrict(actor).select_related("centre").filter(pk=staff_id).first()
    if member is None:
        raise DomainError(_("Choose a staff member of your centres."), field="staff")
    if kind not in IntegrityKind.values:
        raise DomainError(_("Choose what kind of breach this was."), field="kind")
    if occurred_on > timezone.localdate():
        raise DomainError(_("The date of the breach cannot be in the future."), field="occurred_on")
    description = (description or "").strip()
    if not description:
        raise DomainError(_("Say what happened."), field="description")
    check_lengths(IntegrityRecord, description=description, action_taken=(action_taken or "").strip())
    req = None
    if request_id is not None:
        req = ServiceRequest.objects.restrict(actor).filter(pk=request_id).select_related("centre").first()
        if req is None:
            raise DomainError(_("No request with this number in your centres."), field="request")
        # The request must be work of the member's centre (or a centre below it), where it was handled or registered.
        own = set(ServiceCentre.objects.subtree_of(member.centre).values_list("pk", flat=True))
        if req.centre_id not in own and req.origin_centre_id not in own:
            raise DomainError(
                _("Request %(number)s belongs to %(centre)s, not to %(name)s's centre.")
                % {"number": req.number, "centre": req.centre.name, "name": member.name},
                field="request",
            )
    return IntegrityRecord.objects.create(
        staff=member,
        request=req,
        kind=kind,
        occurred_on=occurred_on,
        description=description,
        action_taken=(action_taken or "").strip(),
        recorded_by=user_of(actor),
    )


@transaction.atomic
def integrity_record_revoke(*, actor, record_id: int, reason: str) -> IntegrityRecord:
    """Revoke a record found wrong on review; it stays on file, marked revoked, and no longer counts."""
    _ensure_integrity_keeper(actor)
    IntegrityRecord.objects.ensure_visible(actor, record_id, refusal=_("No such integrity record in your centres."))
    # Re-read under a row lock: two supervisors must not revoke one record at once.
    record = IntegrityRecord.objects.select_for_update().get(pk=record_id)
    if record.revoked_at is not None:
        raise TransitionNotAllowed(
            _("This record was already revoked on %(date)s.")
            % {"date": f"{timezone.localtime(record.revoked_at):%Y-%m-%d}"}
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for revoking the record."), field="reason")
    if len(reason) > REVOKE_REASON_MAX:
        raise DomainError(
            _("Keep the reason to %(n)d characters or fewer.") % {"n": REVOKE_REASON_MAX}, field="reason"
        )
    record.revoked_at = timezone.now()
    record.revoked_by = user_of(actor)
    record.revoke_reason = reason
    record.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    return record
