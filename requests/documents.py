"""Printed forms as PDF (WeasyPrint): pure functions from a request, or a plain context, to PDF bytes.

Forms are rendered in Simplified Chinese whatever the user's language (they are official texts) in Noto Serif
CJK SC, from small copies cut once per install (hallservice.core.fonts; the system fonts are the fallback); WeasyPrint
embeds and subsets the fonts. The static CSS (forms.css) is parsed once per process and the fonts are loaded
once per thread: a one-page form renders in ~100 ms. Storing, numbering and hashing issued copies is a service
(requests.services.documents).

Personal data on printed copies is masked, except on the signing copy the dedicated helper prints for the
applicant's signature (commission letter and acceptance form).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone, translation

from hallservice.core.crypto import mask_address, mask_id_number
from hallservice.core.identity import IdType
from hallservice.core.pdf import qr_image, render_pdf

from .models import (
    ApplicantType,
    DeliveryMethod,
    DocumentKind,
    Kind,
    MaterialStatus,
    PickupMethod,
    Rating,
    ServiceRequest,
    SubmissionForm,
    SuspensionReason,
)

FORM_STYLESHEET = "requests/documents/forms.css"
TEMPLATES = {kind: f"requests/documents/{kind.value}.html" for kind in DocumentKind}
TITLES = {
    DocumentKind.COMMISSION_LETTER: "政务服务大厅代办服务委托书",
    DocumentKind.NOTICE_OF_DUTIES: "帮办代办服务告知书",
    DocumentKind.DEFICIENCY_NOTICE: "一次性告知单",
    DocumentKind.ACCEPTANCE_FORM: "代办事项受理单",
    DocumentKind.COMPLETION_FORM: "帮办代办服务办结单",
    DocumentKind.SUSPENSION_NOTICE: "帮办代办服务中止告知单",
    DocumentKind.TERMINATION_NOTICE: "帮办代办服务办结（终止）单",
}
# Choice labels printed on the forms: the seeds' own wording, not UI translations, so a form reads the same
# whatever language the clerk's screen is in.
KIND_LABELS = {Kind.ASSIST: "帮办", Kind.AGENCY: "代办"}
DELIVERY_LABELS = {
    DeliveryMethod.ON_THE_SPOT: "当场办结领取",
    DeliveryMethod.IN_PERSON: "当面递交",
    DeliveryMethod.POST: "免费邮寄送达",
    DeliveryMethod.AT_HOME: "登门送达",
}
RATING_LABELS = {
    Rating.VERY_SATISFIED: "非常满意",
    Rating.SATISFIED: "满意",
    Rating.BASICALLY_SATISFIED: "基本满意",
    Rating.DISSATISFIED: "不满意",
    Rating.VERY_DISSATISFIED: "非常不满意",
}
# Seed 004 服务中止与续办.
SUSPENSION_LABELS = {
    SuspensionReason.MATERIALS_OVERDUE: "服务对象未在规定期限内提交办理材料，或催促后仍未提交，不能按时补正的",
    SuspensionReason.FEES_UNPAID: "服务对象未及时缴纳各类行政事业性收费或按规定需缴纳的其他费用",
    SuspensionReason.APPLICANT_ASKED: "服务对象提出暂停委托代办服务",
    SuspensionReason.FORCE_MAJEURE: "因不可抗力因素导致服务无法继续",
}
# Seed 003 帮办代办服务告知书 三, plus the two ways the system itself ends a service.
TERMINATION_LABELS = {
    "withdrawn": "委托人主动提出书面终止委托代办服务",
    "false_materials": "委托人提供虚假材料或申请材料不符合法定条件、标准",
    "cannot_complete": "事项在办理过程中出现不具备办结条件的情况，已书面通知委托人并注明原因",
    "materials_not_supplied": "委托人未按一次性告知补齐材料",
    "suspension_expired": "中止后超过续办期限，视为服务终止",
    "other": "其他造成代办服务终止的情形",
}

# Forms with a blank printable version for the counter (seed forms 1–4).
BLANK_KINDS = (
    DocumentKind.COMMISSION_LETTER,
    DocumentKind.NOTICE_OF_DUTIES,
    DocumentKind.DEFICIENCY_NOTICE,
    DocumentKind.ACCEPTANCE_FORM,
)
# Forms whose signing copy may carry unmasked ID numbers and phones.
SIGNING_KINDS = (DocumentKind.COMMISSION_LETTER, DocumentKind.ACCEPTANCE_FORM)
# How printed lists name a material's form: the words of a hall's printed lists, not the UI's labels.
SUBMISSION_FORM_LABELS = {
    SubmissionForm.ORIGINAL: "原件（窗口核验）",
    SubmissionForm.COPY: "复印件",
    SubmissionForm.ORIGINAL_AND_COPY: "原件及复印件",
    SubmissionForm.UPLOADED: "电子材料",
    SubmissionForm.PLEDGE: "书面承诺",
}


@dataclass(frozen=True)
class Stamp:
    """What identifies one printed copy: its code, version, QR link and whether it is the signing copy."""

    code: str
    version: int
    track_url: str
    signing_copy: bool = False
    issued_at: datetime | None = None
    officer: str = ""


def _d(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    return f"{value:%Y-%m-%d}"


# What the forms call the applicant's number: the seeds' forms say 身份证号, which holds for most applicants; the
# others' document is named, so a permit or passport number is not printed as an ID card number.
ID_LABELS = {
    IdType.RESIDENT_ID: "身份证号",
    IdType.HKMT_PERMIT: "居住证号码",
    IdType.FOREIGNER_PR: "永久居留证号码",
}


def _id_label(req: ServiceRequest) -> str:
    if req.applicant_type == ApplicantType.ORGANISATION:
        return "统一社会信用代码"
    if req.applicant_id_type == IdType.OTHER:
        return f"{req.applicant_id_document or '证件'}号码"
    return ID_LABELS.get(req.applicant_id_type, "身份证号")


def _people(req: ServiceRequest, unmasked: bool) -> tuple[dict, dict]:
    principal = {
        "name": req.applicant_name if not req.contact_person else f"{req.applicant_name}（{req.contact_person}）",
        "id_label": _id_label(req),
        "id_number": req.applicant_id_number if unmasked else req.applicant_id_masked,
        "phone": req.applicant_phone if unmasked else req.applicant_phone_masked,
    }
    helper_id = req.helper.id_number
    agent = {
        "name": req.helper.name,
        "id_number": helper_id if unmasked else _mask_id(helper_id),
        "phone": req.helper.phone or req.centre.phone,
    }
    return principal, agent


def request_context(kind: DocumentKind, req: ServiceRequest, stamp: Stamp) -> dict:
    """Everything a form prints about one request."""
    unmasked = stamp.signing_copy and kind in SIGNING_KINDS
    principal, agent = _people(req, unmasked)
    with translation.override("zh-hans"):
        context = {
            "title": TITLES[kind],
            "number": req.number,
            # With the number, the applicant looks the request up online (/track/) without the QR code.
            "lookup_code": req.lookup_code,
            "code": stamp.code,
            "version": stamp.version,
            "signing_copy": unmasked,
            "qr_image": qr_image(stamp.track_url) if stamp.track_url else "",
            "principal": principal,
            "agent": agent,
            "matter": req.matter.name,
            "centre": req.centre.name,
            "team_name": req.centre.name,
            "complaint_phone": req.centre.complaint_phone,
            "applied_at": _d(req.applied_at),
            "accepted_at": _d(req.accepted_at),
            "completed_at": _d(req.completed_at),
            "closed_at": _d(req.closed_at),
            "accepted_by": _staff_name(req.accepted_by),
            "handler": req.helper.name,
            "promise": _promise(req),
            "form_date": timezone.localdate(stamp.issued_at) if stamp.issued_at else timezone.localdate(),
            "officer": stamp.officer,
            "kind": req.kind,
            "kinds": list(KIND_LABELS.items()),
            "result": req.result,
        }
        context.update(_kind_context(kind, req, unmasked))
    return context


def _staff_name(user) -> str:
    if user is None:
        return ""
    member = getattr(user, "staff_member", None)
    return member.name if member else user.get_username()


def _promise(req: ServiceRequest) -> str:
    if req.deadline is None:
        days = req.matter.time_limit_days
        return f"{days} 个工作日" if days else "即办"
    return f"{req.matter.time_limit_days} 个工作日（{req.deadline:%Y-%m-%d} 前）"


def _kind_context(kind: DocumentKind, req: ServiceRequest, unmasked: bool) -> dict:
    if kind == DocumentKind.COMMISSION_LETTER:
        return {
            "pickup": req.pickup_method,
            "recipient": {
                "name": req.pickup_recipient if unmasked else _mask_name(req.pickup_recipient),
                "address": (req.pickup_address if unmasked else mask_address(req.pickup_address))
                if req.pickup_method == PickupMethod.POST
                else "",
                "phone": req.pickup_phone if unmasked else _mask_phone(req.pickup_phone),
            },
        }
    if kind == DocumentKind.DEFICIENCY_NOTICE:
        checks = list(req.material_checks.all())
        received = timezone.localtime(req.applied_at).date()
        return {
            "received": received,
            "accepted": [
                {"name": c.name, "remark": "；".join(x for x in (_waiver_remark(c), c.note) if x)}
                for c in checks
                if c.status in (MaterialStatus.PROVIDED, MaterialStatus.WAIVED)
            ],
            "missing": [
                {
                    "name": c.name,
                    "correction": c.status == MaterialStatus.NEEDS_CORRECTION,
                    "remark": "；".join(x for x in (c.how_to_obtain, c.note) if x),
                }
                for c in checks
                if c.status in (MaterialStatus.MISSING, MaterialStatus.NEEDS_CORRECTION)
            ],
            "deficiency_note": req.deficiency_note,
            "blank_rows": range(3),
        }
    if kind == DocumentKind.COMPLETION_FORM:
        delivery = getattr(req, "delivery", None)
        evaluation = getattr(req, "evaluation", None)
        tracking = ""
        if delivery is not None and delivery.method == DeliveryMethod.POST:
            tracking = f"{delivery.carrier} 运单号 {delivery.tracking_number}，收件人 {delivery.recipient}"
        elif delivery is not None and delivery.method == DeliveryMethod.AT_HOME:
            # 登门送达 (seed 003 四.4): where, by whom and when the applicant signed.
            address = delivery.address if unmasked else delivery.address_masked
            handed = timezone.localtime(delivery.handed_over_at)
            deliverer = delivery.deliverer.name if delivery.deliverer else ""
            tracking = f"送达地址 {address}，送达人 {deliverer}，送达时间 {handed:%Y-%m-%d %H:%M}"
        return {
            "deliveries": list(DELIVERY_LABELS.items()),
            "delivery_method": delivery.method if delivery else "",
            "tracking": tracking,
            "signer": delivery.signer if delivery else "",
            "ratings": list(RATING_LABELS.items()),
            "rating": evaluation.rating if evaluation else None,
        }
    if kind == DocumentKind.SUSPENSION_NOTICE:
        suspension = req.suspensions.order_by("-started_on", "-pk").first()
        return {
            "reasons": list(SUSPENSION_LABELS.items()),
            "reason": suspension.reason if suspension else "",
            "started_on": _d(suspension.started_on) if suspension else "",
            "resume_by": _d(suspension.resume_by) if suspension else "",
            "todo": suspension.note if suspension else "",
        }
    if kind == DocumentKind.TERMINATION_NOTICE:
        event = req.events.filter(verb="terminated").order_by("-at").first()
        return {
            "reasons": list(TERMINATION_LABELS.items()),
            "reason": req.termination_reason,
            "note": event.note if event else "",
        }
    return {}


def _waiver_remark(check) -> str:
    if check.status == MaterialStatus.WAIVED and check.promised_by:
        return f"容缺受理，承诺 {check.promised_by:%Y-%m-%d} 前补交"
    return ""


def _mask_name(value: str) -> str:
    from .services.public import masked_name

    return masked_name(value)


def _mask_id(value: str) -> str:
    return mask_id_number(value) if value else ""


def _mask_phone(value: str) -> str:
    from hallservice.core.crypto import mask_phone

    return mask_phone(value) if value else ""


def render_document(kind: DocumentKind, req: ServiceRequest, stamp: Stamp) -> bytes:
    kind = DocumentKind(kind)
    return render_pdf(TEMPLATES[kind], request_context(kind, req, stamp), stylesheets=(FORM_STYLESHEET,))


def render_signed_copy(
    kind: DocumentKind, req: ServiceRequest, stamp: Stamp, *, signature_png: bytes, signed_at: datetime
) -> bytes:
    """The printed form with the applicant's signature from the tablet where they sign, and when they signed."""
    kind = DocumentKind(kind)
    context = request_context(kind, req, stamp)
    context["signature"] = {
        "image": "data:image/png;base64," + base64.b64encode(signature_png).decode(),
        "signed_at": _d(signed_at),
    }
    return render_pdf(TEMPLATES[kind], context, stylesheets=(FORM_STYLESHEET,))


