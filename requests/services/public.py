"""The citizens' side (F-PUB): status links, what a status page may show, online consultation and
appointment requests, and evaluation through the link.

What a citizen sees is built here and nowhere else: ``request_public_status`` turns a request into a plain
value holding only public facts (masked applicant name, matter, stage, deadline, helper and desk, missing
materials, the public timeline). Event notes are free text written by staff and may name people (the signer
of a delivery) or carry numbers (a tracking number), so the timeline shows labels only, except for the few
verbs whose note is written *to* the applicant, and those pass through ``scrub`` first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from hallservice.core.actors import CITIZEN
from hallservice.core.crypto import mask_id_number, mask_phone
from hallservice.core.errors import DomainError, TransitionNotAllowed
from hallservice.core.sequences import sequence_next
from hallservice.core.workdays import WorkingCalendar
from staff.models import ServiceCentre, StaffMember
from staff.roles import Role

from ..models import (
    ApplicantType,
    Consultation,
    ConsultationChannel,
    ConsultationEvent,
    ConsultationOutcome,
    ConsultationVerb,
    DeliveryMethod,
    Evaluation,
    MaterialStatus,
    Matter,
    OnlineConsultation,
    PickupMethod,
    RequestEvent,
    ServiceRequest,
    Status,
    TimeSlot,
)
from .closing import TERMINATION_REASONS, request_evaluate
from .consultations import consultation_answer_due
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
    path = reverse("track:request", args=[status_token(kind=REQUEST, pk=req.pk)])
    return settings.PUBLIC_BASE_URL.rstrip("/") + path if absolute else path


def normalise_code(code: str) -> str:
    return "".join((code or "").split()).upper().replace("-", "")


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
    "correction_asked",
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


# Chinese compound surnames: the given name of 欧阳娜娜 is 娜娜, not 阳娜娜.
COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "令狐",
        "轩辕",
        "端木",
        "独孤",
        "南宫",
        "西门",
        "澹台",
        "公冶",
        "申屠",
        "太史",
        "闻人",
        "赫连",
        "钟离",
        "宗政",
        "濮阳",
        "淳于",
        "单于",
        "呼延",
        "百里",
        "东郭",
        "拓跋",
        "万俟",
        "司空",
        "仲孙",
        "鲜于",
        "闾丘",
        "子车",
        "第五",
    ]
)


def name_parts(name: str) -> tuple[str, ...]:
    """The parts of a person's name that identify them on their own, to be hidden like the full name: the
    given name after the surname (马丽萍 → 丽萍, 欧阳娜娜 → 娜娜) and each part of a name written with a middle
    dot (阿依古丽·买买提 → 阿依古丽, 买买提). One-character parts are left: hiding every 三 or 萍 of a note
    would hide ordinary words, and the surname alone is shown by the masked name anyway."""
    name = (name or "").strip()
    parts = [p for p in re.split(r"[·•・.\s]+", name) if p]
    if len(parts) > 1:
        return tuple(p for p in parts if len(p) > 1)
    surname = 2 if name[:2] in COMPOUND_SURNAMES else 1
    given = name[surname:]
    return (given,) if len(given) > 1 else ()


# An address is read as segments, each ending in a level word. The administrative levels (province to township
# and street office) are shared by thousands and name the halls themselves, so they stay; everything below —
# road, lane, village, community, estate, building, unit, room — is the applicant's own and is hidden wherever
# it appears, with the house numbers that follow it.
_ADDRESS_SEGMENT = re.compile(
    r".+?(?:自治区|自治州|自治县|特别行政区|街道办事处|街道|社区|小区|花园|公寓|大厦|家园|新村|开发区|"
    r"省|市|区|县|旗|盟|镇|乡|村|组|路|街|巷|弄|道|里|苑|庄|屯|号院|号楼|号|栋|幢|座|单元|层|楼|室|户)"
)
_PUBLIC_LEVELS = (
    "自治区",
    "自治州",
    "自治县",
    "特别行政区",
    "省",
    "市",
    "区",
    "县",
    "旗",
    "盟",
    "镇",
    "乡",
    "街道",
    "街道办事处",
)
_HOUSE_NUMBERS = r"[0-9０-９A-Za-z一二三四五六七八九十百零〇甲乙丙丁#\-－—号院栋幢座单元层楼室户组弄]*"


def address_parts(address: str) -> tuple[str, ...]:
    """The private parts of an address (see above): 新华区建设路116号3单元502室 → 建设路116号3单元502室 (the
    whole private tail) and 建设路 (a named segment, hidden with the numbers after it wherever it appears)."""
    address = "".join((address or "").split())
    if not address:
        return ()
    segments = _ADDRESS_SEGMENT.findall(address)
    rest = address[len("".join(segments)) :]
    private_from = None
    named = []
    for i, segment in enumerate(segments):
        public = segment.endswith(_PUBLIC_LEVELS) and not segment.endswith(("小区", "社区", "开发区"))
        if public and private_from is None:
            continue
        if private_from is None:
            private_from = i
        if not re.fullmatch(_HOUSE_NUMBERS, segment) and len(segment) > 1:
            named.append(segment)
    tail = rest if private_from is None else "".join(segments[private_from:]) + rest
    if not tail:
        return ()  # only administrative levels (北京市朝阳区): nothing of the applicant's own
    parts = [address]
    if len(tail) > 3:
        parts.append(tail)
    parts += named
    return tuple(dict.fromkeys(p for p in parts if p))


def scrub(text: str, *, names: tuple[str, ...] = (), addresses: tuple[str, ...] = ()) -> str:
    """Hide what could identify a person in a note: ID numbers and phones entirely, e-mail addresses, long
    numbers (tracking, licence, account numbers keep their last four characters), the applicant's known
    addresses (the whole address, its private tail and each named road, village or estate with the house
    numbers after it), the given names (masked like 欧***) and the parts of those names (娜娜 → **)."""
    text = text or ""
    for part in sorted({p for a in addresses for p in address_parts(a)}, key=len, reverse=True):
        text = re.sub(re.escape(part) + _HOUSE_NUMBERS, _stars, text)
    text = _ID_NUMBER.sub(_stars, text)
    text = _MOBILE.sub(_stars, text)
    text = _LANDLINE.sub(_stars, text)
    text = _EMAIL.sub("***@***", text)
    text = _LONG_NUMBER.sub(lambda m: "*" * (len(m.group()) - 4) + m.group()[-4:], text)
    full = {n.strip() for n in names if n and len(n.strip()) > 1}
    for name in sorted(full, key=len, reverse=True):
        text = text.replace(name, masked_name(name))
    for part in sorted({p for n in full for p in name_parts(n)}, key=len, reverse=True):
        text = text.replace(part, "*" * len(part))
    return text


def mask_id_numbers(text: str) -> str:
    """ID numbers written into a citizen's own text keep their first and last four characters
    (4104**********0025), like everywhere else in the system; the rest of the text is theirs and stays."""
    return _ID_NUMBER.sub(lambda m: mask_id_number(m.group()), text or "")


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


def window_label(window) -> str:
    """How a desk is named to a citizen: 窗口 A07 综合帮办窗口，1 楼."""
    return _("Window %(number)s %(name)s, floor %(floor)d") % {
        "number": window.number,
        "name": window.name,
        "floor": window.floor,
    }


# Today's desk of a helper comes from the roster (rosters app), which sits above requests in the layering:
# requests must not import it, so rosters registers its function here when the app is ready
# (rosters.desks, RostersConfig.ready). The function takes (helper, centre, day) and answers a label, or None
# when the centre has no published roster for the day, in which case the helper's usual window is shown.
# With it comes the roster's version: a function from a centre id (an expression) to a subquery that changes
# whenever anything that centre's desks depend on changes; the cached status page is keyed on it.
_todays_desk: list = []
_desk_version: list = []


def register_todays_desk(fn, *, version=None) -> None:
    """Install the function that says where a helper is on a day (one, the last registered, is used), and the
    subquery that versions it (see above)."""
    _todays_desk[:] = [fn]
    _desk_version[:] = [version] if version is not None else []


def _desk(helper: StaffMember | None, *, centre: ServiceCentre | None = None, today: date | None = None) -> str:
    """Today's desk from the roster when the centre has one, else the helper's usual (static) window."""
    if helper is None:
        return ""
    if _todays_desk:
        rostered = _todays_desk[0](helper=helper, centre=centre, day=today or timezone.localdate())
        if rostered is not None:
            return rostered
    window = getattr(helper, "window", None)
    if window is None:
        return ""
    return window_label(window)


def _known_names(req: ServiceRequest) -> tuple[str, ...]:
    delivery = getattr(req, "delivery", None)
    names = [req.applicant_name, req.contact_person, req.pickup_recipient]
    if delivery is not None:
        names += [delivery.signer, delivery.recipient]
    return tuple(n for n in names if n)


def _known_addresses(req: ServiceRequest) -> tuple[str, ...]:
    """The addresses on file for the applicant: their own, the postal address for the result, the delivery's."""
    delivery = getattr(req, "delivery", None)
    addresses = [req.applicant_address, req.pickup_address]
    if delivery is not None:
        addresses.append(delivery.address)
    return tuple(a for a in addresses if a)


