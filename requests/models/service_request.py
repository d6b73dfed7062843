"""A request for assist or agency, its key project and its event log (F-REQ-2, F-REQ-11, F-REQ-12)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hallservice.core import fields, text_limits
from hallservice.core.crypto import EncryptedCharField, blind_index, mask_phone
from hallservice.core.events import Event, verb_field
from hallservice.core.identity import IdType, mask_document_number
from hallservice.core.scoping import CentreScopedQuerySet


class Kind(models.TextChoices):
    ASSIST = "assist", _("Assist")
    AGENCY = "agency", _("Agency")


class Channel(models.TextChoices):
    HALL = "hall", _("Hall")
    WINDOW = "window", _("Window")
    ONLINE = "online", _("Online")
    PHONE = "phone", _("Phone")
    DOOR_TO_DOOR = "door_to_door", _("Door to door")


class Category(models.TextChoices):
    KEY_PROJECT = "key_project", _("Key project or enterprise")
    TALENT_CARD = "talent_card", _("Talent card holder")
    SPECIAL_CARE = "special_care", _("Elderly, disabled or pregnant")
    MILITARY = "military", _("Military green channel")
    INSPECTION = "inspection", _("Inspection or emergency")
    COMPLAINT = "complaint", _("Complaint special handling")
    OTHER = "other", _("Other")


class PriorityGroup(models.TextChoices):
    """Applicants the desk serves first (seed 001 五): "对于老弱病残孕、行动不便人员，以及高层次人才、军人等特定群众，
    应主动靠前提供帮办代办服务；对于省、市重点建设项目，应提前介入提供帮办代办服务". Several may apply at once.

    Each is a flag of the request (``PRIORITY_FIELDS``) except the key project, which is the request's link to one.
    """

    ELDERLY = "elderly", _("Elderly")
    DISABLED = "disabled", _("Disabled")
    PREGNANT = "pregnant", _("Pregnant")
    MILITARY = "military", _("Military or military family")
    KEY_PROJECT = "key_project", _("Key project")


# The request's field of each priority group that is a flag; the key project group is ``key_project IS NOT NULL``.
PRIORITY_FIELDS = {
    PriorityGroup.ELDERLY: "applicant_elderly",
    PriorityGroup.DISABLED: "applicant_disabled",
    PriorityGroup.PREGNANT: "applicant_pregnant",
    PriorityGroup.MILITARY: "applicant_military",
}


def priority_group_q(group: str) -> Q:
    """The condition "the request's applicant belongs to ``group``", for filters and statistics alike."""
    if group == PriorityGroup.KEY_PROJECT:
        return Q(key_project__isnull=False)
    return Q(**{PRIORITY_FIELDS[group]: True})


class ApplicantType(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class PickupMethod(models.TextChoices):
    HALL = "hall", _("Pick up in the hall")
    POST = "post", _("Free postal delivery")


class Status(models.TextChoices):
    APPLIED = "applied", _("Applied")
    DEFICIENT = "deficient", _("Waiting for materials")
    REFUSED = "refused", _("Refused")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    SUSPENDED = "suspended", _("Suspended")
    COMPLETED = "completed", _("Completed")
    DELIVERED = "delivered", _("Delivered")
    TERMINATED = "terminated", _("Terminated")
    ARCHIVED = "archived", _("Archived")


# States in which the promised deadline runs (or is paused) and the request still needs work.
OPEN_STATUSES = (Status.ACCEPTED, Status.IN_PROGRESS, Status.SUSPENDED)
# States before acceptance: no deadline yet.
INTAKE_STATUSES = (Status.APPLIED, Status.DEFICIENT)
CLOSED_STATUSES = (Status.REFUSED, Status.COMPLETED, Status.DELIVERED, Status.TERMINATED, Status.ARCHIVED)
# An urgent request still to be worked on: the queue lists these first, by internal target (issue 18).
URGENT_PENDING = Q(urgent=True, status__in=[*INTAKE_STATUSES, *OPEN_STATUSES])


class KeyProject(models.Model):
    """A provincial or municipal priority project; a bureau leader designates its agent from the duty leaders.

    Seed 000 三.4: "由市行政审批服务局根据业务类别，从带班人员中为每个项目指定一名代办员，负责该项目全程代办". The
    agent is empty until designated (``requests.services.key_projects``); every designation is a
    ``KeyProjectEvent``.
    """

    name = models.CharField(_("name"), max_length=200)
    centre = fields.centre()
    agent = fields.staff_member(_("dedicated agent"), optional=True, related_name="key_projects")
    enterprise = models.CharField(_("enterprise"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=20, blank=True, help_text=_("provincial / municipal"))
    description = models.TextField(_("description"), max_length=text_limits.TEXT, blank=True)
    created_at = fields.created_at(_("created at"))

    objects = CentreScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("key project")
        verbose_name_plural = _("key projects")
        permissions = [("designate_key_project_agent", _("Can designate the agent of a key project"))]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from staff.models import StaffKind

        if self.agent_id and self.agent.kind != StaffKind.DUTY_LEADER:
            raise ValidationError({"agent": _("The dedicated agent of a key project must be a duty leader.")})


@dataclass(frozen=True)
class ApplicantIdentity:
    """An applicant's (checked) document number and phone, and the hash, mask and tail stored beside them.

    The one place these are derived: searches go by the hash, lists show the mask, the queue filters by the
    phone's last four digits, so a row written any other way would be missed or shown wrongly.
    """

    id_type: str
    id_number: str
    phone: str

    def fields(self) -> dict[str, str]:
        """The request's fields for this identity, by name."""
        return {
            "applicant_id_type": self.id_type,
            "applicant_id_number": self.id_number,
            "applicant_id_hash": blind_index(self.id_number, purpose="id"),
            "applicant_id_masked": mask_document_number(self.id_type, self.id_number),
            "applicant_phone": self.phone,
            "applicant_phone_hash": blind_index(self.phone, purpose="phone"),
            "applicant_phone_masked": mask_phone(self.phone),
            "applicant_phone_tail": self.phone[-4:],
        }


