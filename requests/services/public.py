"""The citizens' side (F-PUB): status links and lookups, what a status page may show, online consultation and
appointment requests, and evaluation through the link.

What a citizen sees is built here and nowhere else: ``request_public_status`` turns a request into a plain
value holding only public facts (masked applicant name, matter, stage, deadline, helper and desk, missing
materials, the public timeline). Event notes are free text written by staff and may name people (the signer
of a delivery) or carry numbers (a tracking number), so the timeline shows labels only, except for the few
verbs whose note is written *to* the applicant, and those pass through ``scrub`` first.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from hallservice.crypto import mask_phone
from hallservice.errors import DomainError, TransitionNotAllowed
from hallservice.services import sequence_next
from hallservice.workdays import WorkingCalendar
from staff.models import ServiceCentre, StaffMember
from staff.roles import Role

from ..models import (
    ApplicantType,
    Complaint,
    ComplaintStatus,
    Consultation,
    ConsultationChannel,
    ConsultationOutcome,
    DeliveryMethod,
    Evaluation,
    MaterialStatus,
    Matter,
    OnlineConsultation,
    PickupMethod,
    ServiceRequest,
    Status,
    TimeSlot,
)
from .closing import TERMINATION_REASONS, request_evaluate
from .complaints import normalise_number
from .intake import validate_phone

# --- Status links ----------------------------------------------------------------------------------------

STATUS_SALT = "hallservice.track.status"
REQUEST, COMPLAINT = "r", "c"


def status_token(*, kind: str, pk: int) -> str:
    """A signed, dated link token naming one request ("r") or complaint ("c"); nothing personal inside."""
    return signing.dumps([kind, pk], salt=STATUS_SALT, compress=True)


def read_status_token(token: str, *, kind: str) -> int:
    """The id in a status token of this kind; BadSignature (or SignatureExpired) otherwise."""
    token_kind, pk = signing.loads(token, salt=STATUS_SALT, max_age=settings.PUBLIC_STATUS_LINK_MAX_AGE)
    if token_kind != kind:
        raise signing.BadSignature("wrong kind")
    return int(pk)


def request_status_url(req: ServiceRequest, *, absolute: bool = False) -> str:
    path = reverse("track-request", args=[status_token(kind=REQUEST, pk=req.pk)])
    return settings.PUBLIC_BASE_URL.rstrip("/") + path if absolute else path


def complaint_status_url(complaint: Complaint, *, absolute: bool = False) -> str:
    path = reverse("track-complaint", args=[status_token(kind=COMPLAINT, pk=complaint.pk)])
    return settings.PUBLIC_BASE_URL.rstrip("/") + path if absolute else path


def normalise_code(code: str) -> str:
    return "".join((code or "").split()).upper().replace("-", "")


def lookup(*, number: str, code: str) -> ServiceRequest | Complaint | None:
    """The request or complaint with this number and lookup code, or None — the same None whether the number
    is unknown or the code is wrong, and with a comparison of the same cost either way."""
    number, code = normalise_number(number), normalise_code(code)
    # Both tables are asked every time, so a hit and a miss cost the same.
    req = ServiceRequest.objects.filter(number=number).only("pk", "lookup_code").first()
    complaint = Complaint.objects.filter(number=number).only("pk", "lookup_code").first()
    found = req or complaint
    expected = found.lookup_code if found is not None else secrets.token_hex(4).upper()
    if secrets.compare_digest(expected.encode(), code.encode()) and found is not None:
        return found
    return None


# --- What a citizen may see ------------------------------------------------------------------------------

PLAIN_STAGES = {
    Status.APPLIED: gettext_lazy("Registered; your materials are being checked."),
    Status.DEFICIENT: gettext_lazy("Materials are missing: please bring the materials listed below."),
    Status.REFUSED: gettext_lazy("The application was not accepted."),
    Status.ACCEPTED: gettext_lazy("Accepted; handling will start shortly."),
    Status.IN_PROGRESS: gettext_lazy("Being handled."),
    Status.SUSPENDED: gettext_lazy("Paused: something is needed from you (see below)."),
    Status.COMPLETED: gettext_lazy("Done; the result is waiting for you."),
    Status.DELIVERED: gettext_lazy("The result has been handed over. The service is complete."),
    Status.TERMINATED: gettext_lazy("The service has ended."),
    Status.ARCHIVED: gettext_lazy("The service is complete and filed."),
}

STEPS = [
    pgettext_lazy("progress step", "Registered"),
    pgettext_lazy("progress step", "Accepted"),
    pgettext_lazy("progress step", "Handling"),
    pgettext_lazy("progress step", "Done"),
    pgettext_lazy("progress step", "Handed over"),
]
STEP_OF_STATUS = {
    Status.APPLIED: 0,
    Status.DEFICIENT: 0,
    Status.ACCEPTED: 1,
    Status.IN_PROGRESS: 2,
    Status.SUSPENDED: 2,
    Status.COMPLETED: 3,
    # Past the last step: every step is done.
    Status.DELIVERED: 5,
    Status.ARCHIVED: 5,
}

# Public events whose note is written to the applicant (a progress report, what to do while paused, why the
# application was refused…): shown after scrubbing. Every other public event shows its label only.
NOTE_FOR_APPLICANT = {
    "progress_reported",
    "suspended",
    "resumed",
    "extension_approved",
    "reassigned",
    "refused",
    "terminated",
    "department_task_added",
}

_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])|(?<!\d)\d{15}(?!\d)")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
_LONG_NUMBER = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{0,4}\d{6,}[0-9A-Za-z]*")


def masked_name(name: str, applicant_type: str = ApplicantType.PERSON) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***; an organisation keeps its first two and last two characters."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if applicant_type == ApplicantType.ORGANISATION and len(name) > 4:
        return name[:2] + "*" * (len(name) - 4) + name[-2:]
    return name[0] + "*" * (len(name) - 1)


def _stars(match) -> str:
    return "*" * len(match.group())


def scrub(text: str, *, names: tuple[str, ...] = ()) -> str:
    """Hide what could identify a person in a note: ID numbers and phones entirely, e-mail addresses, long
    numbers (tracking, licence, account numbers keep their last four characters) and the given names."""
    text = _ID_NUMBER.sub(_stars, text or "")
    text = _MOBILE.sub(_stars, text)
    text = _LANDLINE.sub(_stars, text)
    text = _EMAIL.sub("***@***", text)
    text = _LONG_NUMBER.sub(lambda m: "*" * (len(m.group()) - 4) + m.group()[-4:], text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) > 1}, key=len, reverse=True):
        text = text.replace(name, masked_name(name))
    return text


@dataclass(frozen=True)
class PublicEvent:
    at: object
    label: str
    detail: str = ""


@dataclass(frozen=True)
class PublicMaterial:
    name: str
    status_label: str
    how_to_obtain: str
    note: str
    promised_by: date | None


@dataclass
class PublicRequestStatus:
    """Everything the status page shows about one request — and nothing else."""

    pk: int
    number: str
    applicant: str
    matter: str
    department: str
    centre: str
    centre_phone: str
    complaint_phone: str
    status: str
    status_label: str
    stage: str
    step: int | None
    deadline: date | None
    days_left: int | None
    paused: bool
    helper: str
    desk: str
    missing: list[PublicMaterial] = field(default_factory=list)
    suspension: str = ""
    resume_by: date | None = None
    termination: str = ""
    pickup: str = ""
    events: list[PublicEvent] = field(default_factory=list)
    can_evaluate: bool = False
    can_rate_again: bool = False
    evaluated: bool = False


def _desk(helper: StaffMember | None) -> str:
    window = getattr(helper, "window", None)
    if window is None:
        return ""
    return _("Window %(number)s %(name)s, floor %(floor)d") % {
        "number": window.number,
        "name": window.name,
        "floor": window.floor,
    }


def _known_names(req: ServiceRequest) -> tuple[str, ...]:
    delivery = getattr(req, "delivery", None)
    names = [req.applicant_name, req.contact_person, req.pickup_recipient]
    if delivery is not None:
        names += [delivery.signer, delivery.recipient]
    return tuple(n for n in names if n)


def public_events(req: ServiceRequest) -> list[PublicEvent]:
    """The public timeline: labels, plus scrubbed notes where the note is addressed to the applicant."""
    names = _known_names(req)
    delivery = getattr(req, "delivery", None)
    events = []
    for event in req.events.filter(public=True).order_by("at", "pk"):
        detail = ""
        if event.verb in NOTE_FOR_APPLICANT:
            detail = scrub(event.note, names=names)
        elif event.verb == "posted" and delivery is not None and delivery.method == DeliveryMethod.POST:
            detail = _("Sent by %(carrier)s, tracking number ending %(tail)s.") % {
                "carrier": scrub(delivery.carrier, names=names),
                "tail": delivery.tracking_number[-4:],
            }
        events.append(PublicEvent(at=event.at, label=event.verb_label, detail=detail))
    return events


def request_public_status(req: ServiceRequest, *, today: date | None = None) -> PublicRequestStatus:
    """The public view of a request (see the module docstring)."""
    today = today or timezone.localdate()
    status = Status(req.status)
    names = _known_names(req)
    days_left = None
    if req.deadline and status in (Status.ACCEPTED, Status.IN_PROGRESS):
        days_left = WorkingCalendar().working_days_between(today, req.deadline)
    missing = [
        PublicMaterial(
            name=c.name,
            status_label=MaterialStatus(c.status).label,
            how_to_obtain=c.how_to_obtain,
            note=scrub(c.note, names=names),
            promised_by=c.promised_by,
        )
        for c in req.material_checks.all()
        if c.status in (MaterialStatus.MISSING, MaterialStatus.NEEDS_CORRECTION, MaterialStatus.WAIVED)
    ]
    suspension = resume_by = None
    if status == Status.SUSPENDED:
        open_suspension = req.suspensions.filter(ended_on__isnull=True).first()
        if open_suspension is not None:
            suspension = " ".join(
                part
                for part in (open_suspension.get_reason_display(), scrub(open_suspension.note, names=names))
                if part
            )
            resume_by = open_suspension.resume_by
    delivery = getattr(req, "delivery", None)
    pickup = ""
    if status == Status.COMPLETED:
        if delivery is not None and delivery.method == DeliveryMethod.POST:
            pickup = _("The result has been posted to you.")
        elif req.pickup_method == PickupMethod.POST:
            pickup = _("The result will be posted to you free of charge.")
        else:
            pickup = _("Collect the result at the help desk; bring your ID card.")
    evaluation: Evaluation | None = getattr(req, "evaluation", None)
    return PublicRequestStatus(
        pk=req.pk,
        number=req.number,
        applicant=masked_name(req.applicant_name, req.applicant_type),
        matter=req.matter.name,
        department=req.lead_department.name,
        centre=req.centre.name,
        centre_phone=req.centre.phone,
        complaint_phone=req.centre.complaint_phone,
        status=status.value,
        status_label=status.label,
        stage=str(PLAIN_STAGES[status]),
        step=STEP_OF_STATUS.get(status),
        deadline=req.deadline if status not in (Status.REFUSED, Status.TERMINATED) else None,
        days_left=days_left,
        paused=status == Status.SUSPENDED,
        helper=req.helper.name,
        desk=_desk(req.helper),
        missing=missing if status not in (Status.REFUSED, Status.TERMINATED, Status.ARCHIVED) else [],
        suspension=suspension or "",
        resume_by=resume_by,
        termination=str(TERMINATION_REASONS.get(req.termination_reason, "")) if status == Status.TERMINATED else "",
        pickup=pickup,
        events=public_events(req),
        can_evaluate=status == Status.DELIVERED and evaluation is None,
        # Archived means read-only, the follow-up rating included.
        can_rate_again=status != Status.ARCHIVED
        and evaluation is not None
        and evaluation.rectification_stage == "awaiting_rating",
        evaluated=evaluation is not None,
    )


def public_request_queryset():
    """What a status page reads, in a constant number of queries."""
    return ServiceRequest.objects.select_related(
        "matter", "lead_department", "centre", "helper", "helper__window", "delivery", "evaluation"
    ).prefetch_related("material_checks")


@dataclass(frozen=True)
class PublicComplaintStatus:
    pk: int
    number: str
    centre: str
    complaint_phone: str
    status: str
    status_label: str
    category: str
    content: str
    due: date | None
    response: str
    can_give_feedback: bool
    events: list[PublicEvent]


def complaint_public_status(complaint: Complaint) -> PublicComplaintStatus:
    """The complainant's view: their own text and the answers given to them, never internal notes or staff links."""
    # Labels only: the answer is shown on its own, and other notes may carry the complainant's words.
    events = [
        PublicEvent(at=e.at, label=e.verb_label) for e in complaint.events.filter(public=True).order_by("at", "pk")
    ]
    return PublicComplaintStatus(
        pk=complaint.pk,
        number=complaint.number,
        centre=complaint.centre.name,
        complaint_phone=complaint.centre.complaint_phone,
        status=complaint.status,
        status_label=ComplaintStatus(complaint.status).label,
        category=complaint.get_category_display(),
        content=complaint.content,
        due=complaint.due_date(),
        response=complaint.response,
        can_give_feedback=complaint.status == ComplaintStatus.RESPONDED,
        events=events,
    )


