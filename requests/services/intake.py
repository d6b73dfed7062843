"""Registration and acceptance: from the first question to an accepted request (F-REQ-2 … 4); consultations (F-REQ-1)
are in consultations.py."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumError

from hallservice.core import text_limits
from hallservice.core.actors import user_of
from hallservice.core.bidi import strip_bidi_objects
from hallservice.core.crypto import normalise
from hallservice.core.errors import DomainError, TransitionNotAllowed
from hallservice.core.identity import IdType, validate_document_number
from hallservice.core.sequences import sequence_next
from hallservice.core.text_limits import check_field_length, check_length, check_lengths
from hallservice.core.workdays import WorkingCalendar
from staff.access import ensure_perm, staff_of
from staff.models import StaffMember

from ..models import (
    ApplicantIdentity,
    ApplicantType,
    Category,
    Channel,
    Consultation,
    ConsultationEvent,
    ConsultationOutcome,
    ConsultationVerb,
    DocumentKind,
    Handover,
    Kind,
    MaterialCheck,
    MaterialCorrection,
    MaterialStatus,
    Matter,
    ServiceRequest,
    SignedFormKind,
    Status,
)
from ..selectors import key_projects_linkable
from .base import lock_for, move, record_event, require, with_note
from .priority import check_urgency, elderly_of
from .signatures import has_kept_signature

LOOKUP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud over the phone
PHONE_PATTERN = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")


def normalise_number(number: str) -> str:
    """Numbers as people type them: spaces dropped, upper case (XH-20261123-0001)."""
    return "".join((number or "").split()).upper()


def validate_phone(phone: str, *, field: str = "applicant_phone") -> str:
    phone = normalise(phone) if phone else ""
    raw = phone
    if raw and not PHONE_PATTERN.match(raw):
        raise DomainError(_("Enter an 11-digit mobile number or a landline with its area code."), field=field)
    return raw


def validate_applicant_id(applicant_type: str, id_number: str, id_type: str = IdType.RESIDENT_ID) -> str:
    """A person's document number by its type (see hallservice.core.identity), an organisation's credit code (cn.uscc)."""
    if applicant_type != ApplicantType.ORGANISATION:
        return validate_document_number(id_type or IdType.RESIDENT_ID, id_number)
    value = normalise(id_number)
    if not value:
        raise DomainError(_("Enter the applicant's ID number or credit code."), field="applicant_id_number")
    try:
        return uscc.validate(value)
    except StdnumError:
        raise DomainError(
            _("This is not a valid unified social credit code (18 characters, check digit)."),
            field="applicant_id_number",
        ) from None


def _new_number(centre) -> str:
    today = timezone.localdate()
    seq = sequence_next(key=f"request:{centre.code}:{today:%Y%m%d}")
    return f"{centre.code}-{today:%Y%m%d}-{seq:04d}"


def _lookup_code() -> str:
    return "".join(secrets.choice(LOOKUP_ALPHABET) for _ in range(8))


# --- Registration -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationInput:
    """What the desk enters to register a request (the form, the API, the demo and the tests build one).

    A person identifies with a document of ``applicant_id_type`` (blank means a resident ID card); a passport or
    other document also needs its name in ``applicant_id_document``. An organisation gives its credit code and
    its contact person (联系人), both required; its document type is stored blank. ``request_register`` checks
    every field: this only carries them.
    """

    kind: str
    matter_id: int
    applicant_name: str
    applicant_id_number: str
    applicant_phone: str
    applicant_type: str = ApplicantType.PERSON
    applicant_id_type: str = IdType.RESIDENT_ID
    applicant_id_document: str = ""
    applicant_address: str = ""
    contact_person: str = ""
    channel: str = Channel.HALL
    category: str = Category.OTHER
    reason: str = ""
    helper_id: int | None = None
    key_project_id: int | None = None
    provided_material_ids: Sequence[int] = ()
    consultation_id: int | None = None
    # Priority groups (requests.services.priority): elderly counts only for a document without a birth date.
    applicant_elderly: bool = False
    applicant_disabled: bool = False
    applicant_pregnant: bool = False
    applicant_military: bool = False
    # 急办: the reason, and the internal target (blank: computed from the promised deadline).
    urgent: bool = False
    urgent_reason: str = ""
    urgent_target: date | None = None


def _applicant_document(data: RegistrationInput) -> tuple[str, str]:
    """The document type and name stored for the applicant: blank for an organisation, a name only for "other"."""
    if data.applicant_type == ApplicantType.ORGANISATION:
        return "", ""
    id_type, id_document = data.applicant_id_type or IdType.RESIDENT_ID, data.applicant_id_document.strip()
    if id_type != IdType.OTHER:
        return id_type, ""
    require(id_document, _("Name the document, e.g. passport of which country."), field="applicant_id_document")
    if len(id_document) > 30:
        raise DomainError(_("Name the document in at most 30 characters."), field="applicant_id_document")
    return id_type, id_document


def _consultation_to_convert(actor, consultation_id: int | None) -> Consultation | None:
    """The consultation the request comes from, locked: it becomes "converted" in the same transaction."""
    if consultation_id is None:
        return None
    consultation = Consultation.objects.select_for_update().filter(pk=consultation_id).first()
    if consultation is None or not Consultation.objects.restrict(actor).filter(pk=consultation_id).exists():
        raise DomainError(_("Unknown consultation."), field="consultation")
    if consultation.outcome == ConsultationOutcome.CONVERTED:
        raise TransitionNotAllowed(_("This consultation has already become a request."))
    return consultation


@transaction.atomic
def request_register(*, actor, data: RegistrationInput) -> ServiceRequest:
    """Register an application (登记表 entry) with its material checklist taken from the matter."""
    ensure_perm(actor, "requests.register_request", _("You may not register requests."))
    member = staff_of(actor)
    if data.kind not in Kind.values:
        raise DomainError(_("Choose assist or agency."), field="kind")
    if data.channel not in Channel.values:
        raise DomainError(_("Choose a valid channel."), field="channel")
    if data.category not in Category.values:
        raise DomainError(_("Choose a valid applicant category."), field="category")
    if data.applicant_type not in ApplicantType.values:
        raise DomainError(_("Choose person or organisation."), field="applicant_type")
    require(data.applicant_name, _("Enter the applicant's name."), field="applicant_name")
    id_type, id_document = _applicant_document(data)
    id_number = validate_applicant_id(data.applicant_type, data.applicant_id_number, id_type)
    require(data.applicant_phone, _("Enter a phone number to reach the applicant."), field="applicant_phone")
    phone = validate_phone(data.applicant_phone)
    if data.applicant_type == ApplicantType.ORGANISATION:
        require(data.contact_person, _("Enter the organisation's contact person."), field="contact_person")
    check_lengths(
        ServiceRequest,
        applicant_name=data.applicant_name.strip(),
        contact_person=data.contact_person.strip(),
        reason=data.reason.strip(),
    )

    matter = Matter.objects.filter(pk=data.matter_id, is_active=True).select_related("department").first()
    if matter is None:
        raise DomainError(_("Choose a matter from the catalogue."), field="matter")
    helper = member
    if data.helper_id is not None:
        helper = StaffMember.objects.filter(pk=data.helper_id, is_active=True, centre=member.centre).first()
        if helper is None:
            raise DomainError(_("The dedicated helper must be an active staff member of your centre."), field="helper")
    key_project = None
    if data.key_project_id is not None:
        key_project = key_projects_linkable(actor=actor, centre=member.centre).filter(pk=data.key_project_id).first()
        if key_project is None:
            raise DomainError(
                _("Choose a key project of this request's centre or of a centre above it in its district."),
                field="key_project",
            )
        agent = key_project.agent
        if data.helper_id is None and agent is not None and agent.is_active and agent.centre_id == member.centre_id:
            # 全程代办 (seed 000 三.4): the project's agent is the dedicated helper of its requests.
            helper = agent
    consultation = _consultation_to_convert(actor, data.consultation_id)

    req = ServiceRequest(
        number=_new_number(member.centre),
        kind=data.kind,
        channel=data.channel,
        category=Category.KEY_PROJECT if key_project and data.category == Category.OTHER else data.category,
        applicant_type=data.applicant_type,
        applicant_name=data.applicant_name.strip(),
        contact_person=data.contact_person.strip(),
        applicant_id_document=id_document,
        applicant_address=data.applicant_address.strip(),
        matter=matter,
        centre=member.centre,
        origin_centre=member.centre,
        helper=helper,
        lead_department=matter.department,
        key_project=key_project,
        reason=data.reason.strip(),
        lookup_code=_lookup_code(),
        created_by=user_of(actor),
        applicant_elderly=elderly_of(id_type, id_number, on=timezone.localdate(), ticked=data.applicant_elderly),
        applicant_disabled=data.applicant_disabled,
        applicant_pregnant=data.applicant_pregnant,
        applicant_military=data.applicant_military,
    )
    req.set_applicant_identity(ApplicantIdentity(id_type=id_type, id_number=id_number, phone=phone))
    urgent_note = ""
    if data.urgent:
        ensure_perm(actor, "requests.prioritise_request", _("You may not mark requests urgent."))
        reason, target, urgent_note = check_urgency(req, reason=data.urgent_reason, target=data.urgent_target)
        req.urgent, req.urgent_reason, req.urgent_target = True, reason, target
    req.save(force_insert=True)
    provided = set(data.provided_material_ids)
    MaterialCheck.objects.bulk_create(
        MaterialCheck.for_material(
            req,
            material,
            status=MaterialStatus.PROVIDED if material.pk in provided else MaterialStatus.UNCHECKED,
            checked_at=timezone.now() if material.pk in provided else None,
        )
        for material in matter.materials.all()
    )
    record_event(
        req,
        actor=actor,
        verb="registered",
        public=True,
        to_status=Status.APPLIED,
        note=_("%(kind)s request for “%(matter)s” registered; dedicated helper %(helper)s.")
        % {"kind": Kind(data.kind).label, "matter": matter.name, "helper": helper.name},
    )
    if req.urgent:
        record_event(req, actor=actor, verb="urgent_marked", note=urgent_note)
    if consultation is not None:
        consultation.outcome = ConsultationOutcome.CONVERTED
        consultation.request = req
        consultation.save(update_fields=["outcome", "request"])
        ConsultationEvent.record(
            consultation=consultation, verb=ConsultationVerb.CONVERTED, actor=actor, note=req.number
        )
    return req


# --- Material pre-review ------------------------------------------------------------------------------

CHECKABLE = {MaterialStatus.PROVIDED, MaterialStatus.MISSING, MaterialStatus.WAIVED, MaterialStatus.NEEDS_CORRECTION}


@transaction.atomic
def request_review_materials(*, actor, request_id: int, reviews: list[dict]) -> ServiceRequest:
    """Set the pre-review result of each material: provided, missing, waived (tolerant) or needs correction.

    ``reviews``: ``[{"check_id": 1, "status": "waived", "promised_by": date, "note": ""}, …]``.
    """
    req = lock_for(actor, request_id, "review_materials")
    checks = {c.pk: c for c in req.material_checks.select_for_update()}
    today = timezone.localdate()
    changed = []
    for review in reviews:
        check = checks.get(review.get("check_id"))
        if check is None:
            raise DomainError(_("A material does not belong to this request."), field="reviews")
        status = review.get("status")
        if status not in CHECKABLE:
            raise DomainError(_("Choose provided, missing, waived or needs correction."), field="reviews")
        promised_by: date | None = review.get("promised_by")
        if status == MaterialStatus.WAIVED:
            if not check.tolerant_waivable:
                raise DomainError(
                    _("“%(name)s” may not be waived under tolerant acceptance.") % {"name": check.name},
                    field="reviews",
                )
            if promised_by is None or promised_by <= today:
                raise DomainError(
                    _("Give the date after today by which “%(name)s” will be supplied.") % {"name": check.name},
                    field="reviews",
                )
        else:
            promised_by = None
        check_length(
            (review.get("note") or "").strip(),
            MaterialCheck._meta.get_field("note").max_length,
            field="reviews",
            label=_("Note on “%(name)s”") % {"name": check.name},
        )
        check.status, check.promised_by = status, promised_by
        check.note = (review.get("note") or "").strip()
        check.checked_at = timezone.now()
        changed.append(check)
    MaterialCheck.objects.bulk_update(strip_bidi_objects(changed), ["status", "promised_by", "note", "checked_at"])
    record_event(
        req,
        actor=actor,
        verb="materials_reviewed",
        note="；".join(f"{c.name}：{MaterialStatus(c.status).label}" for c in changed),
    )
    return req


@transaction.atomic
def request_supply_materials(*, actor, request_id: int, check_ids: list[int], note: str = "") -> ServiceRequest:
    """Record that the applicant supplied or corrected materials (after a deficiency notice or a tolerant waiver)."""
    req = lock_for(actor, request_id, "supply_materials")
    checks = list(
        req.material_checks.select_for_update().filter(pk__in=check_ids).exclude(status=MaterialStatus.PROVIDED)
    )
    if not checks:
        raise DomainError(_("Choose the materials the applicant has supplied."), field="check_ids")
    for check in checks:
        check.status, check.promised_by, check.checked_at = MaterialStatus.PROVIDED, None, timezone.now()
    MaterialCheck.objects.bulk_update(checks, ["status", "promised_by", "checked_at"])
    # A correction asked mid-handling is answered by the corrected material.
    MaterialCorrection.objects.filter(material_check__in=checks, supplied_at__isnull=True).update(
        supplied_at=timezone.now()
    )
    record_event(
        req,
        actor=actor,
        verb="materials_supplied",
        public=True,
        note=with_note(_("Materials received: %(names)s.") % {"names": "、".join(c.name for c in checks)}, note),
    )
    return req


@transaction.atomic
def request_record_handover(*, actor, request_id: int, items: str, note: str = "") -> Handover:
    """The agency helper received the applicant's materials (交接)."""
    req = lock_for(actor, request_id, "record_handover")
    require(items, _("List the materials received."), field="items")
    check_lengths(Handover, items=items.strip(), note=note.strip())
    handover = Handover.objects.create(
        request=req, received_by=staff_of(actor), items=items.strip(), note=note.strip()
    )
    record_event(req, actor=actor, verb="handover_recorded", public=True, note=items.strip())
    return handover


