"""One file per matter (一事一档): a request's documents, events and summary as one zip with an index."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile

from django.utils import timezone, translation

from hallservice.core.spreadsheets import write_csv

from .models import MaterialStatus, ServiceRequest, SignatureSource


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    write_csv(csv.writer(buffer), rows)
    return ("\ufeff" + buffer.getvalue()).encode()  # BOM: Excel opens UTF-8 correctly


def archive_bundle(req: ServiceRequest, *, include_signing_copies: bool) -> bytes:
    """The zip: every issued version of every form, every kept signed form (signatures/), events.csv,
    materials.csv, summary.txt and index.txt, which lists each file's SHA-256 and each signed form's recorded one.

    Signing copies carry full ID numbers, and so may the scan of a signed paper: they go in only for someone
    allowed to see them (the index still names the scans left out, with their hashes). A copy signed on the tablet
    is rendered masked and always goes in.
    """
    files: list[tuple[str, bytes]] = []
    for document in req.documents.select_related("issued_by").order_by("kind", "version"):
        if document.signing_copy and not include_signing_copies:
            continue
        with document.file.open("rb") as f:
            files.append((f"documents/{document.code}-v{document.version}.pdf", f.read()))
    signed_lines = []
    for signature in req.signatures.select_related("kept_by__staff_member").order_by("kind", "version"):
        name = f"signatures/{signature.file_name}"
        left_out = signature.source == SignatureSource.SCAN and not include_signing_copies
        if not left_out:
            with signature.file.open("rb") as f:
                files.append((name, f.read()))
        member = getattr(signature.kept_by, "staff_member", None)
        signed_lines.append(
            f"{signature.sha256}  {name}  {timezone.localtime(signature.kept_at):%Y-%m-%d %H:%M:%S}  "
            f"{member.name if member else signature.kept_by.get_username()}"
            + ("  （含个人信息，未随本包导出）" if left_out else "")
        )
    with translation.override("zh-hans"):
        events = [["时间", "操作人", "动作", "原状态", "新状态", "公开", "说明"]]
        for e in req.events.select_related("actor", "actor__staff_member").order_by("at", "pk"):
            events.append(
                [
                    f"{timezone.localtime(e.at):%Y-%m-%d %H:%M:%S}",
                    e.actor_name,
                    e.verb_label,
                    e.get_from_status_display() if e.from_status else "",
                    e.get_to_status_display() if e.to_status else "",
                    "是" if e.public else "否",
                    e.note,
                ]
            )
        materials = [["序号", "材料", "预审结果", "承诺补交日期", "备注"]]
        for c in req.material_checks.all():
            materials.append(
                [
                    str(c.position),
                    c.name,
                    str(MaterialStatus(c.status).label),
                    f"{c.promised_by:%Y-%m-%d}" if c.promised_by else "",
                    c.note,
                ]
            )
        status_label = req.get_status_display()
    files.append(("events.csv", _csv(events)))
    files.append(("materials.csv", _csv(materials)))
    summary = getattr(req, "summary", None)
    files.append(("summary.txt", (summary.text if summary else "（尚无总结）").encode()))
    index_lines = [
        f"办件编号：{req.number}",
        f"事项：{req.matter.name}",
        f"状态：{status_label}",
        f"申请人：{req.applicant_name}（{req.applicant_id_masked}）",
        f"帮办代办员：{req.helper.name}",
        f"生成时间：{timezone.localtime():%Y-%m-%d %H:%M}",
        "",
        "文件清单（SHA-256）：",
    ]
    index_lines += [f"{hashlib.sha256(data).hexdigest()}  {name}" for name, data in files]
    if signed_lines:
        index_lines += ["", "已留存签字件（登记的 SHA-256、留存时间、留存人）：", *signed_lines]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.txt", "\n".join(index_lines) + "\n")
        for name, data in files:
            archive.writestr(name, data)
    return buffer.getvalue()