def render_blank(kind: DocumentKind) -> bytes:
    """An empty form for the counter: every field left for handwriting."""
    kind = DocumentKind(kind)
    context = {
        "title": TITLES[kind],
        "principal": {},
        "agent": {},
        "recipient": {},
        "received": {},
        "blank_rows": range(5),
        "form_date": {"year": "　　", "month": "　", "day": "　"},
        "team_name": "　　　　",
    }
    return render_pdf(TEMPLATES[kind], context, stylesheets=(FORM_STYLESHEET,))


def render_ledger(*, centre_name: str, date_from: date, date_to: date, rows: list[dict]) -> bytes:
    """The registration ledger (seed 004 表 A.1): landscape pages, repeated header, page x of y."""
    context = {
        "title": "帮办代办服务事项登记表",
        "team_name": centre_name,
        "centre": centre_name,
        "date_from": f"{date_from:%Y-%m-%d}",
        "date_to": f"{date_to:%Y-%m-%d}",
        "rows": rows,
    }
    return render_pdf("requests/documents/ledger.html", context, stylesheets=(FORM_STYLESHEET,))


def render_consultation_notice(consultation, *, code: str, officer: str) -> bytes:
    """The one-time notice (一次性告知单, seed 003 附件3) given to someone who asked: the form the desk prints for a
    request, with every material of the consultation's matter to prepare and how (备注 1: "此告知单适用于应申请人
    请求的事项办理答疑、咨询辅导"). Nothing has been handed in yet, so the table of received materials stays blank."""
    context = {
        "title": TITLES[DocumentKind.DEFICIENCY_NOTICE],
        "code": code,
        "principal": {"name": consultation.name},
        "received": timezone.localtime(consultation.created_at).date(),
        "matter": consultation.matter.name,
        "accepted": [],
        "missing": [
            {
                "name": m.name,
                "remark": "；".join(
                    x
                    for x in (
                        f"{SUBMISSION_FORM_LABELS.get(m.submission_form, m.submission_form)} {m.copies} 份",
                        m.how_to_obtain,
                        "可容缺受理" if m.tolerant_waivable else "",
                    )
                    if x
                ),
            }
            for m in consultation.matter.materials.all()
        ],
        "deficiency_note": consultation.answer,
        "officer": officer,
        "blank_rows": range(2),
    }
    return render_pdf(TEMPLATES[DocumentKind.DEFICIENCY_NOTICE], context, stylesheets=(FORM_STYLESHEET,))


def render_consultation_record(*, centre_name: str, date_from: date, date_to: date, rows: list) -> bytes:
    """The consultation record (接待咨询记录, seed 004 服务咨询): landscape pages, repeated header, page x of y."""
    context = {
        "title": "接待咨询记录",
        "centre": centre_name,
        "date_from": f"{date_from:%Y-%m-%d}",
        "date_to": f"{date_to:%Y-%m-%d}",
        "rows": rows,
    }
    return render_pdf("requests/documents/consultation_record.html", context, stylesheets=(FORM_STYLESHEET,))