def _ensure_agency_ready(req: ServiceRequest) -> None:
    """Seed 001 七.2: "申请人与帮办代办员完成材料交接和签订委托书后，由帮办代办员…代替申请人完成事项办理".

    The signed commission letter must be kept as a file (a scan, or signed on the tablet): a ticked box is no
    longer enough (issue 18). Without it the request is not ready: 409, nothing in the input is wrong.
    """
    if not req.handovers.exists():
        raise DomainError(_("Agency needs a record of the materials handed over."), field="handover_items")
    if not has_kept_signature(req, SignedFormKind.COMMISSION_LETTER):
        raise TransitionNotAllowed(
            _(
                "Agency needs the commission letter signed by the applicant, kept on file: upload a scan of the "
                "signed letter or have it signed on the tablet first."
            ),
            field="commission_signed",
        )


@transaction.atomic
def request_accept(
    *, actor, request_id: int, handover_items: str = "", commission_signed: bool | None = None, note: str = ""
) -> ServiceRequest:
    """Accept: every material provided or waived; for agency, a hand-over record and a signed commission.

    The promised deadline starts now: the matter's time limit in working days from today. ``commission_signed``
    is kept for callers of the former API and decides nothing: the kept signed commission letter does.
    """
    req = lock_for(actor, request_id, "accept")
    outstanding = [
        c.name for c in req.material_checks.all() if c.status not in (MaterialStatus.PROVIDED, MaterialStatus.WAIVED)
    ]
    if outstanding:
        raise DomainError(
            _("These materials are not provided yet: %(names)s. Issue a deficiency notice or record them as supplied.")
            % {"names": "、".join(outstanding)},
            field="materials",
        )
    if req.kind == Kind.AGENCY:
        if handover_items.strip():
            Handover.objects.create(request=req, received_by=staff_of(actor), items=handover_items.strip())
        _ensure_agency_ready(req)
    today = timezone.localdate()
    req.accepted_at = timezone.now()
    req.accepted_by = user_of(actor)
    req.deadline = WorkingCalendar().add_working_days(today, req.matter.time_limit_days)
    waived = [c.name for c in req.material_checks.all() if c.status == MaterialStatus.WAIVED]
    text = _("Accepted; promised by %(deadline)s.") % {"deadline": f"{req.deadline:%Y-%m-%d}"}
    if waived:
        text += " " + _("Accepted under tolerant acceptance; still to supply: %(names)s.") % {
            "names": "、".join(waived)
        }
    move(
        req,
        Status.ACCEPTED,
        actor=actor,
        verb="accepted",
        note=with_note(text, note),
        fields=("accepted_at", "accepted_by", "deadline", "commission_signed"),
    )
    return req