# --- Online consultation and appointment ------------------------------------------------------------------


def appointment_dates(today: date | None = None) -> list[date]:
    """The working days an appointment may be asked for: from the next working day, APPOINTMENT_WORKING_DAYS_AHEAD."""
    today = today or timezone.localdate()
    calendar = WorkingCalendar()
    days, day = [], today
    for _i in range(settings.APPOINTMENT_WORKING_DAYS_AHEAD):
        day = calendar.add_working_days(day, 1)
        days.append(day)
    return days


def _online_owner(centre: ServiceCentre, matter: Matter | None) -> StaffMember:
    """Who owns an online question (first-inquiry responsibility): the matter's responsible helper when they work
    at this centre, else the centre's front desk."""
    if matter is not None and matter.contact_helper_id:
        helper = matter.contact_helper
        if helper.is_active and helper.centre_id == centre.pk:
            return helper
    owner = (
        StaffMember.objects.active()
        .filter(centre=centre, user__groups__name__in=[Role.FRONT_DESK, Role.DUTY_LEADER], user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if owner is None:
        raise DomainError(_("This centre does not take online requests; please call it."), field="centre")
    return owner


@transaction.atomic
def consultation_submit_online(
    *,
    centre_id: int,
    name: str,
    phone: str,
    question: str,
    matter_id: int | None = None,
    appointment: bool = False,
    preferred_date: date | None = None,
    slot: str = "",
) -> OnlineConsultation:
    """A citizen's question or appointment request from the public pages: it lands as a Consultation in the
    centre's list, owned by the matter's responsible helper or the front desk, with a reference number."""
    centre = ServiceCentre.objects.filter(pk=centre_id).first()
    if centre is None:
        raise DomainError(_("Choose a service centre."), field="centre")
    matter = Matter.objects.active().filter(pk=matter_id).first() if matter_id else None
    if matter_id and matter is None:
        raise DomainError(_("Choose a matter from the list."), field="matter")
    name = (name or "").strip()
    if not name or len(name) > 50:
        raise DomainError(_("Enter your name (at most 50 characters)."), field="name")
    if not (phone or "").strip():
        raise DomainError(_("Enter a phone number so that we can call you back."), field="phone")
    phone = validate_phone(phone, field="phone")
    question = (question or "").strip()
    if not question or len(question) > 1000:
        raise DomainError(_("Describe your question (at most 1000 characters)."), field="question")
    if appointment:
        if preferred_date not in appointment_dates():
            raise DomainError(_("Choose one of the working days offered."), field="preferred_date")
        if slot not in TimeSlot.values:
            raise DomainError(_("Choose a time slot."), field="slot")
    else:
        preferred_date, slot = None, ""

    owner = _online_owner(centre, matter)
    today = timezone.localdate()
    reference = f"ZX-{centre.code}-{today:%Y%m%d}-{sequence_next(key=f'online:{centre.code}:{today:%Y%m%d}'):04d}"
    # The consultation list shows the question: say there what was asked for and when, so nobody misses it.
    if appointment:
        header = _("Appointment %(reference)s: %(date)s, %(slot)s.") % {
            "reference": reference,
            "date": f"{preferred_date:%Y-%m-%d}",
            "slot": TimeSlot(slot).label,
        }
    else:
        header = _("Online question %(reference)s.") % {"reference": reference}
    consultation = Consultation.objects.create(
        centre=centre,
        channel=ConsultationChannel.APPOINTMENT if appointment else ConsultationChannel.ONLINE,
        name=name,
        contact=phone,
        contact_masked=mask_phone(phone),
        question=f"{header}\n{question}",
        matter=matter,
        owner=owner,
        outcome=ConsultationOutcome.OPEN,
        # The model needs the user who recorded it; online nobody did, so it is the owner's login.
        created_by=owner.user,
    )
    return OnlineConsultation.objects.create(
        consultation=consultation,
        reference=reference,
        is_appointment=appointment,
        preferred_date=preferred_date,
        slot=slot,
    )


# --- Evaluation through the link -------------------------------------------------------------------------


@transaction.atomic
def request_evaluate_online(
    *, request_id: int, rating: int, efficiency: int, service_level: int, attitude: int, comment: str = ""
) -> Evaluation:
    """The applicant rates online, once, after the result was handed over; all four indicators are required."""
    req = ServiceRequest.objects.select_for_update(of=("self",)).get(pk=request_id)
    if req.status != Status.DELIVERED:
        raise TransitionNotAllowed(_("You can rate the service once the result has been handed over to you."))
    if Evaluation.objects.filter(request=req).exists():
        raise TransitionNotAllowed(_("This request has already been rated. Thank you."))
    for name, value in (("efficiency", efficiency), ("service_level", service_level), ("attitude", attitude)):
        if value in (None, ""):
            raise DomainError(_("Please rate every item."), field=name)
    return request_evaluate(
        actor=None,
        request_id=req.pk,
        rating=rating,
        efficiency=efficiency,
        service_level=service_level,
        attitude=attitude,
        comment=comment,
    )