# A request forwarded away from the centre that registered it. Written the same way in the partial index on
# forwarded requests and in the queries that want it, so both databases see the index applies (issue 17).
FORWARDED = ~Q(centre_id=F("origin_centre_id"))


def _overdue(today) -> dict:
    return {"status__in": (Status.ACCEPTED, Status.IN_PROGRESS), "deadline__lt": today}


class ServiceRequestQuerySet(CentreScopedQuerySet):
    # Requests of the user's centres, and those their centre registered and forwarded upwards (a read-only trace:
    # only the centre in charge acts, ``restrict(user, via="centre")``).
    centre_path = ("centre", "origin_centre")

    def open(self) -> ServiceRequestQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today) -> ServiceRequestQuerySet:
        # A suspended request's deadline is frozen until it resumes, so it is never overdue while paused.
        return self.filter(**_overdue(today))

    def not_overdue(self, today) -> ServiceRequestQuerySet:
        # The complement on the same rows (exclude adds "deadline IS NOT NULL"), with no NOT IN over a subquery.
        return self.exclude(**_overdue(today))


class ServiceRequest(models.Model):
    """One applicant's request for assist or agency with one matter, from application to archive."""

    number = models.CharField(_("number"), max_length=32, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=15, choices=Channel.choices, default=Channel.HALL)
    category = models.CharField(
        _("applicant category"), max_length=15, choices=Category.choices, default=Category.OTHER
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.APPLIED, db_index=True
    )

    applicant_type = models.CharField(
        _("applicant type"), max_length=12, choices=ApplicantType.choices, default=ApplicantType.PERSON
    )
    applicant_name = models.CharField(_("applicant"), max_length=200, db_index=True)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    # A person's identity document (blank for an organisation, which gives its credit code); see hallservice.core.identity.
    applicant_id_type = models.CharField(
        _("document type"), max_length=15, choices=IdType.choices, default=IdType.RESIDENT_ID, blank=True
    )
    applicant_id_document = models.CharField(
        _("document name"), max_length=30, blank=True, help_text=_("For a passport or other document: which one")
    )
    # Personal data: encrypted at rest, searchable by keyed hash, listed only in masked form.
    applicant_id_number = EncryptedCharField(_("ID number / credit code"))
    applicant_id_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    applicant_id_masked = models.CharField(_("ID number / credit code"), max_length=32, blank=True, editable=False)
    applicant_phone = EncryptedCharField(_("phone"))
    applicant_phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    applicant_phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    # The last four digits, which clerks search by ("尾号 5678"); indexed, unlike a LIKE '%5678' on the mask.
    applicant_phone_tail = models.CharField(max_length=4, blank=True, editable=False, db_index=True)
    applicant_address = EncryptedCharField(_("address"))
    # Priority groups (PriorityGroup): elderly is derived from the date of birth in the ID number at registration
    # (requests.services.priority.elderly_of); the others are ticked by the clerk.
    applicant_elderly = models.BooleanField(_("elderly"), default=False)
    applicant_disabled = models.BooleanField(_("disabled"), default=False)
    applicant_pregnant = models.BooleanField(_("pregnant"), default=False)
    applicant_military = models.BooleanField(_("military or military family"), default=False)

    matter = models.ForeignKey("requests.Matter", verbose_name=_("matter"), on_delete=models.PROTECT, related_name="+")
    centre = fields.centre(related_name="requests")
    origin_centre = models.ForeignKey(
        "staff.ServiceCentre",
        verbose_name=_("registered at"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Where the request was first registered; differs from the centre after forwarding"),
    )
    helper = fields.staff_member(_("dedicated helper"), related_name="requests")
    lead_department = fields.department(_("lead department"), related_name="+")
    key_project = fields.optional_reference(
        KeyProject, _("key project"), on_delete=models.PROTECT, related_name="requests"
    )
    reason = models.CharField(
        _("reason for help"), max_length=text_limits.REASON, blank=True, help_text=_("受理理由 in the ledger")
    )
    commission_signed = models.BooleanField(_("commission letter signed"), default=False)
    # 急办 (seed 000 三.3): the reason and the internal target, a date before the promised deadline.
    urgent = models.BooleanField(_("urgent"), default=False)
    urgent_reason = models.CharField(_("reason for urgency"), max_length=text_limits.REASON, blank=True)
    urgent_target = models.DateField(_("internal target date"), null=True, blank=True)
    # How the applicant wants the result (commission letter): hall pick-up or free postal delivery.
    pickup_method = models.CharField(
        _("result pick-up"), max_length=10, choices=PickupMethod.choices, default=PickupMethod.HALL
    )
    pickup_recipient = models.CharField(_("recipient"), max_length=50, blank=True)
    pickup_address = EncryptedCharField(_("postal address"))
    pickup_phone = EncryptedCharField(_("recipient phone"))
    lookup_code = models.CharField(_("lookup code"), max_length=12, editable=False)

    applied_at = fields.created_at(_("applied at"))
    accepted_at = fields.moment(_("accepted at"))
    accepted_by = fields.user(_("accepted by"), optional=True)
    deadline = models.DateField(_("promised deadline"), null=True, blank=True, db_index=True)
    paused_working_days = models.PositiveIntegerField(_("paused working days"), default=0)
    extension_working_days = models.PositiveIntegerField(_("extension working days"), default=0)
    completed_at = fields.moment(_("completed at"))
    result = models.TextField(_("result"), max_length=text_limits.RESULT, blank=True)
    delivered_at = fields.moment(_("delivered at"))
    closed_at = fields.moment(_("closed at"))
    archived_at = fields.moment(_("archived at"))
    termination_reason = models.CharField(_("termination reason"), max_length=30, blank=True)
    # How many one-time deficiency notices the applicant got: 0 means done in one visit (statistics read it
    # without joining the event log, which is ten times larger).
    deficiency_notices = models.PositiveSmallIntegerField(_("deficiency notices"), default=0, editable=False)
    # The clerk's deadline and instructions for the missing materials, printed on the one-time notice.
    deficiency_note = models.TextField(_("deficiency notice note"), max_length=text_limits.NOTE, blank=True)
    # Timer bookkeeping, so each warning is sent once (tasks must be idempotent).
    deadline_warned_on = models.DateField(null=True, blank=True, editable=False)
    overdue_flagged_on = models.DateField(null=True, blank=True, editable=False)
    summary_flagged_on = models.DateField(null=True, blank=True, editable=False)
    # The first day of the silence (no progress report) the helper was last reminded of: one reminder per silence,
    # and a new report (a later first day) lets the next silence be reminded of again (requests/progress_clock.py).
    progress_prompted_for = models.DateField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = fields.user(_("registered by"))

    objects = ServiceRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-applied_at", "-pk"]
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        indexes = [
            models.Index(fields=["centre", "status", "deadline"]),
            models.Index(fields=["helper", "status"]),
            # Supervision statistics filter one centre's year by date: each of these answers its figures from
            # the index alone on PostgreSQL (the INCLUDE columns; SQLite ignores them).
            models.Index(
                fields=["centre", "applied_at"],
                include=["lead_department", "kind", "channel", "category", "status", "accepted_at", "helper"],
                name="request_stats_applied",
            ),
            models.Index(
                fields=["centre", "completed_at"],
                include=["accepted_at", "deadline", "deficiency_notices", "helper"],
                name="request_stats_completed",
            ),
            # The statistics' daily figures recount one day's registrations, acceptances and completions.
            models.Index(fields=["applied_at"], name="request_applied_at"),
            models.Index(fields=["accepted_at"], name="request_accepted_at"),
            models.Index(fields=["completed_at"], name="request_completed_at"),
            # The queue and the API list (issue 17), newest first: "request_stats_applied" serves a centre's
            # list; these serve its status tabs, a helper's own requests, and the few requests forwarded away
            # from a centre, each walked from the cursor for one page (see requests.selectors.request_page).
            models.Index(fields=["centre", "status", "applied_at"], name="request_queue_status"),
            models.Index(fields=["helper", "applied_at"], name="request_queue_helper"),
            models.Index(fields=["origin_centre", "applied_at"], condition=FORWARDED, name="request_queue_forwarded"),
            # The urgent requests the queue lists first (issue 18): few rows, read whole by internal target.
            models.Index(fields=["centre", "urgent_target"], condition=Q(urgent=True), name="request_queue_urgent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=[s.value for s in OPEN_STATUSES]) | Q(deadline__isnull=False),
                name="open_request_has_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(kind=Kind.AGENCY, status__in=[s.value for s in OPEN_STATUSES])
                | Q(commission_signed=True),
                name="agency_in_progress_has_commission",
            ),
            models.CheckConstraint(
                condition=Q(urgent=False) | (Q(urgent_target__isnull=False) & ~Q(urgent_reason="")),
                name="urgent_request_has_reason_and_target",
            ),
        ]
        permissions = [
            ("register_request", _("Can register consultations and requests")),
            ("handle_request", _("Can accept and handle requests")),
            ("reassign_request", _("Can reassign requests to another helper")),
            ("approve_extension", _("Can approve deadline extensions")),
            ("archive_request", _("Can archive requests")),
            ("claim_department_task", _("Can claim and report a department's part")),
            ("manage_key_project", _("Can manage key projects")),
            ("follow_up_evaluation", _("Can follow up poor evaluations")),
            ("convene_joint_meeting", _("Can convene joint meetings")),
            ("view_personal_data", _("Can see unmasked personal data of requests in scope")),
            ("prioritise_request", _("Can mark requests urgent and record the applicant's priority groups")),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("requests:detail", args=[self.pk])

    @property
    def is_archived(self) -> bool:
        return self.status == Status.ARCHIVED

    @property
    def priority_groups(self) -> list[PriorityGroup]:
        """The applicant's priority groups, in the order of PriorityGroup (the queue's badges)."""
        groups = [group for group, name in PRIORITY_FIELDS.items() if getattr(self, name)]
        return [*groups, PriorityGroup.KEY_PROJECT] if self.key_project_id else groups

    def set_applicant_identity(self, identity: ApplicantIdentity) -> None:
        """Set the applicant's document number and phone together with their hash, mask and tail."""
        for name, value in identity.fields().items():
            setattr(self, name, value)


class RequestVerb(models.TextChoices):
    """What can happen to a request: the closed set of ``RequestEvent.verb``, with what each says on the pages."""

    REGISTERED = "registered", _("Registered")
    MATERIALS_REVIEWED = "materials_reviewed", _("Materials reviewed")
    MATERIALS_SUPPLIED = "materials_supplied", _("Materials supplied")
    HANDOVER_RECORDED = "handover_recorded", _("Materials handed over")
    ACCEPTED = "accepted", _("Accepted")
    DEFICIENCY_NOTICE = "deficiency_notice", _("Deficiency notice issued")
    REFUSED = "refused", _("Refused")
    CONVERTED_TO_AGENCY = "converted_to_agency", _("Converted to agency")
    FORWARDED = "forwarded", _("Forwarded to the parent centre")
    STARTED = "started", _("Handling started")
    WORK_LOGGED = "work_logged", _("Work log")
    PROGRESS_REPORTED = "progress_reported", _("Progress report")
    DEPARTMENT_TASK_ADDED = "department_task_added", _("Department asked to take part")
    DEPARTMENT_TASK_CLAIMED = "department_task_claimed", _("Department claimed its part")
    DEPARTMENT_TASK_DONE = "department_task_done", _("Department finished its part")
    DEPARTMENT_TASK_BLOCKED = "department_task_blocked", _("Department's part blocked")
    # Department parts' clocks (issue 18): a part in sequence opens, a reminder before its deadline, a step up.
    DEPARTMENT_TASK_OPENED = "department_task_opened", _("Department's part opened")
    DEPARTMENT_TASK_REMINDER = "department_task_reminder", _("Reminder: department's part due")
    DEPARTMENT_TASK_ESCALATED = "department_task_escalated", _("Department's part overdue, escalated")
    JOINT_MEETING = "joint_meeting", _("Joint meeting")
    SUSPENDED = "suspended", _("Suspended")
    RESUMED = "resumed", _("Resumed")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_APPROVED = "extension_approved", _("Extension approved")
    EXTENSION_REJECTED = "extension_rejected", _("Extension rejected")
    REASSIGNED = "reassigned", _("Dedicated helper changed")
    KEY_PROJECT_LINKED = "key_project_linked", _("Linked to a key project")
    COMPLETED = "completed", _("Completed")
    POSTED = "posted", _("Result posted")
    DELIVERED = "delivered", _("Result delivered")
    RECEIPT_CONFIRMED = "receipt_confirmed", _("Receipt confirmed")
    TERMINATED = "terminated", _("Terminated")
    EVALUATED = "evaluated", _("Evaluated")
    FOLLOW_UP_OPENED = "follow_up_opened", _("Follow-up opened")
    FOLLOWED_UP = "followed_up", _("Followed up")
    # The rectification case after a poor evaluation (models/closing.py).
    RECTIFIED = "rectified", _("Rectification done")
    RE_EVALUATED = "re_evaluated", _("Rated again after rectification")
    APPEAL_FILED = "appeal_filed", _("Appeal against the rating")
    APPEAL_DECIDED = "appeal_decided", _("Appeal decided")
    FOLLOW_UP_OVERDUE = "follow_up_overdue", _("Return visit overdue")
    RECTIFICATION_OVERDUE = "rectification_overdue", _("Rectification overdue")
    # The cause of a poor rating, for training (requests.causes).
    CAUSE_RECORDED = "cause_recorded", _("Cause recorded for training")
    SUMMARY_WRITTEN = "summary_written", _("Summary written")
    SUMMARY_REVISED = "summary_revised", _("Summary revised")
    ARCHIVED = "archived", _("Archived")
    DEADLINE_WARNING = "deadline_warning", _("Deadline approaching")
    DEADLINE_MOVED = "deadline_moved", _("Promised date moved")
    OVERDUE = "overdue", _("Overdue")
    SUMMARY_OVERDUE = "summary_overdue", _("Summary overdue")
    MATERIAL_REMINDER = "material_reminder", _("Reminder: promised material")
    PROGRESS_REPORT_PROMPTED = "progress_report_prompted", _("Reminder: progress report due")
    CORRECTION_ASKED = "correction_asked", _("Correction of a material asked")
    DOCUMENT_ISSUED = "document_issued", _("Document issued")
    PICKUP_CHOSEN = "pickup_chosen", _("Result pick-up chosen")
    # A signed paper form kept as a file: a scan or photo, or a copy signed on the tablet (issue 18).
    SIGNATURE_KEPT = "signature_kept", _("Signed form kept")
    # The helper's follow-up after delivery (FollowUpTask, seed 004 跟踪服务), not a poor rating's return visit.
    DELIVERY_FOLLOW_UP_DUE = "delivery_follow_up_due", _("Follow-up after delivery scheduled")
    DELIVERY_FOLLOWED_UP = "delivery_followed_up", _("Followed up after delivery")
    # Urgent handling and priority groups (issue 18).
    URGENT_MARKED = "urgent_marked", _("Marked urgent")
    URGENT_UNMARKED = "urgent_unmarked", _("No longer urgent")
    PRIORITY_GROUPS_CHANGED = "priority_groups_changed", _("Priority groups changed")


class RequestEvent(Event):
    """One change to a request: who, what, from which state to which, when; public ones form the citizen's timeline."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events")
    verb = verb_field(RequestVerb)
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices, blank=True)
    public = models.BooleanField(_("public"), default=False)

    subject_field = "request"

    class Meta(Event.Meta):
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