@transaction.atomic
def request_issue_deficiency_notice(
    *, actor, request_id: int, note: str = "", print_notice: bool = False
) -> ServiceRequest:
    """Materials are missing: list, once, everything still needed and how to get it (一次性告知).

    ``note`` is the clerk's deadline and instructions for supplying them; the printed notice carries it. With
    ``print_notice`` the printed notice (一次性告知单) is issued in the same step, so issuing and printing are one
    action for the clerk; the documents section only reprints it.
    """
    req = lock_for(actor, request_id, "issue_deficiency_notice")
    checks = list(req.material_checks.all())
    unchecked = [c.name for c in checks if c.status == MaterialStatus.UNCHECKED]
    if unchecked:
        raise DomainError(
            _("Review every material first, so the notice lists everything at once: %(names)s.")
            % {"names": "、".join(unchecked)},
            field="materials",
        )
    missing = [c for c in checks if c.status in (MaterialStatus.MISSING, MaterialStatus.NEEDS_CORRECTION)]
    if not missing:
        raise DomainError(_("Nothing is missing: accept the request instead."), field="materials")
    check_field_length(ServiceRequest, "deficiency_note", note.strip(), field="note")
    req.deficiency_notices += 1
    req.deficiency_note = note.strip()
    listing = "；".join(f"{c.name}（{c.how_to_obtain or MaterialStatus(c.status).label}）" for c in missing)
    move(
        req,
        Status.DEFICIENT,
        actor=actor,
        verb="deficiency_notice",
        note=with_note(_("Please supply: %(list)s.") % {"list": listing}, note),
        fields=("deficiency_notices", "deficiency_note"),
    )
    if print_notice:
        from .documents import document_issue

        document_issue(actor=actor, request_id=req.pk, kind=DocumentKind.DEFICIENCY_NOTICE)
    return req


