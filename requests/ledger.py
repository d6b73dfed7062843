"""The ledger (台账) of requests: deadline figures for list pages, ledger rows and the xlsx export (F-REQ-13).

The rows follow the registration table of seed 004 appendix A.1 (序号, 事项名称, 受理理由, 办理方式, 办理时间,
办理结果, 申请人, 评价, 备注) with the request number and the dedicated helper added. The HTML ledger and the
spreadsheet are built from the same rows, so what a clerk sees on screen is what the export says. Personal
data appears only in masked form: a ledger leaves the building.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from hallservice.core.spreadsheets import titled_sheet, workbook_bytes
from hallservice.core.workdays import WorkingCalendar

from .models import Channel, Kind, PriorityGroup, ServiceRequest, Status
from .progress_clock import silences

# Encrypted columns: never loaded for lists (no decryption, and nothing to leak by accident).
PERSONAL_FIELDS = ("applicant_id_number", "applicant_phone", "applicant_address", "pickup_address", "pickup_phone")
# Working days left at or below which a running deadline is highlighted.
WARNING_DAYS = 2
RUNNING = (Status.ACCEPTED, Status.IN_PROGRESS)


def list_queryset(queryset: QuerySet[ServiceRequest]) -> QuerySet[ServiceRequest]:
    """A request list without the encrypted personal data."""
    return queryset.defer(*PERSONAL_FIELDS)


@dataclass(frozen=True)
class DeadlineInfo:
    """The promised deadline of one request as a list shows it."""

    deadline: date | None
    days_left: int | None  # working days from today; negative once past the deadline
    paused: bool = False

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0 and not self.paused

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.overdue else 0

    @property
    def warning(self) -> bool:
        return self.days_left is not None and 0 <= self.days_left <= WARNING_DAYS and not self.paused

    @property
    def level(self) -> str:
        """CSS class of the highlight: overdue (red), soon (amber) or nothing."""
        return "overdue" if self.overdue else "soon" if self.warning else ""


def deadline_info(req: ServiceRequest, *, calendar: WorkingCalendar, today: date) -> DeadlineInfo:
    """Working days left count only while the clock runs (accepted, in progress) or is paused (suspended)."""
    if req.deadline is None:
        return DeadlineInfo(None, None)
    if req.status in RUNNING:
        return DeadlineInfo(req.deadline, calendar.working_days_between(today, req.deadline))
    if req.status == Status.SUSPENDED:
        return DeadlineInfo(req.deadline, calendar.working_days_between(today, req.deadline), paused=True)
    return DeadlineInfo(req.deadline, None)


# Labels by value, looked up once a row: get_status_display() builds a dict of every choice on each call, hashing
# (and so translating) each lazy label, which made the two labels a quarter of the queue's rows' drawing.
KIND_LABELS = dict(Kind.choices)
STATUS_LABELS = dict(Status.choices)
PRIORITY_LABELS = dict(PriorityGroup.choices)


@dataclass(frozen=True)
class QueueRow:
    req: ServiceRequest
    deadline: DeadlineInfo
    # Working days without a progress report, once the request is silent (requests/progress_clock.py).
    silent_days: int | None = None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.req.kind, self.req.kind)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.req.status, self.req.status)

    @property
    def priority_badges(self) -> list[tuple[str, str]]:
        """(group, label) of each priority group of the applicant (issue 18); never the birth date behind one."""
        return [(group.value, PRIORITY_LABELS[group]) for group in self.req.priority_groups]


def queue_rows(requests: Iterable[ServiceRequest], *, calendar: WorkingCalendar | None = None) -> list[QueueRow]:
    """Rows of the queue: one calendar and one query for the page's silences keep the query count constant."""
    calendar = calendar or WorkingCalendar()
    today = timezone.localdate()
    requests = list(requests)
    running = [req.pk for req in requests if req.status in RUNNING]
    silent = silences(ServiceRequest.objects.filter(pk__in=running), today=today, calendar=calendar) if running else {}
    return [QueueRow(req, deadline_info(req, calendar=calendar, today=today), silent.get(req.pk)) for req in requests]


# --- Ledger -----------------------------------------------------------------------------------------------


def ledger_queryset(queryset: QuerySet[ServiceRequest]) -> QuerySet[ServiceRequest]:
    """What the ledger reads besides a list's joins: the evaluation, and no personal data."""
    # The delivery's method goes into the remarks; its (encrypted) address is not read.
    return list_queryset(
        queryset.select_related("matter", "helper", "centre", "evaluation", "delivery").defer("delivery__address")
    )


