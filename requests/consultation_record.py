"""The consultation record (接待咨询记录) of a date range, as rows, an .xlsx workbook and a PDF.

Seed 004 服务咨询: "对咨询内容一次性告知……并建立接待咨询记录，登记服务对象名称、联系方式、咨询内容、处理结果等信息。"
Seed 001 七.1: "对不能直接解答的咨询，及时组织相关人员集中研究答复，并登记接待咨询记录。"
The columns are the seed's four (服务对象名称, 联系方式, 咨询内容, 处理结果) with the 序号, when and how the question
came, the matter and the first-inquiry owner (首问负责人). The seed asks for the contact to be registered, not
printed in full: the export shows it masked (138****5678), as every list does; the full number stays on file.
Headings and labels are the seed's Chinese whatever the clerk's language, as on the printed forms.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from hallservice.core.errors import DomainError
from hallservice.core.spreadsheets import XLSX_CONTENT_TYPE, titled_sheet, workbook_bytes

from .models import Consultation, ConsultationOutcome

FORMATS = ("xlsx", "pdf")
# A longer range is a report for the supervision section, not a record to print.
MAX_DAYS = 366

# (heading, xlsx column width); the PDF template draws the same headings.
COLUMNS = [
    ("序号", 6),
    ("接待时间", 17),
    ("咨询方式", 10),
    ("服务对象名称", 18),
    ("联系方式", 14),
    ("咨询内容", 48),
    ("涉及事项", 28),
    ("处理结果", 48),
    ("首问负责人", 12),
]


@dataclass(frozen=True)
class RecordRow:
    """One line of the consultation record."""

    time: str
    channel: str
    name: str
    contact: str
    question: str
    matter: str
    result: str
    owner: str

    def cells(self, number: int) -> list:
        return [number, self.time, self.channel, self.name, self.contact, self.question, self.matter, self.result,
                self.owner]  # fmt: skip


def record_queryset(queryset: QuerySet[Consultation], *, date_from: date, date_to: date) -> QuerySet[Consultation]:
    """The consultations taken from ``date_from`` to ``date_to`` (local days, both included), oldest first."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(date_from, time.min, tzinfo=zone)
    end = datetime.combine(date_to, time.max, tzinfo=zone)
    return (
        queryset.filter(created_at__gte=start, created_at__lte=end)
        .select_related("owner", "matter", "request")
        .defer("contact")
        .order_by("created_at", "pk")
    )


def _result(c: Consultation) -> str:
    if c.outcome == ConsultationOutcome.CONVERTED and c.request is not None:
        return f"转为办件 {c.request.number}"
    if c.outcome == ConsultationOutcome.OPEN:
        return f"待答复（答复期限 {c.answer_due:%Y-%m-%d}）" if c.answer_due else "待答复"
    return f"{c.get_outcome_display()}：{c.answer}" if c.answer else str(c.get_outcome_display())


def record_rows(consultations: Iterable[Consultation]) -> list[RecordRow]:
    with translation.override("zh-hans"):
        return [
            RecordRow(
                time=f"{timezone.localtime(c.created_at):%Y-%m-%d %H:%M}",
                channel=str(c.get_channel_display()),
                name=c.name,
                contact=c.contact_masked,
                question=c.question,
                matter=c.matter.name if c.matter else "",
                result=_result(c),
                owner=c.owner.name,
            )
            for c in consultations
        ]


def record_workbook(rows: list[RecordRow], *, centre_name: str, date_from: date, date_to: date) -> bytes:
    """The record as an .xlsx: a title row with the centre and period, the bold frozen header, one row a question."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "接待咨询记录"
    titled_sheet(
        sheet,
        f"接待咨询记录（{centre_name} {date_from:%Y-%m-%d} 至 {date_to:%Y-%m-%d}）",
        COLUMNS,
        (row.cells(number) for number, row in enumerate(rows, start=1)),
    )
    return workbook_bytes(workbook)


@dataclass(frozen=True)
class RecordExport:
    """An export's file: its bytes, name and content type."""

    content: bytes
    filename: str
    content_type: str


def record_export(*, user, date_from: date, date_to: date, fmt: str) -> RecordExport:
    """The record of the consultations the user may see in the range, as ``fmt`` ("xlsx" or "pdf")."""
    from .documents import render_consultation_record

    if fmt not in FORMATS:
        raise DomainError(_("Choose xlsx or pdf."), field="format")
    if date_from > date_to:
        raise DomainError(_("The start date must not be after the end date."), field="date_from")
    if (date_to - date_from).days >= MAX_DAYS:
        raise DomainError(_("Export at most one year at a time."), field="date_from")
    rows = record_rows(record_queryset(Consultation.objects.restrict(user), date_from=date_from, date_to=date_to))
    member = getattr(user, "staff_member", None)
    centre_name = member.centre.name if member is not None else ""
    filename = f"consultations-{date_from:%Y%m%d}-{date_to:%Y%m%d}.{fmt}"
    if fmt == "xlsx":
        content = record_workbook(rows, centre_name=centre_name, date_from=date_from, date_to=date_to)
        return RecordExport(content, filename, XLSX_CONTENT_TYPE)
    content = render_consultation_record(centre_name=centre_name, date_from=date_from, date_to=date_to, rows=rows)
    return RecordExport(content, filename, "application/pdf")