@transaction.atomic
def request_refuse(*, actor, request_id: int, reason: str) -> ServiceRequest:
    """The request does not meet the conditions for assist or agency; the applicant is told why."""
    req = lock_for(actor, request_id, "refuse")
    require(reason, _("Give the reason for refusing, to tell the applicant."), field="reason")
    req.closed_at = timezone.now()
    move(req, Status.REFUSED, actor=actor, verb="refused", note=reason, fields=("closed_at",))
    return req


@transaction.atomic
def request_convert_to_agency(
    *, actor, request_id: int, reason: str, handover_items: str = "", commission_signed: bool = False
) -> ServiceRequest:
    """The applicant finds the matter too hard to do with assistance: the helper takes it over (帮办转代办).

    Once accepted, the agency conditions hold at once: the hand-over and the kept signed commission letter
    (``commission_signed`` is kept for callers of the former API and decides nothing).
    """
    req = lock_for(actor, request_id, "convert_to_agency")
    if req.kind != Kind.ASSIST:
        raise TransitionNotAllowed(_("Only an assist request can be converted to agency."))
    require(reason, _("Say why the request becomes agency."), field="reason")
    check_length(reason.strip(), text_limits.SHORT_NOTE, field="reason", label=_("Reason"))
    check_field_length(Handover, "items", handover_items.strip(), field="handover_items")
    if handover_items.strip():
        Handover.objects.create(request=req, received_by=staff_of(actor), items=handover_items.strip())
    if req.status in (Status.ACCEPTED, Status.IN_PROGRESS):
        _ensure_agency_ready(req)  # already running: the agency conditions must hold from now on
    req.kind = Kind.AGENCY
    req.save(update_fields=["kind", "updated_at"])
    record_event(req, actor=actor, verb="converted_to_agency", public=True, note=reason.strip())
    return req


@transaction.atomic
def request_forward(*, actor, request_id: int, note: str = "") -> ServiceRequest:
    """A town or village centre passes the request to its parent centre; its helper keeps carrying it."""
    req = lock_for(actor, request_id, "forward")
    parent = req.centre.parent
    if parent is None:
        raise TransitionNotAllowed(_("The district hall has no parent centre to forward to."))
    req.centre = parent
    req.save(update_fields=["centre", "updated_at"])
    record_event(
        req,
        actor=actor,
        verb="forwarded",
        public=True,
        note=with_note(_("Forwarded to %(centre)s.") % {"centre": parent.name}, note),
    )
    return req