@dataclass(frozen=True)
class LedgerRow:
    """One line of the registration table (登记表), with masked personal data only."""

    index: int
    pk: int
    number: str
    matter: str
    reason: str
    kind: str
    channel: str
    applied_on: date
    accepted_on: date | None
    status: str
    result: str
    applicant: str
    phone_masked: str
    evaluation: str
    helper: str
    centre: str
    deadline: DeadlineInfo
    delivery: str = ""

    @property
    def handling(self) -> str:
        return f"{self.kind}（{self.channel}）"

    @property
    def handling_time(self) -> str:
        accepted = f"{self.accepted_on:%Y-%m-%d}" if self.accepted_on else "—"
        return f"{self.applied_on:%Y-%m-%d} / {accepted}"

    @property
    def outcome(self) -> str:
        return f"{self.status}：{self.result}" if self.result else self.status

    @property
    def remarks(self) -> str:
        parts = []
        if self.deadline.deadline:
            parts.append(_("Deadline %(date)s") % {"date": f"{self.deadline.deadline:%Y-%m-%d}"})
        if self.deadline.overdue:
            parts.append(_("Overdue"))
        elif self.deadline.paused:
            parts.append(_("Suspended"))
        if self.delivery:
            parts.append(self.delivery)
        parts.append(self.centre)
        return "；".join(parts)


def ledger_rows(
    requests: Iterable[ServiceRequest], *, start: int = 1, calendar: WorkingCalendar | None = None
) -> Iterator[LedgerRow]:
    calendar = calendar or WorkingCalendar()
    today = timezone.localdate()
    for index, req in enumerate(requests, start=start):
        evaluation = getattr(req, "evaluation", None)
        yield LedgerRow(
            index=index,
            pk=req.pk,
            number=req.number,
            matter=req.matter.name,
            reason=req.reason,
            kind=str(Kind(req.kind).label),
            channel=str(Channel(req.channel).label),
            applied_on=timezone.localdate(req.applied_at),
            accepted_on=timezone.localdate(req.accepted_at) if req.accepted_at else None,
            status=str(Status(req.status).label),
            result=req.result,
            applicant=req.applicant_name,
            phone_masked=req.applicant_phone_masked,
            evaluation=evaluation.get_rating_display() if evaluation else "",
            helper=req.helper.name,
            centre=req.centre.name,
            deadline=deadline_info(req, calendar=calendar, today=today),
            delivery=_delivery_label(req),
        )


def _delivery_label(req: ServiceRequest) -> str:
    """How the result reached the applicant (当面递交, 邮寄, 登门送达…), for the ledger's remarks."""
    delivery = getattr(req, "delivery", None)
    return str(delivery.get_method_display()) if delivery is not None else ""


# (heading, width in characters, value of a row)
LEDGER_COLUMNS = [
    (gettext_lazy("No."), 6, lambda r: r.index),
    (gettext_lazy("Request number"), 20, lambda r: r.number),
    (gettext_lazy("Matter"), 32, lambda r: r.matter),
    (gettext_lazy("Reason for help"), 24, lambda r: r.reason),
    (gettext_lazy("Way of handling"), 16, lambda r: r.handling),
    (gettext_lazy("Handling time"), 24, lambda r: r.handling_time),
    (gettext_lazy("Result"), 28, lambda r: r.outcome),
    (gettext_lazy("Applicant"), 24, lambda r: f"{r.applicant} {r.phone_masked}".strip()),
    (gettext_lazy("Evaluation"), 12, lambda r: r.evaluation),
    (gettext_lazy("Dedicated helper"), 12, lambda r: r.helper),
    (gettext_lazy("Remarks"), 36, lambda r: r.remarks),
]


def ledger_period(rows: list[LedgerRow], *, date_from: date | None, date_to: date | None) -> str:
    """The period the export covers: the date filter when given, else the rows' first and last day."""
    first = date_from or min((r.applied_on for r in rows), default=None)
    last = date_to or max((r.applied_on for r in rows), default=None)
    if first is None and last is None:
        return ""
    return f"{first:%Y-%m-%d} – {last:%Y-%m-%d}" if first and last else f"{first or last:%Y-%m-%d}"


def ledger_workbook(rows: list[LedgerRow], *, period: str) -> bytes:
    """The registration table as an .xlsx: title row with the period, bold frozen header, one row a request."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Ledger")
    title = _("Register of help-and-agency service matters")
    titled_sheet(
        sheet,
        f"{title}（{period}）" if period else title,
        [(heading, width) for heading, width, _value in LEDGER_COLUMNS],
        ([value(row) for _heading, _width, value in LEDGER_COLUMNS] for row in rows),
    )
    return workbook_bytes(workbook)


def ledger_filename(today: date) -> str:
    return f"ledger-{today:%Y%m%d}.xlsx"