def public_events(req: ServiceRequest) -> list[PublicEvent]:
    """The public timeline: labels, plus scrubbed notes where the note is addressed to the applicant."""
    names = _known_names(req)
    addresses = _known_addresses(req)
    delivery = getattr(req, "delivery", None)
    events = []
    for event in req.events.filter(public=True).order_by("at", "pk"):
        detail = ""
        if event.verb in NOTE_FOR_APPLICANT:
            detail = scrub(event.note, names=names, addresses=addresses)
        elif event.verb == "posted" and delivery is not None and delivery.method == DeliveryMethod.POST:
            detail = _("Sent by %(carrier)s, tracking number ending %(tail)s.") % {
                "carrier": scrub(delivery.carrier, names=names, addresses=addresses),
                "tail": delivery.tracking_number[-4:],
            }
        events.append(PublicEvent(at=event.at, label=event.verb_label, detail=detail))
    return events


def request_public_status(req: ServiceRequest, *, today: date | None = None) -> PublicRequestStatus:
    """The public view of a request (see the module docstring)."""
    today = today or timezone.localdate()
    status = Status(req.status)
    names = _known_names(req)
    addresses = _known_addresses(req)
    days_left = None
    if req.deadline and status in (Status.ACCEPTED, Status.IN_PROGRESS):
        days_left = WorkingCalendar().working_days_between(today, req.deadline)
    missing = [
        PublicMaterial(
            name=c.name,
            status_label=MaterialStatus(c.status).label,
            how_to_obtain=c.how_to_obtain,
            note=scrub(c.note, names=names, addresses=addresses),
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
                for part in (
                    open_suspension.get_reason_display(),
                    scrub(open_suspension.note, names=names, addresses=addresses),
                )
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
        desk=_desk(req.helper, centre=req.centre, today=today),
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


def request_public_version(request_id: int) -> tuple | None:
    """What the status page of a request depends on, in one indexed query; None for no such request.

    Every service that changes what the page shows writes the request's event in the same transaction, under
    the request's row lock (requests.services.base): the number of events changes with each of them (a count,
    not the highest id: ids are taken before commit and could land out of order; events are never deleted).
    ``updated_at`` covers a field changed with the status. Today's desk depends on the roster of the helper's
    centre, versioned by the subquery rosters registered, and on the helper's usual window when there is none.
    Nothing personal: ids, times and counts only, fit for a cache key.
    """
    events = (
        RequestEvent.objects.filter(request=OuterRef("pk"))
        .order_by()
        .values("request")
        .annotate(n=Count("*"))
        .values("n")
    )
    rows = ServiceRequest.objects.filter(pk=request_id).annotate(event_count=Subquery(events))
    fields = ["updated_at", "event_count", "helper_id", "helper__window_id"]
    if _desk_version:
        centre = Coalesce(OuterRef("helper__centre_id"), OuterRef("centre_id"))
        rows = rows.annotate(desk_version=Subquery(_desk_version[0](centre)))
        fields.append("desk_version")
    found = next(iter(rows.order_by().values_list(*fields)), None)
    if found is None:
        return None
    updated_at, *rest = found
    return (updated_at.timestamp(), *rest)


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
    booked_on: date | None = None,
) -> OnlineConsultation:
    """A citizen's question or appointment request from the public pages: it lands as a Consultation in the
    centre's list, owned by the matter's responsible helper or the front desk, with a reference number.
    ``booked_on``: the day whose appointment window is checked (today when not given; see appointment_book)."""
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
        if preferred_date not in appointment_dates(booked_on):
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
        answer_due=consultation_answer_due(today),
        # The model needs the user who recorded it; online nobody did, so it is the owner's login.
        created_by=owner.user,
    )
    ConsultationEvent.record(consultation=consultation, verb=ConsultationVerb.RECORDED, actor=CITIZEN, owner=owner)
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
        actor=CITIZEN,
        request_id=req.pk,
        rating=rating,
        efficiency=efficiency,
        service_level=service_level,
        attitude=attitude,
        comment=comment,
    )
