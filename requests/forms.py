"""Input forms of the request pages and actions. They check the shape of input; services decide the rules.

Each action of the transition table names its form here (`Action.form`); the HTML views render them and the
API validates its JSON with the same classes, so both answer bad input with the same field messages.
Field names are the services' keyword arguments.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hallservice.core import text_limits
from hallservice.core.form_fields import two_way_choice
from hallservice.core.identity import IdType
from staff.models import Department, ServiceCentre, StaffMember

from .causes import FailureCause
from .models import (
    ApplicantType,
    Category,
    Channel,
    ConsultationChannel,
    DeliveryMethod,
    DocumentKind,
    ExtensionStatus,
    FollowUpOutcome,
    Kind,
    MaterialStatus,
    PickupMethod,
    Rating,
    SignedFormKind,
    Status,
    SuspensionReason,
    TaskStatus,
)
from .selectors import key_projects_linkable
from .services import TERMINATION_REASONS, RegistrationInput

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class ActionForm(forms.Form):
    """A form for one action on one request; ``req`` and ``user`` let it offer only sensible choices."""

    def __init__(self, *args, req=None, user=None, **kwargs):
        self.req, self.user = req, user
        super().__init__(*args, **kwargs)


class NoteForm(ActionForm):
    note = forms.CharField(label=_("Note"), required=False, max_length=500, widget=TEXTAREA)


class DeficiencyNoticeForm(ActionForm):
    """出具一次性告知单 is one step: the request becomes deficient and the notice is printed for the applicant.

    ``note`` is the clerk's deadline and instructions for the missing materials, printed on the notice.
    """

    note = forms.CharField(
        label=_("Deadline and instructions for the missing materials"),
        required=False,
        max_length=500,
        widget=TEXTAREA,
    )
    print_notice = forms.BooleanField(
        label=_("Print the deficiency notice for the applicant now"), required=False, initial=True
    )


class EmptyForm(ActionForm):
    pass


class ReviewMaterialsForm(ActionForm):
    """One status per material of the request (and a promised date for a tolerant waiver).

    Each material starts from what registration recorded: ticked there (provided) or reviewed since, its
    status; never checked (not ticked at registration), 缺少 (missing) — so one click never records a
    material nobody saw as provided.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(s.value, s.label) for s in MaterialStatus if s != MaterialStatus.UNCHECKED]
        self.checks = list(self.req.material_checks.all()) if self.req else []
        for check in self.checks:
            self.fields[f"status_{check.pk}"] = forms.ChoiceField(
                label=check.name,
                choices=choices,
                initial=check.status if check.status in dict(choices) else MaterialStatus.MISSING,
            )
            self.fields[f"promised_by_{check.pk}"] = forms.DateField(
                label=_("Promised by"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
                initial=check.promised_by,
            )
            self.fields[f"note_{check.pk}"] = forms.CharField(
                label=_("Note"), required=False, max_length=300, initial=check.note
            )

    def rows(self):
        for check in self.checks:
            yield check, self[f"status_{check.pk}"], self[f"promised_by_{check.pk}"], self[f"note_{check.pk}"]

    def service_kwargs(self) -> dict:
        return {
            "reviews": [
                {
                    "check_id": check.pk,
                    "status": self.cleaned_data[f"status_{check.pk}"],
                    "promised_by": self.cleaned_data[f"promised_by_{check.pk}"],
                    "note": self.cleaned_data[f"note_{check.pk}"],
                }
                for check in self.checks
            ]
        }

    @staticmethod
    def data_from_api(data) -> dict:
        """The API sends ``{"reviews": [{"check_id", "status", "promised_by", "note"}]}``."""
        flat = {}
        for review in data.get("reviews") or []:
            if isinstance(review, dict) and "check_id" in review:
                key = review["check_id"]
                flat[f"status_{key}"] = review.get("status", "")
                flat[f"promised_by_{key}"] = review.get("promised_by") or ""
                flat[f"note_{key}"] = review.get("note") or ""
        return flat


class HandoverForm(ActionForm):
    items = forms.CharField(label=_("Materials received"), max_length=2000, widget=TEXTAREA)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class AcceptForm(ActionForm):
    """Acceptance; the hand-over record only for an agency request, whose signed commission letter is kept as a file
    (the request page's signed forms, or the API's signatures endpoints), not ticked here."""

    handover_items = forms.CharField(
        label=_("Materials handed over (agency)"), required=False, max_length=2000, widget=TEXTAREA
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.req is not None and self.req.kind != Kind.AGENCY:
            # An assist has no commission and no hand-over: those fields would only confuse the clerk.
            del self.fields["handover_items"]


class RefuseForm(ActionForm):
    reason = forms.CharField(label=_("Reason told to the applicant"), max_length=500, widget=TEXTAREA)


class SupplyMaterialsForm(ActionForm):
    check_ids = forms.TypedMultipleChoiceField(
        label=_("Materials supplied"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.req is not None:
            self.fields["check_ids"].choices = [
                (c.pk, c.name) for c in self.req.material_checks.all() if c.status != MaterialStatus.PROVIDED
            ]


class AskCorrectionForm(ActionForm):
    check_id = forms.TypedChoiceField(label=_("Material to correct"), coerce=int)
    what = forms.CharField(label=_("What the applicant must correct"), max_length=300, widget=TEXTAREA)
    due = forms.DateField(label=_("Correct by"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.req is not None:
            self.fields["check_id"].choices = [
                (c.pk, c.name) for c in self.req.material_checks.all() if c.status == MaterialStatus.PROVIDED
            ]


class ConvertToAgencyForm(ActionForm):
    reason = forms.CharField(label=_("Why the applicant needs agency"), max_length=300)
    handover_items = forms.CharField(
        label=_("Materials handed over"), required=False, max_length=2000, widget=TEXTAREA
    )


class WorkLogForm(ActionForm):
    text = forms.CharField(label=_("Work done"), max_length=2000, widget=TEXTAREA)
    problem = forms.CharField(label=_("Problem met"), required=False, max_length=2000, widget=TEXTAREA)
    resolution = forms.CharField(label=_("How it was solved"), required=False, max_length=2000, widget=TEXTAREA)


class ProgressForm(ActionForm):
    text = forms.CharField(label=_("Progress for the applicant"), max_length=1000, widget=TEXTAREA)


class DepartmentTaskForm(ActionForm):
    """A department's part: in parallel, or after an earlier part of the request (requests/department_clock.py)."""

    department_id = forms.TypedChoiceField(label=_("Department"), coerce=int)
    description = forms.CharField(label=_("Its part"), max_length=300)
    working_days = forms.IntegerField(
        label=_("Time limit (working days)"),
        min_value=1,
        max_value=60,
        required=False,
        help_text=_("Counted from the day the part opens; empty: the hall's default."),
    )
    after_id = forms.TypedChoiceField(
        label=_("After part"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", _("— in parallel —"))],
        help_text=_(
            "An earlier part of this request: this part opens, and its time limit starts, when that one is done."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["working_days"].widget.attrs["placeholder"] = str(settings.DEPARTMENT_TASK_WORKING_DAYS)
        if self.req is not None:  # without a request (API schema) no query runs
            parts = list(self.req.department_tasks.select_related("department"))
            taken = {t.department_id for t in parts}
            self.fields["department_id"].choices = [
                (d.pk, d.name) for d in Department.objects.order_by("code") if d.pk not in taken
            ]
            self.fields["after_id"].choices += [(t.pk, f"{t.department.name}：{t.description}") for t in parts]


class TaskChoiceForm(ActionForm):
    """Pick one of the request's department tasks that belongs to the user's department."""

    task_statuses: tuple[str, ...] = (TaskStatus.OPEN,)
    task_id = forms.TypedChoiceField(label=_("Part"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        member = getattr(self.user, "staff_member", None)
        tasks = self.req.department_tasks.select_related("department") if self.req else []
        self.fields["task_id"].choices = [
            (t.pk, f"{t.department.name}：{t.description}")
            for t in tasks
            if t.status in self.task_statuses and (member is None or member.department_id == t.department_id)
        ]


class ClaimTaskForm(TaskChoiceForm):
    pass


class FinishTaskForm(TaskChoiceForm):
    task_statuses = (TaskStatus.CLAIMED, TaskStatus.BLOCKED)
    done = forms.TypedChoiceField(
        label=_("Result"),
        coerce=lambda v: v in (True, "True", "true", "1"),
        choices=[("true", _("Done")), ("false", _("Blocked"))],
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class JointMeetingForm(ActionForm):
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    attendees = forms.CharField(label=_("Attendees"), max_length=500)
    minutes = forms.CharField(label=_("Minutes"), max_length=5000, widget=TEXTAREA)
    decisions = forms.CharField(label=_("Decisions"), required=False, max_length=2000, widget=TEXTAREA)


class SuspendForm(ActionForm):
    reason = forms.ChoiceField(label=_("Reason"), choices=SuspensionReason.choices)
    resume_by = forms.DateField(label=_("Resume by"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("What the applicant must do"), required=False, max_length=500, widget=TEXTAREA)


class ExtensionRequestForm(ActionForm):
    working_days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=60)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ExtensionDecisionForm(ActionForm):
    extension_id = forms.TypedChoiceField(label=_("Extension"), coerce=int)
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda v: v in (True, "True", "true", "1"),
        choices=[("true", _("Approve")), ("false", _("Reject"))],
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pending = self.req.extensions.filter(status=ExtensionStatus.PENDING) if self.req else []
        self.fields["extension_id"].choices = [(e.pk, f"+{e.working_days}：{e.reason}") for e in pending]


class ReassignForm(ActionForm):
    helper_id = forms.TypedChoiceField(label=_("New dedicated helper"), coerce=int)
    reason = forms.CharField(label=_("Reason told to the applicant"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.req is not None:
            staff = StaffMember.objects.active().filter(centre_id__in=(self.req.centre_id, self.req.origin_centre_id))
            self.fields["helper_id"].choices = [
                (m.pk, m.name) for m in staff.exclude(pk=self.req.helper_id).order_by("name")
            ]


class KeyProjectForm(ActionForm):
    key_project_id = forms.TypedChoiceField(label=_("Key project"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.req is not None:
            # Only what the service accepts: the request's centre and the centres above it, visible to the user.
            projects = key_projects_linkable(actor=self.user, centre=self.req.centre).order_by("name")
            self.fields["key_project_id"].choices = [(p.pk, p.name) for p in projects]


class MarkUrgentForm(ActionForm):
    """急办: the reason, and an internal target before the promised deadline (blank: computed)."""

    urgent_reason = forms.CharField(label=_("Why it is urgent"), max_length=text_limits.REASON)
    urgent_target = forms.DateField(
        label=_("Internal target (blank: computed from the promised deadline)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=text_limits.SHORT_NOTE)


class UnmarkUrgentForm(ActionForm):
    note = forms.CharField(label=_("Why it is no longer urgent"), max_length=text_limits.REASON)


class PriorityGroupsForm(ActionForm):
    """The applicant's priority groups; elderly counts only when the document carries no birth date."""

    elderly = forms.BooleanField(label=_("Elderly (derived from a resident ID)"), required=False)
    disabled = forms.BooleanField(label=_("Disabled"), required=False)
    pregnant = forms.BooleanField(label=_("Pregnant"), required=False)
    military = forms.BooleanField(label=_("Military or military family"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=text_limits.SHORT_NOTE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.req is not None:
            for name in ("elderly", "disabled", "pregnant", "military"):
                self.fields[name].initial = getattr(self.req, f"applicant_{name}")


class CompleteForm(ActionForm):
    result = forms.CharField(label=_("Result"), max_length=text_limits.RESULT, widget=TEXTAREA)


class DeliverForm(ActionForm):
    """送达: starts from what is known and offers only the methods the request's state allows.

    An assist for an immediate matter, just accepted, is settled on the spot (only that method, with the result);
    a completed request is handed over in person or posted (never "on the spot"), preselecting the pick-up the
    applicant chose on the commission letter. The signer defaults to the applicant; the postal recipient and
    address to the pick-up choice, else the applicant on file — shown only to those who may see personal
    data, and taken from the file by the service when left empty, so nobody retypes them.

    ``print_first`` tells the page that the completion form, which the applicant signs when taking the result in
    person or at home, is not printed yet: the page says so before the clerk fills the form in (the service
    refuses those methods until it is printed); ``sign_first`` that the signed form is not kept yet.
    """

    print_first = False
    sign_first = False

    method = forms.ChoiceField(label=_("Delivery"), choices=DeliveryMethod.choices)
    signer = forms.CharField(label=_("Signed by"), required=False, max_length=50)
    recipient = forms.CharField(label=_("Recipient"), required=False, max_length=50)
    address = forms.CharField(label=_("Postal address"), required=False, max_length=300)
    carrier = forms.CharField(label=_("Carrier"), required=False, max_length=50)
    tracking_number = forms.CharField(label=_("Tracking number"), required=False, max_length=50)
    result = forms.CharField(
        label=_("Result handed over (on the spot)"), required=False, max_length=text_limits.RESULT
    )
    deliverer_id = forms.TypedChoiceField(
        label=_("Delivered by (at home)"), required=False, coerce=int, empty_value=None
    )
    handed_over_at = forms.DateTimeField(
        label=_("Signed at (at home)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Empty: now."),
    )
    returned_items = forms.CharField(
        label=_("Materials handed back to the applicant"),
        required=False,
        max_length=5000,
        widget=TEXTAREA,
        help_text=_("One per line."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        req = self.req
        if req is None:
            return
        from .actions import can_see_personal_data

        method = self.fields["method"]
        self.fields["signer"].initial = req.applicant_name
        if req.status == Status.ACCEPTED:
            method.choices = [(DeliveryMethod.ON_THE_SPOT.value, DeliveryMethod.ON_THE_SPOT.label)]
            method.initial = DeliveryMethod.ON_THE_SPOT
            for name in ("recipient", "address", "carrier", "tracking_number", "deliverer_id", "handed_over_at"):
                del self.fields[name]
            return
        self.print_first = not req.documents.filter(kind=DocumentKind.COMPLETION_FORM).exists()
        self.sign_first = not req.signatures.filter(kind=SignedFormKind.COMPLETION_FORM).exists()
        # 登门送达 (seed 003) is offered only when an address is on file: without one it cannot succeed.
        home_possible = bool(req.pickup_address or req.applicant_address)
        method.choices = [
            (m.value, m.label)
            for m in DeliveryMethod
            if m != DeliveryMethod.ON_THE_SPOT and (m != DeliveryMethod.AT_HOME or home_possible)
        ]
        if home_possible:
            staff = StaffMember.objects.active().filter(centre_id=req.centre_id).order_by("name")
            self.fields["deliverer_id"].choices = [("", "—")] + [(m.pk, m.name) for m in staff]
            member = getattr(self.user, "staff_member", None)
            self.fields["deliverer_id"].initial = member.pk if member is not None else None
        else:
            del self.fields["deliverer_id"], self.fields["handed_over_at"]
        method.initial = DeliveryMethod.POST if req.pickup_method == PickupMethod.POST else DeliveryMethod.IN_PERSON
        del self.fields["result"]
        self.fields["recipient"].initial = req.pickup_recipient or req.applicant_name
        if self.user is not None and can_see_personal_data(self.user, req):
            self.fields["address"].initial = req.pickup_address or req.applicant_address
        else:
            self.fields["address"].help_text = _("Leave empty to use the address on file.")


class TerminateForm(ActionForm):
    reason = forms.ChoiceField(
        label=_("Reason"), choices=[(k, v) for k, v in TERMINATION_REASONS.items() if k != "suspension_expired"]
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500, widget=TEXTAREA)


class EvaluateForm(ActionForm):
    rating = forms.TypedChoiceField(label=_("Rating"), coerce=int, choices=Rating.choices)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000, widget=TEXTAREA)


def cause_field() -> forms.ChoiceField:
    """The optional cause of an upheld complaint or a poor rating (requests.causes): it proposes training."""
    return forms.ChoiceField(
        label=_("Cause (for training)"),
        required=False,
        choices=[("", _("— not named —")), *FailureCause.choices],
        help_text=_("Naming the cause proposes a training topic and questions to the supervision section."),
    )


class FollowUpForm(ActionForm):
    note = forms.CharField(label=_("What was done"), max_length=1000, widget=TEXTAREA)
    cause = cause_field()


class DeliveryFollowUpForm(ActionForm):
    """The outcome of the helper's follow-up after delivery (跟踪服务); a problem found needs the note."""

    outcome = forms.ChoiceField(label=_("Outcome"), choices=FollowUpOutcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, max_length=text_limits.TEXT, widget=TEXTAREA)


class SummaryForm(ActionForm):
    """The helper's summary. Unbound, it starts from the draft built from the request's history
    (``requests.summary_draft``) when no summary exists yet, else from the summary as written; ``draft=True``
    loads the draft over an existing summary (the page's "regenerate" link). Nothing is saved until it is sent.
    """

    text = forms.CharField(
        label=_("Summary"), max_length=text_limits.SUMMARY, widget=forms.Textarea(attrs={"rows": 12})
    )

    def __init__(self, *args, draft: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        summary = getattr(self.req, "summary", None) if self.req else None
        # The page offers to replace a written summary by a fresh draft (without saving it).
        self.offers_draft = summary is not None and not draft
        if self.is_bound or self.req is None:
            return
        if summary is not None and not draft:
            self.fields["text"].initial = summary.text
        else:
            from .summary_draft import summary_draft_for

            self.fields["text"].initial = summary_draft_for(self.req)


# --- Signed forms kept as files (issue 18) ---------------------------------------------------------------


class SignatureUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Signed form"), choices=SignedFormKind.choices)
    file = forms.FileField(label=_("Scan or photo (PDF, PNG, JPEG)"))


class SignaturePadForm(forms.Form):
    # The canvas's data URL, put in by static/js/signature-pad.js when the form is sent.
    signature = forms.CharField(
        widget=forms.HiddenInput, max_length=2_000_000, error_messages={"required": _("Sign on the pad first.")}
    )


# --- Registration and consultation ------------------------------------------------------------------------


class RegistrationForm(forms.Form):
    """Walk-in registration: matter, applicant, kind and category, and the materials already at hand."""

    matter_id = forms.IntegerField(label=_("Matter"), widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Service"), choices=Kind.choices, initial=Kind.ASSIST, widget=forms.RadioSelect)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.HALL)
    category = forms.ChoiceField(label=_("Applicant category"), choices=Category.choices, initial=Category.OTHER)
    applicant_type = forms.ChoiceField(
        label=_("Applicant type"),
        choices=ApplicantType.choices,
        initial=ApplicantType.PERSON,
        widget=forms.RadioSelect,
    )
    applicant_name = forms.CharField(label=_("Name"), max_length=200)
    applicant_id_type = forms.ChoiceField(
        label=_("Document type"), choices=IdType.choices, initial=IdType.RESIDENT_ID, required=False
    )
    applicant_id_document = forms.CharField(
        label=_("Document name (passport or other)"), required=False, max_length=30
    )
    applicant_id_number = forms.CharField(label=_("ID number / credit code"), max_length=30)
    applicant_phone = forms.CharField(label=_("Phone"), max_length=20)
    contact_person = forms.CharField(
        label=_("Contact person (required for an organisation)"), required=False, max_length=50
    )
    applicant_address = forms.CharField(label=_("Address"), required=False, max_length=300)
    reason = forms.CharField(label=_("Reason for help"), required=False, max_length=text_limits.REASON)
    provided_material_ids = forms.TypedMultipleChoiceField(
        label=_("Materials at hand"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    consultation_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # The dedicated helper, when not the clerk: one of the qualified helpers the page suggests for the matter (the
    # skills matrix); the service checks they are an active member of the clerk's centre.
    helper_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Priority groups (seed 001 五 主动靠前); elderly is derived from a resident ID's birth date.
    applicant_elderly = forms.BooleanField(label=_("Elderly (derived from a resident ID)"), required=False)
    applicant_disabled = forms.BooleanField(label=_("Disabled"), required=False)
    applicant_pregnant = forms.BooleanField(label=_("Pregnant"), required=False)
    applicant_military = forms.BooleanField(label=_("Military or military family"), required=False)
    # 急办 (seed 000 三.3)
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    urgent_reason = forms.CharField(label=_("Why it is urgent"), required=False, max_length=text_limits.REASON)
    urgent_target = forms.DateField(
        label=_("Internal target (blank: computed from the promised deadline)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, matter=None, **kwargs):
        super().__init__(*args, **kwargs)
        if matter is not None:
            self.fields["provided_material_ids"].choices = [(m.pk, m.name) for m in matter.materials.all()]

    def registration_input(self) -> RegistrationInput:
        """The validated form as the input of `request_register`."""
        return RegistrationInput(**self.cleaned_data)


class ConsultationForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=ConsultationChannel.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    contact = forms.CharField(label=_("Contact"), required=False, max_length=40)
    question = forms.CharField(label=_("Question"), max_length=2000, widget=TEXTAREA)
    answer = forms.CharField(label=_("Answer"), required=False, max_length=4000, widget=TEXTAREA)
    matter_id = forms.IntegerField(label=_("Matter"), required=False)


class ConsultationAnswerForm(forms.Form):
    """The one-time answer to a consultation, or a referral to a department."""

    answer = forms.CharField(label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    referred = forms.BooleanField(label=_("Referred to a department"), required=False)


class ConsultationHandoverForm(forms.Form):
    """首问负责: hand a waiting question to a colleague of the centre, with the reason on record."""

    to_id = forms.TypedChoiceField(label=_("Hand over to"), coerce=int)
    reason = forms.CharField(label=_("Reason"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, consultation=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .services.consultations import handover_candidates

        people = handover_candidates(consultation) if consultation is not None else []
        self.fields["to_id"].choices = [("", "—")] + [(m.pk, m.name) for m in people]


# No hall kept a consultation record on this system before this day.
RECORD_EARLIEST = date(2000, 1, 1)


class ConsultationRecordForm(forms.Form):
    """The consultation record's range and file type; the range defaults to this month up to today."""

    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    format = forms.ChoiceField(label=_("File"), choices=[("xlsx", "xlsx"), ("pdf", "PDF")], required=False)

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        date_to = data.get("date_to") or today
        date_from = data.get("date_from") or date_to.replace(day=1)
        data.update(date_from=date_from, date_to=date_to, format=data.get("format") or "xlsx")
        # Year 1 in the hall's zone is before year 1 in UTC: such a bound cannot even be compared (a 500).
        early = [name for name, day in (("date_from", date_from), ("date_to", date_to)) if day < RECORD_EARLIEST]
        for name in early:
            self.add_error(name, _("Choose a date from %(year)d on.") % {"year": RECORD_EARLIEST.year})
        if not early and date_to < date_from:
            self.add_error("date_to", _("The period ends before it starts."))
        return data


# --- Poor ratings: return visit, rectification, appeals (the evaluations page) -------------------------------


class RequiredNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, widget=TEXTAREA)


class PoorRatingStepForm(RequiredNoteForm):
    """The return visit or the rectification of a poor rating, with the cause when it is known."""

    cause = cause_field()


class AppealForm(forms.Form):
    reasons = forms.CharField(label=_("Reasons for the appeal"), max_length=2000, widget=TEXTAREA)


class AppealDecisionForm(forms.Form):
    invalid = two_way_choice(
        _("Decision"), [("upheld", _("The rating stands")), ("invalid", _("The rating is invalid"))], true="invalid"
    )
    reasons = forms.CharField(label=_("Reasons for the decision"), max_length=2000, widget=TEXTAREA)


class EvaluationFilterForm(forms.Form):
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("open", _("Needing action")), ("all", _("All poor or appealed"))],
    )


# --- Key projects and printed forms ----------------------------------------------------------------------


class KeyProjectCreateForm(forms.Form):
    """A new key project; its agent is designated afterwards by a bureau leader (seed 000 三.4)."""

    name = forms.CharField(label=_("Project"), max_length=200)
    enterprise = forms.CharField(label=_("Enterprise"), max_length=200, required=False)
    level = forms.ChoiceField(
        label=_("Level"),
        choices=[("provincial", _("Provincial")), ("municipal", _("Municipal"))],
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class KeyProjectDesignateForm(forms.Form):
    """局领导指定代办员: the agent among the duty leaders of the project's centre; a reason when it changes."""

    agent_id = forms.TypedChoiceField(label=_("Agent (duty leader)"), coerce=int)
    reason = forms.CharField(
        label=_("Reason for the change (told to the applicants)"), required=False, max_length=300, widget=TEXTAREA
    )

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .services.key_projects import designatable_agents

        agents = designatable_agents(project=project).order_by("name") if project is not None else []
        self.fields["agent_id"].choices = [("", "—")] + [(m.pk, m.name) for m in agents if project.agent_id != m.pk]
        if project is None or project.agent_id is None:
            del self.fields["reason"]


class IssueForm(forms.Form):
    """Options when printing a form; the pick-up choice only matters for the commission letter."""

    signing_copy = forms.BooleanField(label=_("Signing copy with full ID numbers"), required=False)
    pickup_method = forms.ChoiceField(label=_("Result pick-up"), choices=PickupMethod.choices, required=False)
    pickup_recipient = forms.CharField(label=_("Recipient"), required=False, max_length=50)
    pickup_address = forms.CharField(label=_("Postal address"), required=False, max_length=300)
    pickup_phone = forms.CharField(label=_("Recipient phone"), required=False, max_length=20)


class LedgerExportForm(forms.Form):
    centre = forms.ModelChoiceField(label=_("Centre"), queryset=ServiceCentre.objects.none())
    date_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = ServiceCentre.objects.restrict(user).order_by("level", "code")
